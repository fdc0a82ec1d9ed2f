"""Which findings fail a run and what a summary counts."""

from policies.core import Enforcement, Finding, Severity
from policies.registry import CONTROLS
from rollout.analysis.findings import counts_against, summarize


def finding(control="RDS-02", severity=Severity.CRITICAL, enforcement=Enforcement.MANDATORY, status="violation",
            waived=False, name="db"):
    return Finding(control, severity, enforcement, f"urn:pulumi:s::p::aws:rds/instance:Instance::{name}",
                   "aws:rds/instance:Instance", name, "publiclyAccessible is true", status, waived,
                   "accepted for the demo" if waived else None)


FINDINGS = [
    finding(),
    finding("RDS-04", Severity.MEDIUM, Enforcement.MANDATORY, name="db2"),
    finding("RDS-03", Severity.MEDIUM, Enforcement.ADVISORY),
    finding("RDS-01", Severity.HIGH, status="unknown"),
    finding("RDS-05", Severity.MEDIUM, Enforcement.ADVISORY, waived=True),
]


def test_counts_against_only_open_mandatory_violations():
    assert [counts_against(f) for f in FINDINGS] == [True, True, False, False, False]


def test_an_apply_error_fails_the_run_whatever_its_enforcement():
    error = finding("APL-ASG-01", Severity.ERROR, Enforcement.ADVISORY)
    assert counts_against(error) and not counts_against(finding("APL-ASG-01", Severity.ERROR, waived=True))
    summary = summarize([error], controls=CONTROLS, resources_evaluated=1)
    assert summary["by_family"] == {"apply": 1, "security": 0} and summary["mandatory_violations"] == 1


def test_summary_counts():
    summary = summarize(FINDINGS, controls=CONTROLS, resources_evaluated=7)
    assert summary == {
        "by_severity": {"error": 0, "critical": 1, "high": 0, "medium": 2, "low": 0},
        "by_enforcement": {"mandatory": 2, "advisory": 1},
        "by_family": {"apply": 0, "security": 3},
        "violations": 3, "mandatory_violations": 2, "waived": 1, "unknown": 1,
        "controls_evaluated": len(CONTROLS), "resources_evaluated": 7,
    }
