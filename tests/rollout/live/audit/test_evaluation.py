"""The audit as a whole against moto accounts: compliant, read-only, and services that cannot be read."""

from __future__ import annotations

import json
from importlib import resources

import boto3
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from policies.registry import CONTROLS
from rollout.live.audit import evaluation
from rollout.live.audit.reading import Collection, Unavailable
from rollout.live.audit.sqs import QUEUE
from rollout.live.session import client_config, open_session
from tests.rollout import audit_fixtures as fx

# What moto 5.2.5 does not store, so that even the compliant account shows these findings: RDS
# PerformanceInsightsEnabled and an AMP workspace's kmsKeyArn are accepted on create but never returned.
MOTO_GAPS = {("OBS-01", "shop"), ("RDS-08", "shop-db"), ("RDS-08", "shop-db-replica")}
# Advisory controls our own stacks do not satisfy by design (each control's description says why): CloudFront origin
# failover and geo restriction, CloudTrail delivery notifications, S3 event notifications, object lock and
# cross-region replication, the known-bad-inputs group that counts before it is enforced (WAF-03: components/waf.py
# starts in count mode).
BY_DESIGN = {"CFD-10", "CFD-11", "CT-05", "S3-08", "S3-09", "S3-10", "WAF-03"}
# Services moto cannot serve: reported as not evaluated, with the controls that read them.
MOTO_UNAVAILABLE = {"grafana", "cloudfront response headers policies", "backup selections"}

# botocore operation → IAM action where the names differ.
IAM_ACTION = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("budgets", "DescribeBudgets"): "budgets:ViewBudget",
}
IAM_PREFIX = {"monitoring": "cloudwatch", "aps": "aps", "elasticloadbalancing": "elasticloadbalancing"}


def record_calls(session) -> list[tuple[str, str]]:
    """Every API operation made through clients of `session` (botocore `before-call` hook)."""
    calls: list[tuple[str, str]] = []

    def hook(model, **_):
        calls.append((model.service_model.signing_name, model.name))

    session.events.register("before-call", hook)
    return calls


def test_compliant_account_has_no_violations_and_only_reads(aws):
    fx.compliant_account()
    session = open_session()
    calls = record_calls(session)

    result = fx.run(session, phase=6)

    found = fx.violations(result)
    assert {v for v in found if v[0] not in BY_DESIGN} == MOTO_GAPS
    assert {control for control, _ in found} >= BY_DESIGN
    assert {f.enforcement.value for f in result.findings if f.control in BY_DESIGN} == {"advisory"}
    assert {u.service for u in result.unavailable} == MOTO_UNAVAILABLE
    assert set(result.skipped_controls) == {"OBS-02", "CFD-07", "BAK-03"}
    assert not any(f.control in result.skipped_controls for f in result.findings)
    assert {c.status for c in result.readiness if c.name != "Managed Grafana workspace"} == {"present"}
    grafana = next(c for c in result.readiness if c.name == "Managed Grafana workspace")
    assert grafana.status == "not evaluated" and "not supported" in grafana.detail

    policy = json.loads(resources.files("rollout").joinpath("data/audit-policy.json").read_text())
    allowed = {a for s in policy["Statement"] for a in s["Action"]}
    assert len(calls) > 40
    for service, operation in calls:
        assert operation.startswith(("Describe", "Get", "List")), operation
        action = IAM_ACTION.get((service, operation), f"{IAM_PREFIX.get(service, service)}:{operation}")
        assert action in allowed, f"{action} is called but not in audit-policy.json"


def test_audit_policy_lists_read_actions_only_without_wildcards():
    policy = json.loads(resources.files("rollout").joinpath("data/audit-policy.json").read_text())
    actions = [a for s in policy["Statement"] for a in s["Action"]]
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])
    assert actions and all("*" not in a for a in actions)
    assert all(a.split(":")[1].startswith(("Describe", "Get", "List", "View")) for a in actions)
    assert len(actions) == len(set(actions))


