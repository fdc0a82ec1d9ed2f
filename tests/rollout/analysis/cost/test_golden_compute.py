"""Golden tests in Infracost's style for the compute and database pricers (issue 18): per priced type a small Pulumi
program run under the offline runtime, its usage, and the expected breakdown (resource, cost component, monthly
quantity, unit, monthly cost in USD; None where the catalog records the price missing: "price unknown") and totals.

Every expected figure is worked out by hand from the catalog row it uses (rollout/data/prices.json), written next to
it; Monthly = hourly x 730, as Infracost and AWS do.
"""

from __future__ import annotations

import pytest

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import SG, US, breakdown, golden

RDS = "aws:rds/instance:Instance"


def _resource(report, name: str):
    return next(r for r in report.resources if r.name == name)


def test_ec2_instance_burstable_amd_with_root_volume_and_public_ip(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.ec2.Instance(
            "web",
            ami="ami-0abc",
            instance_type="t3a.medium",
            associate_public_ip_address=True,
            root_block_device={"volume_size": 30, "volume_type": "gp3"},
        )

    report = golden(synth, program, region=SG)
    assert breakdown(report) == [
        ("web", "Instance usage (Linux, on-demand, t3a.medium)", 730, "hour", 34.46),  # 730 x 0.0472 [K1]
        ("web", "Storage (gp3)", 30.0, "GB-month", 2.88),  # 30 x 0.096 [S1]
        ("web", "Public IPv4 address", 730, "hour", 3.65),  # 730 x 0.005 [S1]
    ]
    assert report.total_monthly == pytest.approx(40.986)


def test_autoscaling_group_of_graviton_instances_from_a_launch_template_by_weighted_capacity(synth):
    def program() -> None:
        import pulumi_aws as aws

        template = aws.ec2.LaunchTemplate(
            "app",
            name="app-lt",
            image_id="ami-0abc",
            instance_type="m6g.large",
            block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {"volume_size": 20, "volume_type": "gp3"}}],
        )
        aws.autoscaling.Group(
            "app",
            desired_capacity=4,
            min_size=2,
            max_size=8,
            vpc_zone_identifiers=["subnet-a", "subnet-b"],
            mixed_instances_policy={
                "launch_template": {
                    "launch_template_specification": {"launch_template_id": template.id, "version": "$Latest"},
                    "overrides": [
                        {"instance_type": "c7g.xlarge", "weighted_capacity": "2"},
                        {"instance_type": "m7g.xlarge", "weighted_capacity": "2"},
                    ],
                },
                "instances_distribution": {"on_demand_percentage_above_base_capacity": 100},
            },
        )

    report = golden(synth, program, region=US)
    # capacity 4 units / weight 2 = 2 instances of the first override
    assert breakdown(report) == [
        ("app", "Instance usage (Linux, on-demand, c7g.xlarge)", 1460, "hour", 211.7),  # 2 x 730 x 0.145 [K1]
        ("app", "Storage (gp3)", 40.0, "GB-month", 3.2),  # 2 x 20 GB x 0.08 [S4]
    ]
    group = _resource(report, "app")
    # one instance 105.85 + 1.60 = 107.45: min 2 units = 1 instance, max 8 units = 4 instances
    assert group.monthly_range == pytest.approx((107.45, 429.8))
    assert report.free_types == {"aws:ec2/launchTemplate:LaunchTemplate": 1}


