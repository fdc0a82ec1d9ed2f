"""The audit as a whole: run every collector, evaluate the registry's controls over what was read (skipping the
controls whose resource types could not be read), and judge readiness when a phase is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from policies.core import Control, Finding, Subject, evaluate
from rollout.live.audit import (
    acm,
    backup,
    cloudfront,
    compute,
    efs,
    elasticache,
    iam,
    instances,
    kms,
    lb,
    monitoring,
    network,
    observability,
    rds,
    s3,
    secrets,
    sqs,
    wafv2,
)
from rollout.live.audit.readiness import Component, readiness
from rollout.live.audit.reading import Collection, Reader, Unavailable
from rollout.live.session import caller_account

COLLECTORS: tuple[Callable[[Reader, Collection], None], ...] = (
    rds.collect_rds, rds.collect_rds_snapshots, elasticache.collect_elasticache, sqs.collect_sqs,
    cloudfront.collect_cloudfront, lb.collect_load_balancers, wafv2.collect_wafv2, compute.collect_compute,
    instances.collect_instances, network.collect_network, acm.collect_certificates, s3.collect_s3, efs.collect_efs,
    iam.collect_iam, monitoring.collect_monitoring, backup.collect_backup, kms.collect_kms, secrets.collect_secrets,
    observability.collect_observability,
)


def collect(reader: Reader, progress: Callable[[str], None] | None = None, cloudflare: Any = None) -> Collection:
    """Run every collector; each records its own failures, so one failing service never stops the others. With
    `cloudflare` (a `cloudflare.CloudflareApi`), the Cloudflare zones it can read too."""
    out = Collection()
    for collector in COLLECTORS:
        if progress:
            progress(collector.__name__.removeprefix("collect_"))
        collector(reader, out)
    if cloudflare is not None:
        from rollout.live.audit.cloudflare import collect_cloudflare

        if progress:
            progress("cloudflare")
        collect_cloudflare(cloudflare, out)
    return out


@dataclass
class AuditResult:
    account: str
    region: str
    subjects: list[Subject]
    findings: list[Finding]
    unavailable: list[Unavailable]
    skipped_controls: dict[str, str]  # control id → why it was not evaluated
    controls: list[Control] = field(default_factory=list)  # the controls evaluated (not skipped, not disabled)
    readiness: list[Component] | None = None

    def to_json(self) -> dict[str, Any]:
        """The `rollout audit --format json` document: account, region and what was not evaluated, then the
        findings and their summary (the shape of `rollout check --format json`)."""
        from rollout.analysis.check import CheckResult

        return CheckResult(self.findings, self.controls, len(self.subjects)).to_json(self.extra_json())

    def extra_json(self) -> dict[str, Any]:
        extra: dict[str, Any] = {
            "account": self.account, "region": self.region,
            "notEvaluated": [u.to_json() for u in self.unavailable],
            "controlsNotEvaluated": [{"control": c, "reason": r} for c, r in sorted(self.skipped_controls.items())],
        }
        if self.readiness is not None:
            extra["readiness"] = [c.to_json() for c in self.readiness]
        return extra


def split_controls(
    controls: Iterable[Control], unavailable: Iterable[Unavailable]
) -> tuple[list[Control], dict[str, str]]:
    """Controls that can be evaluated, and those that read a resource type the audit could not collect."""
    missing: dict[str, Unavailable] = {}
    for gap in unavailable:
        for type_ in gap.types:
            missing.setdefault(type_, gap)
    runnable, skipped = [], {}
    for control in controls:
        gaps = [missing[t] for t in control.resource_types if t in missing]
        if gaps:
            skipped[control.id] = f"{gaps[0].service}: {gaps[0].reason}"
        else:
            runnable.append(control)
    return runnable, skipped


def evaluate_collection(collection: Collection, controls: Iterable[Control], pack_config: Mapping[str, Any] | None
                        ) -> tuple[list[Finding], list[Control], dict[str, str]]:
    """Findings, the controls evaluated, and the controls skipped because a service could not be read."""
    from policies.core import Enforcement

    runnable, skipped = split_controls(controls, collection.unavailable)
    evaluated = [c for c in runnable if c.config(pack_config)[0] is not Enforcement.DISABLED]
    return evaluate(runnable, collection.subjects, pack_config), evaluated, skipped


def run_audit(session: Any, controls: Iterable[Control], *, pack_config: Mapping[str, Any] | None = None,
              phase: int | None = None, clients: Mapping[str, Any] | None = None,
              progress: Callable[[str], None] | None = None, cloudflare: Any = None) -> AuditResult:
    """Read the account behind `session` (and, with `cloudflare`, the Cloudflare zones its token reads), evaluate
    `controls`, and (with `phase`) judge readiness."""
    account = caller_account(session)
    reader = Reader(session, account, session.region_name, dict(clients or {}))
    collection = collect(reader, progress, cloudflare)
    findings, evaluated, skipped = evaluate_collection(collection, controls, pack_config)
    ready = readiness(collection.subjects, collection.unavailable, phase) if phase else None
    return AuditResult(account, session.region_name, collection.subjects, findings, collection.unavailable, skipped,
                       evaluated, ready)
