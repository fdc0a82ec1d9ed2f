"""A customer-managed KMS key with the settings every data store of ours shares (rotation on, 30-day deletion window).

A function rather than a component: the key is one resource, and it belongs to the component that encrypts with
it (its parent). The key policy keeps the account's own IAM in control and lets named AWS services use the key
only from this account (no `Principal: "*"`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

DELETION_WINDOW_DAYS = 30
"""KMS-02: a deleted key can be recovered for 30 days (the maximum)."""

LOGS_SERVICE = "logs.{region}.amazonaws.com"
"""CloudWatch Logs' regional principal (only allowed for log groups of this account and region)."""

_SERVICE_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]


def key_policy(account_id: str, region: str, service_principals: Sequence[str] = ()) -> str:
    """The key policy as JSON: the account administers the key; each service principal may use it from this account."""
    statements: list[dict] = [{
        "Sid": "AccountAdministers",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }]
    for number, principal in enumerate(service_principals, start=1):
        service = principal.format(region=region)
        condition = ({"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:*"}}
                     if service.startswith("logs.") else {"StringEquals": {"aws:SourceAccount": account_id}})
        statements.append({
            "Sid": f"ServiceUse{number}",
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": _SERVICE_ACTIONS,
            "Resource": "*",
            "Condition": condition,
        })
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def customer_managed_key(name: str, description: str, parent: pulumi.Resource,
                         service_principals: Sequence[str] = (), provider: pulumi.ProviderResource | None = None
                         ) -> aws.kms.Key:
    """A symmetric CMK named after its component, with rotation and the policy above (`{region}` is filled in).

    `provider`: create the key in that provider's region (a copy vault in a second region needs its own key there,
    a global service's alarms one in us-east-1).
    """
    identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent, provider=provider))
    region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=parent, provider=provider))
    policy = pulumi.Output.all(identity.account_id, region.region).apply(
        lambda values: key_policy(values[0], values[1], service_principals))
    return aws.kms.Key(
        f"{name}-key",
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=DELETION_WINDOW_DAYS,
        policy=policy,
        opts=pulumi.ResourceOptions(parent=parent, provider=provider),
    )
