"""Two inventories → what `pulumi up` would add, update, replace and remove, which of it loses data, and which
of it moves visitors (traffic switches, `rollout.analysis.switches`).

The one engine for "what changed": `rollout plan` (its counts and rows), `rollout diff` and the pull-request
comment all read a `Diff` from `diff_inventories`. A resource is updated when an input or a resource option that
the engine records in the state (`protect`, `retainOnDelete`) differs; option changes appear as changes of the
paths `protect` and `retainOnDelete` (Pulumi resource options, never inputs), so a protect-only change has a row.

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

TF = "terraform-provider-aws internal/service/"

# Inputs (engine camelCase, top-level) whose change replaces the resource: the `ForceNew: true` fields of the
# terraform-provider-aws schema that pulumi-aws v7 bridges (RequiresReplace for plugin-framework resources), each
# type with the file it was read from (REPLACE_SOURCES). Launch templates are absent on purpose: a changed
# template gets a new version and the autoscaling group rolls its instances; nothing holding data is replaced.
REPLACE_ON_CHANGE: dict[str, frozenset[str]] = {
    "aws:rds/instance:Instance": frozenset({
        "identifier", "identifierPrefix", "engine", "storageEncrypted", "kmsKeyId", "availabilityZone", "dbName",
        "username", "characterSetName", "ncharCharacterSetName", "timezone", "snapshotIdentifier",
        "restoreToPointInTime", "s3Import", "customIamInstanceProfile"}),
    "aws:rds/parameterGroup:ParameterGroup": frozenset({"name", "namePrefix", "family", "description"}),
    "aws:rds/subnetGroup:SubnetGroup": frozenset({"name", "namePrefix"}),
    "aws:rds/optionGroup:OptionGroup": frozenset({
        "name", "namePrefix", "engineName", "majorEngineVersion", "optionGroupDescription"}),
    "aws:rds/cluster:Cluster": frozenset({
        "clusterIdentifier", "clusterIdentifierPrefix", "engine", "engineMode", "storageEncrypted", "kmsKeyId",
        "databaseName", "masterUsername", "availabilityZones", "dbSubnetGroupName", "snapshotIdentifier",
        "restoreToPointInTime", "s3Import", "sourceRegion"}),
    "aws:rds/clusterInstance:ClusterInstance": frozenset({
        "identifier", "identifierPrefix", "clusterIdentifier", "engine", "availabilityZone"}),
    "aws:dms/replicationInstance:ReplicationInstance": frozenset({
        "replicationInstanceId", "availabilityZone", "kmsKeyArn", "publiclyAccessible", "replicationSubnetGroupId"}),
    "aws:dms/replicationTask:ReplicationTask": frozenset({
        "replicationTaskId", "replicationInstanceArn", "sourceEndpointArn", "targetEndpointArn"}),
    "aws:dms/endpoint:Endpoint": frozenset({"endpointId", "kmsKeyArn"}),
    "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup": frozenset({"replicationSubnetGroupId"}),
    "aws:dms/certificate:Certificate": frozenset({"certificateId", "certificatePem", "certificateWallet"}),
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
    "aws:ec2/routeTable:RouteTable": frozenset({"vpcId"}),
    "aws:ec2/route:Route": frozenset({
        "routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"}),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": frozenset({"subnetId", "gatewayId"}),
    "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation": frozenset({"routeTableId", "vpnGatewayId"}),
    "aws:ec2/vpcEndpoint:VpcEndpoint": frozenset({
        "vpcId", "serviceName", "vpcEndpointType", "resourceConfigurationArn", "serviceNetworkArn",
        "serviceRegion"}),
    "cloudflare:index/zone:Zone": frozenset({"name"}),
}

REPLACE_SOURCES: dict[str, str] = {
    "aws:rds/instance:Instance": TF + "rds/instance.go (dbSubnetGroupName, engineVersion, instanceClass and "
                                      "parameterGroupName are not ForceNew: they modify in place)",
    "aws:rds/parameterGroup:ParameterGroup": TF + "rds/parameter_group.go (family, name, namePrefix, description)",
    "aws:rds/subnetGroup:SubnetGroup": TF + "rds/subnet_group.go (name, namePrefix; subnetIds update in place)",
    "aws:rds/optionGroup:OptionGroup": TF + "rds/option_group.go",
    "aws:rds/cluster:Cluster": TF + "rds/cluster.go",
    "aws:rds/clusterInstance:ClusterInstance": TF + "rds/cluster_instance.go",
    "aws:dms/replicationInstance:ReplicationInstance": TF + "dms/replication_instance.go",
    "aws:dms/replicationTask:ReplicationTask": TF + "dms/replication_task.go (an update stops a running task)",
    "aws:dms/endpoint:Endpoint": TF + "dms/endpoint.go (kms_key_arn cannot change after creation)",
    "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup": TF + "dms/replication_subnet_group.go",
    "aws:dms/certificate:Certificate": TF + "dms/certificate.go",
    "aws:elasticache/replicationGroup:ReplicationGroup": TF + "elasticache/replication_group.go",
    "aws:elasticache/cluster:Cluster": TF + "elasticache/cluster.go",
    "aws:s3/bucket:Bucket": TF + "s3/bucket.go",
    "aws:s3/bucketV2:BucketV2": TF + "s3/bucket.go",
    "aws:sqs/queue:Queue": TF + "sqs/queue.go",
    "aws:dynamodb/table:Table": TF + "dynamodb/table.go",
    "aws:efs/fileSystem:FileSystem": TF + "efs/file_system.go",
    "aws:backup/vault:Vault": TF + "backup/vault.go",
    "aws:kms/key:Key": TF + "kms/key.go",
    "aws:secretsmanager/secret:Secret": TF + "secretsmanager/secret.go",
    "aws:cloudwatch/logGroup:LogGroup": TF + "logs/group.go",
    "aws:ec2/launchTemplate:LaunchTemplate": TF + "ec2/ec2_launch_template.go",
    "aws:autoscaling/group:Group": TF + "autoscaling/group.go",
    "aws:lb/loadBalancer:LoadBalancer": TF + "elbv2/load_balancer.go",
    "aws:ec2/vpc:Vpc": TF + "ec2/vpc_.go",
    "aws:ec2/subnet:Subnet": TF + "ec2/vpc_subnet.go",
    "aws:ec2/instance:Instance": TF + "ec2/ec2_instance.go",
    "aws:ec2/routeTable:RouteTable": TF + "ec2/vpc_route_table.go (routes and propagatingVgws update in place)",
    "aws:ec2/route:Route": TF + "ec2/vpc_route.go (the target updates in place: EC2 ReplaceRoute)",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": TF + "ec2/vpc_route_table_association.go (routeTableId "
                                                                "updates in place: EC2 ReplaceRouteTableAssociation)",
    "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation": TF + "ec2/vpnsite_gateway_route_propagation.go",
    "aws:ec2/vpcEndpoint:VpcEndpoint": TF + "ec2/vpc_endpoint.go (routeTableIds, subnetIds and the policy update in "
                                            "place)",
    "cloudflare:index/zone:Zone": "a zone is its name: another name is another zone (pulumi-cloudflare v6 Zone)",
}

# Types whose replacement or deletion destroys data (or keys/secrets that data depends on). A Cloudflare zone holds
# every DNS record of the domain, mail included.
STATEFUL_TYPES: frozenset[str] = frozenset({
    "aws:rds/instance:Instance", "aws:rds/cluster:Cluster",
    "aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster",
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:sqs/queue:Queue", "aws:dynamodb/table:Table",
    "aws:efs/fileSystem:FileSystem", "aws:backup/vault:Vault", "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret", "aws:cloudwatch/logGroup:LogGroup", "cloudflare:index/zone:Zone",
})

# Resource options a diff compares besides the inputs: (path shown, Resource attribute).
OPTIONS: tuple[tuple[str, str], ...] = (("protect", "protect"), ("retainOnDelete", "retain_on_delete"))
# Modifications RDS / ElastiCache hold for the next maintenance window unless applyImmediately is true (RDS User
# Guide, "Settings for DB instances": the "When the change occurs" column; ElastiCache API ModifyReplicationGroup,
# ApplyImmediately).
DEFERRED_UNLESS_IMMEDIATE: dict[str, frozenset[str]] = {
    "aws:rds/instance:Instance": frozenset({
        "instanceClass", "allocatedStorage", "storageType", "iops", "storageThroughput", "engineVersion", "multiAz",
        "caCertIdentifier", "licenseModel", "networkType"}),
    "aws:elasticache/replicationGroup:ReplicationGroup": frozenset({
        "nodeType", "engineVersion", "snapshotRetentionLimit", "parameterGroupName"}),
}
# Inputs that, when true on a resource, make the provider's delete call fail (pulumi-aws docs: "The database
# can't be deleted when this value is set to true"; ALB enable_deletion_protection likewise).
DELETION_PROTECTION: dict[str, str] = {
    "aws:rds/instance:Instance": "deletionProtection",
    "aws:rds/cluster:Cluster": "deletionProtection",
    "aws:lb/loadBalancer:LoadBalancer": "enableDeletionProtection",
}
FAILS = "fails"
DEFERRED = "deferred"
SETTINGS = "settings"

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
class Risk:
    """What the provider or AWS would do other than the diff suggests: fail the apply, defer it, or reset settings."""

    kind: str  # FAILS, DEFERRED or SETTINGS
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message}


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
    warnings: tuple[Risk, ...] = ()

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
        if self.warnings:
            data["risks"] = [w.to_json() for w in self.warnings]
        return data


@dataclass(frozen=True)
class Diff:
    added: tuple[Entry, ...]
    updated: tuple[Entry, ...]
    replaced: tuple[Entry, ...]
    removed: tuple[Entry, ...]
    order: tuple[str, ...] = ()  # URNs of the newer run, in registration order
    switches: tuple[TrafficSwitch, ...] = ()

    @property
    def data_loss(self) -> list[str]:
        return [e.urn for e in (*self.replaced, *self.removed) if e.data_loss]

    @property
    def changed(self) -> tuple[Entry, ...]:
        """Updated and replaced entries, in the order of the resources in the newer run."""
        position = {urn: i for i, urn in enumerate(self.order)}
        return tuple(sorted((*self.updated, *self.replaced), key=lambda e: position.get(e.urn, 0)))

    @property
    def warnings(self) -> list[tuple[Entry, Risk]]:
        return [(e, w) for e in (*self.updated, *self.replaced, *self.removed, *self.added) for w in e.warnings]

    @property
    def failures(self) -> list[str]:
        """URNs whose change the provider or AWS would reject: `pulumi up` stops half-way."""
        return [e.urn for e, w in self.warnings if w.kind == FAILS]

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
            "failures": self.failures,
            "risks": [{"urn": e.urn, "name": e.name, **w.to_json()} for e, w in self.warnings],
        }


def diff_inventories(before: Inventory | None, after: Inventory) -> Diff:
    """Compare the custom resources of two runs by URN (a renamed resource is a removal plus an addition);
    without `before` (phase 1, nothing deployed yet) everything is added. Entries keep the runs' order.

    Inputs named in the new resource's `ignoreChanges` are not compared (the engine keeps their old values); an
    added resource with an import id is adopted, not created. Each entry carries the warnings of `warnings_for`.
    """
    old = {r.urn: r for r in before.custom_resources()} if before is not None else {}
    new = {r.urn: r for r in after.custom_resources()}
    added = tuple(_entry(r, warnings=tuple(_adoption_warnings(r))) for urn, r in new.items() if urn not in old)
    removed = tuple(_entry(r, data_loss=holds_data(r) and not r.retain_on_delete,
                           warnings=tuple(_removal_warnings(r)))
                    for urn, r in old.items() if urn not in new)
    updated: list[Entry] = []
    replaced: list[Entry] = []
    for urn, resource in new.items():
        if urn not in old:
            continue
        ignored = set(resource.ignore_changes)
        changes = (
            *(c for c in input_changes(old[urn].inputs, resource.inputs) if _top_key(c.path) not in ignored),
            *option_changes(old[urn], resource),
        )
        if not changes:
            continue
        triggers = tuple(c.path for c in changes if _top_key(c.path) in REPLACE_ON_CHANGE.get(resource.type, ()))
        warnings = tuple(_update_warnings(old[urn], resource, changes, replaced=bool(triggers)))
        if triggers:
            replaced.append(_entry(resource, changes=changes, replace_paths=triggers,
                                   data_loss=holds_data(old[urn]) and holds_data(resource), warnings=warnings))
        else:
            updated.append(_entry(resource, changes=changes, warnings=warnings))
    return Diff(added, tuple(updated), tuple(replaced), removed, tuple(new),
                traffic_switches(before, after) if before is not None else ())


def option_changes(old: Resource, new: Resource) -> Iterator[Change]:
    """The resource options that differ (`protect`, `retainOnDelete`): state-only updates, never a replacement."""
    for path, attribute in OPTIONS:
        if getattr(old, attribute) != getattr(new, attribute):
            yield Change(path, getattr(old, attribute), getattr(new, attribute))


def _major(version: Any) -> str | None:
    """The major part of an engine version: 16.4 → 16, 8.0.35 → 8.0 (MySQL majors have two parts)."""
    if not isinstance(version, str) or not version:
        return None
    parts = version.split(".")
    return ".".join(parts[:2]) if parts[0] in {"5", "8"} else parts[0]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _update_warnings(old: Resource, new: Resource, changes: tuple[Change, ...], *, replaced: bool) -> Iterator[Risk]:
    paths = {_top_key(c.path) for c in changes}
    if replaced and new.protect and old.protect:
        yield Risk(FAILS, "protect=True: the engine refuses to replace it (`pulumi state unprotect` first, "
                             "knowing the old one is deleted)")
    if replaced and new.type == "aws:rds/parameterGroup:ParameterGroup":
        yield Risk(SETTINGS, "a new parameter group replaces this one: the database's settings (TLS-only and "
                                "any tuned parameter) take effect on the new group only after a reboot, and the "
                                "old group cannot be deleted while an instance still uses it")
    if replaced and new.type == "aws:dms/replicationTask:ReplicationTask":
        yield Risk(SETTINGS, "a new replication task starts its full load again into tables that already hold the "
                             "copied rows: change the task only before it starts or after the cutover")
    if new.type == "aws:rds/instance:Instance" and not replaced:
        before, after = _major(old.inputs.get("engineVersion")), _major(new.inputs.get("engineVersion"))
        if "engineVersion" in paths and before and after and _version_key(after) < _version_key(before):
            yield Risk(FAILS, f"engine {before} → {after} is a downgrade: RDS cannot downgrade an instance (restore a "
                              "dump or snapshot into a new one instead)")
        elif "engineVersion" in paths and before and after and before != after \
                and new.inputs.get("allowMajorVersionUpgrade") is not True:
            yield Risk(FAILS, f"engine {before} → {after} is a major version upgrade: RDS rejects it without "
                              "allowMajorVersionUpgrade (config database.allowMajorVersionUpgrade: true)")
    deferred = sorted(paths & DEFERRED_UNLESS_IMMEDIATE.get(new.type, frozenset()))
    if deferred and not replaced and new.inputs.get("applyImmediately") is not True:
        window = new.inputs.get("maintenanceWindow") or new.inputs.get("preferredMaintenanceWindow") or "its window"
        yield Risk(DEFERRED, f"{', '.join(deferred)} change(s) wait for the maintenance window ({window}) "
                                "without applyImmediately; `pulumi up` reports success before they happen")


def _removal_warnings(resource: Resource) -> Iterator[Risk]:
    flag = DELETION_PROTECTION.get(resource.type)
    if flag and resource.inputs.get(flag) is True:
        yield Risk(FAILS, f"{flag} is true: the delete call fails; turn it off in one apply, then remove it")
    if resource.protect:
        yield Risk(FAILS, "protect=True: the engine refuses to delete it (`pulumi state unprotect` first)")


def _adoption_warnings(resource: Resource) -> Iterator[Risk]:
    if not resource.import_id:
        return
    forced = sorted(REPLACE_ON_CHANGE.get(resource.type, frozenset()) & set(resource.inputs)
                    - set(resource.ignore_changes))
    if forced:
        yield Risk(SETTINGS, f"adopted ({resource.import_id}): the import fails unless {', '.join(forced)} "
                                "match the existing resource exactly (they cannot change in place)")


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
