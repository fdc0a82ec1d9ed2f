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
