"""The tool's own settings: the `rollout:*` keys of any Pulumi stack file (ours or another program's).

The program never reads these; only the tool does. Every model forbids unknown keys so that a typo is an error
with its key path, not a silently ignored setting.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel

NAMESPACE = "rollout"


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)


class UsageSettings(_Settings):
    """Usage assumptions for cost (like Infracost's usage file): a profile plus explicit overrides.

    Override keys are checked against rollout/data/usage_profiles.json, so a typo is an error, not a silent zero.
    """

    profile: Literal["small", "medium", "large"] = Field(
        "small", description="Usage profile for usage-based prices (requests, GB out, logs...). Defaults to small.")
    by_type: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Overrides per resource type token, e.g. {'aws:sqs/queue:Queue': {'monthlyRequests': 5e6}}. "
                    "Defaults to none.")
    by_resource: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Overrides per resource (URN or logical name); beats by_type. Defaults to none.")
    vnd_per_usd: float | None = Field(
        None, gt=0, description="USD→VND exchange rate for --currency VND. Defaults to the catalog's dated rate.")
    cloudfront_plan: Literal["none", "free", "pro", "business"] = Field(
        "none", description="Price CloudFront distributions on a flat-rate plan instead of per GB and request. "
                            "Defaults to none (pay as you go).")
    cloudflare_plan: Literal["free", "pro", "business"] = Field(
        "free", description="Cloudflare plan of zones that declare no ZoneSubscription. Defaults to free.")

    @field_validator("by_type", "by_resource")
    @classmethod
    def _non_negative(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for target, quantities in value.items():
            for key, quantity in quantities.items():
                if quantity < 0:
                    raise ValueError(f"{target}.{key}: must not be negative")
        return value

    @field_validator("by_type")
    @classmethod
    def _known_type_keys(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        known = usage_keys()
        for type_token, quantities in value.items():
            if type_token not in known:
                raise ValueError(f"{type_token}: no usage-based prices for this type "
                                 f"(types: {', '.join(sorted(known))})")
            for key in quantities:
                if key not in known[type_token]:
                    raise ValueError(f"{type_token}.{key}: unknown usage key "
                                     f"(known: {', '.join(sorted(known[type_token]))})")
        return value

    @field_validator("by_resource")
    @classmethod
    def _known_resource_keys(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        every_key = {key for keys in usage_keys().values() for key in keys}
        for target, quantities in value.items():
            for key in quantities:
                if key not in every_key:
                    raise ValueError(f"{target}.{key}: unknown usage key (known: {', '.join(sorted(every_key))})")
        return value


@functools.cache
def usage_keys() -> dict[str, frozenset[str]]:
    """The usage keys each resource type accepts, from the packaged usage profiles."""
    import json
    from importlib import resources

    data = json.loads(resources.files("rollout").joinpath("data/usage_profiles.json").read_text())
    return {type_token: frozenset(keys) for type_token, keys in data["keys"].items()}


class Waiver(_Settings):
    """Accepts one control's finding on one resource, for a reason, optionally until a date."""

    control: str = Field(description="The control id, e.g. RDS-03.")
    resource: str = Field(description="The resource's URN or logical name.")
    reason: str = Field(min_length=3, description="Why the finding is accepted.")
    expires: dt.date | None = Field(None, description="Last day the waiver applies. Defaults to no expiry.")

    def active(self, today: dt.date) -> bool:
        return self.expires is None or today <= self.expires


class PolicySettings(_Settings):
    """Policy configuration in the shape of `--policy-pack-config`: `all` plus one entry per control id."""

    config: dict[str, Any] = Field(
        default_factory=dict,
        description="e.g. {'all': 'mandatory', 'RDS-04': {'enforcementLevel': 'advisory', 'minDays': 14}}. "
                    "Defaults to each control's own level and thresholds.")


class ReportSettings(_Settings):
    """How reports look by default."""

    currency: Literal["USD", "VND"] = Field("USD", description="Currency of cost figures. Defaults to USD.")
    top_findings: int = Field(10, ge=1, le=1000, description="Findings listed in Markdown reports. Defaults to 10.")


class RolloutSettings(_Settings):
    """Everything under `rollout:` in a stack file."""

    usage: UsageSettings = Field(default_factory=UsageSettings, description="Cost usage assumptions.")
    policy: PolicySettings = Field(default_factory=PolicySettings, description="Policy pack configuration.")
    waivers: list[Waiver] = Field(default_factory=list, description="Accepted findings. Defaults to none.")
    report: ReportSettings = Field(default_factory=ReportSettings, description="Report defaults.")
    stack_references: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Outputs of the stacks a program reads through pulumi.StackReference, by stack name "
                    "(e.g. {'acme/network/prod': {'vpcId': 'vpc-0abc'}}). A stack not listed has unknown outputs "
                    "offline, as in a preview of a stack that was never deployed.")
    offline_values: dict[str, Any] = Field(
        default_factory=dict,
        description="Plain stand-ins for `secure:` config values, which cannot be decrypted offline, by config key "
                    "(`project:key` or `key`). They stay secrets (masked in every report). Without one, a secure "
                    "value is a placeholder string.")

    @field_validator("offline_values")
    @classmethod
    def _scalar_stand_ins(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, stand_in in value.items():
            if not isinstance(stand_in, (str, int, float, bool)):
                raise ValueError(f"{key}: a stand-in must be a string, number or boolean")
        return value


def load_settings(namespace_values: Mapping[str, Any], source: str) -> RolloutSettings:
    """Validate the `rollout:*` keys (without the prefix). Raises UserError with one line per problem."""
    from rollout.errors import UserError

    try:
        return RolloutSettings.model_validate(dict(namespace_values))
    except ValidationError as error:
        raise UserError(*format_validation_error(error, f"{source}: {NAMESPACE}:")) from None


def format_validation_error(error: ValidationError, prefix: str) -> list[str]:
    """One line per pydantic error: `<prefix><key.path>: <message>`, in the words of a stack file."""
    return [f"{prefix}{'.'.join(str(part) for part in item['loc'])}: {_message(item)}"
            for item in error.errors(include_url=False)]


_KIND_MESSAGES = {"int": "must be a whole number", "float": "must be a number", "bool": "must be true or false",
                  "string": "must be text", "list": "must be a list", "dict": "must be a mapping (key: value)",
                  "model": "must be a mapping (key: value)", "date": "must be a date (YYYY-MM-DD)"}


def _message(item: Any) -> str:
    """No Python reprs, types or class names (`None`, `Input should be a valid dictionary or instance of ...`)."""
    kind, value = item["type"], item.get("input")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "is required"
    if kind == "value_error":
        return item["msg"].removeprefix("Value error, ")
    if value is None:
        return "is empty; give a value or remove the key"
    if kind == "literal_error":
        expected = str((item.get("ctx") or {}).get("expected", "")).replace("'", "")
        return f"must be {expected}, not {value}" if isinstance(value, (str, int, float)) else f"must be {expected}"
    if kind.startswith(("greater_than", "less_than")):
        return item["msg"].replace("Input should be", "must be")
    if kind.startswith(("string_too", "too_")):
        return item["msg"].replace("String should have", "must have").replace("List should have", "must have")
    return _KIND_MESSAGES.get(kind.split("_")[0]) or item["msg"]
