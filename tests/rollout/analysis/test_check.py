import datetime as dt
import json

import pytest

from policies.core import UNKNOWN_STRING_VALUE, Enforcement
from policies.registry import ALL_CONTROLS, BY_ID, CONTROLS
from rollout.analysis.check import (
    apply_waivers,
    load_config_file,
    merge_policy_config,
    policy_value,
    run_check,
    subjects_of,
    validate_policy_config,
    validate_waivers,
)
from rollout.errors import UserError
from rollout.model.inventory import UNKNOWN, Inventory, Resource, Secret
from rollout.model.settings import Waiver

RDS = "aws:rds/instance:Instance"
TODAY = dt.date(2025, 6, 1)


def urn(type_, name):
    return f"urn:pulumi:dev::shop::{type_}::{name}"


def db(name, **inputs):
    base = {"storageEncrypted": True, "publiclyAccessible": False, "backupRetentionPeriod": 7, "multiAz": True,
            "deletionProtection": True, "caCertIdentifier": "rds-ca-rsa2048-g1"}
    return Resource(urn=urn(RDS, name), type=RDS, name=name, inputs={**base, **inputs})


def inventory(*resources):
    component = Resource(urn="urn:pulumi:dev::shop::shop:db:Database::data", type="shop:db:Database", name="data",
                         custom=False)
    provider = Resource(urn="urn:pulumi:dev::shop::pulumi:providers:aws::default", type="pulumi:providers:aws",
                        name="default")
    return Inventory(project="shop", stack="dev", phase=3, resources=(component, provider, *resources))


def test_policy_value_converts_unknowns_and_secrets():
    assert policy_value({"a": UNKNOWN, "b": Secret("pw"), "c": [Secret(UNKNOWN), {"d": 1}], "e": ("x",)}) == \
        {"a": UNKNOWN_STRING_VALUE, "b": "pw", "c": [UNKNOWN_STRING_VALUE, {"d": 1}], "e": ["x"]}


def test_subjects_skip_components_and_providers_and_keep_dependencies():
    resource = Resource(urn=urn(RDS, "a"), type=RDS, name="a", inputs={"parameterGroupName": "pg"},
                        property_dependencies={"parameterGroupName": ("urn:pg",)}, dependencies=("urn:pg",))
    [subject] = subjects_of(inventory(resource))
    assert subject.urn == resource.urn and subject.props["parameterGroupName"] == "pg"
    assert subject.property_dependencies == {"parameterGroupName": ("urn:pg",)}


def by_control(result):
    return {(f.control, f.name, f.status, f.waived) for f in result.findings}


def test_run_check_reports_violations_unknowns_and_exit_decision():
    result = run_check(inventory(db("ok"), db("open", publiclyAccessible=True), db("later", storageEncrypted=UNKNOWN)),
                       today=TODAY)
    findings = by_control(result)
    assert ("RDS-02", "open", "violation", False) in findings
    assert ("RDS-01", "later", "unknown", False) in findings
    assert not any(name == "ok" and control in {"RDS-01", "RDS-02", "RDS-04"} for control, name, _, _ in findings)
    assert result.failed and result.resources_evaluated == 3 and len(result.controls) == len(ALL_CONTROLS)


def test_policy_config_layers_defaults_then_stack_then_file():
    stack = {"RDS-04": {"minDays": 14}, "all": "mandatory"}
    file = {"RDS-04": "advisory", "RDS-03": {"enforcementLevel": "disabled"}}
    merged = merge_policy_config(stack, file)
    assert merged == {
        "RDS-04": {"minDays": 14, "enforcementLevel": "advisory"},
        "all": {"enforcementLevel": "mandatory"},
        "RDS-03": {"enforcementLevel": "disabled"},
    }
    result = run_check(inventory(db("a", backupRetentionPeriod=10, multiAz=False)), policy_config=merged, today=TODAY)
    rds04 = [f for f in result.findings if f.control == "RDS-04"]
    assert [(f.enforcement, f.message) for f in rds04] == [(Enforcement.ADVISORY, "backupRetentionPeriod is 10; keep "
                                                                                  "at least 14 days")]
    assert not any(f.control == "RDS-03" for f in result.findings)  # disabled
    assert len(result.controls) == len(ALL_CONTROLS) - 1  # RDS-03 disabled; apply rules cannot be
    assert all(f.enforcement is Enforcement.MANDATORY for f in result.findings if f.control != "RDS-04")


def test_default_thresholds_apply_without_config():
    result = run_check(inventory(db("a", backupRetentionPeriod=5)), today=TODAY)
    assert [f.message for f in result.findings if f.control == "RDS-04"] == ["backupRetentionPeriod is 5; "
                                                                             "keep at least 7 days"]


