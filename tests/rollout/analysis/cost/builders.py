"""Hand-built resources and inventories for the pricing tests (every expectation worked out from the catalog)."""

from __future__ import annotations

from rollout.analysis.cost import price_inventory
from rollout.model.inventory import Inventory, Resource
from rollout.model.settings import UsageSettings

SG, US = "ap-southeast-1", "us-east-1"
RDS = "aws:rds/instance:Instance"


def res(type_: str, name: str, inputs: dict | None = None, **options) -> Resource:
    return Resource(urn=f"urn:pulumi:test::proj::{type_}::{name}", type=type_, name=name, inputs=inputs or {},
                    **options)


def inv(*resources: Resource, phase: int | None = None) -> Inventory:
    return Inventory("proj", "test", phase, tuple(resources))


def price(*resources: Resource, region: str = SG, usage: UsageSettings | None = None):
    return price_inventory(inv(*resources), usage or UsageSettings(), region)


def line(report, name_start: str, resource: int = 0):
    return next(c for c in report.resources[resource].components if c.name.startswith(name_start))


def breakdown(report) -> list[tuple[str, str, float | None, str, float | None]]:
    """An Infracost-style breakdown: (resource, component, monthly quantity, unit, monthly cost), cents rounded;
    None for a price unknown."""
    return [(r.name, c.name, None if c.quantity is None else round(c.quantity, 4), c.unit,
             None if c.monthly is None else round(c.monthly, 2))
            for r in report.resources for c in r.components]


def golden(synth, program, usage: UsageSettings | None = None, region: str = US):
    """Run `program` (a small Pulumi program) under the offline runtime and price it: the report."""
    return price_inventory(synth(program, region=region), usage or UsageSettings(), region)
