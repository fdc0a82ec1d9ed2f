"""ElastiCache (Redis/Valkey) replication groups and standalone cache clusters: encryption at rest and in transit,
auth, HA, snapshots, minor version upgrades, own subnet group (EC-01..07).

A standalone aws.elasticache.Cluster (no replicationGroupId) is a single Redis/Valkey node, or a Memcached cluster:
for Redis/Valkey it cannot encrypt, require TLS or authenticate clients at all (pulumi-aws: "For Redis or Valkey
transit encryption, use elasticache.ReplicationGroup instead"), so EC-01..04 fail it with that advice. A Cluster
with replicationGroupId is a member of a group and is judged through the group."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import explicitly_false, get, items, to_int, truthy
from policies.core import Control, Enforcement, Severity, Subject

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CLUSTER = "aws:elasticache/cluster:Cluster"
_USE_GROUP = "a standalone Redis/Valkey cache cluster cannot {what}; create an elasticache.ReplicationGroup"


def _standalone(subject: Subject) -> str | None:
    """"redis" or "memcached" for a standalone cluster; None for a replication group or a group member."""
    if subject.type != CLUSTER or get(subject.props, "replicationGroupId"):
        return None
    return "memcached" if str(get(subject.props, "engine", default="")).lower() == "memcached" else "redis"


def at_rest(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    kind = _standalone(subject)
    if subject.type == CLUSTER:
        if kind == "redis":
            yield _USE_GROUP.format(what="encrypt at rest")
        elif kind == "memcached":
            yield "Memcached has no encryption at rest; keep no sensitive data in it or use Redis/Valkey"
        return
    if not truthy(get(subject.props, "atRestEncryptionEnabled")):
        yield "atRestEncryptionEnabled is not true"
    elif cfg.get("requireKmsKey") and not get(subject.props, "kmsKeyId"):
        yield "kmsKeyId is not set (policy config requireKmsKey)"


def in_transit(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    kind = _standalone(subject)
    if kind == "redis":
        yield _USE_GROUP.format(what="require TLS")
        return
    if subject.type == CLUSTER and kind is None:
        return
    if not truthy(get(subject.props, "transitEncryptionEnabled")):
        yield "transitEncryptionEnabled is not true"
    if get(subject.props, "transitEncryptionMode") == "preferred":
        yield "transitEncryptionMode is preferred (accepts plaintext clients); use required"


def auth(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    kind = _standalone(subject)
    if subject.type == CLUSTER:
        if kind == "redis":
            yield _USE_GROUP.format(what="authenticate clients (AUTH token or RBAC)")
        return  # Memcached has no authentication; group members are judged through their group
    if not get(subject.props, "authToken") and not items(get(subject.props, "userGroupIds")):
        yield "neither authToken nor userGroupIds is set (no client authentication)"
    elif not truthy(get(subject.props, "transitEncryptionEnabled")):
        yield "transitEncryptionEnabled is not true: the AUTH token or RBAC password crosses the network in clear"


def node_count(props: Mapping[str, Any]) -> int:
    """Nodes per shard: numCacheClusters (cluster mode off) or 1 + replicasPerNodeGroup (cluster mode on)."""
    clusters = to_int(get(props, "numCacheClusters"))
    if clusters is not None:
        return clusters
    replicas = to_int(get(props, "replicasPerNodeGroup"))
    return 1 + replicas if replicas is not None else 1


def high_availability(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    kind = _standalone(subject)
    if subject.type == CLUSTER:
        if kind == "redis":
            yield "a standalone Redis/Valkey node has no replica to fail over to; use a ReplicationGroup"
        elif kind == "memcached" and get(subject.props, "azMode") != "cross-az":
            yield "Memcached nodes are in one AZ; set azMode=cross-az with at least 2 nodes"
        return
    if not truthy(get(subject.props, "automaticFailoverEnabled")):
        yield "automaticFailoverEnabled is not true"
    if not truthy(get(subject.props, "multiAzEnabled")):
        yield "multiAzEnabled is not true"
    nodes = node_count(subject.props)
    if nodes < 2:
        yield f"{nodes} node per shard; use at least 2 for failover"


def snapshots(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == CLUSTER and _standalone(subject) != "redis":
        return  # Memcached keeps no snapshots; group members snapshot through their group
    minimum = int(cfg.get("minRetentionDays", 1))
    limit = to_int(get(subject.props, "snapshotRetentionLimit")) or 0
    if limit < minimum:
        yield f"snapshotRetentionLimit is {limit}; keep at least {minimum} day(s)"


def minor_upgrades(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == CLUSTER and _standalone(subject) != "redis":
        return  # Memcached takes no autoMinorVersionUpgrade; group members follow their group
    # unset is true (pulumi-aws ReplicationGroup/Cluster autoMinorVersionUpgrade, Redis/Valkey 6 and later)
    if explicitly_false(get(subject.props, "autoMinorVersionUpgrade")):
        yield "autoMinorVersionUpgrade is false (security patches wait for a manual upgrade)"


def own_subnet_group(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == CLUSTER and get(subject.props, "replicationGroupId"):
        return  # a member runs in its group's subnets
    if not get(subject.props, "subnetGroupName"):
        yield "subnetGroupName is not set: the cache goes to the default subnet group (the default VPC's subnets)"


_TYPES = (REPLICATION_GROUP, CLUSTER)
CONTROLS = (
    Control(
        id="EC-01", title="ElastiCache is encrypted at rest", severity=Severity.HIGH, resource_types=_TYPES,
        check=at_rest, config_defaults={"requireKmsKey": False},
        description="Cache data and snapshots must be encrypted at rest (config requireKmsKey demands a CMK).",
        remediation="Set atRestEncryptionEnabled=true (and kmsKeyId for a customer managed key).",
        sources=("FSBP ElastiCache.4", "CKV_AWS_29", "CKV_AWS_191", "AwsSolutions-AEC3"),
    ),
    Control(
        id="EC-02", title="ElastiCache requires TLS", severity=Severity.HIGH, resource_types=_TYPES,
        check=in_transit,
        description="Clients must connect over TLS; transitEncryptionMode preferred still accepts plaintext.",
        remediation="Set transitEncryptionEnabled=true and transitEncryptionMode=required (or leave it unset).",
        sources=("FSBP ElastiCache.5", "CKV_AWS_30", "AwsSolutions-AEC3"),
    ),
    Control(
        id="EC-03", title="ElastiCache authenticates clients", severity=Severity.HIGH, resource_types=_TYPES,
        check=auth,
        description="Redis AUTH (authToken) or RBAC user groups must be required, over TLS (ElastiCache accepts "
                    "AUTH only with in-transit encryption; CKV_AWS_31 asks for both too).",
        remediation="Set authToken from a secret, or userGroupIds with an RBAC user group.",
        sources=("FSBP ElastiCache.6", "CKV_AWS_31", "AwsSolutions-AEC6"),
    ),
    Control(
        id="EC-04", title="ElastiCache fails over across AZs", severity=Severity.MEDIUM, resource_types=_TYPES,
        check=high_availability,
        description="Automatic failover and multi-AZ need at least two nodes per shard (Checkov CKV2_AWS_50 only "
                    "asks for automatic failover, not multiAzEnabled).",
        remediation="Set automaticFailoverEnabled=true, multiAzEnabled=true and numCacheClusters>=2.",
        sources=("FSBP ElastiCache.3", "CKV2_AWS_50", "AwsSolutions-AEC4"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="EC-05", title="ElastiCache keeps snapshots", severity=Severity.MEDIUM, resource_types=_TYPES,
        check=snapshots, config_defaults={"minRetentionDays": 1},
        description="Automatic snapshots allow recovery of cache data (sessions) after a failure; read on "
                    "replication groups and standalone Redis/Valkey clusters (Memcached cannot snapshot and is not "
                    "judged, as CKV_AWS_134 does).",
        remediation="Set snapshotRetentionLimit to at least the configured minimum (default 1 day).",
        sources=("FSBP ElastiCache.1", "CKV_AWS_134"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="EC-06", title="ElastiCache takes minor version upgrades", severity=Severity.MEDIUM, resource_types=_TYPES,
        check=minor_upgrades,
        description="Redis/Valkey replication groups and standalone clusters keep autoMinorVersionUpgrade on (unset "
                    "is on), so engine security fixes are applied in the maintenance window; Memcached and group "
                    "members are not judged.",
        remediation="Leave autoMinorVersionUpgrade unset or true.",
        sources=("FSBP ElastiCache.2", "CKV_AWS_322"),
    ),
    Control(
        id="EC-07", title="ElastiCache runs in its own subnet group", severity=Severity.MEDIUM, resource_types=_TYPES,
        check=own_subnet_group,
        description="Without subnetGroupName a cache is placed in the default subnet group, the default VPC's "
                    "subnets, outside the stack's private subnets and their security groups; read on replication "
                    "groups and standalone clusters (members run in their group's subnets).",
        remediation="Create an aws.elasticache.SubnetGroup of the private subnets and set subnetGroupName to it.",
        sources=("FSBP ElastiCache.7", "CKV_AWS_323"),
    ),
)
