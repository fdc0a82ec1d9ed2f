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


# --- issue 15: what the provider forces, what AWS rejects or defers ---------------------------------------------

from rollout.analysis.diff import (  # noqa: E402
    DEFERRED,
    FAILS,
    REPLACE_ON_CHANGE,
    REPLACE_SOURCES,
    SETTINGS,
    STATEFUL_TYPES,
)

PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"


def kinds(result) -> list[tuple[str, str]]:
    return [(entry.name, risk.kind) for entry, risk in result.warnings]


def test_every_replace_table_entry_names_its_source():
    assert set(REPLACE_SOURCES) == set(REPLACE_ON_CHANGE)
    assert all(REPLACE_SOURCES.values())


@pytest.mark.parametrize("type_, key, old, new", [
    (PARAMETER_GROUP, "family", "postgres16", "postgres17"),
    ("aws:rds/subnetGroup:SubnetGroup", "name", "a", "b"),
    ("aws:dms/replicationInstance:ReplicationInstance", "kmsKeyArn", "arn:a", "arn:b"),
    ("aws:dms/replicationTask:ReplicationTask", "sourceEndpointArn", "arn:a", "arn:b"),
    ("cloudflare:index/zone:Zone", "name", "example.vn", "example.com"),
])
def test_newly_covered_types_are_replaced(type_, key, old, new):
    result = diff_inventories(inv(res("x", type_, **{key: old})), inv(res("x", type_, **{key: new})))
    assert [(e.name, e.replace_paths) for e in result.replaced] == [("x", (key,))]
    assert bool(result.data_loss) is (type_ in STATEFUL_TYPES)


def test_replacing_a_running_migration_task_warns_that_the_full_load_starts_again():
    task = "aws:dms/replicationTask:ReplicationTask"
    result = diff_inventories(inv(res("task", task, sourceEndpointArn="arn:a")),
                              inv(res("task", task, sourceEndpointArn="arn:b")))
    assert kinds(result) == [("task", SETTINGS)] and "full load again" in result.warnings[0][1].message


def test_a_parameter_group_family_change_warns_that_the_settings_move_to_a_new_group():
    result = diff_inventories(inv(res("tls", PARAMETER_GROUP, family="postgres16")),
                              inv(res("tls", PARAMETER_GROUP, family="postgres17")))
    assert kinds(result) == [("tls", SETTINGS)]
    assert "reboot" in result.warnings[0][1].message


@pytest.mark.parametrize("old, new, allowed, fails", [
    ("16", "17", None, True), ("16", "17", True, False), ("16.3", "16.4", None, False),
    ("8.0", "8.4", None, True), ("8.0.35", "8.0.36", None, False),
])
def test_a_major_version_change_without_the_flag_fails(old, new, allowed, fails):
    extra = {"allowMajorVersionUpgrade": allowed} if allowed is not None else {}
    result = diff_inventories(inv(res("db", engineVersion=old, applyImmediately=True)),
                              inv(res("db", engineVersion=new, applyImmediately=True, **extra)))
    assert [e.name for e in result.updated] == ["db"] and result.replaced == ()
    assert (("db", FAILS) in kinds(result)) is fails
    assert (result.failures == [res("db").urn]) is fails


def test_a_downgrade_fails_whatever_the_flag_says():
    result = diff_inventories(inv(res("db", engineVersion="16", applyImmediately=True)),
                              inv(res("db", engineVersion="15", applyImmediately=True, allowMajorVersionUpgrade=True)))
    assert kinds(result) == [("db", FAILS)] and "downgrade" in result.warnings[0][1].message


def test_a_class_change_without_apply_immediately_is_deferred_to_the_window():
    before = inv(res("db", instanceClass="db.t4g.small", maintenanceWindow="sun:19:30-sun:20:30"))
    later = diff_inventories(before, inv(res("db", instanceClass="db.t4g.large",
                                             maintenanceWindow="sun:19:30-sun:20:30")))
    assert kinds(later) == [("db", DEFERRED)] and "sun:19:30-sun:20:30" in later.warnings[0][1].message
    now = diff_inventories(before, inv(res("db", instanceClass="db.t4g.large", applyImmediately=True,
                                           maintenanceWindow="sun:19:30-sun:20:30")))
    assert kinds(now) == [] and now.failures == []


def test_removing_a_protected_replica_fails_without_being_data_loss():
    replica = Resource(urn="urn:r", type=RDS, name="db-replica-2", protect=True,
                       inputs={"replicateSourceDb": "db", "deletionProtection": True})
    result = diff_inventories(inv(replica), inv())
    assert result.data_loss == [] and result.failures == ["urn:r", "urn:r"]
    assert {risk.message.split(":")[0] for _, risk in result.warnings} == {"deletionProtection is true",
                                                                            "protect=True"}


def test_ignored_inputs_are_not_compared_and_do_not_replace():
    adopted = Resource(urn=res("db").urn, type=RDS, name="db", ignore_changes=("kmsKeyId", "dbName"),
                       inputs={"kmsKeyId": "arn:new", "dbName": "app", "instanceClass": "db.t4g.small"})
    existing = res("db", kmsKeyId="arn:old", dbName="shop", instanceClass="db.t4g.small")
    assert diff_inventories(inv(existing), inv(adopted)).empty


def test_an_adopted_resource_warns_about_inputs_that_must_match():
    adopted = Resource(urn="urn:a", type=RDS, name="db", import_id="shop-db", ignore_changes=("kmsKeyId",),
                       inputs={"identifier": "shop-db", "kmsKeyId": "arn:new"})
    result = diff_inventories(inv(), inv(adopted))
    assert kinds(result) == [("db", SETTINGS)] and "identifier" in result.warnings[0][1].message
    assert "kmsKeyId" not in result.warnings[0][1].message


def test_ignore_changes_and_import_id_survive_a_json_round_trip():
    resource = Resource(urn="urn:a", type=RDS, name="db", import_id="shop-db", ignore_changes=("kmsKeyId",))
    assert Resource.from_json(json.loads(json.dumps(resource.to_json()))) == resource
