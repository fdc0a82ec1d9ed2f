"""rollout.analysis.diagram: tiers, replicas, highlighting, SVG; golden Mermaid text per phase of the example stack."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from rollout.analysis.diagram import architecture, mermaid, svg
from rollout.model.inventory import Inventory, Resource
from rollout.runtime.synth import synthesize

GOLDEN = Path(__file__).parent.parent / "golden"
ROOT = Path(__file__).resolve().parents[3]


def r(name: str, type_: str, phase: int, deps: tuple[str, ...] = (), **inputs) -> Resource:
    return Resource(urn=f"urn:{name}", type=type_, name=name, phase=phase, inputs=inputs, dependencies=deps)


SHOP = Inventory("p", "dev", 3, (
    r("cdn", "aws:cloudfront/distribution:Distribution", 2),
    r("cache", "aws:elasticache/replicationGroup:ReplicationGroup", 2),
    r("db", "aws:rds/instance:Instance", 3, engine="postgres"),
    r("db-replica-1", "aws:rds/instance:Instance", 3, ("urn:db",), replicateSourceDb="db-id"),
    r("assets", "aws:s3/bucket:Bucket", 3),
    r("orders", "aws:sqs/queue:Queue", 3, fifoQueue=True),
    r("p95", "aws:cloudwatch/metricAlarm:MetricAlarm", 1),
    r("5xx", "aws:cloudwatch/metricAlarm:MetricAlarm", 3),
    r("role", "aws:iam/role:Role", 3),
))


def test_tiers_replicas_and_what_the_phase_adds():
    arch = architecture(SHOP)
    assert [t.id for t in arch.tiers] == ["edge", "web", "cache", "database", "storage", "queues", "observability"]
    web = next(t for t in arch.tiers if t.id == "web")
    assert [n.id for n in web.nodes] == ["origin"]  # no web tier yet: the current server is the origin
    database = next(t for t in arch.tiers if t.id == "database")
    assert [(n.label, n.kind, n.added) for n in database.nodes] == [
        ("db", "rds.Instance · postgres primary", True), ("db-replica-1", "rds.Instance · read replica", True)]
    assert ("n3", "n4", "replicates") in arch.edges
    alarms = next(t for t in arch.tiers if t.id == "observability").nodes
    assert [(n.label, n.kind, n.added) for n in alarms] == [("2× cloudwatch.MetricAlarm", "+1 new in phase 3", True)]
    text = mermaid(SHOP)
    assert "class n3,n4,n5,n6,c1 added" in text and "role" not in text
    assert "users --> edge" in text and "web --> database" in text and "n3 -- replicates --> n4" in text


def test_highlight_another_phase():
    added = [n.label for t in architecture(SHOP, phase=2).tiers for n in t.nodes if n.added]
    assert added == ["cdn", "cache"]


def test_svg_is_well_formed_and_marks_added_nodes():
    root = ET.fromstring(svg(SHOP))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"p · stack dev · phase 3", "Users", "Edge / CDN", "AWS region", "db-replica-1",
            "green: added in phase 3"} <= set(texts)
    assert sum(1 for e in root.iter("{http://www.w3.org/2000/svg}rect") if e.get("fill") == "#dafbe1") == 5


@pytest.mark.parametrize("phase", range(1, 7))
def test_mermaid_of_each_phase_of_the_example_stack_matches_its_golden_file(phase: int):
    """Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff."""
    text = mermaid(synthesize(ROOT, "example", phase=phase))
    golden = GOLDEN / f"diagram-example-phase{phase}.mmd"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


@pytest.mark.parametrize("phase", [2, 6])
def test_containers_hold_what_runs_in_them_and_no_arrow_crosses_a_box(phase: int):
    from rollout.analysis.diagram import _crosses, _layout, _segments, route

    arch = architecture(synthesize(ROOT, "example", phase=phase))
    layout, _width, _bottom = _layout(arch)
    parents = layout.parent
    assert parents["vpc"] == "aws" and parents["private"] == "vpc" and parents["cache"] == "private"
    assert parents["storage"] == "aws" and parents["observability"] == "aws" and parents["edge"] is None
    for inner, outer in [(c, p) for c, p in parents.items() if p is not None]:  # every box inside its container
        x, y, w, h = layout.boxes[inner]
        ox, oy, ow, oh = layout.boxes[outer]
        assert ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh, (inner, outer)
    for source, target, _style in arch.edges:
        allowed = layout.lineage(source) | layout.lineage(target)
        for segment in _segments(route(layout, source, target)):
            hit = [b for b, rect in layout.boxes.items() if b not in allowed and _crosses(segment, rect)]
            assert not hit, (source, target, hit)
    text = svg(synthesize(ROOT, "example", phase=phase))
    assert f"sme-rollout · stack example · phase {phase}" in text and ">VPC<" in text and ">Private subnets<" in text
