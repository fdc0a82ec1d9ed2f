"""Which pricer prices a resource type, and which types cost nothing by themselves.

PRICERS is the union of the per-service modules under `pricers/` (a type priced twice is a programming error,
caught at import). UNPRICEABLE says why a type can never be priced. FREE_TYPES lists the types with no charge of
their own (configuration, or billed through another priced resource); a type in neither is "unpriced": its cost
is unknown, and the report says so with counts.
"""

from __future__ import annotations

import importlib
import json
from importlib import resources

from rollout.analysis.cost.context import Pricer

PRICER_MODULES: tuple[str, ...] = (
    "amp",
    "apigateway",
    "appsync",
    "backup",
    "cloudflare",
    "cloudfront",
    "cloudwatch",
    "cognito",
    "dms",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "efs",
    "eks",
    "elasticache",
    "elb",
    "glue",
    "grafana",
    "kinesis",
    "kms",
    "lambda_",
    "rds",
    "redshift",
    "route53",
    "s3",
    "secretsmanager",
    "servicediscovery",
    "sfn",
    "sns",
    "sqs",
    "vpc",
    "wafv2",
)


def _collect() -> dict[str, Pricer]:
    pricers: dict[str, Pricer] = {}
    for name in PRICER_MODULES:
        module = importlib.import_module(f"rollout.analysis.cost.pricers.{name}")
        for type_token, pricer in module.PRICERS.items():
            if type_token in pricers:
                raise RuntimeError(f"{type_token} is priced twice (pricers.{name} and another module)")
            pricers[type_token] = pricer
    return pricers


PRICERS: dict[str, Pricer] = _collect()


def _free_types() -> frozenset[str]:
    document = json.loads(resources.files("rollout").joinpath("data/free_types.json").read_text())
    return frozenset(t for group in document["types"].values() for t in group)


FREE_TYPES: frozenset[str] = _free_types()


UNPRICEABLE: dict[str, str] = {
    "pulumi-python:dynamic:Resource": "a dynamic provider's resource: its own Python code decides at deploy time "
                                      "what it creates or calls, so its cost is unknown by nature",
    "pulumi-nodejs:dynamic:Resource": "a dynamic provider's resource: its own JavaScript code decides at deploy time "
                                      "what it creates or calls, so its cost is unknown by nature",
}
"""Types no pricing rule can price (their cost is not in the program): still unpriced, but the report says why,
so they do not look forgotten."""


def classify(type_token: str) -> str:
    """'priced', 'free' or 'unpriced'."""
    if type_token in PRICERS:
        return "priced"
    return "free" if type_token in FREE_TYPES else "unpriced"
