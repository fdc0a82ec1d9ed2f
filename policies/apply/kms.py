"""KMS: the deletion window AWS accepts (APL-KMS-01)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, to_int
from policies.apply._rule import rule
from policies.core import Subject

KEY = "aws:kms/key:Key"


def deletion_window(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    days = to_int(get(subject.props, "deletionWindowInDays"))
    if days is not None and not 7 <= days <= 30:
        yield f"deletionWindowInDays {days} is outside 7-30"


CONTROLS = (
    rule("APL-KMS-01", "KMS deletion windows are 7-30 days", (KEY,), deletion_window,
         description="ScheduleKeyDeletion accepts 7 to 30 days.", remediation="Use 7-30 (30 recommended).",
         sources=("https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html",)),
)
