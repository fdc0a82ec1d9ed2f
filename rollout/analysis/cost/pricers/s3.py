"""S3 buckets (Standard storage and requests) and lifecycle configurations (the storage classes objects move to,
and the transition requests that move them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _s3_bucket(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced(
        [
            ctx.line(
                "Storage (Standard)",
                "s3:storage:standard",
                "GB-month",
                ctx.usage(resource, "storageGb"),
                usage_based=True,
            ),
            ctx.line(
                "PUT, COPY, POST, LIST requests",
                "s3:requests:put",
                "1k requests",
                ctx.usage(resource, "monthlyPutRequests") / 1e3,
                usage_based=True,
            ),
            ctx.line(
                "GET and other requests",
                "s3:requests:get",
                "1k requests",
                ctx.usage(resource, "monthlyGetRequests") / 1e3,
                usage_based=True,
            ),
        ]
    )


_CLASSES: dict[str, tuple[str, str, str]] = {
    "STANDARD_IA": ("Standard-IA", "standard-ia", "standardIa"),
    "ONEZONE_IA": ("One Zone-IA", "one-zone-ia", "oneZoneIa"),
    "INTELLIGENT_TIERING": ("Intelligent-Tiering", "intelligent-tiering", "intelligentTiering"),
    "GLACIER_IR": ("Glacier Instant Retrieval", "glacier-ir", "glacierIr"),
    "GLACIER": ("Glacier Flexible Retrieval", "glacier", "glacier"),
    "DEEP_ARCHIVE": ("Glacier Deep Archive", "deep-archive", "deepArchive"),
}
"""Lifecycle transition storage classes (the S3 API's TransitionStorageClass values) -> label, catalog key part and
usage key prefix (<prefix>StorageGb, <prefix>MonthlyTransitions)."""

_INTELLIGENT_TIERS = (
    ("frequent", "frequent access"),
    ("infrequent", "infrequent access"),
    ("archive", "archive access"),
    ("deep-archive", "deep archive access"),
)
"""Intelligent-Tiering access tiers (usage intelligentTiering<Tier>Gb), as Infracost's s3 intelligent tiering class."""


def _transition_classes(inputs: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The storage classes the enabled rules move objects to (current or noncurrent versions), in class order, and
    the classes named that no price exists for."""
    wanted, other = set(), []
    for rule in inputs.get("rules") or []:
        if not isinstance(rule, Mapping) or rule.get("status") == "Disabled":
            continue
        for transition in [*(rule.get("transitions") or []), *(rule.get("noncurrentVersionTransitions") or [])]:
            storage_class = transition.get("storageClass") if isinstance(transition, Mapping) else None
            if storage_class in _CLASSES:
                wanted.add(storage_class)
            elif storage_class is not None and storage_class not in other:
                other.append(str(storage_class))
    return [c for c in _CLASSES if c in wanted], other


def _lifecycle(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    classes, other = _transition_classes(inputs)
    components = []
    for storage_class in classes:
        label, part, prefix = _CLASSES[storage_class]
        if storage_class == "INTELLIGENT_TIERING":
            for tier, tier_label in _INTELLIGENT_TIERS:
                usage_key = f"intelligentTiering{tier.title().replace('-', '')}Gb"
                components.append(
                    ctx.line(
                        f"Storage ({label}, {tier_label})",
                        f"s3:storage:intelligent-tiering:{tier}",
                        "GB-month",
                        ctx.usage(resource, usage_key),
                        usage_based=True,
                    )
                )
            components.append(
                ctx.line(
                    f"Monitoring and automation ({label})",
                    "s3:intelligent-tiering:monitoring",
                    "1k objects",
                    ctx.usage(resource, "intelligentTieringObjects") / 1e3,
                    usage_based=True,
                )
            )
        else:
            components.append(
                ctx.line(
                    f"Storage ({label})",
                    f"s3:storage:{part}",
                    "GB-month",
                    ctx.usage(resource, f"{prefix}StorageGb"),
                    usage_based=True,
                )
            )
        components.append(
            ctx.line(
                f"Lifecycle transitions to {label}",
                f"s3:transition:{part}",
                "1k requests",
                ctx.usage(resource, f"{prefix}MonthlyTransitions") / 1e3,
                usage_based=True,
            )
        )
    components += [
        ctx.unknown(f"Storage ({name})", "GB-month", f"no catalog price for storage class {name}") for name in other
    ]
    note = (
        "objects still in Standard are priced on the bucket (storageGb)"
        if components
        else "no transition to another storage class: expirations and Standard storage cost nothing here"
    )
    return Priced(components, note=note)


PRICERS = {
    "aws:s3/bucket:Bucket": _s3_bucket,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _lifecycle,
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": _lifecycle,
}
