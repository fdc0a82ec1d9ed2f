"""The code style the project declares in pyproject.toml ([tool.ruff]: lines of at most 120 characters, pyflakes,
import order, bugbear, pyupgrade) holds for the whole tree: ruff runs here, as CI runs the tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    beside = Path(sys.executable).with_name("ruff")  # installed with the test extra (pyproject.toml)
    found = str(beside) if beside.exists() else shutil.which("ruff")
    assert found, "ruff is missing: scripts/setup installs the test extra, which pins it"
    return [found]


def test_ruff_finds_nothing():
    result = subprocess.run([*_ruff(), "check", "--no-cache", "--output-format", "concise", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"ruff check . (fix, or wrap lines over 120 characters):\n{result.stdout}"


def test_the_line_limit_is_the_declared_one():
    text = (ROOT / "pyproject.toml").read_text()
    assert "line-length = 120" in text and '"E501"' in text
