"""The Secrets Manager collector: a secret, and its rotation as a separate subject joined by secretId."""

from __future__ import annotations

from rollout.live.audit import secrets
from tests.rollout import audit_fixtures as fx


def test_a_rotating_secret_has_a_rotation_subject_joined_to_it():
    arn = "arn:aws:secretsmanager:r:1:secret:db-AbC"
    subjects = secrets.secret_subjects({"ARN": arn, "Name": "db", "KmsKeyId": "arn:k", "RotationEnabled": True,
                                        "RotationRules": {"AutomaticallyAfterDays": 30}})
    secret, rotation = subjects
    assert (secret.type, rotation.type) == (secrets.SECRET, secrets.SECRET_ROTATION)
    assert rotation.property_dependencies["secretId"] == [arn]
    assert rotation.props["rotationRules"]["automaticallyAfterDays"] == 30
    assert [s.type for s in secrets.secret_subjects({"ARN": arn, "Name": "db"})] == [secrets.SECRET]


def test_a_hand_made_secret_without_rotation_is_found(aws):
    def drift(account):
        account.client("secretsmanager").create_secret(Name="legacy-api-key", SecretString="x")

    added, _ = fx.drift_adds((), drift)
    assert ("SEC-01", "legacy-api-key") in added and all(name == "legacy-api-key" for _, name in added)
