"""Two inventories → what `pulumi up` would add, update, replace and remove, which of it loses data, and which
of it moves visitors (traffic switches, `rollout.analysis.switches`).

Pure: no SDK, no I/O. Replacement is decided the way the provider decides it, by a curated table of the inputs
whose change forces a new resource (the terraform-provider-aws `ForceNew` fields behind pulumi-aws) for the
stateful and commonly used types. Any replacement or removal of a stateful resource (one that holds data) is
data loss, unless the engine would keep the cloud resource (`retainOnDelete`) or it is a read replica.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rollout.analysis.switches import TrafficSwitch, traffic_switches
from rollout.model.inventory import UNKNOWN, Inventory, Resource, Secret

# Inputs (engine camelCase, top-level) whose change replaces the resource. Sources: terraform-provider-aws schema
# (`ForceNew: true`) for the resources pulumi-aws v7 bridges. Launch templates are absent on purpose: a changed
# template gets a new version and the autoscaling group rolls its instances; nothing holding data is replaced.
REPLACE_ON_CHANGE: dict[str, frozenset[str]] = {
    "aws:rds/instance:Instance": frozenset({
        "identifier", "identifierPrefix", "engine", "storageEncrypted", "kmsKeyId", "availabilityZone", "dbName",
        "username", "characterSetName", "ncharCharacterSetName", "timezone", "snapshotIdentifier",
        "restoreToPointInTime", "s3Import", "customIamInstanceProfile"}),
    "aws:rds/cluster:Cluster": frozenset({
        "clusterIdentifier", "clusterIdentifierPrefix", "engine", "engineMode", "storageEncrypted", "kmsKeyId",
        "databaseName", "masterUsername", "availabilityZones", "dbSubnetGroupName", "snapshotIdentifier",
        "restoreToPointInTime", "s3Import", "sourceRegion"}),
    "aws:rds/clusterInstance:ClusterInstance": frozenset({
        "identifier", "identifierPrefix", "clusterIdentifier", "engine", "availabilityZone"}),
    "aws:elasticache/replicationGroup:ReplicationGroup": frozenset({
        "replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId", "subnetGroupName", "port", "snapshotArns",
        "snapshotName", "preferredCacheClusterAzs", "globalReplicationGroupId"}),
    "aws:elasticache/cluster:Cluster": frozenset({
        "clusterId", "engine", "availabilityZone", "port", "subnetGroupName", "snapshotArns", "snapshotName",
        "replicationGroupId", "transitEncryptionEnabled", "networkType"}),
    "aws:s3/bucket:Bucket": frozenset({"bucket", "bucketPrefix", "objectLockEnabled"}),
    "aws:s3/bucketV2:BucketV2": frozenset({"bucket", "bucketPrefix", "objectLockEnabled"}),
    "aws:sqs/queue:Queue": frozenset({"name", "namePrefix", "fifoQueue"}),
    "aws:dynamodb/table:Table": frozenset({"name", "hashKey", "rangeKey", "localSecondaryIndexes"}),
    "aws:efs/fileSystem:FileSystem": frozenset({
        "creationToken", "encrypted", "kmsKeyId", "performanceMode", "availabilityZoneName"}),
    "aws:backup/vault:Vault": frozenset({"name", "kmsKeyArn"}),
    "aws:kms/key:Key": frozenset({"customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"}),
    "aws:secretsmanager/secret:Secret": frozenset({"name", "namePrefix"}),
    "aws:cloudwatch/logGroup:LogGroup": frozenset({"name", "namePrefix", "logGroupClass"}),
    "aws:ec2/launchTemplate:LaunchTemplate": frozenset({"name", "namePrefix"}),
    "aws:autoscaling/group:Group": frozenset({"name", "namePrefix"}),
    "aws:lb/loadBalancer:LoadBalancer": frozenset({"name", "namePrefix", "internal", "loadBalancerType"}),
    "aws:ec2/vpc:Vpc": frozenset({"cidrBlock", "instanceTenancy"}),
    "aws:ec2/subnet:Subnet": frozenset({"vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"}),
    "aws:ec2/instance:Instance": frozenset({"ami", "availabilityZone", "subnetId", "keyName", "tenancy"}),
}

# Types whose replacement or deletion destroys data (or keys/secrets that data depends on).
STATEFUL_TYPES: frozenset[str] = frozenset({
    "aws:rds/instance:Instance", "aws:rds/cluster:Cluster",
    "aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster",
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:sqs/queue:Queue", "aws:dynamodb/table:Table",
    "aws:efs/fileSystem:FileSystem", "aws:backup/vault:Vault", "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret", "aws:cloudwatch/logGroup:LogGroup",
})

SECRET_TEXT = "[secret]"
UNKNOWN_TEXT = "[unknown]"


@dataclass(frozen=True)
class Change:
    """One changed input path, with display-safe values (secrets masked)."""

    path: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class Entry:
    """One resource in a diff. `changes` for updates and replacements; `replace_paths` for replacements."""

    urn: str
    type: str
    name: str
    phase: int | None = None
    changes: tuple[Change, ...] = ()
    replace_paths: tuple[str, ...] = ()
    data_loss: bool = False

    @property
    def paths(self) -> list[str]:
        return [c.path for c in self.changes]

    def to_json(self, *, with_changes: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"urn": self.urn, "type": self.type, "name": self.name, "phase": self.phase}
        if with_changes:
            data["paths"] = self.paths
            data["changes"] = [c.to_json() for c in self.changes]
        if self.replace_paths:
            data["replaceBecause"] = list(self.replace_paths)
        return data


@dataclass(frozen=True)
class Diff:
    added: tuple[Entry, ...]
    updated: tuple[Entry, ...]
    replaced: tuple[Entry, ...]
    removed: tuple[Entry, ...]
    switches: tuple[TrafficSwitch, ...] = ()

    @property
    def data_loss(self) -> list[str]:
        return [e.urn for e in (*self.replaced, *self.removed) if e.data_loss]

    @property
    def empty(self) -> bool:
        return not (self.added or self.updated or self.replaced or self.removed)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": [e.to_json(with_changes=False) for e in self.added],
            "updated": [e.to_json(with_changes=True) for e in self.updated],
            "replaced": [e.to_json(with_changes=True) for e in self.replaced],
            "removed": [e.to_json(with_changes=False) for e in self.removed],
            "data_loss": self.data_loss,
            "traffic_switches": [s.to_json() for s in self.switches],
        }


def diff_inventories(before: Inventory, after: Inventory) -> Diff:
    """Compare the custom resources of two runs by URN (a renamed resource is a removal plus an addition)."""
    old = {r.urn: r for r in before.custom_resources()}
    new = {r.urn: r for r in after.custom_resources()}
    added = tuple(_entry(r) for urn, r in new.items() if urn not in old)
    removed = tuple(_entry(r, data_loss=holds_data(r) and not r.retain_on_delete)
                    for urn, r in old.items() if urn not in new)
    updated: list[Entry] = []
    replaced: list[Entry] = []
    for urn, resource in new.items():
        if urn not in old:
            continue
        changes = tuple(input_changes(old[urn].inputs, resource.inputs))
        if not changes:
            continue
        triggers = tuple(c.path for c in changes if _top_key(c.path) in REPLACE_ON_CHANGE.get(resource.type, ()))
        if triggers:
            replaced.append(_entry(resource, changes=changes, replace_paths=triggers,
                                   data_loss=holds_data(old[urn]) and holds_data(resource)))
        else:
            updated.append(_entry(resource, changes=changes))
    return Diff(added, tuple(updated), tuple(replaced), removed, traffic_switches(before, after))


def holds_data(resource: Resource) -> bool:
    """A stateful type, except an RDS read replica (its data is a copy of the primary's)."""
    if resource.type not in STATEFUL_TYPES:
        return False
    return not (resource.type == "aws:rds/instance:Instance" and resource.inputs.get("replicateSourceDb"))


def input_changes(old: Any, new: Any, path: str = "") -> Iterator[Change]:
    """Changed leaf paths (`a.b[0].c`). A secret is compared as a whole and never shown or descended into."""
    if isinstance(old, Secret) or isinstance(new, Secret):
        if old != new:
            yield Change(path, display(old), display(new))
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in list(old) + [k for k in new if k not in old]:
            yield from input_changes(old.get(key), new.get(key), f"{path}.{key}" if path else str(key))
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new)):
            yield from input_changes(a, b, f"{path}[{index}]")
        return
    if old != new:
        yield Change(path, display(old), display(new))


def display(value: Any) -> Any:
    """A JSON-safe value for people: secrets as [secret], unknowns as [unknown]."""
    if isinstance(value, Secret):
        return SECRET_TEXT
    if value is UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, Mapping):
        return {str(k): display(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [display(v) for v in value]
    return value


def _top_key(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def _entry(resource: Resource, **fields: Any) -> Entry:
    return Entry(urn=resource.urn, type=resource.type, name=resource.name, phase=resource.phase, **fields)
