"""The RDS collector: instances and parameter groups as the Pulumi resources would show them, joined."""

from __future__ import annotations

import pytest

from policies.core import UnknownValueError
from rollout.live.audit import rds
from tests.rollout import audit_fixtures as fx


def test_manual_changes_to_the_database_are_found(aws):
    def drift(account):
        account.client("rds").modify_db_instance(DBInstanceIdentifier="shop-db", PubliclyAccessible=True,
                                                 BackupRetentionPeriod=1, DeletionProtection=False,
                                                 ApplyImmediately=True)

    added, _ = fx.drift_adds((fx.build_database,), drift)
    assert added == {("RDS-02", "shop-db"), ("RDS-04", "shop-db"), ("RDS-05", "shop-db")}


def test_statement_logging_off_and_untagged_snapshots_are_found(aws):
    def drift(account):
        rds_client = account.client("rds")
        rds_client.modify_db_parameter_group(DBParameterGroupName="shop-postgres16", Parameters=[
            {"ParameterName": "log_statement", "ParameterValue": "none", "ApplyMethod": "immediate"}])
        rds_client.modify_db_instance(DBInstanceIdentifier="shop-db", CopyTagsToSnapshot=False, ApplyImmediately=True)

    added, _ = fx.drift_adds((fx.build_database,), drift)
    assert added == {("RDS-12", "shop-db"), ("RDS-13", "shop-db")}


def test_tls_parameter_turned_off_is_found_on_the_primary_and_its_replica(aws):
    def drift(account):
        account.client("rds").modify_db_parameter_group(DBParameterGroupName="shop-postgres16", Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "0", "ApplyMethod": "immediate"}])

    added, _ = fx.drift_adds((fx.build_database,), drift)
    assert added == {("RDS-06", "shop-db"), ("RDS-06", "shop-db-replica")}


def test_replica_is_joined_to_its_source_and_parameter_group(aws):
    fx.account_with(fx.build_database)
    result = fx.run()
    by_name = {s.name: s for s in result.subjects}
    replica, primary, group = by_name["shop-db-replica"], by_name["shop-db"], by_name["shop-postgres16"]
    assert replica.props["replicateSourceDb"] == "shop-db"
    assert replica.property_dependencies["replicateSourceDb"] == [primary.urn]
    assert primary.property_dependencies["parameterGroupName"] == [group.urn]
    assert [dict(p) for p in group.props["parameters"]] == [
        {"name": "rds.force_ssl", "value": "1", "applyMethod": "immediate"},
        {"name": "log_statement", "value": "ddl", "applyMethod": "immediate"},
        {"name": "log_min_duration_statement", "value": "1000", "applyMethod": "immediate"}]
    assert primary.props["storageEncrypted"] is True and primary.props["publiclyAccessible"] is False


def test_normalizer_keeps_what_moto_drops_but_aws_returns():
    db = {"DBInstanceIdentifier": "db", "DBInstanceArn": "arn:aws:rds:r:1:db:db", "Engine": "postgres",
          "PerformanceInsightsEnabled": True, "PerformanceInsightsKMSKeyId": "k", "StorageEncrypted": True}
    props = rds.normalize_db_instance(db, "1", "r").props
    assert props["performanceInsightsEnabled"] is True and props["performanceInsightsKmsKeyId"] == "k"


def test_parameter_group_keeps_only_the_parameters_controls_read():
    group = {"DBParameterGroupName": "g", "DBParameterGroupArn": "arn:aws:rds:r:1:pg:g", "DBParameterGroupFamily": "x"}
    subject = rds.normalize_parameter_group(group, [
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1"}, {"ParameterName": "work_mem", "ParameterValue": "4"},
        {"ParameterName": "require_secure_transport"}, {"ParameterName": "log_statement", "ParameterValue": "all"}])
    assert [p["name"] for p in subject.props["parameters"]] == ["rds.force_ssl", "log_statement"]
    assert subject.type == rds.RDS_PARAMETER_GROUP


def test_a_manual_snapshot_made_public_is_found(aws):
    def drift(account):
        rds_client = account.client("rds")
        rds_client.create_db_snapshot(DBInstanceIdentifier=account.db_primary, DBSnapshotIdentifier="shop-db-export")
        rds_client.modify_db_snapshot_attribute(DBSnapshotIdentifier="shop-db-export", AttributeName="restore",
                                                ValuesToAdd=["all"])

    added, _ = fx.drift_adds((fx.build_database,), drift)
    assert added == {("RDS-11", "shop-db-export")}


