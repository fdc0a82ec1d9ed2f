"""ElastiCache (Valkey/Redis) what CreateReplicationGroup, CreateUser and CreateUserGroup reject (APL-EC-01..05)."""

from __future__ import annotations

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
)
