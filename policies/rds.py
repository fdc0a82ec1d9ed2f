"""RDS instances and read replicas: encryption, privacy, HA, backups, TLS-only parameter groups, monitoring,
patching (RDS-01..10). A replica is an instance with `replicateSourceDb`; it is joined to its source through that
input's property dependencies (or the source's literal `identifier`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, explicitly_false, get, items, known, of_type, refers_to, to_int, truthy
from policies.core import Control, Enforcement, Severity, Subject

INSTANCE = "aws:rds/instance:Instance"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
DEFAULT_LOG_EXPORTS = {
    "postgres": ["postgresql", "upgrade"],
    "mysql": ["audit", "error", "general", "slowquery"],
    "mariadb": ["audit", "error", "general", "slowquery"],
}
DEFAULT_CA_CERTS = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"]
_TLS_PARAMETER = {"postgres": ("rds.force_ssl", {"1", "true", "on"}),
                  "mysql": ("require_secure_transport", {"1", "on", "true"}),
                  "mariadb": ("require_secure_transport", {"1", "on", "true"})}


def is_replica(props: Mapping[str, Any]) -> bool:
    return bool(get(props, "replicateSourceDb"))


def engine_family(engine: Any) -> str | None:
    """postgres | mysql | mariadb from an engine name or a parameter-group family (postgres16, mysql8.0)."""
    text = str(engine or "").lower()
    for family in ("postgres", "mysql", "mariadb"):
        if text.startswith(family) or text.startswith(f"aurora-{family}"):
            return family
    return None


def storage_encrypted(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    props = subject.props
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


def multi_az(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if cfg.get("required", True) and not is_replica(subject.props) and not truthy(get(subject.props, "multiAz")):
        yield "multiAz is not true on a primary instance"


def backups(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if is_replica(subject.props) and not cfg.get("checkReadReplicas", False):
        return
    minimum = int(cfg.get("minDays", 7))
    days = to_int(get(subject.props, "backupRetentionPeriod")) or 0
    if days < minimum:
        yield f"backupRetentionPeriod is {days}; keep at least {minimum} days"


def deletion_safety(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(get(subject.props, "deletionProtection")):
        yield "deletionProtection is not true"
    if not is_replica(subject.props) and truthy(get(subject.props, "skipFinalSnapshot")):
        yield "skipFinalSnapshot is true (no final snapshot on delete)"


def iam_auth(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(get(subject.props, "iamDatabaseAuthenticationEnabled")):
        yield "iamDatabaseAuthenticationEnabled is not true"


def monitoring(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    props = subject.props
    family = engine_family(get(props, "engine"))
    expected = (cfg.get("logExports") or DEFAULT_LOG_EXPORTS).get(family or "", []) if family else []
    exported = {str(e) for e in items(get(props, "enabledCloudwatchLogsExports"))}
    missing = [e for e in expected if e not in exported]
    if missing:
        yield f"enabledCloudwatchLogsExports lacks {missing}"
    if (to_int(get(props, "monitoringInterval")) or 0) <= 0:
        yield "monitoringInterval is 0 (enhanced monitoring off)"
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
        if not get(instance.props, "parameterGroupName"):
            yield "uses the default parameter group (TLS not forced); set parameterGroupName"
            return
        groups = parameter_groups_of(instance, subjects)
        if not groups:
            yield "parameterGroupName refers to a group outside this stack; TLS enforcement cannot be verified"
            return
        source = source_of(instance, instances) if is_replica(instance.props) else None
        engine = known(instance.props, "engine") or (known(source.props, "engine") if source else None)
        for group in groups:
            family = engine_family(engine) or engine_family(get(group.props, "family"))
            if family is None:
                continue
            name, accepted = _TLS_PARAMETER[family]
            values = [str(get(p, "value")).lower() for p in items(get(group.props, "parameters"))
                      if get(p, "name") == name]
            if not values or values[-1] not in accepted:
                yield f"parameter group {group.name} does not set {name}=1"

    yield from each(subjects, [INSTANCE], check)


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


_TYPES = (INSTANCE,)
CONTROLS = (
    Control(
        id="RDS-01",
        title="RDS storage is encrypted",
        severity=Severity.HIGH,
        resource_types=_TYPES,
        check=storage_encrypted,
        description="Primary instances must set storageEncrypted. Same-region replicas inherit encryption and ignore "
        "the field; a cross-region replica needs its own kmsKeyId.",
        remediation="Set storageEncrypted=true (and kmsKeyId for a customer managed key); kmsKeyId on "
        "cross-region replicas.",
        sources=("FSBP RDS.3", "CIS 2.2.1", "CKV_AWS_16", "AwsSolutions-RDS2", "awsguard rds-storage-encrypted"),
    ),
    Control(
        id="RDS-02",
        title="RDS is not publicly accessible",
        severity=Severity.CRITICAL,
        resource_types=_TYPES,
        check=not_public,
        waivable=False,
        description="Databases, replicas included, must only be reachable from inside the VPC.",
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
        resource_types=_TYPES,
        check=backups,
        config_defaults={"minDays": 7, "checkReadReplicas": False},
        description="Automated backups must be kept at least minDays (default 7); replicas only with "
        "checkReadReplicas.",
        remediation="Set backupRetentionPeriod to at least 7.",
        sources=("FSBP RDS.11", "CKV_AWS_133", "AwsSolutions-RDS13", "awsguard rds-instance-backup-enabled"),
    ),
    Control(
        id="RDS-05",
        title="RDS is protected from deletion",
        severity=Severity.MEDIUM,
        resource_types=_TYPES,
        check=deletion_safety,
        description="Deletion protection on, and primaries take a final snapshot when deleted.",
        remediation="Set deletionProtection=true and skipFinalSnapshot=false (with finalSnapshotIdentifier).",
        sources=("FSBP RDS.8", "CKV_AWS_293", "AwsSolutions-RDS10"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="RDS-06",
        title="RDS forces TLS through its parameter group",
        severity=Severity.HIGH,
        resource_types=(INSTANCE, PARAMETER_GROUP),
        check=tls_parameter_group,
        stack=True,
        description="The instance's parameterGroupName must lead to a group in the stack setting rds.force_ssl=1 "
        "(PostgreSQL) or require_secure_transport=1 (MySQL/MariaDB); joined through property dependencies.",
        remediation="Create an aws.rds.ParameterGroup with rds.force_ssl=1 / require_secure_transport=1 and set "
        "parameterGroupName to it.",
        sources=("FSBP RDS.38", "FSBP RDS.39", "CKV2_AWS_69"),
    ),
    Control(
        id="RDS-07",
        title="RDS allows IAM authentication",
        severity=Severity.MEDIUM,
        resource_types=_TYPES,
        check=iam_auth,
        enforcement=Enforcement.ADVISORY,
        description="IAM database authentication avoids long-lived passwords in applications (advisory).",
        remediation="Set iamDatabaseAuthenticationEnabled=true.",
        sources=("FSBP RDS.10", "CKV_AWS_161"),
    ),
    Control(
        id="RDS-08",
        title="RDS logs and monitoring are on",
        severity=Severity.MEDIUM,
        resource_types=_TYPES,
        check=monitoring,
        config_defaults={"logExports": DEFAULT_LOG_EXPORTS, "requirePerformanceInsightsKms": True},
        description="Export the engine's logs to CloudWatch, enable enhanced monitoring and Performance Insights "
        "(encrypted with a KMS key).",
        remediation="Set enabledCloudwatchLogsExports (postgresql, upgrade), monitoringInterval>0 with a monitoring "
        "role, performanceInsightsEnabled=true and performanceInsightsKmsKeyId.",
        sources=(
            "FSBP RDS.9",
            "FSBP RDS.36",
            "FSBP RDS.6",
            "CKV_AWS_129",
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
        resource_types=_TYPES,
        check=patching,
        config_defaults={"allowedCaCerts": DEFAULT_CA_CERTS},
        description="Minor version upgrades stay on; caCertIdentifier, when set, must be a current RDS CA.",
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
)
