"""Kinesis Data Firehose: stream names and S3 buffering bounds (APL-FH-01)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, to_int, truthy
from policies.apply._rule import rule
from policies.core import Subject

STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"


def stream(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    name = get(subject.props, "name")
    if isinstance(name, str) and not re.fullmatch(r"[a-zA-Z0-9_.-]{1,64}", name):
        yield f"name {name!r}: 1-64 characters of a-z, A-Z, 0-9, '_', '.', '-'"
    s3 = get(subject.props, "extendedS3Configuration") or {}
    size, interval = to_int(get(s3, "bufferingSize")), to_int(get(s3, "bufferingInterval"))
    if size is not None and not 1 <= size <= 128:
        yield f"bufferingSize {size} MB is outside 1-128"
    if interval is not None and not 0 <= interval <= 900:
        yield f"bufferingInterval {interval} s is outside 0-900"
    if truthy(get(s3, "dynamicPartitioningConfiguration", "enabled")) and size is not None and size < 64:
        yield f"dynamic partitioning needs bufferingSize >= 64 MB (got {size})"


CONTROLS = (
    rule("APL-FH-01", "Firehose stream names and buffering are within bounds", (STREAM,), stream,
         description="Names 1-64 of [a-zA-Z0-9_.-]; S3 buffering 1-128 MB (64+ with dynamic partitioning), "
                     "0-900 s.", remediation="Use values within the bounds.",
         sources=("https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html",
                  "https://docs.aws.amazon.com/firehose/latest/APIReference/API_BufferingHints.html")),
)
