"""The apply rules of every module, sorted by id (ids unique; every rule of severity error with a source)."""

from __future__ import annotations

from collections import Counter

from policies.apply import (
    autoscaling,
    backup,
    budgets,
    cloudflare,
    cloudfront,
    cloudwatch,
    costexplorer,
    ec2,
    elasticache,
    firehose,
    grafana,
    kms,
    lb,
    logs,
    names,
    rds,
    s3,
    sqs,
    wafv2,
)
from policies.core import Control, Severity

MODULES = (autoscaling, backup, budgets, cloudflare, cloudfront, cloudwatch, costexplorer, ec2, elasticache, firehose, grafana, kms, lb,
           logs, names, rds, s3, sqs, wafv2)


def build_rules(modules=MODULES) -> tuple[Control, ...]:
    rules = [rule for module in modules for rule in module.CONTROLS]
    duplicates = sorted(i for i, n in Counter(r.id for r in rules).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate apply rule ids: {', '.join(duplicates)}")
    wrong = sorted(r.id for r in rules if r.severity is not Severity.ERROR or not r.id.startswith("APL-"))
    if wrong:
        raise ValueError(f"apply rules must have an APL- id and severity error: {', '.join(wrong)}")
    return tuple(sorted(rules, key=lambda r: r.id))


RULES: tuple[Control, ...] = build_rules()
BY_ID: dict[str, Control] = {r.id: r for r in RULES}
