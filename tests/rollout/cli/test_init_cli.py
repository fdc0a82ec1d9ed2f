"""`rollout init` through the CLI: a stack file the program accepts, never over an existing one."""

import shutil

import yaml
from typer.testing import CliRunner

from rollout.cli import app

ARGS = ["--domain", "shop.example.vn", "--origin", "origin.shop.example.vn"]


def _project(tmp_path, project_root):
    """A copy of the program without its stacks (so that the test writes into its own stacks/ folder)."""
    root = tmp_path / "p"
    shutil.copytree(
        project_root,
        root,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "tests", "stacks", "docs", "bench", "*.egg-info", "__pycache__", ".ruff_cache"
        ),
    )
    return root


def test_writes_a_stack_file_the_program_plans_and_that_passes_rds_17(tmp_path, project_root):
    root = _project(tmp_path, project_root)
    result = CliRunner().invoke(app, ["init", "-C", str(root), "--stack", "shop", "--engine", "mysql", *ARGS])
    assert result.exit_code == 0, result.output
    path = root / "stacks" / "Pulumi.shop.yaml"
    assert "wrote" in result.stdout and path.is_file()
    database = yaml.safe_load(path.read_text())["config"]["sme-rollout:database"]
    assert database == {"engine": "mysql", "engineVersion": "8.4"}

    # raised to phase 3 (with a CDN, required from phase 2), the program builds MySQL 8.4 and RDS-17 passes
    document = yaml.safe_load(path.read_text())
    document["config"].update(
        {
            "sme-rollout:phase": 3,
            "sme-rollout:cdn": {"provider": "cloudfront"},
            "sme-rollout:app": {"hosting": "external", "privateAccess": "vpn", "serverIp": "198.51.100.20"},
        }
    )
    path.write_text(yaml.safe_dump(document))
    from rollout.analysis.check import run_check
    from rollout.runtime.synth import synthesize

    inventory = synthesize(root, "shop", phase=3)
    (primary,) = [r for r in inventory.of_type("aws:rds/instance:Instance") if r.name == "database-db"]
    assert primary.inputs["engineVersion"] == "8.4"
    (group,) = inventory.of_type("aws:rds/parameterGroup:ParameterGroup")
    assert group.inputs["family"] == "mysql8.4"
    findings = run_check(inventory, policy_config={"RDS-17": {"date": "2026-12-01"}}).findings
    assert not [f for f in findings if f.control == "RDS-17" and f.status == "violation"]


def test_refuses_to_replace_a_stack_file(tmp_path, project_root):
    root = _project(tmp_path, project_root)
    (root / "stacks").mkdir()
    (root / "stacks" / "Pulumi.shop.yaml").write_text("config: {}\n")
    result = CliRunner().invoke(app, ["init", "-C", str(root), "-s", "shop", *ARGS])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("Pulumi.shop.yaml: already exists; choose another --stack or edit it")
    assert (root / "stacks" / "Pulumi.shop.yaml").read_text() == "config: {}\n"


def test_bad_options_exit_2_with_one_line_each(tmp_path, project_root):
    root = _project(tmp_path, project_root)
    result = CliRunner().invoke(app, ["init", "-C", str(root), "-s", "shop", "--domain", "shop", "--origin", "x"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "error: --domain 'shop': not a host name (e.g. shop.example.vn)",
        "error: --origin 'x': not a host name (e.g. shop.example.vn)",
    ]
    assert not (root / "stacks" / "Pulumi.shop.yaml").exists()
