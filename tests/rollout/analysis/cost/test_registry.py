"""rollout.analysis.cost.registry: one pricer per type across the service modules, and the free list."""

from __future__ import annotations

import importlib
import pkgutil

import rollout.analysis.cost.pricers as pricers_package
from rollout.analysis.cost.registry import FREE_TYPES, PRICER_MODULES, PRICERS, classify


def test_every_pricer_module_is_registered():
    found = sorted(m.name for m in pkgutil.iter_modules(pricers_package.__path__))
    assert found == sorted(PRICER_MODULES)
    total = sum(len(importlib.import_module(f"rollout.analysis.cost.pricers.{n}").PRICERS) for n in found)
    assert total == len(PRICERS)


def test_a_type_is_priced_free_or_unpriced_never_two():
    assert not set(PRICERS) & FREE_TYPES
    assert classify("aws:rds/instance:Instance") == "priced"
    assert classify("aws:ec2/vpc:Vpc") == "free"
    assert classify("aws:neverheardof/thing:Thing") == "unpriced"


def test_the_free_list_is_what_scripts_free_types_derives_from_the_installed_sdk():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[4]
    result = subprocess.run([sys.executable, str(root / "scripts" / "free-types"), "--check"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(FREE_TYPES) > 400
    # billed on their own although a naming rule would call them configuration
    assert "aws:fms/policy:Policy" not in FREE_TYPES and "aws:shield/subscription:Subscription" not in FREE_TYPES
    assert "aws:ec2/routeTableAssociation:RouteTableAssociation" in FREE_TYPES
