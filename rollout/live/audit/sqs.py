"""The audit's collector for SQS queues and their redrive links (SQS-01..03)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from policies.core import Subject
from rollout.live.audit.reading import Collection, Reader, subject

QUEUE = "aws:sqs/queue:Queue"


def normalize_queue(attributes: Mapping[str, str]) -> Subject:
    arn = attributes["QueueArn"]
    redrive = attributes.get("RedrivePolicy")
    deps = {}
    if redrive:
        target = json.loads(redrive).get("deadLetterTargetArn")
        if target:
            deps["redrivePolicy"] = [target]

    def number(key: str) -> int | None:
        return int(attributes[key]) if key in attributes else None

    props = {
        "name": arn.rsplit(":", 1)[-1],
        "fifoQueue": attributes.get("FifoQueue") == "true",
        "sqsManagedSseEnabled": attributes.get("SqsManagedSseEnabled") == "true",
        "kmsMasterKeyId": attributes.get("KmsMasterKeyId"),
        "redrivePolicy": redrive,
        "redriveAllowPolicy": attributes.get("RedriveAllowPolicy"),
        "policy": attributes.get("Policy"),
        "messageRetentionSeconds": number("MessageRetentionPeriod"),
        "visibilityTimeoutSeconds": number("VisibilityTimeout"),
    }
    return subject(QUEUE, props["name"], arn, props, deps)


def collect_sqs(reader: Reader, out: Collection) -> None:
    with out.attempt("sqs", (QUEUE,)) as found:
        sqs = reader.client("sqs")
        for url in reader.items("sqs", "list_queues", "QueueUrls[]"):
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            found.append(normalize_queue(attributes))
