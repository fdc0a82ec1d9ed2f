"""RDS: Performance Insights per engine and class, identifiers, windows, passwords, parameter families, replicas,
log exports and option groups per engine and version (APL-RDS-01..08)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, known, of_type, refers_to, to_int, truthy
from policies.apply._rule import name_problems, rule
from policies.core import Subject

INSTANCE = "aws:rds/instance:Instance"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
OPTION_GROUP = "aws:rds/optionGroup:OptionGroup"
LOG_EXPORTS = {
    "postgres": {"postgresql", "upgrade", "iam-db-auth-error"},
    "mysql": {"audit", "error", "general", "slowquery", "iam-db-auth-error"},
    "mariadb": {"audit", "error", "general", "slowquery", "iam-db-auth-error"},
    "sqlserver-ee": {"agent", "error"}, "sqlserver-se": {"agent", "error"}, "sqlserver-ex": {"agent", "error"},
    "sqlserver-web": {"agent", "error"},
    "oracle-ee": {"alert", "audit", "listener", "trace", "oemagent"},
    "oracle-se2": {"alert", "audit", "listener", "trace", "oemagent"},
}
"""Log types each engine can publish to CloudWatch Logs (CreateDBInstance, EnableCloudwatchLogsExports; RDS user
guide "Publishing database logs to Amazon CloudWatch Logs")."""
API = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"
PI_UNSUPPORTED = {engine: {"db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"}
                  for engine in ("mysql", "mariadb")}
"""RDS for MySQL and MariaDB reject Performance Insights on these classes (RDS user guide, "DB engine, Region, and
instance class support for Database Insights"); PostgreSQL supports every class."""


def performance_insights(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(get(subject.props, "performanceInsightsEnabled")):
        return
    engine = str(get(subject.props, "engine", default="")).lower()
    instance_class = get(subject.props, "instanceClass")
    if instance_class in PI_UNSUPPORTED.get(engine, set()):
        yield f"Performance Insights is not available for {engine} on {instance_class}"
    retention = to_int(get(subject.props, "performanceInsightsRetentionPeriod"))
    if retention is not None and not (retention in (7, 731) or (retention % 31 == 0 and 31 <= retention <= 713)):
        yield f"performanceInsightsRetentionPeriod {retention}: use 7, a multiple of 31 up to 713, or 731"


def identifier(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    yield from name_problems(subject, limit=63, pattern=r"[A-Za-z](?!.*--)[A-Za-z0-9-]*(?<!-)", what="RDS",
                             prop="identifier", prefix_prop="identifierPrefix", prefix_limit=37)


def _minutes(part: str) -> int | None:
    found = re.fullmatch(r"(?:(mon|tue|wed|thu|fri|sat|sun):)?(\d\d):(\d\d)", part.lower())
    if not found:
        return None
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(found.group(1)) if found.group(1) else None
    return (day or 0) * 1440 + int(found.group(2)) * 60 + int(found.group(3)) if day is not None else \
        int(found.group(2)) * 60 + int(found.group(3))


def windows(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    backup = get(subject.props, "backupWindow")
    maintenance = get(subject.props, "maintenanceWindow")
    if isinstance(backup, str):
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", backup):
            yield f"backupWindow {backup!r} is not hh24:mi-hh24:mi (UTC)"
            return
        start, end = (_minutes(p) for p in backup.split("-"))
        if (end - start) % 1440 < 30:
            yield f"backupWindow {backup!r} is shorter than 30 minutes"
        if isinstance(maintenance, str) and len(maintenance.split("-")) == 2:
            m_start, m_end = (_minutes(p) for p in maintenance.split("-"))
            if m_start is not None and m_end is not None:
                day_start, day_end = m_start % 1440, m_end % 1440
                if day_end < day_start:
                    day_end += 1440
                if end < start:
                    end += 1440
                if any(start + shift < day_end and day_start < end + shift for shift in (-1440, 0, 1440)):
                    yield f"backupWindow {backup} overlaps maintenanceWindow {maintenance}"


def password_source(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if truthy(get(subject.props, "manageMasterUserPassword")) and get(subject.props, "password"):
        yield "password together with manageMasterUserPassword; RDS takes one or the other"
    if get(subject.props, "replicateSourceDb") and (get(subject.props, "username") or get(subject.props, "dbName")):
        yield "a read replica inherits username and dbName from its source; do not set them"


def parameter_family(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    groups = of_type(subjects, PARAMETER_GROUP)

    def check(instance: Subject) -> Iterator[str]:
        engine = str(get(instance.props, "engine", default="")).lower()
        version = str(get(instance.props, "engineVersion", default=""))
        if not engine or not version:
            return
        expected = f"{engine}{version.split('.')[0]}" if engine == "postgres" else \
            f"{engine}{'.'.join(version.split('.')[:2])}"
        for group in groups:
            if refers_to(instance, "parameterGroupName", group, "name", "id"):
                family = known(group.props, "family")
                if family and family != expected:
                    yield f"parameter group {group.name} has family {family}; {engine} {version} needs {expected}"

    yield from each(subjects, (INSTANCE,), check)


def replica_source_backups(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    instances = of_type(subjects, INSTANCE)

    def check(replica: Subject) -> Iterator[str]:
        if not get(replica.props, "replicateSourceDb") and not replica.property_dependencies.get("replicateSourceDb"):
            return
        for source in instances:
            if source is not replica and refers_to(replica, "replicateSourceDb", source, "identifier", "arn"):
                retention = to_int(known(source.props, "backupRetentionPeriod"))
                if retention is not None and retention < 1:
                    yield f"source {source.name} keeps no automated backups; read replicas need them"

    yield from each(subjects, (INSTANCE,), check)


def log_exports(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    engine = str(get(subject.props, "engine", default="")).lower()
    allowed = LOG_EXPORTS.get(engine)
    if allowed is None:
        return
    wrong = sorted({str(x) for x in (get(subject.props, "enabledCloudwatchLogsExports") or [])} - allowed)
    if wrong:
        yield f"enabledCloudwatchLogsExports {wrong} are not log types of {engine} ({sorted(allowed)})"


def option_group_matches(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    groups = of_type(subjects, OPTION_GROUP)

    def check(instance: Subject) -> Iterator[str]:
        engine = str(get(instance.props, "engine", default="")).lower()
        version = str(get(instance.props, "engineVersion", default=""))
        for group in groups:
            if not refers_to(instance, "optionGroupName", group, "name", "id"):
                continue
            group_engine = str(known(group.props, "engineName") or "").lower()
            group_version = str(known(group.props, "majorEngineVersion") or "")
            if engine and group_engine and group_engine != engine:
                yield f"option group {group.name} is for {group_engine}, the instance runs {engine}"
            if version and group_version and not (version == group_version or version.startswith(f"{group_version}.")):
                yield f"option group {group.name} is for version {group_version}, the instance runs {version}"

    yield from each(subjects, (INSTANCE,), check)


CONTROLS = (
    rule("APL-RDS-01", "Performance Insights only where the engine and class support it", (INSTANCE,),
         performance_insights,
         description="MySQL and MariaDB reject Performance Insights on micro/small burstable classes; retention is "
                     "7, a multiple of 31 up to 713, or 731 days.",
         remediation="Turn Performance Insights off on those classes, or use db.t4g.medium or larger.",
         sources=("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.Overview.Engines.html",
                  API)),
    rule("APL-RDS-02", "DB instance identifiers fit RDS's rules", (INSTANCE,), identifier,
         description="1-63 letters, digits or hyphens, starting with a letter, no two consecutive hyphens, no "
                     "trailing hyphen.", remediation="Rename the instance.", sources=(API,)),
    rule("APL-RDS-03", "Backup and maintenance windows are valid and do not overlap", (INSTANCE,), windows,
         description="backupWindow is hh24:mi-hh24:mi UTC, at least 30 minutes, and must not overlap the "
                     "maintenance window.", remediation="Move one window.", sources=(API,)),
    rule("APL-RDS-04", "One source for the master password; replicas inherit credentials", (INSTANCE,),
         password_source,
         description="password and manageMasterUserPassword are mutually exclusive; replicas take no username.",
         remediation="Keep manageMasterUserPassword (Secrets Manager) and drop password.", sources=(API,)),
    rule("APL-RDS-05", "Parameter group family matches the engine version", (INSTANCE,), parameter_family,
         stack=True, description="A parameter group of another family (postgres15 for PostgreSQL 16) is refused.",
         remediation="Create the parameter group with the instance's family (postgres16, mysql8.0).",
         sources=("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html",)),
    rule("APL-RDS-06", "Read replicas have a source with automated backups", (INSTANCE,), replica_source_backups,
         stack=True, description="Creating a read replica needs backupRetentionPeriod >= 1 on the source.",
         remediation="Keep automated backups on the primary.",
         sources=("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html",)),
    rule("APL-RDS-07", "CloudWatch log exports are log types of the engine", (INSTANCE,), log_exports,
         description="PostgreSQL publishes postgresql and upgrade logs, MySQL and MariaDB audit, error, general "
                     "and slowquery; another type is refused.", remediation="Export only the engine's log types.",
         sources=(API, "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural."
                       "UploadtoCloudWatch.html")),
    rule("APL-RDS-08", "Option groups match the instance's engine and major version", (INSTANCE,),
         option_group_matches, stack=True,
         description="An option group is created for one engine and major version; an instance of another is "
                     "refused.", remediation="Create the option group with the instance's engine and major version.",
         sources=("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithOptionGroups.html",)),
)
