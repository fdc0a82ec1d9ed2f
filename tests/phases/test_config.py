"""The stack config model: good stacks load, each kind of bad config is one clear key-path line, exit code 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from phases.config import ConfigError, StackConfig, parse_config
from rollout.cli import app

ROOT = Path(__file__).resolve().parents[2]
ZONE_FILE = str(ROOT / "tests" / "data" / "example.vn.zone")
MINIMAL = {"site": {"domain": "shop.example.vn", "origin": "origin.example.vn"}}
PHASE5 = {"phase": 5, "cdn": {"provider": "cloudfront"}}
ADMIN = "90676bc5d1-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
SOURCE = {
    "engine": "postgres",
    "host": "203.0.113.10",
    "database": "shop",
    "user": "dms",
    "secretArn": "arn:aws:secretsmanager:ap-southeast-1:111122223333:secret:shop-AbCdEf",
}


def problems_of(values: dict, secret_keys: frozenset[str] = frozenset()) -> list[str]:
    with pytest.raises(ConfigError) as error:
        parse_config(values, secret_keys)
    return error.value.problems


def test_minimal_config_gets_documented_defaults() -> None:
    config = parse_config(dict(MINIMAL))
    assert (config.phase, config.region, config.environment, config.size) == (1, "ap-southeast-1", "dev", "small")
    assert config.database.replicas == 1 and config.database.backup_retention_days == 7
    assert config.site.zone == "example.vn"


@pytest.mark.parametrize("stack", sorted(p.name for p in (ROOT / "stacks").glob("Pulumi.*.yaml")))
def test_every_shipped_stack_validates(stack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # zone files are found from the project directory, as under `pulumi up`
    document = yaml.safe_load((ROOT / "stacks" / stack).read_text())["config"]
    values = {k.split(":", 1)[1]: v for k, v in document.items() if k.startswith("sme-rollout:")}
    assert isinstance(parse_config(values), StackConfig)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({**MINIMAL, "phase": 0}, "sme-rollout:phase: must be between 1 and 6"),
        ({**MINIMAL, "phase": 7}, "sme-rollout:phase: must be between 1 and 6"),
        ({**MINIMAL, "database": {"replicas": 9}}, "sme-rollout:database.replicas: must be between 0 and 5"),
        ({**MINIMAL, "database": {"storageGb": -5}}, "sme-rollout:database.storageGb: must be between 20 and 65536"),
        ({**MINIMAL, "database": {"storageGb": 10**9}}, "sme-rollout:database.storageGb: must be between 20 and 65536"),
        ({**MINIMAL, "region": "mars-1"}, "sme-rollout:region: 'mars-1' is not an AWS region (e.g. ap-southeast-1)"),
        ({**MINIMAL, "colour": "blue"}, "sme-rollout:colour: unknown key"),
        ({**MINIMAL, "cache": {"nodez": 2}}, "sme-rollout:cache.nodez: unknown key"),
        ({**MINIMAL, "database": {"replicas": "many"}}, "sme-rollout:database.replicas: must be a whole number"),
        ({"site": {"origin": "origin.example.vn"}}, "sme-rollout:site.domain: is required"),
        ({}, "sme-rollout:site: is required"),
        ({**MINIMAL, "phase": 2}, "sme-rollout: cdn: is required from phase 2"),
        (
            {**MINIMAL, "cdn": {"cloudflareAccountId": "a", "defaultTtlSeconds": 3600, "zoneFile": ZONE_FILE}},
            "sme-rollout:cdn: defaultTtlSeconds 3600 is under the Cloudflare free plan's minimum edge TTL of 7200",
        ),
        (
            {**MINIMAL, **PHASE5},
            "sme-rollout:observability.grafanaAdminUsers: with AWS_SSO at least one IAM Identity "
            "Center admin user or group (grafanaAdminGroups) is required from phase 5, or nobody can sign in",
        ),
        (
            {**MINIMAL, **PHASE5, "observability": {"grafanaAuth": "SAML"}},
            "sme-rollout:observability.grafanaSaml: is required from phase 5 with grafanaAuth SAML",
        ),
        (
            {**MINIMAL, **PHASE5, "observability": {"grafanaAdminUsers": [ADMIN, ADMIN.replace("a", "b")]}},
            "sme-rollout:observability.grafanaEditors: 1 editor licence(s) for 2 admin and editor users listed",
        ),
        (
            {**MINIMAL, "observability": {"grafanaAdminGroups": ["admins"]}},
            "sme-rollout:observability.grafanaAdminGroups: 'admins' is not an IAM Identity Center user or group id",
        ),
        (
            {**MINIMAL, "budget": {"thresholdsPercent": [50, 80, 100]}},
            "sme-rollout:budget.thresholdsPercent: at most 2 thresholds: each makes an actual and a forecast "
            "notification, and a budget may have 5 (AWS Budgets CreateBudget)",
        ),
        (
            {**MINIMAL, "budget": {"anomalyMonitor": "adopt"}},
            "sme-rollout:budget.anomalyMonitor: 'adopt': use create, skip or the ARN of the account's monitor "
            "(arn:aws:ce::<account>:anomalymonitor/<id>)",
        ),
        (
            {**MINIMAL, "database": {"migrateFrom": {**SOURCE, "engine": "mysql"}}},
            "sme-rollout:database: migrateFrom.engine 'mysql' differs from engine 'postgres'",
        ),
        ({**MINIMAL, "database": {"migrateFrom": {**SOURCE, "tls": "none"}}}, "sme-rollout:database.migrateFrom.tls:"),
        (
            {**MINIMAL, "database": {"migrateFrom": {**SOURCE, "tls": "verify-full"}}},
            "sme-rollout:database.migrateFrom: tls verify-full needs caCertificatePem",
        ),
        (
            {**MINIMAL, "database": {"migrateFrom": {**SOURCE, "host": "not a host"}}},
            "sme-rollout:database.migrateFrom.host: 'not a host' is not a host name or IPv4 address",
        ),
        (
            {**MINIMAL, "database": {"migrateFrom": {**SOURCE, "secretArn": "shop-password"}}},
            "sme-rollout:database.migrateFrom.secretArn: 'shop-password' is not a Secrets Manager secret ARN",
        ),
        (
            {**MINIMAL, "database": {"adoptKmsKeyArn": "arn:aws:kms:ap-southeast-1:111122223333:key/k"}},
            "sme-rollout:database: adoptKmsKeyArn needs adoptIdentifier",
        ),
        ({**MINIMAL, "backup": {"copyToRegion": "ap-southeast-1"}}, "sme-rollout:backup.copyToRegion: must differ"),
        ({**MINIMAL, "phase": None}, "sme-rollout:phase: is empty; give a value or remove the key"),
        ({**MINIMAL, "environment": "qa"}, "sme-rollout:environment: must be dev, staging or prod, not qa"),
        ({**MINIMAL, "budget": {"alertEmails": "ops@example.vn"}}, "sme-rollout:budget.alertEmails: must be a list"),
        ({**MINIMAL, "cache": []}, "sme-rollout:cache: must be a mapping (key: value)"),
        (
            {**MINIMAL, "database": {"replicas": {"secure": "v1:abc"}}},
            "sme-rollout:database.replicas: must be a plain value, not secure",
        ),
    ],
)
def test_bad_config_names_the_key_path(values: dict, expected: str) -> None:
    assert any(problem.startswith(expected) for problem in problems_of(values)), problems_of(values)


def test_secure_value_where_a_plain_one_is_needed() -> None:
    assert problems_of({**MINIMAL, "region": "[secure]"}, frozenset({"region"})) == [
        "sme-rollout:region: must be a plain value, not secure"
    ]


def test_messages_carry_no_python_reprs_or_class_names() -> None:
    lines = problems_of({**MINIMAL, "phase": None, "cache": [1], "budget": None, "queues": {"a": 1}, "tags": [None]})
    for line in lines:
        assert not any(word in line for word in ("None", "Input should", "instance of", "[", "dictionary")), line


def test_one_line_per_problem() -> None:
    lines = problems_of({**MINIMAL, "phase": 9, "database": {"replicas": 6, "bogus": True}})
    assert len(lines) == 3


# Through the CLI: a copy of the project whose stack file is bad.


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    target.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, target / name)
    for name in ("phases", "components"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "stacks").mkdir()
    return target


def run_with_stack(project: Path, config: dict) -> object:
    (project / "stacks" / "Pulumi.bad.yaml").write_text(yaml.safe_dump({"config": config}))
    return CliRunner().invoke(app, ["plan", "--program", str(project), "--stack", "bad", "--quiet", "--format", "json"])


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {"sme-rollout:site": MINIMAL["site"], "sme-rollout:database": {"replicas": 9}},
            "sme-rollout:database.replicas: must be between 0 and 5",
        ),
        (
            {"sme-rollout:site": MINIMAL["site"], "sme-rollout:region": {"secure": "v1:abc"}},
            "sme-rollout:region: must be a plain value, not secure",
        ),
        ({"sme-rollout:site": MINIMAL["site"], "sme-rollout:phase": 0}, "sme-rollout:phase: must be between 1 and 6"),
        ({"sme-rollout:region": "ap-southeast-1"}, "sme-rollout:site: is required"),
        (
            {"sme-rollout:site": MINIMAL["site"], "rollout:usage": {"profile": "huge"}},
            "rollout:usage.profile: must be small, medium or large, not huge",
        ),
        (
            {"sme-rollout:site": MINIMAL["site"], "sme-rollout:database": {"replicas": {"secure": "v1:abc"}}},
            "sme-rollout:database: must be a plain value, not secure",
        ),
    ],
)
def test_cli_reports_bad_config_with_the_stack_file_and_exit_2(project_copy: Path, config: dict, expected: str) -> None:
    result = run_with_stack(project_copy, config)
    assert result.exit_code == 2, result.output
    assert f"Pulumi.bad.yaml: {expected}" in result.output
    assert "Traceback" not in result.output


def test_cli_accepts_the_phase_as_pulumi_config_set_writes_it(project_copy: Path) -> None:
    (project_copy / "stacks" / "Pulumi.bad.yaml").write_text(
        'config:\n  sme-rollout:phase: "1"\n  sme-rollout:site:\n    domain: shop.example.vn\n'
        "    origin: origin.shop.example.vn\n"
    )
    result = CliRunner().invoke(
        app, ["plan", "--program", str(project_copy), "--stack", "bad", "--quiet", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["phase"] == 1


def test_cli_reports_invalid_yaml_with_its_line(project_copy: Path) -> None:
    (project_copy / "stacks" / "Pulumi.bad.yaml").write_text("config:\n  sme-rollout:phase: [1\n")
    result = CliRunner().invoke(app, ["plan", "--program", str(project_copy), "--stack", "bad", "--quiet"])
    assert result.exit_code == 2
    assert "Pulumi.bad.yaml:3:1: invalid YAML" in result.output


# Property-based: random documents never produce anything but a StackConfig or a ConfigError with key paths.

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=False), st.text(max_size=12)
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from(
    [
        "phase",
        "region",
        "site",
        "database",
        "cache",
        "cdn",
        "queues",
        "services",
        "flows",
        "tags",
        "budget",
        "network",
        "observability",
        "backup",
        "eventStream",
        "size",
        "whatever",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, documents, max_size=6))
def test_random_documents_never_escape_as_tracebacks(values: dict) -> None:
    try:
        parse_config(values)
    except ConfigError as error:
        assert error.problems and all(line.startswith("sme-rollout:") for line in error.problems)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(keys.map(lambda k: f"sme-rollout:{k}"), documents, max_size=4))
def test_random_stack_files_through_the_cli_exit_0_or_2(project_copy: Path, config: dict) -> None:
    result = run_with_stack(project_copy, config)
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output


CLOUDFLARE = {
    "provider": "cloudflare",
    "cloudflareAccountId": "0123456789abcdef0123456789abcdef",
    "zoneFile": ZONE_FILE,
}


@pytest.mark.parametrize(
    ("domain", "zone"),
    [
        ("shop.example.com.vn", "example.com.vn"),  # regression: the last two labels gave the zone com.vn
        ("shop.example.vn", "example.vn"),
        ("www.banhang.example.vn", "example.vn"),
        ("example.vn", "example.vn"),
        ("shop.example.co.uk", "example.co.uk"),
    ],
)
def test_the_zone_comes_from_the_public_suffix_list(domain: str, zone: str) -> None:
    config = parse_config({"site": {"domain": domain, "origin": "origin.host.example.net"}})
    assert config.site.zone == zone


def test_an_explicit_zone_must_contain_the_domain() -> None:
    assert any(
        "is not in the zone" in p
        for p in problems_of(
            {"site": {"domain": "shop.example.vn", "origin": "o.example.net", "zoneDomain": "other.vn"}}
        )
    )


def test_creating_a_cloudflare_zone_needs_the_zone_file() -> None:
    cdn = {k: v for k, v in CLOUDFLARE.items() if k != "zoneFile"}
    (problem,) = problems_of({**MINIMAL, "phase": 2, "cdn": cdn})
    assert problem.startswith("sme-rollout:cdn: zoneFile is required")
    assert parse_config({**MINIMAL, "phase": 2, "cdn": {**cdn, "zoneId": "0123"}}).cdn.zone_id == "0123"


def test_the_origin_must_resolve_in_the_zone_the_stack_creates(tmp_path: Path) -> None:
    """Regression: the site's CNAME pointed at origin.<domain>, never created in the new zone (error 1016)."""
    zone = tmp_path / "example.vn.zone"
    zone.write_text("$TTL 300\n@ IN MX 10 mx.example.net.\nshop IN A 203.0.113.10\n")
    (problem,) = problems_of({**MINIMAL, "phase": 2, "cdn": {**CLOUDFLARE, "zoneFile": str(zone)}})
    assert "no A, AAAA or CNAME record for the origin origin.example.vn" in problem and "1016" in problem
    assert parse_config({**MINIMAL, "phase": 2, "cdn": CLOUDFLARE}).cdn.zone_file == ZONE_FILE


