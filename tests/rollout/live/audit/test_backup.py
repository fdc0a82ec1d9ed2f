"""The Backup collector: plans, selections and vaults."""

from __future__ import annotations

import pytest

from policies.core import UnknownValueError
from rollout.live.audit import backup


def test_an_undescribable_vault_key_is_unknown_never_a_pass():
    vault = backup.normalize_vault({"BackupVaultName": "v", "BackupVaultArn": "arn:v", "EncryptionKeyArn": "arn:k"},
                                   None)
    with pytest.raises(UnknownValueError):
        vault.props["kmsKeyArn"]
    known = backup.normalize_vault({"BackupVaultName": "v", "BackupVaultArn": "arn:v", "EncryptionKeyArn": "arn:k"},
                                   True)
    assert known.props["kmsKeyArn"] == "arn:k"
