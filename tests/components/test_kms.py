"""The shared customer-managed key: rotation, deletion window, and a key policy without open principals."""

from __future__ import annotations

import json

import pulumi

from components.kms import DELETION_WINDOW_DAYS, customer_managed_key, key_policy


def test_key_policy_scopes_each_service_to_this_account() -> None:
    policy = json.loads(
        key_policy("111122223333", "ap-southeast-1", ["sns.amazonaws.com", "logs.{region}.amazonaws.com"])
    )
    admin, sns, logs = policy["Statement"]
    assert admin["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert sns["Principal"] == {"Service": "sns.amazonaws.com"}
    assert sns["Condition"] == {"StringEquals": {"aws:SourceAccount": "111122223333"}}
    assert logs["Principal"] == {"Service": "logs.ap-southeast-1.amazonaws.com"}
    assert logs["Condition"] == {
        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:ap-southeast-1:111122223333:*"}
    }
    assert all(s["Principal"] != "*" for s in policy["Statement"])


def test_key_has_rotation_deletion_window_and_parent(synth) -> None:
    def program() -> None:
        owner = pulumi.ComponentResource("test:owner:Owner", "owner")
        customer_managed_key("data", "data at rest", owner, ["sqs.amazonaws.com"])

    inventory = synth(program)
    [key] = inventory.of_type("aws:kms/key:Key")
    assert key.name == "data-key" and key.parent.endswith("test:owner:Owner::owner")
    assert key.inputs["enableKeyRotation"] is True and key.inputs["deletionWindowInDays"] == DELETION_WINDOW_DAYS == 30
    statements = json.loads(key.inputs["policy"])["Statement"]
    assert statements[1]["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
