"""The RDS collector: instances and parameter groups as the Pulumi resources would show them, joined."""

from __future__ import annotations

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