def test_snapshot_restore_attribute_becomes_its_shared_accounts():
    snapshot = rds.normalize_snapshot({"DBSnapshotIdentifier": "s", "DBSnapshotArn": "arn:aws:rds:r:1:snapshot:s",
                                       "DBInstanceIdentifier": "db"},
                                      [{"AttributeName": "restore", "AttributeValues": ["all", "2"]}], cluster=False)
    assert snapshot.type == rds.DB_SNAPSHOT and list(snapshot.props["sharedAccounts"]) == ["all", "2"]


def test_a_public_database_whose_group_admits_the_world_has_an_internet_path(aws):
    """The database's security groups are joined to the groups' subjects, so the reachability control (NET-01)
    judges the live account as it judges a program."""
    found = {}

    def drift(account):
        ec2 = account.client("ec2")
        vpc = next(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault"))
        group = ec2.create_security_group(GroupName="shop-db-open", Description="database", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
            "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "postgres from anywhere"}]}])
        account.client("rds").modify_db_instance(DBInstanceIdentifier="shop-db", PubliclyAccessible=True,
                                                 VpcSecurityGroupIds=[group], ApplyImmediately=True)
        found["group"] = f"shop-db-open ({group})"

    added, _ = fx.drift_adds((fx.build_database,), drift)
    # SG-04: the all-traffic egress rule AWS adds to a new group has no description
    assert added == {("RDS-02", "shop-db"), ("NET-01", "shop-db"), ("SG-01", found["group"]),
                     ("SG-04", found["group"])}


def test_a_hand_made_legacy_database_and_its_replica_are_found(aws):
    """A database made by hand next to the shop's: old PostgreSQL, unencrypted, AWS managed key, single-AZ, no IAM
    authentication, logs, Performance Insights or minor upgrades, the old CA; its replica public."""
    def drift(account):
        rds_client = account.client("rds")
        rds_client.create_db_instance(
            DBInstanceIdentifier="legacy-db", Engine="postgres", EngineVersion="12.5", DBInstanceClass="db.t3.micro",
            AllocatedStorage=20, MasterUsername="shop", MasterUserPassword="not-a-secret-123", StorageEncrypted=False,
            MultiAZ=False, BackupRetentionPeriod=7, DeletionProtection=True, AutoMinorVersionUpgrade=False,
            DBParameterGroupName="shop-postgres16", CopyTagsToSnapshot=True, Tags=[{"Key": "backup", "Value": "daily"}])
        rds_client.create_db_instance_read_replica(
            DBInstanceIdentifier="legacy-db-replica", SourceDBInstanceIdentifier="legacy-db",
            DBInstanceClass="db.t3.micro", PubliclyAccessible=True, DBParameterGroupName="shop-postgres16")
        # a private manual snapshot of the shop's database passes RDS-11
        rds_client.create_db_snapshot(DBInstanceIdentifier=account.db_primary, DBSnapshotIdentifier="shop-db-kept")

    added, _ = fx.drift_adds((fx.build_database,), drift)
    # RDS-17: PostgreSQL 12 is past its end of standard support (billed Extended Support)
    legacy = {"RDS-01", "RDS-03", "RDS-07", "RDS-08", "RDS-09", "RDS-14", "RDS-16", "RDS-17"}
    replica = {"RDS-02", "RDS-07", "RDS-08", "RDS-09", "RDS-10", "RDS-14", "RDS-17"}
    # BAK-03: no backup plan selects it (this account has none; the shop's own database is in the baseline)
    assert added == {(c, "legacy-db") for c in legacy | {"BAK-03"}} | {(c, "legacy-db-replica") for c in replica}


def test_performance_insights_on_the_shop_database_passes_rds_08(aws):
    """moto 5.2.5 accepts EnablePerformanceInsights and PerformanceInsightsKMSKeyId but never returns them;
    DescribeDBInstances on AWS does. An `after-call` hook puts them back for the two instances created with them, so
    that the collector reads what AWS would answer (the rest of the answer is moto's). The monitoring role is
    moto's own answer (it was read by no collector before: every live database with enhanced monitoring failed)."""
    from rollout.live.session import open_session

    account = fx.account_with(fx.build_database)
    session = open_session()

    def answer_as_aws(parsed, **_):
        for db in parsed.get("DBInstances", []):
            if db["DBInstanceIdentifier"] in (account.db_primary, account.db_replica):
                db.update(PerformanceInsightsEnabled=True, PerformanceInsightsKMSKeyId=account.key_arn)

    session.events.register("after-call.rds.DescribeDBInstances", answer_as_aws)
    plain = {(f.control, f.name) for f in fx.run().findings if f.control == "RDS-08"}
    assert plain == {("RDS-08", "shop-db"), ("RDS-08", "shop-db-replica")}  # as moto answers
    assert {(f.control, f.name) for f in fx.run(session).findings if f.control == "RDS-08"} == set()


def _aurora(account, name: str, **settings) -> None:
    rds_client = account.client("rds")
    rds_client.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-mysql",
                                 EngineVersion="8.0.mysql_aurora.3.05.2", MasterUsername="shop",
                                 MasterUserPassword="not-a-secret-123", **settings)
    rds_client.create_db_instance(DBInstanceIdentifier=f"{name}-1", DBClusterIdentifier=name, Engine="aurora-mysql",
                                  DBInstanceClass="db.t4g.medium", AutoMinorVersionUpgrade=True,
                                  CACertificateIdentifier="rds-ca-rsa2048-g1", MonitoringInterval=60,
                                  MonitoringRoleArn=f"arn:aws:iam::{fx.ACCOUNT}:role/rds-monitoring",
                                  EnablePerformanceInsights=True, PerformanceInsightsKMSKeyId=account.key_arn)


def test_aurora_clusters_are_read_with_their_parameter_group_and_instances(aws):
    """shop-aurora as components/database.py would make it (TLS-only cluster parameter group, customer managed key,
    backtracking, logs); legacy-aurora by hand: unencrypted, no backtracking, default parameter group, no logs."""
    def build(account):
        rds_client = account.client("rds")
        rds_client.create_db_cluster_parameter_group(DBClusterParameterGroupName="shop-aurora-mysql8",
                                                     DBParameterGroupFamily="aurora-mysql8.0", Description="TLS")
        rds_client.modify_db_cluster_parameter_group(DBClusterParameterGroupName="shop-aurora-mysql8", Parameters=[
            {"ParameterName": "require_secure_transport", "ParameterValue": "1", "ApplyMethod": "immediate"}])
        _aurora(account, "shop-aurora", StorageEncrypted=True, KmsKeyId=account.key_arn, BacktrackWindow=86400,
                DBClusterParameterGroupName="shop-aurora-mysql8", DeletionProtection=True, BackupRetentionPeriod=7,
                CopyTagsToSnapshot=True, EnableIAMDatabaseAuthentication=True,
                EnableCloudwatchLogsExports=["audit", "error", "slowquery"])

    def drift(account):
        _aurora(account, "legacy-aurora", StorageEncrypted=False, BackupRetentionPeriod=1)

    added, account = fx.drift_adds((build,), drift)
    # RDS-06: its default group (moto does not hold it; on AWS it does not force TLS); RDS-16: aws/rds; BAK-03: no
    # backup plan selects it (nor shop-aurora, in the baseline: this account has none)
    cluster = {"RDS-01", "RDS-04", "RDS-05", "RDS-06", "RDS-07", "RDS-08", "RDS-13", "RDS-15", "RDS-16", "BAK-03"}
    # RDS-08 on the instances: moto drops Performance Insights (as on shop-aurora-1, in the baseline)
    assert added == {(c, "legacy-aurora") for c in cluster} | {("RDS-08", "legacy-aurora-1")}
    result = fx.run()
    by_name = {s.name: s for s in result.subjects}
    assert by_name["shop-aurora"].type == rds.RDS_CLUSTER
    assert by_name["shop-aurora-1"].property_dependencies["clusterIdentifier"] == [by_name["shop-aurora"].urn]
    assert by_name["shop-aurora"].property_dependencies["dbClusterParameterGroupName"] == [
        by_name["shop-aurora-mysql8"].urn]
    shop = {(f.control, f.name) for f in result.findings if f.name == "shop-aurora"}
    assert shop == {("BAK-03", "shop-aurora")}


def test_a_database_on_the_aws_managed_key_has_no_kms_key_id():
    """RDS reports aws/rds's ARN for storage encrypted without a key of one's own: RDS-16 must fail it."""
    db = {"DBInstanceIdentifier": "db", "DBInstanceArn": "arn:aws:rds:r:1:db:db", "Engine": "postgres",
          "StorageEncrypted": True, "KmsKeyId": "arn:aws:kms:r:1:key/aws-rds"}
    assert "kmsKeyId" not in rds.normalize_db_instance(db, "1", "r", {db["KmsKeyId"]: False}).props
    assert rds.normalize_db_instance(db, "1", "r", {db["KmsKeyId"]: True}).props["kmsKeyId"] == db["KmsKeyId"]
    with pytest.raises(UnknownValueError):
        rds.normalize_db_instance(db, "1", "r", {db["KmsKeyId"]: None}).props["kmsKeyId"]
