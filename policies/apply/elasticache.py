"""ElastiCache (Valkey/Redis) what CreateReplicationGroup, CreateUser and CreateUserGroup reject (APL-EC-01..05)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items, known, of_type, to_int, truthy
from policies.apply._rule import name_problems, rule
from policies.core import Subject

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
USER = "aws:elasticache/user:User"
USER_GROUP = "aws:elasticache/userGroup:UserGroup"
RBAC = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html"


def valkey_group_members_authenticate(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    """A VALKEY user group may contain only users that authenticate with a password or IAM."""
    users = {known(u.props, "userId"): u for u in of_type(subjects, USER)}

    def check(group: Subject) -> Iterator[str]:
        if str(get(group.props, "engine", default="")).lower() != "valkey":
            return
        for user_id in items(get(group.props, "userIds")):
            user = users.get(user_id)
            if user is None:
                continue
            mode = get(user.props, "authenticationMode", "type")
            if mode == "no-password-required" or truthy(get(user.props, "noPasswordRequired")):
                yield f"user {user_id} has no password or IAM authentication; a Valkey user group rejects it"

    yield from each(subjects, (USER_GROUP,), check)


def iam_user_id_is_name(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if get(subject.props, "authenticationMode", "type") == "iam":
        user_id, user_name = get(subject.props, "userId"), get(subject.props, "userName")
        if user_id != user_name:
            yield f"IAM authentication needs userId = userName (got {user_id!r} and {user_name!r})"
    if get(subject.props, "userId") == "default":
        yield "userId 'default' is reserved for the built-in user; give the new default user another id"


def _major_minor(version: Any) -> tuple[int, int] | None:
    parts = str(version or "").split(".")
    try:
        return int(parts[0]), int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    except ValueError:
        return None


def rbac_prerequisites(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    groups = items(get(subject.props, "userGroupIds"))
    if groups and get(subject.props, "authToken"):
        yield "authToken and userGroupIds together: a replication group uses AUTH or RBAC, not both"
    if not groups:
        return
    if not truthy(get(subject.props, "transitEncryptionEnabled")):
        yield "userGroupIds (RBAC) needs transitEncryptionEnabled=true"
    engine = str(get(subject.props, "engine", default="redis")).lower()
    version = _major_minor(get(subject.props, "engineVersion"))
    minimum = (7, 2) if engine == "valkey" else (6, 0)
    if version is not None and version < minimum:
        yield f"RBAC needs {engine} {minimum[0]}.{minimum[1]}+ (engineVersion {get(subject.props, 'engineVersion')})"


def failover_needs_replicas(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    failover = truthy(get(subject.props, "automaticFailoverEnabled"))
    if truthy(get(subject.props, "multiAzEnabled")) and not failover:
        yield "multiAzEnabled needs automaticFailoverEnabled=true"
    clusters = to_int(get(subject.props, "numCacheClusters"))
    if failover and clusters is not None and clusters < 2:
        yield f"automaticFailoverEnabled with numCacheClusters={clusters}; failover needs at least 2 nodes"


def replication_group_id(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    yield from name_problems(subject, limit=40, pattern=r"[A-Za-z](?!.*--)[A-Za-z0-9-]*(?<!-)", what="ElastiCache",
                             prop="replicationGroupId", prefix_prop=None)


def _window(value: Any) -> tuple[int, int] | None:
    """Minutes in the week of `hh24:mi-hh24:mi` (daily: day 0) or `ddd:hh24:mi-ddd:hh24:mi`."""
    days = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
    found = re.fullmatch(r"(?:([a-z]{3}):)?(\d\d):(\d\d)-(?:([a-z]{3}):)?(\d\d):(\d\d)", str(value or "").lower())
    if not found or (found.group(1) and found.group(1) not in days) or (found.group(4) and found.group(4) not in days):
        return None
    d1, h1, m1, d2, h2, m2 = found.groups()
    start = (days.index(d1) if d1 else 0) * 1440 + int(h1) * 60 + int(m1)
    end = (days.index(d2) if d2 else 0) * 1440 + int(h2) * 60 + int(m2)
    return start, end if end > start else end + (7 * 1440 if d1 else 1440)


def windows(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    snapshot, maintenance = get(subject.props, "snapshotWindow"), get(subject.props, "maintenanceWindow")
    parsed_snapshot = _window(snapshot) if snapshot else None
    parsed_maintenance = _window(maintenance) if maintenance else None
    if snapshot and parsed_snapshot is None:
        yield f"snapshotWindow {snapshot!r} is not hh24:mi-hh24:mi (UTC)"
    if maintenance and parsed_maintenance is None:
        yield f"maintenanceWindow {maintenance!r} is not ddd:hh24:mi-ddd:hh24:mi (UTC)"
    for name, parsed in (("snapshotWindow", parsed_snapshot), ("maintenanceWindow", parsed_maintenance)):
        if parsed and parsed[1] - parsed[0] < 60:
            yield f"{name} is {parsed[1] - parsed[0]} minutes; ElastiCache needs at least 60"
    if parsed_snapshot and parsed_maintenance:
        begin, end = parsed_snapshot
        m_begin, m_end = parsed_maintenance
        week = 7 * 1440
        # the daily snapshot window against every day of the weekly maintenance window
        if any(begin + day * 1440 + shift < m_end and m_begin < end + day * 1440 + shift
               for day in range(7) for shift in (-week, 0, week)):
            yield f"snapshotWindow {snapshot} overlaps maintenanceWindow {maintenance}"


CONTROLS = (
    rule("APL-EC-01", "Valkey user groups contain only authenticated users", (USER_GROUP,),
         valkey_group_members_authenticate, stack=True,
         description="A user group for the VALKEY engine accepts only users with a password or IAM authentication.",
         remediation="Give every member (the disabled `default` user too) a password or IAM authentication.",
         sources=(RBAC,)),
    rule("APL-EC-02", "IAM-authenticated cache users have userId = userName", (USER,), iam_user_id_is_name,
         description="ElastiCache IAM authentication requires the user id and name to be equal; `default` is "
                     "reserved as a user id.",
         remediation="Set userId equal to userName for IAM users; name a new default user `default` with another id.",
         sources=("https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html", RBAC)),
    rule("APL-EC-03", "RBAC replication groups have TLS and a version that supports RBAC", (REPLICATION_GROUP,),
         rbac_prerequisites,
         description="User groups need in-transit encryption and Redis OSS 6.0+ or Valkey 7.2+; AUTH tokens and "
                     "user groups are mutually exclusive.",
         remediation="Enable transitEncryptionEnabled, use a supported engineVersion, drop authToken.",
         sources=(RBAC, "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/"
                        "API_CreateReplicationGroup.html")),
    rule("APL-EC-04", "Automatic failover has a replica to fail over to", (REPLICATION_GROUP,),
         failover_needs_replicas,
         description="automaticFailoverEnabled needs 2+ nodes; multiAzEnabled needs automatic failover.",
         remediation="Set numCacheClusters>=2 or turn automatic failover and multi-AZ off.",
         sources=("https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/"
                  "API_CreateReplicationGroup.html",)),
    rule("APL-EC-05", "Replication group ids fit ElastiCache's rules", (REPLICATION_GROUP,), replication_group_id,
         description="1-40 characters, letters, digits and hyphens, starting with a letter, no two consecutive "
                     "hyphens and no trailing hyphen.",
         remediation="Shorten or rename replicationGroupId (or the resource name it is auto-named from).",
         sources=("https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/"
                  "API_CreateReplicationGroup.html",)),
    rule("APL-EC-06", "Snapshot and maintenance windows are valid and apart", (REPLICATION_GROUP,), windows,
         description="Both windows are at least 60 minutes (UTC) and the daily snapshot window must not overlap the "
                     "weekly maintenance window.", remediation="Move one window.",
         sources=("https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/"
                  "API_CreateReplicationGroup.html",)),
)
