"""Usage assumptions for usage-based cost lines: the packaged profiles and the record of what a report relied on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class UsageAssumption:
    """One usage quantity the report relied on, and where it came from (profile, byType or byResource)."""

    urn: str
    key: str
    value: float
    origin: str


def usage_profiles() -> dict[str, Any]:
    """The packaged usage profiles (small, medium, large) per resource type."""
    return json.loads(resources.files("rollout").joinpath("data/usage_profiles.json").read_text())
