"""The audit's collector for ElastiCache replication groups (EC-01..07), joined to their members' security groups
(NET-01)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import UNKNOWN_STRING_VALUE, Subject
from rollout.live.audit.network import security_group_arn
from rollout.live.audit.reading import Collection, Reader, subject

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
SECRET_SET = "(set; value not readable)"
TYPES = (REPLICATION_GROUP,)
# The cache subnet group ElastiCache uses when none is given (its default VPC's subnets): "default", as
# DescribeCacheClusters reports it; the Pulumi input subnetGroupName is then unset, which is what EC-07 judges.
DEFAULT_SUBNET_GROUP = "default"


def normalize_replication_group(group: Mapping[str, Any], clusters: Mapping[str, Mapping[str, Any]],
                                account: str = "", region: str = "") -> Subject:
    """`clusters`: the cache clusters by id (DescribeCacheClusters). The group's own description carries neither
    its subnet group nor its security groups, which its members do; a group none of whose members was listed has
    an unknown subnet group (EC-07 unknown) and no security groups."""
    node_groups = group.get("NodeGroups", [])
    members = [clusters[m] for m in group.get("MemberClusters", []) if m in clusters]
    subnet_group = members[0].get("CacheSubnetGroupName") if members else UNKNOWN_STRING_VALUE
    security_groups = sorted({g["SecurityGroupId"] for m in members for g in m.get("SecurityGroups") or []
                              if g.get("SecurityGroupId")})
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
        "subnetGroupName": None if subnet_group == DEFAULT_SUBNET_GROUP else subnet_group,
        "securityGroupIds": security_groups,
    }
    if cluster_mode:
        props["numNodeGroups"] = len(node_groups)
        props["replicasPerNodeGroup"] = max((len(g.get("NodeGroupMembers", [])) - 1 for g in node_groups), default=0)
    else:
        props["numCacheClusters"] = len(group.get("MemberClusters", []))
    deps = {"securityGroupIds": [security_group_arn(region, account, g) for g in security_groups]}
    return subject(REPLICATION_GROUP, group["ReplicationGroupId"], group["ARN"], props,
                   deps if security_groups else None)


def collect_elasticache(reader: Reader, out: Collection) -> None:
    with out.attempt("elasticache", TYPES) as found:
        clusters = {c["CacheClusterId"]: c
                    for c in reader.items("elasticache", "describe_cache_clusters", "CacheClusters[]")}
        for group in reader.items("elasticache", "describe_replication_groups", "ReplicationGroups[]"):
            found.append(normalize_replication_group(group, clusters, reader.account, reader.region))
