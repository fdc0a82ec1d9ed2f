"""The tool's own settings (`rollout:*`): defaults, waivers, and key-path errors."""

from __future__ import annotations

import datetime as dt

import pytest

from rollout.errors import UserError
from rollout.model.settings import RolloutSettings, Waiver, load_settings


def test_defaults() -> None:
    settings = RolloutSettings()
    assert settings.usage.profile == "small" and settings.waivers == [] and settings.report.currency == "USD"


def test_waiver_expiry() -> None:
    waiver = Waiver(control="RDS-03", resource="db", reason="dev stack", expires=dt.date(2026, 1, 31))
    assert waiver.active(dt.date(2026, 1, 31)) and not waiver.active(dt.date(2026, 2, 1))
    assert Waiver(control="RDS-03", resource="db", reason="forever").active(dt.date(2999, 1, 1))


@pytest.mark.parametrize(("values", "expected"), [
    ({"usage": {"profile": "huge"}}, "s.yaml: rollout:usage.profile: must be small, medium or large, not huge"),
    ({"waivers": [{"control": "RDS-03", "resource": "db"}]}, "s.yaml: rollout:waivers.0.reason: is required"),
    ({"colour": 1}, "s.yaml: rollout:colour: unknown key"),
    ({"report": {"topFindings": 0}}, "s.yaml: rollout:report.topFindings: must be greater than or equal to 1"),
])
def test_bad_settings_are_key_path_lines(values: dict, expected: str) -> None:
    with pytest.raises(UserError) as error:
        load_settings(values, "s.yaml")
    assert expected in error.value.problems
