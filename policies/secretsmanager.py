"""Secrets Manager: rotation within 90 days, customer managed keys, a recovery window (SEC-01..02)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, of_type, refers_to, to_int
from policies.core import Control, Enforcement, Severity, Subject

SECRET = "aws:secretsmanager/secret:Secret"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"


def rotation(subjects: Sequence[Subject], cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    maximum = int(cfg.get("maxDays", 90))
    rotations = of_type(subjects, ROTATION)
    secrets = of_type(subjects, SECRET)

    def check(secret: Subject) -> Iterator[str]:
        linked = [r for r in rotations if refers_to(r, "secretId", secret, "name")]
        if not linked:
            yield "has no SecretRotation"
        yield from schedule_problems(linked)

    def check_orphan(rotation_subject: Subject) -> Iterator[str]:
        # a rotation of a secret outside the stack (an existing secret) is judged on itself
        if not any(refers_to(rotation_subject, "secretId", secret, "name") for secret in secrets):
            yield from schedule_problems([rotation_subject])

    def schedule_problems(linked: list[Subject]) -> Iterator[str]:
        for item in linked:
            days = to_int(get(item.props, "rotationRules", "automaticallyAfterDays"))
            expression = get(item.props, "rotationRules", "scheduleExpression") if days is None else None
            if expression is not None:
                interval = schedule_interval_days(str(expression))
                if interval is None:
                    yield f"SecretRotation {item.name}: scheduleExpression {expression!r} is not a rate() or cron()"
                elif interval > maximum:
                    yield (f"SecretRotation {item.name} scheduleExpression {expression!r} can wait {interval:g} days "
                           f"between rotations; rotate at least every {maximum}")
                continue
            if days is None or days > maximum:
                yield f"SecretRotation {item.name} rotates every {days} days; rotate at least every {maximum}"

    yield from each(subjects, [SECRET], check)
    yield from each(subjects, [ROTATION], check_orphan)


_RATE = re.compile(r"^rate\(\s*(\d+)\s+(hours?|days?)\s*\)$", re.I)
_CRON = re.compile(r"^cron\(([^)]*)\)$", re.I)
_MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
                                        "DEC"), start=1)}


def schedule_interval_days(expression: str) -> float | None:
    """The longest wait, in days, between two rotations of a Secrets Manager schedule expression: `rate(N hours|days)`
    or `cron(minutes hours day-of-month month day-of-week year)` (RotationRulesType.ScheduleExpression in the
    Secrets Manager API reference). A cron's bound comes from its month field (a month that fires can wait up to 31
    days for the next day that fires); None when the expression cannot be read."""
    text = expression.strip()
    rate = _RATE.match(text)
    if rate:
        amount = int(rate[1])
        return amount / 24 if rate[2].lower().startswith("hour") else float(amount)
    cron = _CRON.match(text)
    if not cron:
        return None
    fields = cron[1].split()
    if len(fields) != 6:
        return None
    months = _cron_months(fields[3])
    if not months:
        return None
    gaps = [((months[(i + 1) % len(months)] - m - 1) % 12) + 1 for i, m in enumerate(months)]
    return 31.0 * max(gaps)


def _cron_months(field: str) -> list[int]:
    chosen: set[int] = set()
    for part in field.upper().split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() else 1
        if base in ("*", "?"):
            start, end = 1, 12
        elif "-" in base:
            low, high = base.split("-", 1)
            start, end = _month(low), _month(high)
        else:
            start = _month(base)
            end = 12 if step_text else start
        if start is None or end is None or step < 1:
            return []
        chosen.update(range(start, end + 1, step))
    return sorted(chosen)


def _month(text: str) -> int | None:
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    return _MONTHS.get(text)


# AWS's own key for Secrets Manager: any principal of the account allowed to use Secrets Manager can decrypt with it.
_AWS_MANAGED_KEY = re.compile(r"(^|:)alias/aws/secretsmanager$")


def kms_and_recovery(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    key = get(subject.props, "kmsKeyId")
    if not key:
        yield "kmsKeyId is not set (uses the AWS managed key)"
    elif _AWS_MANAGED_KEY.search(str(key)):
        yield f"kmsKeyId {key} is the AWS managed key; use a customer managed key"
    if to_int(get(subject.props, "recoveryWindowInDays")) == 0:
        yield "recoveryWindowInDays is 0 (deleted immediately, no recovery)"


CONTROLS = (
    Control(
        id="SEC-01", title="Secrets rotate at least every 90 days", severity=Severity.MEDIUM,
        resource_types=(SECRET, ROTATION), check=rotation, stack=True, config_defaults={"maxDays": 90},
        description="Each secret has a SecretRotation (joined through secretId; a rotation of a secret outside the "
                    "stack is judged on itself) rotating within maxDays, given as "
                    "automaticallyAfterDays or a scheduleExpression (rate(N days|hours), or a cron() whose month "
                    "field bounds the wait: every quarter can wait more than 90 days).",
        remediation="Add aws.secretsmanager.SecretRotation with rotationRules.automaticallyAfterDays <= 90 or "
                    "scheduleExpression rate(30 days).",
        sources=("FSBP SecretsManager.1", "FSBP SecretsManager.4", "CKV2_AWS_57", "CKV_AWS_304", "AwsSolutions-SMG4"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="SEC-02", title="Secrets use a customer managed key and can be recovered", severity=Severity.MEDIUM,
        resource_types=(SECRET,), check=kms_and_recovery,
        description="A CMK controls who can decrypt (alias/aws/secretsmanager, the AWS managed key, does not count); "
                    "a recovery window prevents instant loss on delete.",
        remediation="Set kmsKeyId and leave recoveryWindowInDays at 7-30.",
        sources=("CKV_AWS_149", "compliance-policies secretsmanager-secret-configure-customer-managed-key"),
        enforcement=Enforcement.ADVISORY,
    ),
)
