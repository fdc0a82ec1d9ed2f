"""The audit's collector for Secrets Manager secrets and their rotation (SEC-01..02)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.reading import Collection, Reader, subject

SECRET = "aws:secretsmanager/secret:Secret"
SECRET_ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"


def secret_subjects(secret: Mapping[str, Any]) -> list[Subject]:
    arn = secret["ARN"]
    subjects = [subject(SECRET, secret["Name"], arn, {"name": secret["Name"], "kmsKeyId": secret.get("KmsKeyId")})]
    if secret.get("RotationEnabled"):
        rules = secret.get("RotationRules") or {}
        subjects.append(subject(SECRET_ROTATION, f"{secret['Name']}-rotation", f"{arn}#rotation", {
            "secretId": arn, "rotationLambdaArn": secret.get("RotationLambdaARN"),
            "rotationRules": {"automaticallyAfterDays": rules.get("AutomaticallyAfterDays"),
                              "scheduleExpression": rules.get("ScheduleExpression")}}, {"secretId": [arn]}))
    return subjects


def collect_secrets(reader: Reader, out: Collection) -> None:
    with out.attempt("secretsmanager", (SECRET, SECRET_ROTATION)) as found:
        for secret in reader.items("secretsmanager", "list_secrets", "SecretList[]"):
            found.extend(secret_subjects(secret))
