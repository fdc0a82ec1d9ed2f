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


@pytest.mark.parametrize(("folder", "name"), [(f, n) for f in ("components", "phases", "rollout", "policies",
                                                               *(f"rollout/{layer}" for layer in ROLLOUT_LAYERS))
                                              for n in modules(f) if not (f == "policies" and n == "core")])
def test_every_module_has_a_test_module(folder: str, name: str) -> None:
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
    missing = [c.id for c in registry.CONTROLS if c.id not in text]
    assert not missing, f"controls without tests: {missing}"


def test_every_phase_module_declares_itself() -> None:
    from phases import PHASES

    assert [m.NUMBER for m in PHASES] == [1, 2, 3, 4, 5, 6]
    for module in PHASES:
        assert module.TITLE and module.GOAL and module.KPIS and module.ADDS, module.__name__
