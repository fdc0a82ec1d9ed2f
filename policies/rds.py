"""RDS instances and read replicas: encryption, privacy, HA, backups, TLS-only parameter groups, monitoring,
patching (RDS-01..10), public snapshots (RDS-11), statement logging, tagged snapshots, known-vulnerable PostgreSQL
versions, Aurora backtracking and customer managed keys (RDS-12..16), major versions past standard support (RDS-17,
on the support calendar the cost pricer reads too: policies/engine_support.py). A replica is an instance with
`replicateSourceDb`; it is joined to its source through that input's property dependencies (or the source's literal
`identifier`)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies import engine_support
from policies._helpers import each, explicitly_false, get, items, known, of_type, refers_to, to_int, truthy
from policies.core import Control, Enforcement, Severity, Subject

INSTANCE = "aws:rds/instance:Instance"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
SNAPSHOTS = (
    "aws:rds/snapshot:Snapshot",
    "aws:rds/clusterSnapshot:ClusterSnapshot",
    "aws:rds/snapshotCopy:SnapshotCopy",
)
DEFAULT_LOG_EXPORTS = {
    "postgres": ["postgresql", "upgrade"],
    "mysql": ["audit", "error", "general", "slowquery"],
    "mariadb": ["audit", "error", "general", "slowquery"],
}
# What Aurora clusters can export (aws_rds_cluster enabled_cloudwatch_logs_exports: audit, error, general, slowquery,
# postgresql, iam-db-auth-error, instance); the default asks for the engine's error/audit logs.
DEFAULT_CLUSTER_LOG_EXPORTS = {"postgres": ["postgresql"], "mysql": ["audit", "error", "slowquery"]}
DEFAULT_CA_CERTS = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"]
# The parameter that makes each engine refuse plain connections (RDS user guide, "Using SSL/TLS" per engine:
# PostgreSQL and SQL Server rds.force_ssl, MySQL/MariaDB and Aurora MySQL require_secure_transport; Db2
# "Using SSL/TLS with an Amazon RDS for Db2 DB instance": DB2COMM TCPIP,SSL or SSL, and only SSL refuses clear text).
# Oracle uses the SSL option of an option group: no parameter to read, so RDS-06 does not judge it.
_TLS_PARAMETER = {"postgres": ("rds.force_ssl", {"1", "true", "on"}),
                  "mysql": ("require_secure_transport", {"1", "on", "true"}),
                  "mariadb": ("require_secure_transport", {"1", "on", "true"}),
                  "sqlserver": ("rds.force_ssl", {"1", "true", "on"}),
                  "db2": ("db2comm", {"ssl"})}
_DB2 = re.compile(r"db2-(ae|se)")


def is_replica(props: Mapping[str, Any]) -> bool:
    return bool(get(props, "replicateSourceDb"))


def engine_family(engine: Any) -> str | None:
    """postgres | mysql | mariadb | sqlserver | db2 from an engine name or a parameter-group family (postgres16,
    mysql8.0, aurora-postgresql15, aurora-mysql8.0, aurora5.6 and engine `aurora` = Aurora MySQL 5.6,
    sqlserver-se-15.0, custom-sqlserver-ee, db2-se, db2-ae-11.5)."""
    text = str(engine or "").lower()
    text = text.removeprefix("custom-")
    for family in ("postgres", "mysql", "mariadb", "sqlserver"):
        if text.startswith(family) or text.startswith(f"aurora-{family}"):
            return family
    if text == "aurora" or (text.startswith("aurora") and text[6:7].isdigit()):
        return "mysql"
    if _DB2.search(text):
        return "db2"
    return None


def storage_encrypted(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    props = subject.props
    if subject.type == CLUSTER:
        if get(props, "engineMode") == "serverless":
            return  # Aurora Serverless v1 is always encrypted
        if not truthy(get(props, "storageEncrypted")):
            yield "storageEncrypted is not true on the cluster"
        return
    if is_replica(props):
        source = str(get(props, "replicateSourceDb"))
        if source.startswith("arn:") and not get(props, "kmsKeyId"):
            yield "cross-region replica (replicateSourceDb is an ARN) without kmsKeyId is not encrypted"
        return
    if not truthy(get(props, "storageEncrypted")):
        yield "storageEncrypted is not true"


def not_public(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if truthy(get(subject.props, "publiclyAccessible")):
        yield "publiclyAccessible is true"


def _primary(subject: Subject) -> bool:
    """An instance that is not a read replica, or a cluster that is not a cross-region replica cluster."""
    if subject.type == CLUSTER:
        return not get(subject.props, "replicationSourceIdentifier")
    return not is_replica(subject.props)


def multi_az(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if cfg.get("required", True) and not is_replica(subject.props) and not truthy(get(subject.props, "multiAz")):
        yield "multiAz is not true on a primary instance"


def backups(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not _primary(subject) and not cfg.get("checkReadReplicas", False):
        return
    minimum = int(cfg.get("minDays", 7))
    days = to_int(get(subject.props, "backupRetentionPeriod"))
    days = 1 if days is None else days  # the RDS API default (CreateDBInstance/CreateDBCluster BackupRetentionPeriod)
    if days > 35:
        yield f"backupRetentionPeriod is {days}; RDS keeps automated backups at most 35 days (the API rejects more)"
    elif days < minimum:
        yield f"backupRetentionPeriod is {days}; keep at least {minimum} days"


def deletion_safety(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(get(subject.props, "deletionProtection")):
        yield "deletionProtection is not true"
    if _primary(subject) and truthy(get(subject.props, "skipFinalSnapshot")):
        yield "skipFinalSnapshot is true (no final snapshot on delete)"


def iam_auth(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(get(subject.props, "iamDatabaseAuthenticationEnabled")):
        yield "iamDatabaseAuthenticationEnabled is not true"


def monitoring(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    props = subject.props
    if subject.type != CLUSTER_INSTANCE:  # a cluster instance's logs are exported by its cluster
        family = engine_family(get(props, "engine"))
        exports = cfg.get("clusterLogExports") or DEFAULT_CLUSTER_LOG_EXPORTS if subject.type == CLUSTER \
            else cfg.get("logExports") or DEFAULT_LOG_EXPORTS
        expected = exports.get(family or "", []) if family else []
        exported = {str(e) for e in items(get(props, "enabledCloudwatchLogsExports"))}
        missing = [e for e in expected if e not in exported]
        if missing:
            yield f"enabledCloudwatchLogsExports lacks {missing}"
    if subject.type == CLUSTER:  # monitoring and Performance Insights are set on the cluster's instances
        return
    interval = to_int(get(props, "monitoringInterval")) or 0
    if interval <= 0:
        yield "monitoringInterval is 0 (enhanced monitoring off)"
    elif interval not in (1, 5, 10, 15, 30, 60):  # the values CreateDBInstance MonitoringInterval accepts
        yield f"monitoringInterval is {interval}; use 1, 5, 10, 15, 30 or 60 seconds"
    elif not get(props, "monitoringRoleArn"):
        yield "monitoringInterval is set without monitoringRoleArn (RDS needs the role to publish the metrics)"
    if not truthy(get(props, "performanceInsightsEnabled")):
        yield "performanceInsightsEnabled is not true"
    elif cfg.get("requirePerformanceInsightsKms", True) and not get(props, "performanceInsightsKmsKeyId"):
        yield "performanceInsightsKmsKeyId is not set"


def patching(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if explicitly_false(get(subject.props, "autoMinorVersionUpgrade")):
        yield "autoMinorVersionUpgrade is false"
    certificate = get(subject.props, "caCertIdentifier")
    allowed = list(cfg.get("allowedCaCerts") or DEFAULT_CA_CERTS)
    if certificate is not None and certificate not in allowed:
        yield f"caCertIdentifier {certificate!r} is not one of {allowed}"


def private_snapshots(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    # sharedAccounts "all" makes a manual snapshot public (RDS ModifyDBSnapshotAttribute, attribute restore)
    if "all" in [str(a).lower() for a in items(get(subject.props, "sharedAccounts"))]:
        yield "sharedAccounts contains 'all': anyone can restore this snapshot (the whole database)"


def source_of(replica: Subject, instances: Sequence[Subject]) -> Subject | None:
    for candidate in instances:
        if candidate is not replica and refers_to(replica, "replicateSourceDb", candidate, "identifier"):
            return candidate
    return None


def parameter_groups_of(instance: Subject, subjects: Sequence[Subject]) -> list[Subject]:
    return [g for g in of_type(subjects, PARAMETER_GROUP) if refers_to(instance, "parameterGroupName", g, "name")]


def tls_parameter_group(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    instances = of_type(subjects, INSTANCE)

    def check(instance: Subject) -> Iterator[str]:
        cluster = instance.type == CLUSTER
        prop = "dbClusterParameterGroupName" if cluster else "parameterGroupName"
        engine = known(instance.props, "engine")
        if engine is not None and engine_family(engine) is None:
            return  # Oracle: TLS is not a parameter (see _TLS_PARAMETER)
        if not get(instance.props, prop):
            yield f"uses the default parameter group (TLS not forced); set {prop}"
            return
        groups = ([g for g in of_type(subjects, CLUSTER_PARAMETER_GROUP) if refers_to(instance, prop, g, "name")]
                  if cluster else parameter_groups_of(instance, subjects))
        if not groups:
            yield f"{prop} refers to a group outside this stack; TLS enforcement cannot be verified"
            return
        source = source_of(instance, instances) if not cluster and is_replica(instance.props) else None
        engine = engine or (known(source.props, "engine") if source else None)
        for group in groups:
            family = engine_family(engine) or engine_family(get(group.props, "family"))
            if family is None:
                continue
            name, accepted = _TLS_PARAMETER[family]
            values = [str(get(p, "value")).lower() for p in items(get(group.props, "parameters"))
                      if get(p, "name") == name]
            if not values or values[-1] not in accepted:
                yield f"parameter group {group.name} does not set {name}={'SSL' if family == 'db2' else '1'}"

    yield from each(subjects, [INSTANCE, CLUSTER], check)


def replicas_match_source(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    instances = of_type(subjects, INSTANCE)

    def check(replica: Subject) -> Iterator[str]:
        if not is_replica(replica.props):
            return
        if truthy(get(replica.props, "publiclyAccessible")):
            yield "read replica is publiclyAccessible"
        source = source_of(replica, instances)
        if source is None:
            return
        if {g.urn for g in parameter_groups_of(replica, subjects)} != {
            g.urn for g in parameter_groups_of(source, subjects)
        } or (get(replica.props, "parameterGroupName") is None) != (get(source.props, "parameterGroupName") is None):
            yield f"parameter group differs from its source {source.name} (TLS enforcement may differ)"
        if (to_int(get(replica.props, "monitoringInterval")) or 0) != (
            to_int(get(source.props, "monitoringInterval")) or 0
        ):
            yield f"monitoringInterval differs from its source {source.name}"
        if (to_int(get(source.props, "backupRetentionPeriod")) or 0) <= 0:
            yield f"source {source.name} has backupRetentionPeriod 0 (replicas need source backups)"

    yield from each(subjects, [INSTANCE], check)


# PostgreSQL statement logging (RDS user guide, "Turning on query logging for your RDS for PostgreSQL DB instance"):
# log_statement none (the default) logs no statement, log_min_duration_statement -1 (the default) no slow statement.
_STATEMENT_LOGGING = ("log_statement", "log_min_duration_statement")
_LOGGING_OFF = {"log_statement": {"none"}, "log_min_duration_statement": {"-1"}}


def _groups_of(db: Subject, subjects: Sequence[Subject]) -> tuple[str, list[Subject]]:
    """(the parameter-group input, the groups of the stack it leads to) of an instance or a cluster."""
    if db.type == CLUSTER:
        prop = "dbClusterParameterGroupName"
        return prop, [g for g in of_type(subjects, CLUSTER_PARAMETER_GROUP) if refers_to(db, prop, g, "name")]
    return "parameterGroupName", parameter_groups_of(db, subjects)


def statement_logging(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    def check(db: Subject) -> Iterator[str]:
        if is_replica(db.props) or engine_family(get(db.props, "engine")) != "postgres":
            return  # replicas log what their source's group says (RDS-10 keeps the groups equal)
        prop, groups = _groups_of(db, subjects)
        if not get(db.props, prop):
            yield f"uses the default parameter group (log_statement none: no statement is logged); set {prop}"
            return
        if not groups:
            yield f"{prop} refers to a group outside this stack; statement logging cannot be verified"
            return
        for group in groups:
            values = {get(p, "name"): str(get(p, "value")).lower() for p in items(get(group.props, "parameters"))}
            unset = [name for name in _STATEMENT_LOGGING if name not in values or values[name] in _LOGGING_OFF[name]]
            if unset:
                yield f"parameter group {group.name} leaves {', '.join(unset)} off"

    yield from each(subjects, [INSTANCE, CLUSTER], check)


def tagged_snapshots(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(get(subject.props, "copyTagsToSnapshot")):
        yield "copyTagsToSnapshot is not true (snapshots lose the owner, environment and cost tags)"


def _version(text: Any) -> tuple[int, ...] | None:
    parts = str(text).split(".")
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        return None


# AWS security bulletin AWS-2022-004 (log_fdw extension): fixed in RDS for PostgreSQL 13.3, 12.7, 11.12, 10.17 and
# 9.6.22, and in Aurora PostgreSQL 11.9 and 10.14 (12 and later were never affected); the versions Checkov
# CKV_AWS_250 accepts. Aurora PostgreSQL 10.11-10.13 and 11.6-11.8 also read local files (CKV_AWS_388).
_FIXED_POSTGRES = {13: (13, 3), 12: (12, 7), 11: (11, 12), 10: (10, 17), 9: (9, 6, 22)}
_FIXED_AURORA_POSTGRES = {11: (11, 9), 10: (10, 14)}


def patched_postgres(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    engine = str(get(subject.props, "engine", default="")).lower()
    if engine not in ("postgres", "aurora-postgresql"):
        return
    text = get(subject.props, "engineVersion")
    version = _version(text) if text is not None else None
    if version is None or len(version) < 2:
        return  # unset or major only: RDS picks the major version's current minor
    fixed = (_FIXED_AURORA_POSTGRES if engine == "aurora-postgresql" else _FIXED_POSTGRES).get(version[0])
    oldest = 10 if engine == "aurora-postgresql" else 9
    if version[0] < oldest or (fixed is not None and version < fixed):
        yield (f"{engine} {text} is affected by AWS-2022-004 (log_fdw reads local files); upgrade to "
               f"{'.'.join(map(str, fixed)) if fixed else 'a supported major version'} or later")


def check_date(cfg: Mapping[str, Any]) -> str:
    """The date a calendar control judges on: the policy config's `date` (YYYY-MM-DD, e.g. to ask about next
    quarter; `rollout check` refuses another shape), else today in UTC."""
    import datetime as dt

    value = cfg.get("date")
    if not value:
        return dt.datetime.now(dt.UTC).date().isoformat()
    return dt.date.fromisoformat(str(value)).isoformat()


def standard_support(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    engine = str(get(subject.props, "engine", default="")).lower()
    if engine not in engine_support.CALENDAR:
        return  # Aurora, MariaDB (no Extended Support), commercial engines: another calendar
    version = get(subject.props, "engineVersion")
    if version is None:
        return  # unset: RDS creates the engine's default version, in standard support
    on = check_date(cfg)
    dates = engine_support.past_standard_support(engine, version, on)
    if dates is None:
        return
    newer = sorted((m for m in engine_support.CALENDAR[engine] if engine_support.in_standard_support(engine, m, on)),
                   key=lambda m: tuple(int(p) for p in m.split(".")))
    target = f"; move to {engine} {newer[-1]}" if newer else ""
    yield (f"{engine} {version} left RDS standard support on {dates.standard_ends}: RDS Extended Support is billed "
           f"from {dates.billed_from} per vCPU-hour (twice that from {dates.year3_from}), on the Multi-AZ standby "
           f"too{target}")


def backtracking(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    engine = str(get(subject.props, "engine", default="")).lower()
    if engine not in ("aurora", "aurora-mysql") or get(subject.props, "engineMode") == "serverless":
        return  # backtracking is an Aurora MySQL feature of provisioned clusters
    if (to_int(get(subject.props, "backtrackWindow")) or 0) <= 0:
        yield "backtrackWindow is 0 (no rewinding the cluster after a bad migration or delete)"


def customer_managed_key(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not _primary(subject) or (subject.type == CLUSTER and get(subject.props, "engineMode") == "serverless"):
        return  # same-region replicas use their source's key; Serverless v1 takes no kmsKeyId
    if not get(subject.props, "kmsKeyId"):
        yield "kmsKeyId is not set: storage uses the AWS managed key aws/rds (no key policy of yours, no " \
              "cross-account snapshot sharing)"


_TYPES = (INSTANCE,)
_WITH_CLUSTERS = (INSTANCE, CLUSTER)
_WITH_CLUSTER_INSTANCES = (INSTANCE, CLUSTER_INSTANCE)
CONTROLS = (
    Control(
        id="RDS-01",
        title="RDS storage is encrypted",
        severity=Severity.HIGH,
        resource_types=_WITH_CLUSTERS,
        check=storage_encrypted,
        description="Primary instances must set storageEncrypted. Same-region replicas inherit encryption and ignore "
        "the field; a cross-region replica needs its own kmsKeyId. Aurora/Multi-AZ clusters set "
        "storageEncrypted on the cluster (Serverless v1 is always encrypted).",
        remediation="Set storageEncrypted=true (and kmsKeyId for a customer managed key); kmsKeyId on "
        "cross-region replicas.",
        sources=(
            "FSBP RDS.3",
            "FSBP RDS.27",
            "CIS 2.2.1",
            "CKV_AWS_16",
            "CKV_AWS_96",
            "AwsSolutions-RDS2",
            "awsguard rds-storage-encrypted",
        ),
    ),
    Control(
        id="RDS-02",
        title="RDS is not publicly accessible",
        severity=Severity.CRITICAL,
        resource_types=_WITH_CLUSTER_INSTANCES,
        check=not_public,
        waivable=False,
        description="Databases, replicas and Aurora cluster instances included, must only be reachable from inside "
        "the VPC.",
        remediation="Set publiclyAccessible=false and place the instance in private subnets.",
        sources=("FSBP RDS.2", "CIS 2.2.3", "CKV_AWS_17", "awsguard rds-instance-public-access"),
    ),
    Control(
        id="RDS-03",
        title="RDS primaries are multi-AZ",
        severity=Severity.MEDIUM,
        resource_types=_TYPES,
        check=multi_az,
        config_defaults={"required": True},
        description="A standby in a second AZ survives an AZ outage. Set config required=false for dev stacks.",
        remediation="Set multiAz=true on primary instances.",
        sources=(
            "FSBP RDS.5",
            "CIS 2.2.4",
            "CKV_AWS_157",
            "AwsSolutions-RDS3",
            "awsguard rds-instance-multi-az-enabled",
        ),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="RDS-04",
        title="RDS keeps backups long enough",
        severity=Severity.MEDIUM,
        resource_types=_WITH_CLUSTERS,
        check=backups,
        config_defaults={"minDays": 7, "checkReadReplicas": False},
        description="Automated backups must be kept at least minDays (default 7) and at most 35 days (the RDS "
        "maximum), on instances and clusters (unset means the API default of 1 day); replicas only with "
        "checkReadReplicas. Checkov CKV_AWS_133 asks for 1..35 days: with minDays 1 the two agree.",
        remediation="Set backupRetentionPeriod to at least 7.",
        sources=(
            "FSBP RDS.11",
            "CKV_AWS_133",
            "AwsSolutions-RDS13",
            "AwsSolutions-RDS14",
            "awsguard rds-instance-backup-enabled",
        ),
    ),
    Control(
        id="RDS-05",
        title="RDS is protected from deletion",
        severity=Severity.MEDIUM,
        resource_types=_WITH_CLUSTERS,
        check=deletion_safety,
        description="Deletion protection on, and primary instances and clusters take a final snapshot when deleted.",
        remediation="Set deletionProtection=true and skipFinalSnapshot=false (with finalSnapshotIdentifier).",
        sources=("FSBP RDS.8", "FSBP RDS.7", "CKV_AWS_293", "CKV_AWS_139", "AwsSolutions-RDS10"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="RDS-06",
        title="RDS forces TLS through its parameter group",
        severity=Severity.HIGH,
        resource_types=(INSTANCE, PARAMETER_GROUP, CLUSTER, CLUSTER_PARAMETER_GROUP),
        check=tls_parameter_group,
        stack=True,
        description="The instance's parameterGroupName (a cluster's dbClusterParameterGroupName) must lead to a group "
        "in the stack setting rds.force_ssl=1 (PostgreSQL, Aurora PostgreSQL, SQL Server), "
        "require_secure_transport=1 (MySQL, MariaDB, Aurora MySQL) or db2comm=SSL (Db2: TCPIP,SSL still "
        "accepts clear text); joined through property dependencies. Oracle (option group SSL) is not "
        "judged; a parameterGroupName naming a group outside the stack fails here, as unverifiable, where "
        "CKV2_AWS_69 passes it.",
        remediation="Create an aws.rds.ParameterGroup with rds.force_ssl=1 / require_secure_transport=1 and set "
        "parameterGroupName to it.",
        sources=("FSBP RDS.38", "FSBP RDS.39", "CKV2_AWS_69"),
    ),
    Control(
        id="RDS-07",
        title="RDS allows IAM authentication",
        severity=Severity.MEDIUM,
        resource_types=_WITH_CLUSTERS,
        check=iam_auth,
        enforcement=Enforcement.ADVISORY,
        description="IAM database authentication avoids long-lived passwords in applications (advisory).",
        remediation="Set iamDatabaseAuthenticationEnabled=true.",
        sources=("FSBP RDS.10", "FSBP RDS.12", "CKV_AWS_161", "CKV_AWS_162", "AwsSolutions-RDS6"),
    ),
    Control(
        id="RDS-08",
        title="RDS logs and monitoring are on",
        severity=Severity.MEDIUM,
        resource_types=(INSTANCE, CLUSTER, CLUSTER_INSTANCE),
        check=monitoring,
        config_defaults={
            "logExports": DEFAULT_LOG_EXPORTS,
            "clusterLogExports": DEFAULT_CLUSTER_LOG_EXPORTS,
            "requirePerformanceInsightsKms": True,
        },
        description="Export the engine's logs to CloudWatch (instances and clusters), enable enhanced monitoring and "
        "Performance Insights encrypted with a KMS key (instances and cluster instances); a monitoring "
        "interval needs monitoringRoleArn (the RDS API rejects it otherwise) and one of 1, 5, 10, 15, 30, "
        "60. Differences from Checkov: CKV_AWS_118 does not ask for the role and fails an interval given "
        "as a string; CKV_AWS_129 accepts any one export where the engine's set is asked here (MySQL: "
        "audit, error, general, slowquery; CKV_AWS_325 accepts an Aurora MySQL cluster exporting audit "
        "alone, where error and slowquery are asked too); CKV_AWS_324 fails a cluster that names no "
        "engine, which is not judged here.",
        remediation="Set enabledCloudwatchLogsExports (postgresql, upgrade), monitoringInterval>0 with a monitoring "
        "role, performanceInsightsEnabled=true and performanceInsightsKmsKeyId.",
        sources=(
            "FSBP RDS.9",
            "FSBP RDS.36",
            "FSBP RDS.34",
            "FSBP RDS.6",
            "CKV_AWS_129",
            "CKV_AWS_324",
            "CKV_AWS_325",
            "CKV_AWS_118",
            "CKV_AWS_353",
            "CKV_AWS_354",
            "compliance-policies rds-instance-enable-performance-insights",
        ),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="RDS-09",
        title="RDS is patched and uses a current CA",
        severity=Severity.HIGH,
        resource_types=_WITH_CLUSTER_INSTANCES,
        check=patching,
        config_defaults={"allowedCaCerts": DEFAULT_CA_CERTS},
        description="Minor version upgrades stay on; caCertIdentifier, when set, must be a current RDS CA. An unset "
        "autoMinorVersionUpgrade is the API default, true (Checkov CKV_AWS_226 fails it).",
        remediation="Leave autoMinorVersionUpgrade true and use caCertIdentifier rds-ca-rsa2048-g1 (or newer).",
        sources=("FSBP RDS.13", "CIS 2.2.2", "CKV_AWS_226", "CKV_AWS_211"),
    ),
    Control(
        id="RDS-10",
        title="Read replicas match their source",
        severity=Severity.MEDIUM,
        resource_types=(INSTANCE, PARAMETER_GROUP),
        check=replicas_match_source,
        stack=True,
        description="A replica is private, uses the same (TLS) parameter group and monitoring as its source, and its "
        "source keeps backups; joined through replicateSourceDb.",
        remediation="Give replicas the source's parameterGroupName and monitoringInterval, publiclyAccessible=false.",
        sources=("FSBP RDS.2/RDS.3 applied to replicas", "awsguard checkReadReplicas"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="RDS-11",
        title="RDS snapshots are not public",
        severity=Severity.CRITICAL,
        resource_types=SNAPSHOTS,
        check=private_snapshots,
        waivable=False,
        description="A manual DB or cluster snapshot (or snapshot copy) shared with 'all' can be restored by any "
        "AWS account.",
        remediation="Remove 'all' from shared_accounts; share with named account ids only.",
        sources=("FSBP RDS.1", "CKV_AWS_302"),
    ),
    Control(
        id="RDS-12",
        title="PostgreSQL logs statements",
        severity=Severity.LOW,
        resource_types=(INSTANCE, PARAMETER_GROUP, CLUSTER, CLUSTER_PARAMETER_GROUP),
        check=statement_logging,
        stack=True,
        description="A PostgreSQL instance (or Aurora PostgreSQL cluster) needs a parameter group in the stack that "
        "sets log_statement (ddl, mod or all; not none) and log_min_duration_statement (not -1), so schema "
        "changes and slow queries reach the exported postgresql log; joined as RDS-06. Advisory: statement "
        "logs grow with traffic and can hold query values.",
        remediation="Add parameters log_statement=ddl and log_min_duration_statement=1000 (ms) to the parameter "
        "group.",
        sources=("CKV2_AWS_30", "CKV2_AWS_27"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="RDS-13",
        title="RDS snapshots keep their tags",
        severity=Severity.LOW,
        resource_types=_WITH_CLUSTERS,
        check=tagged_snapshots,
        description="copyTagsToSnapshot on instances and clusters: a snapshot without the owner, environment and "
        "cost tags cannot be attributed or cleaned up (the API default is false). Checkov CKV2_AWS_60 also "
        "fails any instance whose engine is neptune, docdb or aurora, whatever the flag; here the flag "
        "decides.",
        remediation="Set copyTagsToSnapshot=true.",
        sources=("FSBP RDS.17", "FSBP RDS.16", "CKV2_AWS_60", "CKV_AWS_313"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="RDS-14",
        title="PostgreSQL is not a known-vulnerable version",
        severity=Severity.HIGH,
        resource_types=_WITH_CLUSTERS,
        check=patched_postgres,
        description="RDS for PostgreSQL before 13.3, 12.7, 11.12, 10.17 or 9.6.22 and Aurora PostgreSQL before 11.9 "
        "or 10.14 let a database user read local files through the log_fdw extension (AWS security "
        "bulletin AWS-2022-004; this includes the Aurora versions of CKV_AWS_388). An unset or major-only "
        "engineVersion gets the current minor version and passes.",
        remediation="Set engineVersion to a current minor version (e.g. 16.4) and keep autoMinorVersionUpgrade on.",
        sources=("CKV_AWS_250", "CKV_AWS_388"),
    ),
    Control(
        id="RDS-15",
        title="Aurora MySQL clusters can backtrack",
        severity=Severity.LOW,
        resource_types=(CLUSTER,),
        check=backtracking,
        description="backtrackWindow > 0 lets an Aurora MySQL cluster rewind in place after a bad deploy; advisory: "
        "point-in-time restore (RDS-04) already recovers the data, and backtracking adds storage cost an "
        "SME rarely needs. Serverless v1 and other engines are not judged.",
        remediation="Set backtrackWindow (seconds, up to 259200 = 72 hours) on provisioned Aurora MySQL clusters.",
        sources=("FSBP RDS.14", "CKV_AWS_326"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="RDS-16",
        title="RDS is encrypted with a customer managed key",
        severity=Severity.MEDIUM,
        resource_types=_WITH_CLUSTERS,
        check=customer_managed_key,
        description="Primary instances and clusters set kmsKeyId: a key of your own has a key policy you control, "
        "CloudTrail records its use, and snapshots encrypted with it can be shared with a backup account "
        "(aws/rds snapshots cannot). Same-region replicas use their source's key (RDS-01 asks cross-region "
        "ones for kmsKeyId); Serverless v1 clusters are not judged.",
        remediation="Create an aws.kms.Key with rotation and pass kmsKeyId (storageEncrypted=true).",
        sources=("CKV_AWS_327",),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="RDS-17",
        title="RDS runs a major version in standard support",
        severity=Severity.MEDIUM,
        resource_types=(INSTANCE,),
        check=standard_support,
        description="An RDS for PostgreSQL or MySQL instance (replicas too) whose engineVersion is past its RDS end "
        "of standard support on the check date is enrolled in RDS Extended Support and billed per vCPU-hour "
        "(MySQL 8.0 from 2026-08-01; in us-east-1 $0.10 per vCPU-hour, $146/month for a Single-AZ db.m5.large), "
        "with only critical fixes, "
        "until RDS upgrades it at the end of Extended Support. The calendar is the one the cost estimate "
        "uses (policies/engine_support.py). Advisory: changing the version is a major upgrade of a live "
        "database, planned, not automatic. An unset engineVersion (RDS's default) and an engine or "
        "version outside the calendar pass. Config: date (YYYY-MM-DD) judges another day than today.",
        remediation="Upgrade the major version: set engineVersion (e.g. mysql 8.4, postgres 16) with "
        "database.allowMajorVersionUpgrade, after a snapshot and a test on a restored copy (docs/data-moves.md).",
        # no Security Hub, CIS or Checkov check judges the support calendar: the source is AWS's own page
        sources=("RDS User Guide: Amazon RDS Extended Support charges",),
        enforcement=Enforcement.ADVISORY,
        config_defaults={"date": ""},
    ),
)
