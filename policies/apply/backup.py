"""AWS Backup: windows clear of the RDS windows, start/completion windows, lifecycle (APL-BAK-01..02)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items, known, of_type, to_int
from policies.apply._rule import rule
from policies.core import Subject

PLAN = "aws:backup/plan:Plan"
RDS_INSTANCE = "aws:rds/instance:Instance"
DOC = "https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html"
CLEARANCE = 60


def _cron_start(schedule: Any) -> int | None:
    found = re.fullmatch(r"cron\((\d{1,2}) (\d{1,2}) .*\)", str(schedule or ""))
    return int(found.group(2)) * 60 + int(found.group(1)) if found else None


def _window(window: Any) -> tuple[int, int] | None:
    found = re.fullmatch(r"(?:[a-z]{3}:)?(\d\d):(\d\d)-(?:[a-z]{3}:)?(\d\d):(\d\d)", str(window or "").lower())
    if not found:
        return None
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return start, end if end >= start else end + 1440


def clear_of_rds_windows(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    """A backup job of an RDS instance that may start within an hour of its automated backup or maintenance window
    fails or is postponed."""
    instances = [i for i in of_type(subjects, RDS_INSTANCE) if not known(i.props, "replicateSourceDb")]

    def check(plan: Subject) -> Iterator[str]:
        for rule_ in items(get(plan.props, "rules")):
            start = _cron_start(get(rule_, "schedule"))
            if start is None:
                continue
            job = (start, start + (to_int(get(rule_, "startWindow")) or 60))
            for instance in instances:
                for key in ("backupWindow", "maintenanceWindow"):
                    window = _window(known(instance.props, key))
                    if window and any(job[0] < window[1] + s + CLEARANCE and window[0] + s - CLEARANCE < job[1]
                                      for s in (-1440, 0, 1440)):
                        yield (f"rule {get(rule_, 'ruleName')} ({get(rule_, 'schedule')}) may start within an hour of "
                               f"{instance.name}'s {key} {known(instance.props, key)}")

    yield from each(subjects, (PLAN,), check)


def rule_windows(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    for rule_ in items(get(subject.props, "rules")):
        name = get(rule_, "ruleName")
        start, completion = to_int(get(rule_, "startWindow")), to_int(get(rule_, "completionWindow"))
        if start is not None and start < 60:
            yield f"rule {name}: startWindow {start} min; at least 60"
        if start is not None and completion is not None and completion < start + 60:
            yield f"rule {name}: completionWindow {completion} min must be at least startWindow + 60"
        cold, delete = (to_int(get(rule_, "lifecycle", k)) for k in ("coldStorageAfter", "deleteAfter"))
        if cold is not None and delete is not None and delete < cold + 90:
            yield f"rule {name}: deleteAfter {delete} must be at least coldStorageAfter {cold} + 90 days"


CONTROLS = (
    rule("APL-BAK-01", "Backup rules start an hour clear of the RDS windows", (PLAN,), clear_of_rds_windows,
         stack=True,
         description="AWS Backup jobs for RDS that start near the instance's automated backup or maintenance window "
                     "fail or are postponed.", remediation="Move the rule's schedule (or the RDS windows).",
         sources=(DOC, "https://docs.aws.amazon.com/aws-backup/latest/devguide/troubleshooting.html")),
    rule("APL-BAK-02", "Backup rule windows and lifecycles are valid", (PLAN,), rule_windows,
         description="startWindow at least 60 minutes, completionWindow at least startWindow + 60, deletion at "
                     "least 90 days after the move to cold storage.", remediation="Widen the windows.",
         sources=("https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html",)),
)
