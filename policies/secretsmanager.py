"""Secrets Manager: rotation within 90 days, customer managed keys, a recovery window (SEC-01..02)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, of_type, refers_to, to_int
from policies.core import Control, Enforcement, Severity, Subject

SECRET = "aws:secretsmanager/secret:Secret"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"


def rotation(subjects: Sequence[Subject], cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    maximum = int(cfg.get("maxDays", 90))
    rotations = of_type(subjects, ROTATION)

    def check(secret: Subject) -> Iterator[str]:
        linked = [r for r in rotations if refers_to(r, "secretId", secret, "name")]
        if not linked:
            yield "has no SecretRotation"
        for item in linked:
            days = to_int(get(item.props, "rotationRules", "automaticallyAfterDays"))
            if days is None and get(item.props, "rotationRules", "scheduleExpression"):
                continue
            if days is None or days > maximum:
                yield f"SecretRotation {item.name} rotates every {days} days; rotate at least every {maximum}"

    yield from each(subjects, [SECRET], check)


def kms_and_recovery(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not get(subject.props, "kmsKeyId"):
        yield "kmsKeyId is not set (uses the AWS managed key)"
    if to_int(get(subject.props, "recoveryWindowInDays")) == 0:
        yield "recoveryWindowInDays is 0 (deleted immediately, no recovery)"


CONTROLS = (
    Control(
        id="SEC-01", title="Secrets rotate at least every 90 days", severity=Severity.MEDIUM,
        resource_types=(SECRET, ROTATION), check=rotation, stack=True, config_defaults={"maxDays": 90},
        description="Each secret has a SecretRotation (joined through secretId) rotating within maxDays.",
        remediation="Add aws.secretsmanager.SecretRotation with rotationRules.automaticallyAfterDays <= 90.",
        sources=("FSBP SecretsManager.1", "FSBP SecretsManager.4", "CKV2_AWS_57", "CKV_AWS_304", "AwsSolutions-SMG4"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="SEC-02", title="Secrets use a customer managed key and can be recovered", severity=Severity.MEDIUM,
        resource_types=(SECRET,), check=kms_and_recovery,
        description="A CMK controls who can decrypt; a recovery window prevents instant loss on delete.",
        remediation="Set kmsKeyId and leave recoveryWindowInDays at 7-30.",
        sources=("CKV_AWS_149", "compliance-policies secretsmanager-secret-configure-customer-managed-key"),
        enforcement=Enforcement.ADVISORY,
    ),
)