def test_rds_postgres_multi_az_with_backups_beyond_the_database_size(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.rds.Instance(
            "orders",
            engine="postgres",
            engine_version="16.4",
            instance_class="db.t4g.medium",
            multi_az=True,
            allocated_storage=100,
            storage_type="gp3",
            username="app",
            password="offline-stand-in",
            skip_final_snapshot=True,
        )

    usage = UsageSettings(by_type={RDS: {"backupStorageGb": 50}})
    report = golden(synth, program, usage, region=SG)
    assert breakdown(report) == [
        # 730 x 0.204 (derived: 2 x Single-AZ 0.102 [S1], the documented Multi-AZ rule [K8])
        ("orders", "Database instance (primary, Multi-AZ, db.t4g.medium)", 730, "hour", 148.92),
        ("orders", "Storage (gp3, Multi-AZ)", 100.0, "GB-month", 27.6),  # 100 x 0.276 [S1]
        ("orders", "Backup storage beyond the database size", 50.0, "GB-month", 4.75),  # 50 x 0.095 [S1]
    ]
    assert next(c for c in report.resources[0].components if c.name.startswith("Database")).derived
    assert report.total_monthly == pytest.approx(181.27)


def test_rds_mysql_8_0_is_billed_extended_support_and_its_replica_too(synth):
    def program() -> None:
        import pulumi_aws as aws

        primary = aws.rds.Instance(
            "shop",
            engine="mysql",
            engine_version="8.0.39",
            instance_class="db.m5.large",
            allocated_storage=100,
            storage_type="gp2",
            username="app",
            password="offline-stand-in",
            skip_final_snapshot=True,
        )
        aws.rds.Instance(
            "shop-replica",
            replicate_source_db=primary.identifier,
            instance_class="db.m5.large",
            skip_final_snapshot=True,
        )

    report = golden(synth, program, region=US)
    assert breakdown(report) == [
        ("shop", "Database instance (primary, Single-AZ, db.m5.large)", 730, "hour", 124.83),  # 730 x 0.171 [K5]
        ("shop", "Storage (gp2, Single-AZ)", 100.0, "GB-month", 11.5),  # 100 x 0.115 [S4]
        # mysql 8.0 is in Extended Support years 1-2 since 2026-08-01: 2 vCPU x 730 h x 0.10 [S4]
        ("shop", "Extended support (years 1-2, mysql 8.0.39, 2 vCPU)", 1460, "vCPU-hour", 146.0),
        ("shop", "Backup storage beyond the database size", 0.0, "GB-month", 0.0),  # small profile: 0 GB
        # the replica inherits engine, version and storage from its source; no backup line
        ("shop-replica", "Database instance (read replica, Single-AZ, db.m5.large)", 730, "hour", 124.83),
        ("shop-replica", "Storage (gp2, Single-AZ)", 100.0, "GB-month", 11.5),
        ("shop-replica", "Extended support (years 1-2, mysql 8.0.39, 2 vCPU)", 1460, "vCPU-hour", 146.0),
    ]
    assert report.total_monthly == pytest.approx(564.66)


def test_rds_mariadb_on_graviton_with_io1_in_singapore_reports_what_is_unknown(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.rds.Instance(
            "ledger",
            engine="mariadb",
            engine_version="10.11",
            instance_class="db.r6g.large",
            allocated_storage=200,
            storage_type="io1",
            iops=3000,
            username="app",
            password="offline-stand-in",
            skip_final_snapshot=True,
        )

    report = golden(synth, program, region=SG)
    assert breakdown(report) == [
        ("ledger", "Database instance (primary, Single-AZ, db.r6g.large)", 730, "hour", 186.15),  # 730 x 0.255 [K5]
        ("ledger", "Storage (io1, Single-AZ)", 200.0, "GB-month", None),  # recorded missing for ap-southeast-1
        ("ledger", "Provisioned IOPS (io1, Single-AZ)", 3000.0, "IOPS-month", None),  # recorded missing
        ("ledger", "Backup storage beyond the database size", 0.0, "GB-month", 0.0),
    ]
    assert report.lines == (2, 2)  # 2 lines priced, 2 price unknown: the total is "at least"
    assert report.total_monthly == pytest.approx(186.15)
    # the same database in us-east-1: 730 x 0.215 [K5] + 200 x 0.125 + 3,000 x 0.10 [S4]
    assert golden(synth, program, region=US).total_monthly == pytest.approx(156.95 + 25.0 + 300.0)


def test_elasticache_valkey_replication_group_and_redis_cluster(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.elasticache.ReplicationGroup(
            "sessions",
            description="sessions",
            engine="valkey",
            engine_version="8.0",
            node_type="cache.r7g.large",
            num_cache_clusters=2,
        )
        aws.elasticache.Cluster("queue", engine="redis", node_type="cache.m5.xlarge", num_cache_nodes=1)

    sg = golden(synth, program, region=SG)
    assert sorted(breakdown(sg)) == [
        ("queue", "Cache nodes (redis, cache.m5.xlarge) x 1", 730, "node-hour", 283.97),  # 730 x 0.389 [K6]
        # 2 x 730 x 0.2104 (the ec2instances.info test fixture of 2026-06 stating AWS's price)
        ("sessions", "Cache nodes (valkey, cache.r7g.large) x 2", 1460, "node-hour", 307.18),
    ]
    us = golden(synth, program, region=US)
    assert sorted(breakdown(us)) == [
        # 730 x 0.312: derived, 2 x cache.m5.large 0.156 [K6] (the source's own m5.xlarge row is inconsistent)
        ("queue", "Cache nodes (redis, cache.m5.xlarge) x 1", 730, "node-hour", 227.76),
        ("sessions", "Cache nodes (valkey, cache.r7g.large) x 2", 1460, "node-hour", 255.79),  # 2 x 730 x 0.1752 [K3]
    ]
    assert _resource(us, "queue").components[0].derived
    assert us.total_monthly == pytest.approx(255.792 + 227.76)


def test_dms_replication_instance_t3_multi_az_hours_and_storage_beyond_what_it_includes(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.dms.ReplicationInstance(
            "migration",
            replication_instance_id="migration",
            replication_instance_class="dms.t3.medium",
            allocated_storage=100,
            multi_az=True,
        )

    report = golden(synth, program, region=US)
    assert breakdown(report) == [
        # 730 h x 0.149 (Multi-AZUsg:dms.t3.medium, [P2]) = 108.77
        ("migration", "Replication instance (t3.medium, Multi-AZ)", 730, "hour", 108.77),
        ("migration", "Storage (gp2) beyond the 50 GB included", 50.0, "GB-month", 11.5),  # 50 x 0.23 [S4]
    ]
    assert report.total_monthly == pytest.approx(120.27)
