"""The one registry of controls: every module's CONTROLS, sorted by id, checked against the catalog ids
(docs/controls.md is generated from them by `scripts/docs`). Importing it never constructs a PolicyPack."""

from __future__ import annotations

from collections import Counter

from policies import (
    acm,
    autoscaling,
    backup,
    cloudflare,
    cloudfront,
    cloudtrail,
    cloudwatch,
    ec2,
    efs,
    elasticache,
    iam,
    kms,
    lb,
    network,
    observability,
    rds,
    route53,
    s3,
    secretsmanager,
    sns,
    sqs,
    vpc,
    wafv2,
)
from policies.core import Control

MODULES = (cloudfront, s3, elasticache, rds, sqs, ec2, autoscaling, lb, iam, observability, cloudwatch, backup,
           secretsmanager, kms, cloudflare, vpc, sns, cloudtrail, wafv2, acm, efs, route53, network)

# The catalog's ids, in its order (docs/controls.md follows it): the registry must hold exactly these.
# A new control adds its id here, then `scripts/docs` regenerates the catalog.
CATALOG_IDS = (
    "CFD-01", "CFD-02", "CFD-03", "CFD-04", "CFD-05", "CFD-06", "CFD-07", "CFD-08",
    "S3-01", "S3-02", "S3-03", "S3-04", "S3-05", "S3-06",
    "EC-01", "EC-02", "EC-03", "EC-04", "EC-05",
    "RDS-01", "RDS-02", "RDS-03", "RDS-04", "RDS-05", "RDS-06", "RDS-07", "RDS-08", "RDS-09", "RDS-10",
    "SQS-01", "SQS-02", "SQS-03",
    "LT-01", "LT-02", "LT-03", "LT-04",
    "ASG-01", "ASG-02",
    "ALB-01", "ALB-02", "ALB-03", "ALB-04", "ALB-05", "ALB-06",
    "IAM-01", "IAM-02", "IAM-03", "IAM-04", "IAM-05", "IAM-06",
    "OBS-01", "OBS-02",
    "CW-01", "CW-02",
    "BAK-01", "BAK-02", "BAK-03",
    "SEC-01", "SEC-02",
    "KMS-01", "KMS-02", "KMS-03",
    "CFZ-01", "CFZ-02", "CFZ-03", "CFZ-04", "CFZ-05", "CFZ-06", "CFZ-07",
)
EXTRA_IDS = ("NET-01", "NET-02")
"""Beyond the catalog: reachability over the whole program (policies/network.py)."""


# Controls beyond the catalog: what a security reviewer expects and Checkov checks (issue 17;
# docs/checkov-agreement.md, and every control in docs/controls.md).
REVIEW_IDS = (
    "SG-01", "SG-02", "SG-03", "SG-04", "VPC-01", "VPC-02", "EFS-01",
    "EC2-01", "RDS-11", "TG-01",
    "IAM-07", "IAM-08", "IAM-09",
    "SNS-01", "SNS-02", "SNS-03", "CT-01", "CT-02", "CT-03", "CT-04", "WAF-01", "WAF-02", "ACM-01", "ACM-02",
    # issue 17, network/compute/edge part: Checkov checks on the SME types not covered before
    "SG-05", "VPC-03", "EC2-02", "EC2-03", "EC2-04", "EC2-05", "ASG-03", "ALB-07", "TG-02", "WAF-03", "WAF-04",
    "WAF-05", "CFD-09", "CFD-10", "CFD-11", "ACM-03", "ACM-04", "KMS-04", "CT-05", "R53-01",
    # issue 17, data-store and IAM part
    "RDS-12", "RDS-13", "RDS-14", "RDS-15", "RDS-16", "EC-06", "EC-07", "S3-07", "S3-08", "S3-09", "S3-10",
    # a database past its RDS end of standard support (billed Extended Support; the calendar the pricer reads)
    "RDS-17",
    # route tables managed inline and by route resources at once (found on our own peering routes)
    "VPC-04",
)


def build_registry(modules=MODULES, expected_ids=CATALOG_IDS + REVIEW_IDS + EXTRA_IDS) -> tuple[Control, ...]:
    """All controls sorted by id; raises ValueError on a duplicate, missing or unexpected id."""
    controls = [control for module in modules for control in module.CONTROLS]
    duplicates = sorted(i for i, n in Counter(c.id for c in controls).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate control ids: {', '.join(duplicates)}")
    ids = {c.id for c in controls}
    missing, unexpected = sorted(set(expected_ids) - ids), sorted(ids - set(expected_ids))
    if missing or unexpected:
        raise ValueError(f"control ids differ from the catalog: missing {missing}, unexpected {unexpected}")
    return tuple(sorted(controls, key=lambda c: c.id))


CONTROLS: tuple[Control, ...] = build_registry()
"""The 69 security and durability controls of the catalog."""

from policies.apply.registry import RULES as APPLY_RULES  # noqa: E402

ALL_CONTROLS: tuple[Control, ...] = CONTROLS + APPLY_RULES
"""The catalog's controls, then the apply rules (APL-*, severity error): what the pack and `rollout check` run."""
BY_ID: dict[str, Control] = {c.id: c for c in ALL_CONTROLS}
