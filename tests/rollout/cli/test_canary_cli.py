"""`rollout deploy` through the CLI: bad input exits 2 before anything runs; the image change is checked offline,
then set with `pulumi config set --path` and applied with the policy pack (against a stand-in `pulumi`)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from rollout.cli import app
from tests.rollout.live.test_deploy import calls, install_standin

ROOT = Path(__file__).resolve().parents[3]
runner = CliRunner()


def test_needs_service_and_image():
    result = runner.invoke(app, ["deploy", "-C", str(ROOT), "-s", "example", "-q"])
    assert result.exit_code == 2 and "give --service NAME and --image REF" in result.stderr


def test_unpinned_image_and_unknown_service_exit_2():
    latest = runner.invoke(app, ["deploy", "-C", str(ROOT), "-s", "example", "--service", "web", "--image", "latest"])
    assert latest.exit_code == 2 and "not latest" in latest.stderr
    unknown = runner.invoke(app, ["deploy", "-C", str(ROOT), "-s", "example", "--service", "shop", "--image", "1"])
    assert unknown.exit_code == 2 and "no service 'shop'" in unknown.stderr


def test_checks_offline_then_sets_the_image_and_runs_up_with_the_pack(tmp_path: Path, monkeypatch):
    log = install_standin(tmp_path / "bin", monkeypatch, outputs={"phase": 6})
    result = runner.invoke(app, ["deploy", "-C", str(ROOT), "-s", "example", "--service", "web", "--image", "1.0.1",
                                 "--yes", "-q"])
    assert result.exit_code == 0, result.output
    assert "updates web-web (LaunchTemplate); nothing is replaced" in result.stderr
    recorded = calls(log)
    config = next(c for c in recorded if c[:2] == ["config", "set"])
    assert "--path" in config and "sme-rollout:services[0].image" in config and "1.0.1" in config
    up = next(c for c in recorded if c[0] == "up")
    assert up[up.index("--policy-pack") + 1] == str(ROOT / "policies")


def test_status_needs_a_service():
    result = runner.invoke(app, ["deploy", "status", "-s", "example"])
    assert result.exit_code == 2 and "give --service NAME" in result.stderr
