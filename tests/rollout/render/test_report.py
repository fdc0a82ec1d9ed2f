"""rollout.render.report: the pull-request comment (golden file), its optional sections and the diff renderings."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from rollout.analysis.cost import CostDiff, ResourceChange
from rollout.analysis.diagram import mermaid
from rollout.analysis.diff import diff_inventories
from rollout.app import plan_comment, plan_stack
from rollout.model.inventory import Inventory
from rollout.render.report import diff_markdown, findings_markdown, plan_markdown
from tests.rollout.programs import PHASED_PROGRAM, PHASED_STACK, write_program

GOLDEN = Path(__file__).parent.parent / "golden"
DB = "urn:pulumi:dev::shopfront::shopfront:phases:Phase$aws:rds/instance:Instance::db"

COST = CostDiff(0.2, 31.5, (
    ResourceChange(DB, "aws:rds/instance:Instance", "db", "added", 0.0, 29.2),
    ResourceChange("urn:q", "aws:sqs/queue:Queue", "jobs", "added", 0.0, 2.1),
    ResourceChange("urn:b", "aws:s3/bucket:Bucket", "assets-bucket", "unchanged", 0.2, 0.2),
))
FINDINGS = [
    {"control": "RDS-04", "severity": "medium", "enforcement": "advisory", "name": "db", "message": "backups < 7 days",
     "status": "violation"},
    {"control": "RDS-01", "severity": "high", "enforcement": "mandatory", "name": "db", "message": "storage not encrypted",
     "status": "violation"},
    {"control": "SQS-01", "severity": "high", "enforcement": "mandatory", "name": "jobs", "message": "no SSE",
     "status": "violation", "waived": True},
]


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory):
    program = write_program(tmp_path_factory.mktemp("p") / "p", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    return plan_stack(program, "dev", 2)


def test_pull_request_comment_matches_its_golden_file(plan):
    """Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff."""
    text = plan_markdown(plan, cost=COST, findings=FINDINGS, diagram=mermaid(plan.current))
    golden = GOLDEN / "plan-comment.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_comment_sections(plan):
    text = plan_markdown(plan, cost=COST, findings=FINDINGS, diagram=mermaid(plan.current))
    assert "**$31.50/month** (+$31.30, +15650.0% vs phase 1)" in text
    assert "❌ 1 mandatory violation(s) · 2 finding(s) (1 high, 1 medium) · 1 waived" in text
    assert text.index("RDS-01") < text.index("RDS-04") and "SQS-01" not in text
    assert "```mermaid\n---\ntitle: shopfront · stack dev · phase 2\n---\nflowchart LR" in text and "Data loss" not in text
    bare = plan_markdown(plan, cost=None, findings=None, diagram=None)
    assert "Monthly cost" not in bare and "Compliance" not in bare and "mermaid" not in bare


def test_comment_of_a_plan_gathers_cost_findings_and_diagram(plan):
    text = plan_comment(plan)
    assert "#### Monthly cost" in text and "```mermaid" in text and "Compliance" in text


def test_comment_warns_about_data_loss(plan):
    previous: Inventory = plan.current
    db = previous.by_urn[DB]
    before = dataclasses.replace(previous, resources=tuple(
        dataclasses.replace(r, inputs={**r.inputs, "engine": "mysql"}) if r.urn == db.urn else r for r in previous))
    text = plan_markdown(dataclasses.replace(plan, previous=before), cost=None, findings=None, diagram=None)
    assert "> [!CAUTION]" in text and "> - `db` (rds.Instance): replaced because `engine` changed" in text
    assert "`engine`: `mysql` → `postgres`" in text


def test_findings_without_violations():
    assert findings_markdown([])[2] == "✅ no mandatory violations · 0 finding(s)"


def test_diff_markdown_masks_secrets(plan):
    before = plan.current
    after = dataclasses.replace(before, resources=tuple(
        dataclasses.replace(r, inputs={**r.inputs, "username": "admin2"}) if r.urn == DB else r for r in before))
    text = diff_markdown(diff_inventories(before, after), "dev: test")
    assert "**±1** replaced" in text and "`username`" in text and "**Data loss:**" in text


def test_diff_markdown_lists_what_aws_would_reject_or_defer():
    from rollout.analysis.diff import diff_inventories
    from rollout.model.inventory import Inventory, Resource
    from rollout.render.report import diff_markdown

    def one(**inputs):
        return Inventory("p", "dev", None, (Resource(urn="urn:db", type="aws:rds/instance:Instance", name="db",
                                                     inputs=inputs),))

    changes = diff_inventories(one(engineVersion="16", instanceClass="db.t4g.small"),
                               one(engineVersion="17", instanceClass="db.t4g.large"))
    text = diff_markdown(changes, "dev")
    assert "**fails** `db`: engine 16 → 17 is a major version upgrade" in text
    assert "**deferred** `db`: engineVersion, instanceClass change(s) wait for the maintenance window" in text


def test_long_values_are_shown_where_they_differ() -> None:
    from rollout.render.report import around_difference

    shared = '{"Statement": [{"Action": ["sqs:SendMessage"], "Effect": "Allow", "Resource": "arn:aws:sqs:' + "x" * 200
    old, new = around_difference(shared + 'orders"}]}', shared + 'orders-dlq"}]}', limit=60)
    assert old.startswith("(at character ") and "orders\"}]}" in old and "orders-dlq" in new
    assert len(old) < 100 and len(new) < 100
    assert around_difference("short", "other") == ("short", "other")
    head_differs = around_difference("a" + "x" * 300, "b" + "x" * 300, limit=50)
    assert head_differs[0].startswith("ax") and head_differs[0].endswith("(251 more characters)")
