"""The SQS collector: queues with their redrive links as property dependencies."""

from __future__ import annotations

from rollout.live.audit import sqs
from tests.rollout import audit_fixtures as fx


def test_an_unprotected_queue_is_found_and_its_dead_letter_queue_is_orphaned(aws):
    def drift(account):
        account.client("sqs").set_queue_attributes(QueueUrl=account.queue_urls["orders"], Attributes={
            "RedrivePolicy": "", "SqsManagedSseEnabled": "false"})

    added, _ = fx.drift_adds((fx.build_queues,), drift)
    assert added == {("SQS-01", "orders"), ("SQS-02", "orders"), ("SQS-02", "orders-dlq")}


def test_a_queue_points_at_its_dead_letter_queue_by_arn():
    dlq = "arn:aws:sqs:r:1:orders-dlq"
    subject = sqs.normalize_queue({"QueueArn": "arn:aws:sqs:r:1:orders", "SqsManagedSseEnabled": "true",
                                   "RedrivePolicy": f'{{"deadLetterTargetArn": "{dlq}", "maxReceiveCount": 5}}'})
    assert subject.type == sqs.QUEUE and subject.name == "orders"
    assert subject.property_dependencies["redrivePolicy"] == [dlq]


def test_a_queue_policy_granting_everything_is_found(aws):
    import json

    def drift(account):
        sqs_client = account.client("sqs")
        url = sqs_client.create_queue(QueueName="legacy-jobs", Attributes={"SqsManagedSseEnabled": "true"})["QueueUrl"]
        arn = f"arn:aws:sqs:{fx.REGION}:{fx.ACCOUNT}:legacy-jobs"
        sqs_client.set_queue_attributes(QueueUrl=url, Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:{fx.REGION}:{fx.ACCOUNT}:orders-dlq",
                                         "maxReceiveCount": 5}),
            "Policy": json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{fx.ACCOUNT}:role/shop-web"},
                "Action": "sqs:*", "Resource": arn}]})})

    added, _ = fx.drift_adds((fx.build_queues,), drift)
    assert added == {("SQS-03", "legacy-jobs")}
