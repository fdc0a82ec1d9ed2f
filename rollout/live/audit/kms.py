"""The audit's collector for KMS customer managed keys (KMS-01..03)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.reading import Collection, Reader, subject

KMS_KEY = "aws:kms/key:Key"


def normalize_key(metadata: Mapping[str, Any], rotation: bool | None, policy: str | None) -> Subject:
    props = {
        "description": metadata.get("Description") or None, "keyUsage": metadata.get("KeyUsage"),
        "customerMasterKeySpec": metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec"),
        "enableKeyRotation": rotation, "isEnabled": metadata.get("Enabled"),
        "multiRegion": metadata.get("MultiRegion"), "policy": policy,
    }
    return subject(KMS_KEY, metadata["KeyId"], metadata["Arn"], props)


def collect_kms(reader: Reader, out: Collection) -> None:
    with out.attempt("kms", (KMS_KEY,)) as found:
        kms = reader.client("kms")
        for entry in reader.items("kms", "list_keys", "Keys[]"):
            metadata = kms.describe_key(KeyId=entry["KeyId"])["KeyMetadata"]
            if metadata.get("KeyManager") != "CUSTOMER" or metadata.get("KeyState") == "PendingDeletion":
                continue
            symmetric = metadata.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            rotation = kms.get_key_rotation_status(KeyId=entry["KeyId"])["KeyRotationEnabled"] if symmetric else None
            policy = kms.get_key_policy(KeyId=entry["KeyId"], PolicyName="default")["Policy"]
            found.append(normalize_key(metadata, rotation, policy))
