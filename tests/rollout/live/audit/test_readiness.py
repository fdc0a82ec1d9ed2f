"""Readiness: which components of phases 1..N the live account has; unreadable means not evaluated."""

from __future__ import annotations

from policies.core import Subject
from rollout.live.audit import readiness
from rollout.live.audit.reading import Unavailable
from rollout.live.audit.sqs import QUEUE
from tests.rollout import audit_fixtures as fx


def test_empty_region_reports_every_component_missing_and_only_the_default_vpc_violated(aws):
    from rollout.live.audit.network import deployed

    result = fx.run(phase=2)
    # AWS's default VPC (as moto creates it) has public-IP subnets, an open default group and no flow logs: what
    # Security Hub reports as EC2.15, EC2.2 and EC2.6 too
    default_vpc = {s.name for s in result.subjects if s.props.get("isDefault") is True}
    assert {c for c, _ in fx.violations(result)} == {"SG-02", "SG-04", "VPC-01", "VPC-02"} and len(default_vpc) == 1
    assert all(f.urn.startswith("arn:aws:ec2:") for f in result.findings if f.status == "violation")
    assert deployed(result.subjects) == []  # nothing but AWS's defaults: the CLI says nothing is deployed
    assert [(c.phase, c.name, c.status) for c in result.readiness] == [
        (1, "budget", "missing"), (1, "CloudTrail trail", "missing"), (1, "SNS alert topic", "missing"),
        (1, "log bucket", "missing"), (2, "CDN with WAF", "missing"), (2, "Redis cache (ElastiCache)", "missing")]
    cdn = next(c for c in result.readiness if c.name == "CDN with WAF")
    assert "Cloudflare CDN is not visible" in cdn.detail


def _queue(name: str, dlq: str | None = None) -> Subject:
    deps = {"redrivePolicy": [f"arn:aws:sqs:r:1:{dlq}"]} if dlq else {}
    return Subject.of(QUEUE, name, f"arn:aws:sqs:r:1:{name}", {"name": name}, property_dependencies=deps)


def test_queues_need_each_a_dead_letter_queue_and_an_unreadable_service_is_not_evaluated():
    def status(subjects, unavailable=()):
        component = next(c for c in readiness.readiness(subjects, unavailable, 4) if c.phase == 4)
        return component.status, component.detail

    assert status([_queue("orders", "orders-dlq"), _queue("orders-dlq")]) == (
        "present", "1 queue(s), each with a dead-letter queue")
    assert status([_queue("orders", "orders-dlq"), _queue("orders-dlq"), _queue("mail")])[0] == "present"
    assert "without: mail" in status([_queue("orders", "orders-dlq"), _queue("orders-dlq"), _queue("mail")])[1]
    assert status([_queue("mail")]) == ("missing", "0 of 1 queue(s) have a dead-letter queue; without: mail")
    assert status([], [Unavailable("sqs", "denied", (QUEUE,))]) == ("not evaluated", "sqs: denied")
    assert [c.phase for c in readiness.readiness([], (), 1)] == [1, 1, 1, 1]
