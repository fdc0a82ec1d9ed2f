"""The version is written once (rollout/__init__.py); everything that shows it reads it from there."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import yaml

import rollout
from rollout.live.assess.network import USER_AGENT

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_metadata_and_the_policy_pack_carry_the_one_version():
    assert metadata.version("sme-rollout") == rollout.__version__  # pyproject reads it (setuptools dynamic)
    assert 'dynamic = ["version"]' in (ROOT / "pyproject.toml").read_text()
    pack = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())
    assert str(pack["version"]) == rollout.__version__, "policies/PulumiPolicy.yaml repeats the version: update it"
    assert USER_AGENT.startswith(f"sme-rollout-assess/{rollout.__version__} ")


def test_rollout_version_prints_it():
    from typer.testing import CliRunner

    from rollout.cli import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"rollout {rollout.__version__}\n"
