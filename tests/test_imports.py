"""The layers of DESIGN.md, enforced: every import in the tree (module level and inside functions) points one way.

    cli → app → {analysis, render, live} → runtime → model → {errors, files}

The program (`__main__.py`, `phases/`, `components/`) never imports the tool; the tool never imports the program;
controls (`policies/`) are pure functions of resource properties. No allow-list: a new import against the direction
fails here, naming the file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What each part of the tool may import from the tool (besides itself).
BASE = {"rollout", "rollout.errors", "rollout.files"}
MAY_IMPORT = {
    "model": BASE,
    "runtime": BASE | {"rollout.model"},
    "analysis": BASE | {"rollout.model"},
    "render": BASE | {"rollout.model", "rollout.analysis"},
    "live": BASE | {"rollout.model", "rollout.analysis"},
    "app": BASE | {"rollout.model", "rollout.runtime", "rollout.analysis", "rollout.render", "rollout.live"},
    "cli": BASE | {"rollout.model", "rollout.runtime", "rollout.analysis", "rollout.render", "rollout.live",
                   "rollout.app"},
    "base": {"rollout.errors", "rollout.files"},
}
# Third-party packages that belong to one layer only (the SDK, the terminal, the network and AWS).
# The longest matching prefix wins: the Automation API drives the Pulumi CLI against a live account, so it is live's.
OWNED_BY = {"pulumi": {"runtime"}, "pulumi.automation": {"live"}, "rich": {"render", "cli"}, "boto3": {"live"},
            "botocore": {"live"}, "httpx": {"live"}, "ijson": {"live"}}
# Being split by issue 12 (live/audit and live/assess into packages, CLI modules that do library work): each entry
# goes when its import does, and an entry whose import is gone fails the test, so this list can only shrink.
PENDING = {
    "rollout/cli/audit.py imports botocore",
    "rollout/cli/drill.py imports botocore",
    "rollout/live/assess.py imports rich",
    "drill.py imports rollout.cli.audit",
    "loadtest.py imports rollout.cli.assess",
}
PROGRAM = {"phases", "components", "__main__"}


def imports(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from a.b import c` is seen as a.b.c: c may be a module (`from pulumi import automation`)
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def layer_of(path: Path) -> str:
    parts = path.relative_to(ROOT / "rollout").with_suffix("").parts
    if parts[0] in MAY_IMPORT:
        return parts[0]
    return "base" if parts[0] in ("errors", "files", "__init__") else parts[0]


def tool_files() -> list[Path]:
    return sorted((ROOT / "rollout").rglob("*.py"))


def within(name: str, allowed: set[str]) -> bool:
    if name.count(".") == 1 and not (ROOT / name.replace(".", "/")).exists() \
            and not (ROOT / (name.replace(".", "/") + ".py")).exists():
        return True  # a name defined in rollout/__init__.py (the version), not a module
    return name == "rollout" or any(name == a or name.startswith(a + ".") for a in allowed if a != "rollout")


def owner(name: str) -> set[str] | None:
    matches = [prefix for prefix in OWNED_BY if name == prefix or name.startswith(prefix + ".")]
    return OWNED_BY[max(matches, key=len)] if matches else None


def pending(found: list[str]) -> list[str]:
    """The problems not yet fixed, minus those PENDING; and a PENDING entry that no longer occurs is a problem."""
    return [f for f in found if not any(f.startswith(p.split(" imports ")[0]) and p.split(" imports ")[1] in f
                                        for p in PENDING)]


@pytest.mark.parametrize("path", tool_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_tool_imports_point_down_the_layers(path: Path) -> None:
    layer = layer_of(path)
    allowed = MAY_IMPORT[layer] | ({f"rollout.{layer}"} if layer != "base" else set())
    wrong = []
    for line, name in imports(path):
        top = name.split(".")[0]
        if top == "rollout" and not within(name, allowed):
            wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name} ({layer} may not)")
        owners = owner(name)
        if owners is not None and layer not in owners:
            wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}, which only {sorted(owners)} may")
        if top in PROGRAM:
            wrong.append(f"{path.relative_to(ROOT)}:{line} imports our program ({name}): run it by path instead")
    wrong = pending(wrong)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", sorted((ROOT / "rollout" / "cli").glob("*.py")), ids=lambda p: p.name)
def test_command_modules_never_import_each_other(path: Path) -> None:
    commands = {p.stem for p in (ROOT / "rollout" / "cli").glob("*.py") if not p.stem.startswith("_")}
    wrong = [f"{path.name}:{line} imports {name}" for line, name in imports(path)
             if name.startswith("rollout.cli.") and name.split(".")[2] in commands and path.stem != "__init__"]
    wrong = pending(wrong)
    assert not wrong, "\n".join(wrong)


def program_files() -> list[Path]:
    return sorted([ROOT / "__main__.py", *(ROOT / "phases").rglob("*.py"), *(ROOT / "components").rglob("*.py")])


@pytest.mark.parametrize("path", program_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_program_never_imports_the_tool(path: Path) -> None:
    wrong = [f"{line}: {name}" for line, name in imports(path) if name.split(".")[0] in ("rollout", "policies")]
    assert not wrong, f"{path.relative_to(ROOT)} imports the tool: {wrong}"


@pytest.mark.parametrize("path", sorted((ROOT / "policies").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_controls_are_pure(path: Path) -> None:
    """Controls see resource properties only: no tool, no program, no network or AWS; the SDK only in the pack."""
    banned = {"rollout", "boto3", "botocore", "httpx", "rich", "pulumi", "pulumi_aws", "pulumi_cloudflare", *PROGRAM}
    if path.name not in ("__main__.py", "core.py"):  # the pack, and core's unknown-value proxy from pulumi_policy
        banned.add("pulumi_policy")
    wrong = [f"{line}: {name}" for line, name in imports(path) if name.split(".")[0] in banned]
    assert not wrong, f"{path.relative_to(ROOT)}: {wrong}"


def test_the_rules_see_every_layer() -> None:
    packages = {p.name for p in (ROOT / "rollout").iterdir() if (p / "__init__.py").is_file()}
    assert packages <= set(MAY_IMPORT), f"a new layer needs its rule here: {packages - set(MAY_IMPORT)}"


def test_pending_entries_still_occur() -> None:
    """PENDING only shrinks: once an import is fixed its entry must go."""
    found = set()
    for path in tool_files():
        relative = str(path.relative_to(ROOT))
        for _line, name in imports(path):
            for entry in PENDING:
                where, what = entry.split(" imports ")
                if (relative == where or path.name == where) and (name == what or name.startswith(what + ".")):
                    found.add(entry)
    assert found == PENDING, f"fixed, so remove from PENDING: {sorted(PENDING - found)}"
