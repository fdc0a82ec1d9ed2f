"""rollout.analysis.diff on hand-built inventories and on phase pairs of a real (test) program."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rollout.analysis.diff import diff_inventories, holds_data, input_changes
from rollout.model.inventory import UNKNOWN, Inventory, Resource, Secret
from rollout.runtime.synth import synthesize
from tests.rollout.programs import PHASED_PROGRAM, PHASED_STACK, write_program

RDS = "aws:rds/instance:Instance"


def res(resource_name: str, type_: str = RDS, /, **inputs) -> Resource:
    return Resource(urn=f"urn:pulumi:dev::p::{type_}::{resource_name}", type=type_, name=resource_name, inputs=inputs)


def inv(*resources: Resource) -> Inventory:
    return Inventory(project="p", stack="dev", phase=None, resources=resources)


def test_added_updated_and_removed_are_told_apart():
    before = inv(res("db", instanceClass="db.t4g.micro"), res("old", "aws:sns/topic:Topic"))
    after = inv(res("db", instanceClass="db.t4g.small"), res("jobs", "aws:sqs/queue:Queue"))
    result = diff_inventories(before, after)
    assert [e.name for e in result.added] == ["jobs"]
    assert [e.name for e in result.removed] == ["old"]
    assert [(e.name, e.paths) for e in result.updated] == [("db", ["instanceClass"])]
    assert result.updated[0].changes[0].old == "db.t4g.micro" and result.updated[0].changes[0].new == "db.t4g.small"
    assert result.replaced == () and result.data_loss == []


@pytest.mark.parametrize("type_, key, old, new", [
    (RDS, "storageEncrypted", False, True),
    (RDS, "engine", "mysql", "postgres"),
    (RDS, "identifier", "shop-db", "shop-db-2"),
    (RDS, "kmsKeyId", "arn:a", "arn:b"),
    ("aws:elasticache/replicationGroup:ReplicationGroup", "atRestEncryptionEnabled", False, True),
    ("aws:elasticache/replicationGroup:ReplicationGroup", "replicationGroupId", "a", "b"),
    ("aws:s3/bucket:Bucket", "bucket", "a", "b"),
    ("aws:sqs/queue:Queue", "fifoQueue", False, True),
    ("aws:sqs/queue:Queue", "name", "orders", "orders2"),
])
def test_replace_triggering_change_of_a_stateful_resource_is_data_loss(type_, key, old, new):
    result = diff_inventories(inv(res("x", type_, **{key: old})), inv(res("x", type_, **{key: new})))
    assert [(e.name, e.replace_paths) for e in result.replaced] == [("x", (key,))]
    assert result.data_loss == [result.replaced[0].urn]
    assert result.to_json()["replaced"][0]["paths"] == [key]


def test_launch_template_changes_roll_instances_and_are_updates():
    lt = "aws:ec2/launchTemplate:LaunchTemplate"
    result = diff_inventories(inv(res("web", lt, imageId="ami-1")), inv(res("web", lt, imageId="ami-2")))
    assert [e.name for e in result.updated] == ["web"] and result.replaced == () and result.data_loss == []


def test_replacing_a_stateless_resource_is_not_data_loss():
    lt = "aws:ec2/launchTemplate:LaunchTemplate"
    result = diff_inventories(inv(res("web", lt, name="a")), inv(res("web", lt, name="b")))
    assert [e.name for e in result.replaced] == ["web"] and result.data_loss == []


def test_removal_is_data_loss_for_stateful_types_unless_retained_or_a_replica():
    kept = Resource(urn="urn:k", type="aws:s3/bucket:Bucket", name="kept", retain_on_delete=True)
    replica = res("replica", replicateSourceDb="arn:primary")
    before = inv(res("db"), kept, replica, res("topic", "aws:sns/topic:Topic"))
    result = diff_inventories(before, inv())
    assert {e.name for e in result.removed} == {"db", "kept", "replica", "topic"}
    assert result.data_loss == [res("db").urn]
    assert holds_data(res("db")) and not holds_data(replica)


def test_nested_paths_and_list_items_are_reported():
    changes = list(input_changes({"tags": {"a": "1"}, "rules": [{"port": 80}, {"port": 443}]},
                                 {"tags": {"a": "2", "b": "x"}, "rules": [{"port": 80}, {"port": 8443}]}))
    assert [(c.path, c.old, c.new) for c in changes] == [
        ("tags.a", "1", "2"), ("tags.b", None, "x"), ("rules[1].port", 443, 8443)]


def test_secrets_are_masked_and_never_descended_into():
    before = inv(res("db", password=Secret("hunter2"), options=Secret({"k": "old-secret"})))
    after = inv(res("db", password=Secret("swordfish"), options=Secret({"k": "new-secret"})))
    result = diff_inventories(before, after)
    document = json.dumps(result.to_json())
    assert "hunter2" not in document and "swordfish" not in document and "secret\"" not in document.replace("[secret]", "")
    assert [(c.path, c.old, c.new) for c in result.updated[0].changes] == [
        ("password", "[secret]", "[secret]"), ("options", "[secret]", "[secret]")]


def test_unknown_values_are_shown_as_unknown_and_equal_unknowns_are_no_change():
    same = diff_inventories(inv(res("db", kmsKeyId=UNKNOWN)), inv(res("db", kmsKeyId=UNKNOWN)))
    assert same.empty
    changed = diff_inventories(inv(res("db", kmsKeyId="arn:a")), inv(res("db", kmsKeyId=UNKNOWN)))
    assert changed.replaced[0].changes[0].new == "[unknown]"


def test_phase_pair_of_a_program_adds_the_phase_two_resources(tmp_path: Path):
    program = write_program(tmp_path / "p", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    result = diff_inventories(synthesize(program, "dev", phase=1), synthesize(program, "dev", phase=2))
    assert sorted(e.name for e in result.added) == ["db", "jobs"]
    assert result.updated == result.replaced == result.removed == () and result.data_loss == []


def test_a_changed_default_that_replaces_the_database_is_flagged(tmp_path: Path):
    """The awsx/terraform-aws-modules lesson: a new default for a replace-triggering input loses the database."""
    program = write_program(tmp_path / "p", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    before = synthesize(program, "dev", phase=2)
    main = program / "__main__.py"
    main.write_text(main.read_text().replace('engine="postgres",', 'engine="postgres", storage_encrypted=True,'))
    after = synthesize(program, "dev", phase=2)
    result = diff_inventories(before, after)
    assert [(e.name, e.replace_paths) for e in result.replaced] == [("db", ("storageEncrypted",))]
    assert result.data_loss == [e.urn for e in result.replaced]
    # the secret password of the same instance is unchanged and never shown
    assert "password" not in result.replaced[0].paths