@pytest.mark.parametrize(("config", "problem"), [
    ({"RDS-99": "advisory"}, "cfg: RDS-99: unknown control id"),
    ({"RDS-04": "blocking"}, "cfg: RDS-04.enforcementLevel: must be one of advisory, disabled, mandatory"),
    ({"RDS-04": {"maxDays": 3}}, "cfg: RDS-04.maxDays: unknown setting (known: minDays, checkReadReplicas)"),
    ({"RDS-04": {"minDays": "seven"}}, "cfg: RDS-04.minDays: must be int"),
    ({"RDS-04": {"minDays": -1}}, "cfg: RDS-04.minDays: must be int"),
    ({"all": {"minDays": 3}}, "cfg: all.minDays: unknown setting (only enforcementLevel)"),
    ({"RDS-04": 7}, "cfg: RDS-04: must be an enforcement level or a mapping"),
    ({"RDS-17": {"date": "next week"}}, "cfg: RDS-17.date: must be a date as YYYY-MM-DD (or empty for today)"),
    ({"RDS-17": {"date": 20261201}}, "cfg: RDS-17.date: must be str"),
])
def test_bad_policy_config_names_the_problem(config, problem):
    with pytest.raises(UserError) as error:
        validate_policy_config(config, "cfg", CONTROLS)
    assert error.value.problems == [problem]


def test_good_policy_config_passes():
    validate_policy_config({"all": "advisory", "RDS-04": {"enforcementLevel": "mandatory", "minDays": 14},
                            "IAM-02": {"allowedServiceWildcards": ["sqs:*"]}, "RDS-17": {"date": "2027-01-01"}},
                           "cfg", CONTROLS)


def test_waivers_match_urn_or_name_and_expire():
    result = run_check(inventory(db("a", deletionProtection=False), db("b", deletionProtection=False),
                                 db("c", deletionProtection=False)), today=TODAY)
    waivers = [Waiver(control="RDS-05", resource="a", reason="demo database"),
               Waiver(control="RDS-05", resource=urn(RDS, "b"), reason="being replaced", expires=TODAY),
               Waiver(control="RDS-05", resource="c", reason="was temporary", expires=TODAY - dt.timedelta(days=1))]
    marked, expired = apply_waivers(result.findings, waivers, TODAY)
    rds05 = {f.name: (f.waived, f.waiver_reason) for f in marked if f.control == "RDS-05"}
    assert rds05 == {"a": (True, "demo database"), "b": (True, "being replaced"), "c": (False, None)}
    assert expired == [waivers[2]]


def test_waivers_naming_no_resource_are_reported():
    waivers = [Waiver(control="RDS-05", resource="a", reason="demo database"),
               Waiver(control="RDS-05", resource="typo-db", reason="demo database")]
    result = run_check(inventory(db("a", deletionProtection=False)), waivers=waivers, today=TODAY)
    assert result.unmatched_waivers == [waivers[1]]


def test_waived_mandatory_violation_does_not_fail():
    waiver = Waiver(control="RDS-04", resource="a", reason="restored from snapshot")
    only_rds04 = [BY_ID["RDS-04"]]
    assert run_check(inventory(db("a", backupRetentionPeriod=1)), today=TODAY, controls=only_rds04).failed
    result = run_check(inventory(db("a", backupRetentionPeriod=1)), waivers=[waiver], today=TODAY, controls=only_rds04)
    assert [f.waived for f in result.findings] == [True]
    assert not result.failed


def test_critical_tls_public_access_controls_cannot_be_waived():
    waivers = [
        Waiver(control="RDS-04", resource="a", reason="fine"),
        Waiver(control="RDS-02", resource="db", reason="need it"),
    ]
    with pytest.raises(UserError) as error:
        validate_waivers(waivers, CONTROLS, "stacks/Pulumi.dev.yaml")
    assert error.value.problems == [
        "stacks/Pulumi.dev.yaml: rollout:waivers[1] (RDS-02 on db): RDS-02 (RDS is not publicly "
        "accessible) is a Critical "
        "TLS/public-access control and cannot be waived; fix the resource instead"]
    with pytest.raises(UserError, match=r"waivers\[0\] \(XYZ-01 on a\): unknown control id"):
        validate_waivers([Waiver(control="XYZ-01", resource="a", reason="typo")], CONTROLS, "s")


def test_config_file_json_and_yaml(tmp_path):
    (tmp_path / "c.json").write_text(json.dumps({"all": "mandatory"}))
    (tmp_path / "c.yaml").write_text("RDS-04:\n  minDays: 14\n")
    assert load_config_file(tmp_path / "c.json") == {"all": "mandatory"}
    assert load_config_file(tmp_path / "c.yaml") == {"RDS-04": {"minDays": 14}}
    (tmp_path / "bad.json").write_text("[1, 2")
    with pytest.raises(UserError, match="not valid JSON or YAML"):
        load_config_file(tmp_path / "bad.json")
    (tmp_path / "list.json").write_text("[1]")
    with pytest.raises(UserError, match="must be a mapping"):
        load_config_file(tmp_path / "list.json")
    with pytest.raises(UserError, match="file not found"):
        load_config_file(tmp_path / "missing.json")
