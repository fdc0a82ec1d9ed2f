"""SQS: FIFO naming, attribute bounds, dead-letter queue type (APL-SQS-01..02)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, known, of_type, to_int, truthy
from policies.apply._rule import rule
from policies.core import Subject

QUEUE = "aws:sqs/queue:Queue"
API = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html"


def attributes(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    name = get(subject.props, "name")
    fifo = truthy(get(subject.props, "fifoQueue"))
    if isinstance(name, str):
        if fifo != name.endswith(".fifo"):
            yield f"name {name!r}: FIFO queue names end with .fifo, standard ones do not"
        if len(name) > 80:
            yield f"name has {len(name)} characters; at most 80"
    bounds = {"visibilityTimeoutSeconds": (0, 43_200), "messageRetentionSeconds": (60, 1_209_600),
              "delaySeconds": (0, 900), "receiveWaitTimeSeconds": (0, 20), "maxMessageSize": (1024, 262_144)}
    for key, (low, high) in bounds.items():
        value = to_int(get(subject.props, key))
        if value is not None and not low <= value <= high:
            yield f"{key} {value} is outside {low}-{high}"
    if truthy(get(subject.props, "contentBasedDeduplication")) and not fifo:
        yield "contentBasedDeduplication on a standard queue; only FIFO queues deduplicate"
    scope, limit = get(subject.props, "deduplicationScope"), get(subject.props, "fifoThroughputLimit")
    if (scope or limit) and not fifo:
        yield "deduplicationScope/fifoThroughputLimit on a standard queue; they are FIFO attributes"
    if scope == "messageGroup" and limit is not None and limit != "perMessageGroupId":
        yield "deduplicationScope messageGroup needs fifoThroughputLimit perMessageGroupId (high throughput FIFO)"


def dead_letter_type(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    queues = of_type(subjects, QUEUE)

    def check(queue: Subject) -> Iterator[str]:
        policy = get(queue.props, "redrivePolicy")
        if not policy:
            return
        deps = set(queue.property_dependencies.get("redrivePolicy", ()))
        target = None
        if isinstance(policy, str):
            try:
                arn = json.loads(policy).get("deadLetterTargetArn")
            except (json.JSONDecodeError, AttributeError):
                arn = None
            target = next((q for q in queues if known(q.props, "arn") == arn), None)
        target = target or next((q for q in queues if q.urn in deps), None)
        if target is not None and truthy(known(target.props, "fifoQueue")) != truthy(get(queue.props, "fifoQueue")):
            yield f"dead-letter queue {target.name} is not of the same type (FIFO/standard) as the source"

    yield from each(subjects, (QUEUE,), check)


CONTROLS = (
    rule("APL-SQS-01", "Queue names and attributes are ones SQS accepts", (QUEUE,), attributes,
         description="FIFO names end with .fifo (80 characters at most); visibility 0-43200 s, retention "
                     "60-1209600 s, delay 0-900 s, wait 0-20 s; deduplication settings on FIFO only, and "
                     "messageGroup scope with the perMessageGroupId throughput limit.",
         remediation="Use values within the bounds.", sources=(API,)),
    rule("APL-SQS-02", "Dead-letter queues have the source queue's type", (QUEUE,), dead_letter_type, stack=True,
         description="The dead-letter queue of a FIFO queue must be FIFO, of a standard queue standard.",
         remediation="Create the DLQ with the same fifoQueue setting.",
         sources=("https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
                  "sqs-dead-letter-queues.html",)),
)
