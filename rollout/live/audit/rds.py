"""The audit's collector for RDS instances and their parameter groups (RDS-01..10, RDS-12..14, RDS-16), and manual
snapshots (RDS-11)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.network import security_group_arn
from rollout.live.audit.reading import Collection, Reader, arn_of, subject, tags

RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
DB_SNAPSHOT = "aws:rds/snapshot:Snapshot"
DB_CLUSTER_SNAPSHOT = "aws:rds/clusterSnapshot:ClusterSnapshot"
# The parameters the controls read: TLS (RDS-06) and PostgreSQL statement logging (RDS-12)
KEPT_PARAMETERS = ("rds.force_ssl", "require_secure_transport", "db2comm", "log_statement",
                   "log_min_duration_statement")


def normalize_db_instance(db: Mapping[str, Any], account: str, region: str) -> Subject:
    groups = [g["DBParameterGroupName"] for g in db.get("DBParameterGroups", [])]
    source = db.get("ReadReplicaSourceDBInstanceIdentifier")
    deps: dict[str, list[str]] = {}
    if groups:
        deps["parameterGroupName"] = [arn_of("rds", region, account, f"pg:{groups[0]}")]
    security_groups = [g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups", []) if g.get("VpcSecurityGroupId")]
    if security_groups:  # joined to the groups' subjects, for the reachability controls (NET-01)
        deps["vpcSecurityGroupIds"] = [security_group_arn(region, account, g) for g in security_groups]
    if source:
        deps["replicateSourceDb"] = [
            source if source.startswith("arn:") else arn_of("rds", region, account, f"db:{source}")
        ]
    props = {
        "identifier": db["DBInstanceIdentifier"],
        "engine": db.get("Engine"),
        "engineVersion": db.get("EngineVersion"),
        "instanceClass": db.get("DBInstanceClass"),
        "allocatedStorage": db.get("AllocatedStorage"),
        "storageEncrypted": db.get("StorageEncrypted", False),
        "kmsKeyId": db.get("KmsKeyId"),
        "publiclyAccessible": db.get("PubliclyAccessible", False),
        "multiAz": db.get("MultiAZ", False),
        "backupRetentionPeriod": db.get("BackupRetentionPeriod", 0),
        "deletionProtection": db.get("DeletionProtection", False),
        "parameterGroupName": groups[0] if groups else None,
        "iamDatabaseAuthenticationEnabled": db.get("IAMDatabaseAuthenticationEnabled", False),
        "enabledCloudwatchLogsExports": db.get("EnabledCloudwatchLogsExports", []),
        "monitoringInterval": db.get("MonitoringInterval", 0),
        "monitoringRoleArn": db.get("MonitoringRoleArn"),
        "performanceInsightsEnabled": db.get("PerformanceInsightsEnabled", False),
        "performanceInsightsKmsKeyId": db.get("PerformanceInsightsKMSKeyId"),
        "autoMinorVersionUpgrade": db.get("AutoMinorVersionUpgrade"),
        "caCertIdentifier": db.get("CACertificateIdentifier"),
        "copyTagsToSnapshot": db.get("CopyTagsToSnapshot", False),
        "replicateSourceDb": source,
        "dbSubnetGroupName": (db.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
        "vpcSecurityGroupIds": security_groups,
        "tags": tags(db.get("TagList")),
    }
    return subject(RDS_INSTANCE, db["DBInstanceIdentifier"], db["DBInstanceArn"], props, deps)


def normalize_parameter_group(group: Mapping[str, Any], parameters: Iterable[Mapping[str, Any]]) -> Subject:
    """Only the parameters the controls read are kept (a default group has hundreds)."""
    kept = [{"name": p["ParameterName"], "value": str(p["ParameterValue"]), "applyMethod": p.get("ApplyMethod")}
            for p in parameters if p.get("ParameterName") in KEPT_PARAMETERS and "ParameterValue" in p]
    props = {"name": group["DBParameterGroupName"], "family": group.get("DBParameterGroupFamily"),
             "parameters": kept}
    return subject(RDS_PARAMETER_GROUP, group["DBParameterGroupName"], group["DBParameterGroupArn"], props)


def collect_rds(reader: Reader, out: Collection) -> None:
    with out.attempt("rds", (RDS_INSTANCE, RDS_PARAMETER_GROUP)) as found:
        instances = [db for db in reader.items("rds", "describe_db_instances", "DBInstances[]")
                     if not str(db.get("Engine", "")).startswith(("aurora", "docdb", "neptune"))]
        found.extend(normalize_db_instance(db, reader.account, reader.region) for db in instances)
        names = sorted({g["DBParameterGroupName"] for db in instances for g in db.get("DBParameterGroups", [])})
        rds = reader.client("rds")
        for name in names:
            group = rds.describe_db_parameter_groups(DBParameterGroupName=name)["DBParameterGroups"][0]
            parameters = reader.items("rds", "describe_db_parameters", "Parameters[]", DBParameterGroupName=name)
            found.append(normalize_parameter_group(group, parameters))


def normalize_snapshot(snapshot: Mapping[str, Any], attributes: Iterable[Mapping[str, Any]], cluster: bool) -> Subject:
    """A manual DB (or cluster) snapshot; the `restore` attribute's values are its sharedAccounts ('all' = public)."""
    shared = [v for a in attributes if a.get("AttributeName") == "restore" for v in a.get("AttributeValues") or []]
    if cluster:
        return subject(DB_CLUSTER_SNAPSHOT, snapshot["DBClusterSnapshotIdentifier"], snapshot["DBClusterSnapshotArn"],
                        {"dbClusterIdentifier": snapshot.get("DBClusterIdentifier"), "sharedAccounts": shared})
    return subject(DB_SNAPSHOT, snapshot["DBSnapshotIdentifier"], snapshot["DBSnapshotArn"],
                    {"dbInstanceIdentifier": snapshot.get("DBInstanceIdentifier"), "sharedAccounts": shared})


def collect_rds_snapshots(reader: Reader, out: Collection) -> None:
    with out.attempt("rds snapshots", (DB_SNAPSHOT, DB_CLUSTER_SNAPSHOT)) as found:
        rds = reader.client("rds")
        for snapshot in reader.items("rds", "describe_db_snapshots", "DBSnapshots[]", SnapshotType="manual"):
            attributes = rds.describe_db_snapshot_attributes(DBSnapshotIdentifier=snapshot["DBSnapshotIdentifier"])
            found.append(normalize_snapshot(snapshot, attributes["DBSnapshotAttributesResult"].get(
                "DBSnapshotAttributes", []), cluster=False))
        for snapshot in reader.items("rds", "describe_db_cluster_snapshots", "DBClusterSnapshots[]",
                                     SnapshotType="manual"):
            attributes = rds.describe_db_cluster_snapshot_attributes(
                DBClusterSnapshotIdentifier=snapshot["DBClusterSnapshotIdentifier"])
            found.append(normalize_snapshot(snapshot, attributes["DBClusterSnapshotAttributesResult"].get(
                "DBClusterSnapshotAttributes", []), cluster=True))
