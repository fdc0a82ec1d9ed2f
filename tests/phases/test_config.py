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
MINIMAL = {"site": {"domain": "shop.example.vn", "origin": "origin.example.vn"}}
PHASE5 = {"phase": 5, "cdn": {"provider": "cloudfront"}}
ADMIN = "90676bc5d1-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
SOURCE = {"engine": "postgres", "host": "203.0.113.10", "database": "shop", "user": "dms",
          "secretArn": "arn:aws:secretsmanager:ap-southeast-1:111122223333:secret:shop-AbCdEf"}


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
def test_every_shipped_stack_validates(stack: str) -> None:
    document = yaml.safe_load((ROOT / "stacks" / stack).read_text())["config"]
    values = {k.split(":", 1)[1]: v for k, v in document.items() if k.startswith("sme-rollout:")}
    assert isinstance(parse_config(values), StackConfig)


@pytest.mark.parametrize(("values", "expected"), [
    ({**MINIMAL, "phase": 0}, "sme-rollout:phase: must be between 1 and 6"),
    ({**MINIMAL, "phase": 7}, "sme-rollout:phase: must be between 1 and 6"),
    ({**MINIMAL, "database": {"replicas": 9}}, "sme-rollout:database.replicas: must be between 0 and 5"),
    ({**MINIMAL, "database": {"storageGb": -5}}, "sme-rollout:database.storageGb: must be between 20 and 65536"),
    ({**MINIMAL, "database": {"storageGb": 10**9}}, "sme-rollout:database.storageGb: must be between 20 and 65536"),
    ({**MINIMAL, "region": "mars-1"}, "sme-rollout:region: 'mars-1' is not an AWS region (e.g. ap-southeast-1)"),
    ({**MINIMAL, "colour": "blue"}, "sme-rollout:colour: unknown key"),
    ({**MINIMAL, "cache": {"nodez": 2}}, "sme-rollout:cache.nodez: unknown key"),
    ({**MINIMAL, "database": {"replicas": "many"}},
     "sme-rollout:database.replicas: must be a whole number"),
    ({"site": {"origin": "origin.example.vn"}}, "sme-rollout:site.domain: is required"),
    ({}, "sme-rollout:site: is required"),
    ({**MINIMAL, "phase": 2}, "sme-rollout: cdn: is required from phase 2"),
    ({**MINIMAL, "cdn": {"cloudflareAccountId": "a", "defaultTtlSeconds": 3600}},
     "sme-rollout:cdn: defaultTtlSeconds 3600 is under the Cloudflare free plan's minimum edge TTL of 7200"),
    ({**MINIMAL, **PHASE5}, "sme-rollout: observability.grafanaAdminUsers: with AWS_SSO at least one IAM Identity "
     "Center admin user or group (grafanaAdminGroups) is required from phase 5, or nobody can sign in"),
    ({**MINIMAL, **PHASE5, "observability": {"grafanaAuth": "SAML"}},
     "sme-rollout: observability.grafanaSaml: is required from phase 5 with grafanaAuth SAML"),
    ({**MINIMAL, **PHASE5, "observability": {"grafanaAdminUsers": [ADMIN, ADMIN.replace("a", "b")]}},
     "sme-rollout: observability.grafanaEditors: 1 editor licence(s) for 2 admin and editor users listed"),
    ({**MINIMAL, "observability": {"grafanaAdminGroups": ["admins"]}},
     "sme-rollout:observability.grafanaAdminGroups: 'admins' is not an IAM Identity Center user or group id"),
    ({**MINIMAL, "budget": {"thresholdsPercent": [50, 80, 100]}},
     "sme-rollout:budget.thresholdsPercent: at most 2 thresholds: each makes an actual and a forecast notification, "
     "and a budget may have 5 (AWS Budgets CreateBudget)"),
    ({**MINIMAL, "budget": {"anomalyMonitor": "adopt"}},
     "sme-rollout:budget.anomalyMonitor: 'adopt': use create, skip or the ARN of the account's monitor "
     "(arn:aws:ce::<account>:anomalymonitor/<id>)"),
    ({**MINIMAL, "database": {"migrateFrom": {**SOURCE, "engine": "mysql"}}},
     "sme-rollout:database: migrateFrom.engine 'mysql' differs from engine 'postgres'"),
    ({**MINIMAL, "database": {"migrateFrom": {**SOURCE, "tls": "none"}}}, "sme-rollout:database.migrateFrom.tls:"),
    ({**MINIMAL, "database": {"migrateFrom": {**SOURCE, "tls": "verify-full"}}},
     "sme-rollout:database.migrateFrom: tls verify-full needs caCertificatePem"),
    ({**MINIMAL, "database": {"migrateFrom": {**SOURCE, "host": "not a host"}}},
     "sme-rollout:database.migrateFrom.host: 'not a host' is not a host name or IPv4 address"),
    ({**MINIMAL, "database": {"migrateFrom": {**SOURCE, "secretArn": "shop-password"}}},
     "sme-rollout:database.migrateFrom.secretArn: 'shop-password' is not a Secrets Manager secret ARN"),
    ({**MINIMAL, "database": {"adoptKmsKeyArn": "arn:aws:kms:ap-southeast-1:111122223333:key/k"}},
     "sme-rollout:database: adoptKmsKeyArn needs adoptIdentifier"),
    ({**MINIMAL, "backup": {"copyToRegion": "ap-southeast-1"}}, "sme-rollout: backup.copyToRegion: must differ"),
    ({**MINIMAL, "phase": None}, "sme-rollout:phase: is empty; give a value or remove the key"),
    ({**MINIMAL, "environment": "qa"}, "sme-rollout:environment: must be dev, staging or prod, not qa"),
    ({**MINIMAL, "budget": {"alertEmails": "ops@example.vn"}}, "sme-rollout:budget.alertEmails: must be a list"),
    ({**MINIMAL, "cache": []}, "sme-rollout:cache: must be a mapping (key: value)"),
    ({**MINIMAL, "database": {"replicas": {"secure": "v1:abc"}}},
     "sme-rollout:database.replicas: must be a plain value, not secure"),
])
def test_bad_config_names_the_key_path(values: dict, expected: str) -> None:
    assert any(problem.startswith(expected) for problem in problems_of(values)), problems_of(values)


