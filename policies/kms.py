"""KMS keys: rotation, safe deletion, no public key policy, enabled (KMS-01..04)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import explicitly_false, get, policy_statements, publicly_allowed, to_int, truthy
from policies.core import Control, Enforcement, Severity, Subject

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"


def rotation(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    spec = get(subject.props, "customerMasterKeySpec") or get(subject.props, "keySpec") or "SYMMETRIC_DEFAULT"
    if spec == "SYMMETRIC_DEFAULT" and not truthy(get(subject.props, "enableKeyRotation")):
        yield "enableKeyRotation is not true on a symmetric key"


def deletion(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == KEY_POLICY:
        if truthy(get(subject.props, "bypassPolicyLockoutSafetyCheck")):
            yield "bypassPolicyLockoutSafetyCheck is true"
        return
    minimum = int(cfg.get("minDeletionWindowDays", 30))
    days = to_int(get(subject.props, "deletionWindowInDays")) or 30  # the KMS default is 30
    if days < minimum:
        yield f"deletionWindowInDays is {days}; use at least {minimum}"
    if truthy(get(subject.props, "bypassPolicyLockoutSafetyCheck")):
        yield "bypassPolicyLockoutSafetyCheck is true"


def not_public(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    try:
        statements = policy_statements(get(subject.props, "policy"))
    except ValueError as error:
        yield f"policy: {error}"
        return
    for statement in statements:
        if publicly_allowed(statement):
            yield ("key policy allows a public principal ('*' or arn:aws:iam::*:...) without a condition restricting "
                   "it (kms:CallerAccount, aws:PrincipalArn, aws:SourceVpce...)")


def key_enabled(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if explicitly_false(get(subject.props, "isEnabled")):
        yield ("isEnabled is false: nothing encrypted with the key can be read or written until it is enabled "
               "again (a disabled key also still costs its monthly fee)")


_TYPES = (KEY,)
_POLICY_TYPES = (KEY, KEY_POLICY)
CONTROLS = (
    Control(
        id="KMS-01", title="KMS keys rotate", severity=Severity.MEDIUM, resource_types=_TYPES, check=rotation,
        description="Symmetric customer managed keys rotate their backing key yearly.",
        remediation="Set enableKeyRotation=true.",
        sources=("FSBP KMS.4", "CIS 3.6", "CKV_AWS_7", "AwsSolutions-KMS5", "awsguard cmk-backing-key-rotation-enabled",
                 "compliance-policies kms-key-enable-key-rotation"),
    ),
    Control(
        id="KMS-02", title="KMS keys cannot be deleted in a hurry", severity=Severity.MEDIUM,
        resource_types=_POLICY_TYPES,
        check=deletion, config_defaults={"minDeletionWindowDays": 30},
        description="A long deletion window lets a mistaken deletion be cancelled; the lockout safety check stays on.",
        remediation="Set deletionWindowInDays=30 and never bypassPolicyLockoutSafetyCheck.",
        sources=("FSBP KMS.3", "compliance-policies kms-key-disallow-bypass-policy-lockout-safety-check"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="KMS-03", title="KMS key policies are not public", severity=Severity.CRITICAL, resource_types=_POLICY_TYPES,
        check=not_public, waivable=False,
        description="A key policy (Key.policy or a separate aws.kms.KeyPolicy) statement allowing a public principal "
                    "('*' or a wildcard-account ARN) without a restricting condition (fixed kms:CallerAccount, "
                    "aws:PrincipalArn, aws:PrincipalOrgID, aws:SourceVpce...) lets anyone use the key. Checkov "
                    "CKV_AWS_33 accepts any condition; a condition on an unrelated key is not accepted here. Checkov "
                    "CKV2_AWS_64 only asks that a policy is written: a key without one gets the default key policy "
                    "(its own account, not public) and passes here, and a written policy open to '*' fails here.",
        remediation="Name the account or roles as principals, or add conditions (e.g. kms:CallerAccount).",
        sources=("FSBP KMS.5", "CKV_AWS_33", "CKV2_AWS_64"),
    ),
    Control(
        id="KMS-04", title="KMS keys are enabled", severity=Severity.MEDIUM, resource_types=_TYPES,
        check=key_enabled,
        description="A key with isEnabled=false makes every volume, bucket object, database snapshot or secret "
                    "encrypted with it unreadable: an outage for whatever depends on it. To retire a key, schedule "
                    "its deletion (KMS-02's window) instead.",
        remediation="Leave isEnabled unset (true).",
        sources=("CKV_AWS_227",),
    ),
)
