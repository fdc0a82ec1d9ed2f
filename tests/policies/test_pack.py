"""The CrossGuard pack registers every control exactly once, with its metadata, without starting the server."""

from pathlib import Path

import pulumi_policy
import pytest
import yaml
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

import policies.__main__ as pack
from policies import s3
from policies.core import UNKNOWN_STRING_VALUE, Severity
from policies.registry import ALL_CONTROLS, APPLY_RULES, CONTROLS


def test_build_policies_registers_each_control_once_with_its_metadata():
    policies = pack.build_policies()
    assert [p.name for p in policies] == [c.id for c in ALL_CONTROLS]
    for policy, control in zip(policies, ALL_CONTROLS):
        assert isinstance(policy, StackValidationPolicy if control.stack else ResourceValidationPolicy)
        if control.severity is Severity.ERROR:  # CrossGuard has no "error": apply rules are critical and mandatory
            assert policy.severity == pulumi_policy.Severity.CRITICAL
            assert policy.enforcement_level == pulumi_policy.EnforcementLevel.MANDATORY
            continue
        assert policy.severity == pulumi_policy.Severity(control.severity.value)
        assert policy.enforcement_level == pulumi_policy.EnforcementLevel(control.enforcement.value)
        assert policy.description.startswith(control.title)
        if control.config_defaults:
            assert {k: v["default"] for k, v in policy.config_schema.properties.items()} == dict(
                control.config_defaults
            )
        else:
            assert policy.config_schema is None


def test_main_builds_the_pack_without_serving(monkeypatch):
    built = {}
    monkeypatch.setattr(pack, "PolicyPack", lambda **kwargs: built.update(kwargs))
    pack.main()
    assert built["name"] == "sme-rollout" and len(built["policies"]) == len(CONTROLS) + len(APPLY_RULES)
    assert built["enforcement_level"] == pulumi_policy.EnforcementLevel.ADVISORY


def test_pack_files_describe_a_python_pack():
    folder = Path(pack.__file__).parent
    manifest = yaml.safe_load((folder / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"]["name"] == "python" and manifest["version"]
    assert "pulumi-policy==1.21.0" in (folder / "requirements.txt").read_text()


class _Args:
    """What the SDK hands a resource policy (ResourceValidationArgs)."""

    def __init__(self, resource_type, props, config=None):
        self.resource_type, self.urn, self.name = resource_type, f"urn:pulumi:s::p::{resource_type}::x", "x"
        self.props = pulumi_policy.proxy.unknown_checking_proxy(props)
        self._config = config

    def get_config(self):
        return self._config


def test_resource_policy_reports_through_the_sdk_callback():
    policy = next(p for p in pack.build_policies() if p.name == "RDS-04")
    reported = []
    args = _Args("aws:rds/instance:Instance", {"backupRetentionPeriod": 3})
    policy.validate(args, lambda message, urn=None: reported.append((message, urn)))
    assert reported == [("backupRetentionPeriod is 3; keep at least 7 days", args.urn)]
    reported.clear()
    policy.validate(_Args("aws:rds/instance:Instance", {"backupRetentionPeriod": 3}, {"minDays": 3}),
                    lambda message, urn=None: reported.append(message))
    assert reported == []


def test_resource_policy_lets_the_sdk_see_unknowns():
    policy = next(p for p in pack.build_policies() if p.name == "RDS-02")
    with pytest.raises(pulumi_policy.proxy.UnknownValueError):
        policy.validate(
            _Args("aws:rds/instance:Instance", {"publiclyAccessible": UNKNOWN_STRING_VALUE}), lambda *a: None
        )


class _Resource:
    """What the SDK hands a stack policy (PolicyResource), with property dependencies as resources."""

    def __init__(self, resource_type, name, props, property_dependencies=None):
        self.resource_type, self.name, self.urn = resource_type, name, f"urn:pulumi:s::p::{resource_type}::{name}"
        self.props = pulumi_policy.proxy.unknown_checking_proxy(props)
        self.property_dependencies = property_dependencies or {}
        self.dependencies, self.parent = [], None


def test_stack_policy_joins_through_property_dependencies():
    policy = next(p for p in pack.build_policies() if p.name == "S3-01")
    good, bad = _Resource(s3.BUCKET, "good", {}), _Resource(s3.BUCKET, "bad", {})
    block = _Resource(
        s3.PUBLIC_ACCESS_BLOCK,
        "pab",
        dict.fromkeys(("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True),
        {"bucket": [good]},
    )
    reported = []

    class StackArgs:
        resources = [good, bad, block]

        @staticmethod
        def get_config():
            return None

    policy.validate(StackArgs, lambda message, urn=None: reported.append((message, urn)))
    assert reported == [("bad: has no BucketPublicAccessBlock", bad.urn)]


def test_apply_rules_see_the_resource_providers_region():
    """A CLOUDFRONT web ACL created through a Singapore provider is rejected; through us-east-1 it is not."""
    policy = next(p for p in pack.build_policies() if p.name == "APL-WAF-01")
    reported = []
    for region in ("ap-southeast-1", "us-east-1"):
        args = _Args("aws:wafv2/webAcl:WebAcl", {"scope": "CLOUDFRONT"})
        args.provider = pulumi_policy.policy.PolicyProviderResource("pulumi:providers:aws", {"region": region},
                                                                    "urn:pulumi:s::p::pulumi:providers:aws::p", "p")
        policy.validate(args, lambda message, urn=None, region=region: reported.append((region, message)))
    assert reported == [("ap-southeast-1", "scope CLOUDFRONT in ap-southeast-1; CloudFront web ACLs exist only in "
                                           "us-east-1")]


def test_resource_policy_sees_the_delete_before_replace_option():
    """ACM-04 reads PolicyResourceOptions.delete_before_replace (None when the program did not set it)."""
    policy = next(p for p in pack.build_policies() if p.name == "ACM-04")
    reported = []
    args = _Args("aws:acm/certificate:Certificate", {"domainName": "shop.example", "validationMethod": "DNS"})
    for value in (None, False):
        args.opts = type("Opts", (), {"delete_before_replace": value})()
        policy.validate(args, lambda message, urn=None: reported.append(message))
    assert reported == []
    args.opts = type("Opts", (), {"delete_before_replace": True})()
    policy.validate(args, lambda message, urn=None: reported.append(message))
    assert len(reported) == 1 and "deleteBeforeReplace" in reported[0]