def test_secure_value_where_a_plain_one_is_needed() -> None:
    assert problems_of({**MINIMAL, "region": "[secure]"}, frozenset({"region"})) == [
        "sme-rollout:region: must be a plain value, not secure"]


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
    return CliRunner().invoke(app, ["plan", "--program", str(project), "--stack", "bad", "--quiet",
                                    "--format", "json"])


@pytest.mark.parametrize(("config", "expected"), [
    ({"sme-rollout:site": MINIMAL["site"], "sme-rollout:database": {"replicas": 9}},
     "sme-rollout:database.replicas: must be between 0 and 5"),
    ({"sme-rollout:site": MINIMAL["site"], "sme-rollout:region": {"secure": "v1:abc"}},
     "sme-rollout:region: must be a plain value, not secure"),
    ({"sme-rollout:site": MINIMAL["site"], "sme-rollout:phase": 0}, "sme-rollout:phase: must be between 1 and 6"),
    ({"sme-rollout:region": "ap-southeast-1"}, "sme-rollout:site: is required"),
    ({"sme-rollout:site": MINIMAL["site"], "rollout:usage": {"profile": "huge"}},
     "rollout:usage.profile: must be small, medium or large, not huge"),
    ({"sme-rollout:site": MINIMAL["site"], "sme-rollout:database": {"replicas": {"secure": "v1:abc"}}},
     "sme-rollout:database: must be a plain value, not secure"),
])
def test_cli_reports_bad_config_with_the_stack_file_and_exit_2(project_copy: Path, config: dict, expected: str) -> None:
    result = run_with_stack(project_copy, config)
    assert result.exit_code == 2, result.output
    assert f"Pulumi.bad.yaml: {expected}" in result.output
    assert "Traceback" not in result.output


def test_cli_accepts_the_phase_as_pulumi_config_set_writes_it(project_copy: Path) -> None:
    (project_copy / "stacks" / "Pulumi.bad.yaml").write_text(
        'config:\n  sme-rollout:phase: "1"\n  sme-rollout:site:\n    domain: shop.example.vn\n'
        '    origin: origin.shop.example.vn\n')
    result = CliRunner().invoke(app, ["plan", "--program", str(project_copy), "--stack", "bad", "--quiet",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["phase"] == 1


def test_cli_reports_invalid_yaml_with_its_line(project_copy: Path) -> None:
    (project_copy / "stacks" / "Pulumi.bad.yaml").write_text("config:\n  sme-rollout:phase: [1\n")
    result = CliRunner().invoke(app, ["plan", "--program", str(project_copy), "--stack", "bad", "--quiet"])
    assert result.exit_code == 2
    assert "Pulumi.bad.yaml:3:1: invalid YAML" in result.output


# Property-based: random documents never produce anything but a StackConfig or a ConfigError with key paths.

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                    st.text(max_size=12))
documents = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=3), st.dictionaries(st.text(max_size=10), children, max_size=4)), max_leaves=12)
keys = st.sampled_from(["phase", "region", "site", "database", "cache", "cdn", "queues", "services", "flows",
                        "tags", "budget", "network", "observability", "backup", "eventStream", "size", "whatever"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, documents, max_size=6))
def test_random_documents_never_escape_as_tracebacks(values: dict) -> None:
    try:
        parse_config(values)
    except ConfigError as error:
        assert error.problems and all(line.startswith("sme-rollout:") for line in error.problems)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.dictionaries(keys.map(lambda k: f"sme-rollout:{k}"), documents, max_size=4))
def test_random_stack_files_through_the_cli_exit_0_or_2(project_copy: Path, config: dict) -> None:
    result = run_with_stack(project_copy, config)
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
