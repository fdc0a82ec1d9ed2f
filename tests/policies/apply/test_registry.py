"""The apply family: at least 30 rules, each an error with a source, mandatory whatever the enforcement config."""

import pytest

from policies.apply.registry import BY_ID, RULES, build_rules
from policies.core import Enforcement, Severity


def test_at_least_30_rules_each_an_error_with_its_source_and_metadata():
    assert len(RULES) >= 30 and [r.id for r in RULES] == sorted(BY_ID)
    for rule in RULES:
        assert rule.id.startswith("APL-") and rule.severity is Severity.ERROR, rule.id
        assert rule.title and rule.description and rule.remediation, rule.id
        assert rule.sources and all(s.startswith("https://") for s in rule.sources), rule.id


@pytest.mark.parametrize("config", [None, {"all": "advisory"}, {"APL-ASG-01": "disabled"},
                                    {"APL-ASG-01": {"enforcementLevel": "advisory"}}])
def test_an_apply_error_stays_mandatory_whatever_the_enforcement_config(config):
    level, _ = BY_ID["APL-ASG-01"].config(config)
    assert level is Enforcement.MANDATORY


def test_thresholds_still_come_from_the_config():
    _, thresholds = BY_ID["APL-CFZ-01"].config({"APL-CFZ-01": {"plan": "pro"}})
    assert thresholds == {"plan": "pro"}


def test_build_rules_rejects_duplicates_and_non_errors():
    from dataclasses import replace

    rule = BY_ID["APL-KMS-01"]
    with pytest.raises(ValueError, match="duplicate apply rule ids: APL-KMS-01"):
        build_rules([type("M", (), {"CONTROLS": (rule, rule)})])
    with pytest.raises(ValueError, match="severity error"):
        build_rules([type("M", (), {"CONTROLS": (replace(rule, severity=Severity.HIGH),)})])
