"""docs/controls.md and docs/config.md are generated from the code and must be current."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load():
    spec = importlib.util.spec_from_file_location("gendocs", ROOT / "scripts" / "gendocs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gendocs = _load()


@pytest.mark.parametrize("name", sorted(gendocs.GENERATED))
def test_generated_docs_are_current(name):
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == gendocs.GENERATED[name](), f"docs/{name} is not current: run {gendocs.REGENERATE}"


def test_check_mode_names_the_stale_file_and_the_command(tmp_path):
    (tmp_path / "controls.md").write_text(gendocs.controls_md(), encoding="utf-8")
    (tmp_path / "apply-rules.md").write_text(gendocs.apply_rules_md(), encoding="utf-8")
    (tmp_path / "config.md").write_text("# old\n", encoding="utf-8")
    assert gendocs.stale(tmp_path) == ["config.md"]
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gendocs.py"), "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_every_control_is_in_the_catalog_with_its_metadata():
    from policies.registry import ALL_CONTROLS

    text = gendocs.controls_md()
    for control in ALL_CONTROLS:
        section = text.split(f"### {control.id}\n", 1)[1].split("\n### ", 1)[0]
        assert control.title in section and control.severity.value in section
        assert " ".join(control.remediation.split()) in section
        assert all(source in section for source in control.sources), control.id
    assert tuple(re.findall(r"^### (\S+)$", text, flags=re.M)) == tuple(c.id for c in ALL_CONTROLS)


def test_mappings_go_to_their_columns():
    assert gendocs._mappings(("FSBP RDS.3", "CIS 2.2.1", "CKV_AWS_16", "AwsSolutions-RDS2", "SH CloudWatch.16")) == (
        "FSBP RDS.3, SH CloudWatch.16", "2.2.1", "CKV_AWS_16", "AwsSolutions-RDS2")
    assert gendocs._mappings(()) == ("–", "–", "–", "–")


def test_every_config_key_is_documented_with_type_default_and_a_real_description():
    from phases.config import StackConfig
    from rollout.model.settings import RolloutSettings

    text = gendocs.config_md()
    keys = [*gendocs.config_keys(StackConfig, "sme-rollout:"), *gendocs.config_keys(RolloutSettings, "rollout:")]
    assert len(keys) > 90
    for key, field in keys:
        assert f"| `{key}` |" in text, key
        # a description says what the key is, not only its default
        what = re.sub(r"(Defaults to .*|Required.*)$", "", field.description or "").strip()
        assert what, f"{key}: the Field description only states the default"
    assert "| `sme-rollout:queues[].name` | str | required |" in text
    assert "| `sme-rollout:database.replicas` | int (≥ 0, ≤ 5) | `1` |" in text
    assert "| `rollout:report.currency` | `USD` \\| `VND` | `USD` |" in text


def test_type_names_read_like_the_yaml():
    from typing import Literal

    assert gendocs._type_name(int | None) == "int (optional)"
    assert gendocs._type_name(Literal["a", "b"]) == "`a` | `b`"
    assert gendocs._type_name(dict[str, list[int]]) == "map str → list of int"
