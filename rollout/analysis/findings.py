"""What a set of compliance findings amounts to (shared by `rollout check` and `rollout audit`): which fail the run,
and the counts a summary shows. Documents and tables are in rollout.render.findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from policies.core import Control, Enforcement, Finding, Severity


def counts_against(finding: Finding) -> bool:
    """Whether a finding fails the run: an unwaived mandatory violation, or any unwaived apply error (severity
    "error": the cloud API would reject it, whatever the enforcement config)."""
    return finding.status == "violation" and not finding.waived and (
        finding.enforcement is Enforcement.MANDATORY or finding.severity is Severity.ERROR)


def family(item: Finding | Control) -> str:
    """`apply` for the apply rules (APL-*, severity error: what the API rejects), `security` for the catalog's."""
    return "apply" if item.severity is Severity.ERROR else "security"


def summarize(findings: Sequence[Finding], *, controls: Sequence[Control], resources_evaluated: int) -> dict[str, Any]:
    """Counts of unwaived violations by severity and enforcement, plus waived and unknown findings."""
    open_violations = [f for f in findings if f.status == "violation" and not f.waived]
    by_severity = Counter(f.severity.value for f in open_violations)
    by_enforcement = Counter(f.enforcement.value for f in open_violations)
    return {
        "by_severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
        "by_enforcement": {e.value: by_enforcement.get(e.value, 0) for e in (Enforcement.MANDATORY, Enforcement.ADVISORY)},
        "by_family": {name: sum(1 for f in open_violations if family(f) == name) for name in ("apply", "security")},
        "violations": len(open_violations),
        "mandatory_violations": sum(1 for f in findings if counts_against(f)),
        "waived": sum(1 for f in findings if f.waived),
        "unknown": sum(1 for f in findings if f.status == "unknown" and not f.waived),
        "controls_evaluated": len(controls),
        "resources_evaluated": resources_evaluated,
    }
