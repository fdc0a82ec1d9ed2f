"""The apply rules as a Markdown catalog (docs/apply-rules.md is this output; a test keeps them equal).

Regenerate with `.venv/bin/python -m policies.apply.catalog > docs/apply-rules.md`."""

from __future__ import annotations

from collections import Counter

from policies.apply.registry import RULES


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_catalog() -> str:
    services = Counter(rule.id.split("-")[1] for rule in RULES)
    lines = [
        "# Apply rules: what the AWS and Cloudflare APIs reject",
        "",
        "Generated from the rules' metadata (`policies/apply/`); do not edit by hand. Every rule has severity "
        "`error`: `rollout check` and the CrossGuard pack (as critical, mandatory) fail on it whatever the "
        "enforcement config says. (S) marks a rule that joins several resources. Why each exists and what the "
        "program does about it: [apply-constraints.md](apply-constraints.md).",
        "",
        f"{len(RULES)} rules: " + ", ".join(f"{name} {count}" for name, count in sorted(services.items())) + ".",
        "",
        "| Id | Rule | Resource types | What the API rejects | Remediation | Source |",
        "|---|---|---|---|---|---|",
    ]
    for rule in RULES:
        types = ", ".join(f"`{t.split(':')[-1]}`" for t in rule.resource_types[:4])
        if len(rule.resource_types) > 4:
            types += f" and {len(rule.resource_types) - 4} more"
        sources = " ".join(f"<{s}>" for s in rule.sources)
        title = rule.title + (" (S)" if rule.stack else "")
        lines.append(f"| {rule.id} | {_cell(title)} | {types} | {_cell(rule.description)} | "
                     f"{_cell(rule.remediation)} | {sources} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_catalog(), end="")
