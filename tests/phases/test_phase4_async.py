"""Phase 4: queues per workload, optional event stream, backup of every data store, per-flow outputs."""

import phases.phase4_async as phase4
from tests.phases.phase_standins import run


def test_declares_what_it_is():
    assert phase4.NUMBER == 4 and phase4.TITLE and phase4.GOAL and phase4.KPIS and phase4.ADDS


def test_queues_backup_and_flows(synth):
    inventory = run(synth, 4)
    queues = sorted(r.inputs["name"] for r in inventory.of_type("aws:sqs/queue:Queue"))
    assert queues == ["dev-email", "dev-email-dlq", "dev-orders-dlq.fifo", "dev-orders.fifo"]
    assert all(r.phase == 4 for r in inventory if r.type != "pulumi:providers:aws")
    (selection,) = inventory.of_type("aws:backup/selection:Selection")
    assert selection.inputs["resources"] == ["arn:aws:rds:ap-southeast-1:123456789012:db:dev-db",
                                             "arn:aws:s3:::dev-assets"]
    assert not inventory.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
    flows = inventory.outputs["flows"]
    assert flows["checkout"]["QUEUE_URL"].endswith("/dev-orders.fifo")
    assert flows["checkout"]["DATABASE_READ_HOST"] == "db-writer" and flows["checkout"]["CACHE_ENABLED"] == "false"
    assert flows["catalog"]["DATABASE_READ_HOST"] == "db-r1" and flows["catalog"]["CACHE_TTL_SECONDS"] == "120"
    assert flows["catalog"]["DATABASE_PORT"] == "5432"


def test_event_stream_bucket_is_backed_up_too(synth):
    inventory = run(synth, 4, {"eventStream": {"enabled": True}})
    (stream,) = inventory.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
    (selection,) = inventory.of_type("aws:backup/selection:Selection")
    (bucket,) = inventory.of_type("aws:s3/bucket:Bucket")
    assert bucket.urn in selection.property_dependencies["resources"] and stream.phase == 4


def test_without_replicas_eventual_flows_read_the_primary(synth):
    flows = run(synth, 4, replicas=0).outputs["flows"]
    assert flows["catalog"]["DATABASE_READ_HOST"] == "db-writer"
    assert flows["catalog"]["DATABASE_READ_FROM"] == "primary"


def test_copy_to_region_creates_the_copy_vault_there_and_copies_both_rules(synth):
    inventory = run(synth, 4, {"environment": "prod", "backup": {"copyToRegion": "ap-northeast-1"}})
    vaults = {r.name: r for r in inventory.of_type("aws:backup/vault:Vault")}
    assert set(vaults) == {"backup-vault", "backup-copy-vault"}
    copy = vaults["backup-copy-vault"]
    assert "aws-ap-northeast-1" in copy.provider and all(v.protect for v in vaults.values())
    keys = {r.name: r for r in inventory.of_type("aws:kms/key:Key")}
    assert "aws-ap-northeast-1" in keys["backup-copy-key"].provider
    assert copy.inputs["kmsKeyArn"] != vaults["backup-vault"].inputs["kmsKeyArn"]
    (plan,) = inventory.of_type("aws:backup/plan:Plan")
    for rule in plan.inputs["rules"]:
        (action,) = rule["copyActions"]
        assert action["destinationVaultArn"].startswith("arn:aws:backup:")
        assert action["lifecycle"]["deleteAfter"] == rule["lifecycle"]["deleteAfter"]
    (provider,) = [r for r in inventory.of_type("pulumi:providers:aws") if r.name == "aws-ap-northeast-1"]
    assert provider.inputs["region"] == "ap-northeast-1"


def test_without_copy_to_region_there_is_one_vault_and_no_copies(synth):
    inventory = run(synth, 4)
    assert [r.name for r in inventory.of_type("aws:backup/vault:Vault")] == ["backup-vault"]
    (plan,) = inventory.of_type("aws:backup/plan:Plan")
    assert all("copyActions" not in rule for rule in plan.inputs["rules"])
