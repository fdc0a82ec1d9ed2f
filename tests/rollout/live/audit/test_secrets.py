"""The Secrets Manager collector: a secret, and its rotation as a separate subject joined by secretId."""

from __future__ import annotations

import json

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


def _zip(source: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", source)
    return buffer.getvalue()


def test_a_rotated_secret_on_a_customer_key_passes_and_a_plain_one_is_found(aws):
    def drift(account):
        client = account.client("secretsmanager")
        client.create_secret(Name="shop-db-password", SecretString="x", KmsKeyId=account.key_arn)
        role = account.client("iam").create_role(RoleName="rotate-db", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]
        function = account.client("lambda").create_function(
            FunctionName="rotate-db", Runtime="python3.12", Role=role["Arn"], Handler="index.handler",
            Code={"ZipFile": _zip("def handler(event, context):\n    return None\n")})["FunctionArn"]
        # moto 5.2.5 tries to run the function even with RotateImmediately=False (it needs docker, absent here:
        # logged, and the rotation is kept) and leaves the function's log group, which is not what this test reads
        client.rotate_secret(SecretId="shop-db-password", RotateImmediately=False, RotationLambdaARN=function,
                             RotationRules={"AutomaticallyAfterDays": 30})
        account.client("logs").delete_log_group(logGroupName="/aws/lambda/rotate-db")
        client.create_secret(Name="legacy-api-key", SecretString="x")

    added, _ = fx.drift_adds((), drift)
    assert added == {("SEC-01", "legacy-api-key"), ("SEC-02", "legacy-api-key")}
