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
    assert result.exit_code == 0
    assert result.stdout.startswith("---\ntitle: sme-rollout · stack example · phase 1\n---\nflowchart LR")
    bad = CliRunner().invoke(app, ["diagram", "-C", str(ROOT), "-s", "example", "-f", "gif", "-q"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_output_into_a_missing_folder_exits_2(tmp_path: Path):
    target = tmp_path / "missing" / "d.mmd"
    result = CliRunner().invoke(app, ["diagram", "-C", str(ROOT), "-s", "example", "-p", "1", "-o", str(target), "-q"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: --output {target}: folder {target.parent} does not exist"


def test_failed_write_keeps_the_previous_file_whole(tmp_path: Path, monkeypatch):
    import os

    target = tmp_path / "d.mmd"
    target.write_text("previous diagram\n")

    def refuse(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = CliRunner().invoke(app, ["diagram", "-C", str(ROOT), "-s", "example", "-p", "1", "-o", str(target), "-q"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: --output {target}: cannot write (No space left on device)"
    assert target.read_text() == "previous diagram\n"
    assert [p.name for p in tmp_path.iterdir()] == ["d.mmd"]  # no temporary file left behind