def test_a_broken_zone_file_is_one_line_naming_it(tmp_path: Path) -> None:
    zone = tmp_path / "broken.zone"
    zone.write_text("$TTL 300\n@ IN A not-an-ip\n")
    (problem,) = problems_of({**MINIMAL, "phase": 2, "cdn": {**CLOUDFLARE, "zoneFile": str(zone)}})
    assert problem.startswith("sme-rollout:cdn.zoneFile:") and str(zone) in problem


def test_switches_default_to_not_yet() -> None:
    switches = parse_config(dict(MINIMAL)).switches
    assert (switches.dns_authority, switches.static_path, switches.origin_to_load_balancer) == (False, False, False)


@pytest.mark.parametrize(
    ("switches", "expected"),
    [
        ({"staticPath": True}, "switches.staticPath: needs switches.dnsAuthority first"),
        ({"originToLoadBalancer": True}, "switches.originToLoadBalancer: needs switches.dnsAuthority first"),
    ],
)
def test_switches_follow_the_journey_order(switches: dict, expected: str) -> None:
    cdn = {"provider": "cloudfront", "route53ZoneId": "Z1"}
    assert any(expected in p for p in problems_of({**MINIMAL, "phase": 3, "cdn": cdn, "switches": switches}))


def test_static_path_switch_is_cloudfront_only() -> None:
    problems = problems_of(
        {**MINIMAL, "phase": 3, "cdn": CLOUDFLARE, "switches": {"dnsAuthority": True, "staticPath": True}}
    )
    assert any("switches.staticPath: on Cloudflare" in p for p in problems)


def test_waf_settings() -> None:
    config = parse_config({**MINIMAL, "waf": {"mode": "enforce", "uploadPaths": ["/admin/upload"]}})
    assert (config.waf.mode, config.waf.upload_paths) == ("enforce", ["/admin/upload"])
    assert parse_config(dict(MINIMAL)).waf.mode == "count"
    assert any("waf.uploadPaths" in p for p in problems_of({**MINIMAL, "waf": {"uploadPaths": ["upload"]}}))


def test_the_site_name_cannot_keep_other_records_beside_its_cname(tmp_path: Path) -> None:
    zone = tmp_path / "example.vn.zone"
    zone.write_text('$TTL 300\norigin IN A 203.0.113.10\nshop IN A 203.0.113.10\nshop IN TXT "verify"\n')
    (problem,) = problems_of({**MINIMAL, "phase": 2, "cdn": {**CLOUDFLARE, "zoneFile": str(zone)}})
    assert problem.startswith("sme-rollout:cdn.zoneFile: shop.example.vn also has TXT records")
