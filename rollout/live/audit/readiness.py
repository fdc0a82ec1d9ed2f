"""What each phase adds, judged on the live account: which components of phases 1..N the account has."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from policies.core import Subject
from rollout.live.audit.backup import BACKUP_PLAN
from rollout.live.audit.cloudfront import DISTRIBUTION
from rollout.live.audit.compute import AUTOSCALING_GROUP
from rollout.live.audit.elasticache import REPLICATION_GROUP
from rollout.live.audit.lb import LOAD_BALANCER
from rollout.live.audit.monitoring import BUDGET, LOG_GROUP, METRIC_ALARM, TOPIC, TRAIL
from rollout.live.audit.observability import AMP_WORKSPACE, GRAFANA_WORKSPACE
from rollout.live.audit.rds import RDS_INSTANCE
from rollout.live.audit.reading import Unavailable
from rollout.live.audit.s3 import BUCKET, BUCKET_LOGGING, BUCKET_PUBLIC_ACCESS_BLOCK, S3_TYPES
from rollout.live.audit.sqs import QUEUE


@dataclass(frozen=True)
class Component:
    """One component a phase adds, and whether the account has it."""

    phase: int
    name: str
    status: str  # "present" | "missing" | "not evaluated"
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"phase": self.phase, "component": self.name, "status": self.status, "detail": self.detail}


def _of(subjects: Iterable[Subject], type_: str) -> list[Subject]:
    return [s for s in subjects if s.type == type_]


def _names(subjects: Iterable[Subject]) -> str:
    names = sorted(s.name for s in subjects)
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def log_bucket_names(subjects: Sequence[Subject]) -> set[str]:
    """Buckets that receive logs (S3 access logs, CloudFront, ALB or CloudTrail), or are named as log buckets."""
    targets = {s.props.get("targetBucket") for s in _of(subjects, BUCKET_LOGGING)}
    targets |= {s.props.get("s3BucketName") for s in _of(subjects, TRAIL)}
    targets |= {(s.props.get("accessLogs") or {}).get("bucket") for s in _of(subjects, LOAD_BALANCER)}
    targets |= {str((s.props.get("loggingConfig") or {}).get("bucket", "")).split(".s3")[0]
                for s in _of(subjects, DISTRIBUTION)}
    names = {s.name for s in _of(subjects, BUCKET)}
    return {n for n in names if n in targets or "log" in n.lower()}


def _private(bucket: str, subjects: Sequence[Subject]) -> bool:
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    return any(s.props.get("bucket") == bucket and all(s.props.get(f) is True for f in flags)
               for s in _of(subjects, BUCKET_PUBLIC_ACCESS_BLOCK))


def _present(found: Sequence[Subject], what: str) -> tuple[bool, str]:
    return (True, f"{len(found)} {what}: {_names(found)}") if found else (False, f"no {what}")


def _cdn(subjects: Sequence[Subject]) -> tuple[bool, str]:
    distributions = _of(subjects, DISTRIBUTION)
    if not distributions:
        return False, ("no CloudFront distribution; a Cloudflare CDN is not visible to an AWS audit "
                       "(check it with `rollout check`)")
    with_waf = [d for d in distributions if d.props.get("webAclId")]
    if not with_waf:
        return False, f"CloudFront distribution(s) {_names(distributions)} have no WAF web ACL"
    return True, f"{len(distributions)} CloudFront distribution(s), {len(with_waf)} with WAF"


def _replicated_database(subjects: Sequence[Subject]) -> tuple[bool, str]:
    instances = _of(subjects, RDS_INSTANCE)
    replicas = [i for i in instances if i.props.get("replicateSourceDb")]
    primaries = [i for i in instances if not i.props.get("replicateSourceDb")]
    served = [p for p in primaries if any(p.urn in r.property_dependencies.get("replicateSourceDb", ())
                                          for r in replicas)]
    if served:
        return True, f"{_names(served)} with {len(replicas)} read replica(s)"
    if primaries:
        return False, f"RDS instance(s) {_names(primaries)} have no read replica"
    return False, "no RDS instance"


def _assets_bucket(subjects: Sequence[Subject]) -> tuple[bool, str]:
    logs = log_bucket_names(subjects)
    private = [b for b in _of(subjects, BUCKET) if b.name not in logs and _private(b.name, subjects)]
    return _present(private, "private (public access blocked) non-log bucket(s)")


def _queues_with_dlq(subjects: Sequence[Subject]) -> tuple[bool, str]:
    queues = _of(subjects, QUEUE)
    arns = {q.urn for q in queues}
    dead_letter = {arn for q in queues for arn in q.property_dependencies.get("redrivePolicy", ())}
    work = [q for q in queues if q.urn not in dead_letter]
    with_dlq = [q for q in work if set(q.property_dependencies.get("redrivePolicy", ())) & arns]
    if not work:
        return False, "no SQS queue"
    if len(with_dlq) < len(work):
        missing = [q for q in work if q not in with_dlq]
        return bool(with_dlq), f"{len(with_dlq)} of {len(work)} queue(s) have a dead-letter queue; " \
                               f"without: {_names(missing)}"
    return True, f"{len(work)} queue(s), each with a dead-letter queue"


def _slo_alarms(subjects: Sequence[Subject]) -> tuple[bool, str]:
    alarms = [a for a in _of(subjects, METRIC_ALARM) if a.props.get("alarmActions")]
    return _present(alarms, "alarm(s) with notification actions")


def _log_bucket(subjects: Sequence[Subject]) -> tuple[bool, str]:
    names = sorted(log_bucket_names(subjects))
    return (True, f"log bucket(s): {', '.join(names)}") if names else (False, "no log bucket")


def _albs(subjects: Sequence[Subject]) -> tuple[bool, str]:
    return _present([lb for lb in _of(subjects, LOAD_BALANCER) if not lb.props.get("internal")],
                    "internet-facing ALB(s)")


# (phase, component, resource types it is judged from, judge)
READINESS: tuple[tuple[int, str, tuple[str, ...], Callable[[Sequence[Subject]], tuple[bool, str]]], ...] = (
    (1, "budget", (BUDGET,), lambda s: _present(_of(s, BUDGET), "budget(s)")),
    (1, "CloudTrail trail", (TRAIL,), lambda s: _present(_of(s, TRAIL), "trail(s)")),
    (1, "SNS alert topic", (TOPIC,), lambda s: _present(_of(s, TOPIC), "SNS topic(s)")),
    (1, "log bucket", S3_TYPES, _log_bucket),
    (2, "CDN with WAF", (DISTRIBUTION,), _cdn),
    (2, "Redis cache (ElastiCache)", (REPLICATION_GROUP,),
     lambda s: _present(_of(s, REPLICATION_GROUP), "replication group(s)")),
    (3, "RDS with read replica", (RDS_INSTANCE,), _replicated_database),
    (3, "private S3 assets bucket", S3_TYPES, _assets_bucket),
    (4, "SQS queues with dead-letter queues", (QUEUE,), _queues_with_dlq),
    (5, "Managed Prometheus workspace", (AMP_WORKSPACE,),
     lambda s: _present(_of(s, AMP_WORKSPACE), "AMP workspace(s)")),
    (5, "Managed Grafana workspace", (GRAFANA_WORKSPACE,),
     lambda s: _present(_of(s, GRAFANA_WORKSPACE), "Grafana workspace(s)")),
    (5, "CloudWatch log groups", (LOG_GROUP,), lambda s: _present(_of(s, LOG_GROUP), "log group(s)")),
    (5, "SLO alarms", (METRIC_ALARM,), _slo_alarms),
    (6, "Auto Scaling group", (AUTOSCALING_GROUP,),
     lambda s: _present(_of(s, AUTOSCALING_GROUP), "Auto Scaling group(s)")),
    (6, "Application Load Balancer", (LOAD_BALANCER,), _albs),
    (6, "AWS Backup plan", (BACKUP_PLAN,), lambda s: _present(_of(s, BACKUP_PLAN), "backup plan(s)")),
)


def readiness(subjects: Sequence[Subject], unavailable: Iterable[Unavailable], phase: int) -> list[Component]:
    """Which components of phases 1..phase the account has; a component read from an unavailable service is
    "not evaluated", never present or missing."""
    gaps = {t: u for u in unavailable for t in u.types}
    out = []
    for number, name, types, judge in READINESS:
        if number > phase:
            continue
        gap = next((gaps[t] for t in types if t in gaps), None)
        if gap:
            out.append(Component(number, name, "not evaluated", f"{gap.service}: {gap.reason}"))
            continue
        ok, detail = judge(subjects)
        out.append(Component(number, name, "present" if ok else "missing", detail))
    return out
