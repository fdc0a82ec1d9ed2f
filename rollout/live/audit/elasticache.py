"""The audit's collector for ElastiCache replication groups (EC-01..07)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import UNKNOWN_STRING_VALUE, Subject
from rollout.live.audit.reading import Collection, Reader, subject

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
SECRET_SET = "(set; value not readable)"


def normalize_replication_group(group: Mapping[str, Any], subnet_groups: Mapping[str, str | None]) -> Subject:
    """`subnet_groups`: CacheSubnetGroupName by cache cluster id (DescribeCacheClusters); the group's own description
    does not carry it, so a group none of whose members was listed has an unknown subnet group (EC-07 unknown)."""
    node_groups = group.get("NodeGroups", [])
    members = [m for m in group.get("MemberClusters", []) if m in subnet_groups]
    cluster_mode = group.get("ClusterEnabled", False)
    props = {
        "replicationGroupId": group["ReplicationGroupId"],
        "description": group.get("Description"),
        "atRestEncryptionEnabled": group.get("AtRestEncryptionEnabled", False),
        "transitEncryptionEnabled": group.get("TransitEncryptionEnabled", False),
        "transitEncryptionMode": group.get("TransitEncryptionMode"),
        "kmsKeyId": group.get("KmsKeyId"),
        # The token itself is never readable; the API only says whether one is required.
        "authToken": SECRET_SET if group.get("AuthTokenEnabled") else None,
        "userGroupIds": group.get("UserGroupIds", []),
        "automaticFailoverEnabled": group.get("AutomaticFailover") in ("enabled", "enabling"),
        "multiAzEnabled": group.get("MultiAZ") == "enabled",
        "snapshotRetentionLimit": group.get("SnapshotRetentionLimit", 0),
        "autoMinorVersionUpgrade": group.get("AutoMinorVersionUpgrade"),
        "subnetGroupName": subnet_groups[members[0]] if members else UNKNOWN_STRING_VALUE,
    }
    if cluster_mode:
        props["numNodeGroups"] = len(node_groups)
        props["replicasPerNodeGroup"] = max((len(g.get("NodeGroupMembers", [])) - 1 for g in node_groups), default=0)
    else:
        props["numCacheClusters"] = len(group.get("MemberClusters", []))
    return subject(REPLICATION_GROUP, group["ReplicationGroupId"], group["ARN"], props)


def collect_elasticache(reader: Reader, out: Collection) -> None:
    with out.attempt("elasticache", (REPLICATION_GROUP,)) as found:
        subnet_groups = {c["CacheClusterId"]: c.get("CacheSubnetGroupName")
                         for c in reader.items("elasticache", "describe_cache_clusters", "CacheClusters[]")}
        for group in reader.items("elasticache", "describe_replication_groups", "ReplicationGroups[]"):
            found.append(normalize_replication_group(group, subnet_groups))
