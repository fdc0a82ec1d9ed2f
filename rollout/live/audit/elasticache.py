"""The audit's collector for ElastiCache replication groups, with a member cluster's subnet group and security groups
(EC-01..07, NET-01)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.network import security_group_arn
from rollout.live.audit.reading import Collection, Reader, optional, subject

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
SECRET_SET = "(set; value not readable)"


def normalize_replication_group(group: Mapping[str, Any], member: Mapping[str, Any] | None = None,
                                account: str = "", region: str = "") -> Subject:
    """A replication group from DescribeReplicationGroups; `member` (one of its clusters, DescribeCacheClusters)
    gives what the group's own description leaves out: its subnet group and security groups."""
    node_groups = group.get("NodeGroups", [])
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
    }
    deps = {}
    if member is not None:
        groups = [g["SecurityGroupId"] for g in member.get("SecurityGroups", []) if g.get("SecurityGroupId")]
        props["subnetGroupName"] = member.get("CacheSubnetGroupName")
        props["securityGroupIds"] = groups
        if groups:  # joined to the groups' subjects, for the reachability controls (NET-01)
            deps["securityGroupIds"] = [security_group_arn(region, account, g) for g in groups]
    if cluster_mode:
        props["numNodeGroups"] = len(node_groups)
        props["replicasPerNodeGroup"] = max((len(g.get("NodeGroupMembers", [])) - 1 for g in node_groups), default=0)
    else:
        props["numCacheClusters"] = len(group.get("MemberClusters", []))
    return subject(REPLICATION_GROUP, group["ReplicationGroupId"], group["ARN"], props, deps)


def collect_elasticache(reader: Reader, out: Collection) -> None:
    with out.attempt("elasticache", (REPLICATION_GROUP,)) as found:
        elasticache = reader.client("elasticache")
        for group in reader.items("elasticache", "describe_replication_groups", "ReplicationGroups[]"):
            members = group.get("MemberClusters") or []
            # CacheClusterNotFound: a member removed since (moto 5.2.5 also creates no member clusters)
            listed = optional(elasticache.describe_cache_clusters, "CacheClusterNotFound",
                              CacheClusterId=members[0]) if members else None
            member = (listed or {}).get("CacheClusters", [None])[0]
            found.append(normalize_replication_group(group, member, reader.account, reader.region))
