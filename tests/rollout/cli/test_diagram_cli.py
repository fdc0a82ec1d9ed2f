"""`rollout diagram` through the CLI: files written, formats that need more, bad arguments."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from rollout.cli import app

ROOT = Path(__file__).resolve().parents[3]


def test_cli_writes_svg_and_explains_png(tmp_path: Path):
    out = tmp_path / "d.svg"
    result = CliRunner().invoke(app, ["diagram", "-C", str(ROOT), "-s", "example", "-p", "2", "-f", "svg", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    ET.fromstring(out.read_text())
    png = CliRunner().invoke(app, ["diagram", "-C", str(ROOT), "-s", "example", "-f", "png", "-q"])
    assert png.exit_code == 2 and "give --output FILE" in png.stderr


def test_mermaid_on_stdout_and_bad_format():
    result = CliRunner().invoke(app, ["diagram", "-C", str(ROOT), "-s", "example", "-p", "1", "-q"])
    assert result.exit_code == 0 and result.stdout.lstrip().startswith("flowchart")
    bad = CliRunner().invoke(app, ["diagram", "-C", str(ROOT), "-s", "example", "-f", "gif", "-q"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
