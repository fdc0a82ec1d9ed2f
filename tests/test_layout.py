"""The layout promise of DESIGN.md: every component, phase, module, control and command has its test."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"


def modules(folder: str) -> list[str]:
    return sorted(p.stem for p in (ROOT / folder).glob("*.py") if not p.stem.startswith("_"))


ROLLOUT_LAYERS = sorted(p.name for p in (ROOT / "rollout").iterdir()
                        if (p / "__init__.py").is_file() and p.name != "cli")


def packages(folder: str) -> list[str]:
    """`folder` and every sub-package below it (e.g. rollout/analysis/cost, rollout/analysis/cost/pricers)."""
    found = [folder]
    for child in sorted((ROOT / folder).iterdir()):
        if child.is_dir() and (child / "__init__.py").is_file():
            found += packages(str(child.relative_to(ROOT)))
    return found


FOLDERS = ["components", "phases", "rollout", "policies",
           *(package for layer in ROLLOUT_LAYERS for package in packages(f"rollout/{layer}"))]


@pytest.mark.parametrize(("folder", "name"), [(f, n) for f in FOLDERS for n in modules(f)
                                              if not (f == "policies" and n == "core")])
def test_every_module_has_a_test_module(folder: str, name: str) -> None:
    """Sub-packages are mirrored too: rollout/analysis/cost/pricers/rds.py -> tests/.../cost/pricers/test_rds.py."""
    assert (TESTS / folder / f"test_{name}.py").is_file(), f"{folder}/{name}.py has no tests/{folder}/test_{name}.py"


@pytest.mark.parametrize("name", modules("rollout/cli"))
def test_every_command_module_has_a_cli_test(name: str) -> None:
    assert (TESTS / "rollout" / "cli" / f"test_{name}_cli.py").is_file()


def test_every_listed_command_exists() -> None:
    from typer.main import get_command

    from rollout.cli import COMMANDS, app

    registered = set(get_command(app).commands)
    assert {name for name, _ in COMMANDS} <= registered


def test_every_control_is_named_in_a_policy_test() -> None:
    registry = importlib.import_module("policies.registry")
    text = "\n".join(p.read_text() for p in (TESTS / "policies").glob("test_*.py"))
    text += "\n".join(p.read_text() for p in (TESTS / "policies" / "apply").glob("test_*.py"))
    missing = [c.id for c in registry.ALL_CONTROLS if c.id not in text]
    assert not missing, f"controls without tests: {missing}"


def test_every_phase_module_declares_itself() -> None:
    from phases import PHASES

    assert [m.NUMBER for m in PHASES] == [1, 2, 3, 4, 5, 6]
    for module in PHASES:
        assert module.TITLE and module.GOAL and module.KPIS and module.ADDS, module.__name__
