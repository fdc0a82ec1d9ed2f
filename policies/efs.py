"""EFS file systems: encrypted at rest (EFS-01)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, truthy
from policies.core import Control, Severity, Subject

FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"


def encrypted(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(get(subject.props, "encrypted")):
        yield "encrypted is not true (encryption at rest can only be chosen when the file system is created)"
    elif cfg.get("requireKmsKey") and not get(subject.props, "kmsKeyId"):
        yield "kmsKeyId is not set (policy config requireKmsKey)"


CONTROLS = (
    Control(
        id="EFS-01", title="EFS file systems are encrypted", severity=Severity.HIGH, resource_types=(FILE_SYSTEM,),
        check=encrypted, config_defaults={"requireKmsKey": False},
        description="Shared uploads and media on EFS are encrypted at rest (config requireKmsKey demands a CMK, as "
                    "Checkov CKV_AWS_184 does by default). Turning it on later replaces the file system.",
        remediation="Set encrypted=True (and kms_key_id) when creating the file system.",
        sources=("FSBP EFS.1", "CKV_AWS_42", "CKV_AWS_184"),
    ),
)