def test_every_service_has_one_collector_and_progress_names_it():
    names = [c.__name__.removeprefix("collect_") for c in evaluation.COLLECTORS]
    assert len(names) == len(set(names)) == 19
    assert {c.__module__.rsplit(".", 1)[-1] for c in evaluation.COLLECTORS} == {
        "rds", "elasticache", "sqs", "cloudfront", "lb", "wafv2", "compute", "instances", "network", "acm", "s3",
        "efs", "iam", "monitoring", "backup", "kms", "secrets", "observability"}


def test_controls_over_an_unreadable_type_are_skipped_with_the_reason():
    gap = Unavailable("sqs", "access denied", (QUEUE,))
    runnable, skipped = evaluation.split_controls(CONTROLS, [gap])
    assert set(skipped) == {c.id for c in CONTROLS if QUEUE in c.resource_types}
    assert all(reason == "sqs: access denied" for reason in skipped.values())
    assert len(runnable) + len(skipped) == len(CONTROLS)
    findings, evaluated, again = evaluation.evaluate_collection(Collection(unavailable=[gap]), CONTROLS,
                                                                {"all": "disabled"})
    assert (findings, evaluated, again) == ([], [], skipped)


def test_access_denied_on_one_service_is_reported_and_the_others_are_audited(aws):
    fx.account_with(fx.build_database, fx.build_queues)
    session = open_session()
    sqs = session.client("sqs", region_name=fx.REGION)
    stub = Stubber(sqs)
    stub.add_client_error("list_queues", service_error_code="AccessDenied", service_message="no sqs:ListQueues",
                          http_status_code=403)
    with stub:
        result = fx.run(session, clients={"sqs": sqs})

    sqs_gap = next(u for u in result.unavailable if u.service == "sqs")
    assert sqs_gap.reason.startswith("access denied (AccessDenied): no sqs:ListQueues")
    assert {"SQS-01", "SQS-02", "SQS-03"} <= set(result.skipped_controls)
    assert not any(f.control.startswith("SQS") for f in result.findings)
    assert not any(s.type == QUEUE for s in result.subjects)
    assert {"shop-db", "shop-db-replica"} <= {s.name for s in result.subjects}


def test_throttling_past_the_retries_is_reported_as_not_evaluated(aws):
    session = open_session()
    rds = session.client("rds", region_name=fx.REGION)
    stub = Stubber(rds)
    stub.add_client_error("describe_db_instances", service_error_code="Throttling", service_message="Rate exceeded",
                          http_status_code=400)
    with stub:
        result = fx.run(session, clients={"rds": rds}, phase=3)
    gap = next(u for u in result.unavailable if u.service == "rds")
    assert gap.reason.startswith("throttled (Throttling)")
    assert "RDS-01" in result.skipped_controls
    database = next(c for c in result.readiness if c.name == "RDS with read replica")
    assert database.status == "not evaluated"


def test_throttling_is_retried_with_backoff_then_succeeds(aws, monkeypatch):
    """botocore's retry handler runs around the HTTP send, below where a Stubber answers, so throttling is injected
    at `before-send` (ahead of moto) to exercise the real standard-mode retries."""
    fx.account_with(fx.build_queues)
    sleeps: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", sleeps.append)
    session = open_session()
    sqs = session.client("sqs", config=client_config(), region_name=fx.REGION)
    throttled = {"left": 2}

    def throttle(request, **_):
        if throttled["left"] and "ListQueues" in request.headers.get("X-Amz-Target", b"").decode():
            throttled["left"] -= 1
            body = b'{"__type": "com.amazonaws.sqs#ThrottlingException", "message": "slow down"}'
            return AWSResponse(request.url, 400, {"x-amzn-query-error": "Throttling;Sender"}, _Raw(body))
        return None

    sqs.meta.events.register_first("before-send.sqs", throttle)
    result = fx.run(session, clients={"sqs": sqs})

    assert throttled["left"] == 0 and len(sleeps) == 2
    assert not any(u.service == "sqs" for u in result.unavailable)
    assert {"orders", "orders-dlq"} <= {s.name for s in result.subjects}


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_):
        yield self.body


def test_boto3_default_session_is_not_used(aws):
    # The audit reads through the session it is given, so --profile/--region apply to every call.
    session = open_session(region="eu-west-1")
    boto3.client("sqs", region_name=fx.REGION).create_queue(QueueName="elsewhere")
    assert not any(s.type == QUEUE for s in fx.run(session).subjects)
