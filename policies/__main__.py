"""The CrossGuard policy pack: `pulumi preview --policy-pack policies` runs the same controls as `rollout check`.

Constructing `PolicyPack` starts the analyzer's gRPC server and blocks, so it happens only in `main()`, when the
Pulumi CLI runs this file. `build_policies()` is what the tests inspect.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

if __package__ in (None, ""):
    # Run by the Pulumi CLI as a script from inside policies/: import our modules as the `policies` package (and
    # keep names such as `s3` or `backup` from shadowing other modules).
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]
    sys.path.insert(0, os.path.dirname(_here))

from pulumi_policy import (  # noqa: E402
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)
from pulumi_policy import (
    Severity as PolicySeverity,
)

from policies.core import Control, Severity, Subject  # noqa: E402
from policies.registry import ALL_CONTROLS  # noqa: E402

PACK_NAME = "sme-rollout"
_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"),
               (tuple, "array"), (dict, "object"))


def config_schema(control: Control) -> PolicyConfigSchema | None:
    """A JSON schema with the control's thresholds and their defaults (the CLI applies the defaults)."""
    if not control.config_defaults:
        return None
    properties: dict[str, dict[str, Any]] = {}
    for key, default in control.config_defaults.items():
        kind = next(name for python_type, name in _JSON_TYPES if isinstance(default, python_type))
        properties[key] = {"type": kind, "default": list(default) if isinstance(default, tuple) else default}
    return PolicyConfigSchema(properties=properties)


def _thresholds(control: Control, config: Mapping[str, Any] | None) -> dict[str, Any]:
    return {**control.config_defaults, **dict(config or {})}


def _provider_props(resource) -> Mapping[str, Any] | None:
    """The props of the resource's provider (its region, for the apply rules), when the engine passes them."""
    provider = getattr(resource, "provider", None)
    return provider.props if provider is not None else None


def _resource_validator(control: Control):
    def validate(args, report_violation) -> None:
        provider = _provider_props(args)
        subject = Subject(type=args.resource_type, name=args.name, urn=args.urn, props=args.props, provider=provider,
                          options=_options(args))
        for message in control.check(subject, _thresholds(control, args.get_config())):
            report_violation(message, args.urn)

    return validate


def _options(resource) -> dict[str, Any]:
    """The resource options controls judge (PolicyResourceOptions.delete_before_replace: None when not set)."""
    opts = getattr(resource, "opts", None)
    return {"deleteBeforeReplace": True} if getattr(opts, "delete_before_replace", None) else {}


def _subject_of(resource) -> Subject:
    return Subject(
        type=resource.resource_type, name=resource.name, urn=resource.urn, props=resource.props,
        property_dependencies={k: [d.urn for d in v] for k, v in resource.property_dependencies.items()},
        dependencies=[d.urn for d in resource.dependencies],
        parent=resource.parent.urn if resource.parent is not None else None,
        provider=_provider_props(resource),
        options=_options(resource),
    )


def _stack_validator(control: Control):
    def validate(args, report_violation) -> None:
        subjects = [_subject_of(r) for r in args.resources]
        for subject, result in control.check(subjects, _thresholds(control, args.get_config())):
            if isinstance(result, str):
                report_violation(f"{subject.name}: {result}", subject.urn)
            # an UnknownValueError result: the value is only known after apply; not a violation

    return validate


def _pack_level(control: Control) -> tuple[EnforcementLevel, PolicySeverity]:
    """CrossGuard has no "error" severity: an apply rule is critical and always mandatory (the API rejects it)."""
    if control.severity is Severity.ERROR:
        return EnforcementLevel.MANDATORY, PolicySeverity.CRITICAL
    return EnforcementLevel(control.enforcement.value), PolicySeverity(control.severity.value)


def build_policies(controls=ALL_CONTROLS) -> list:
    """One ResourceValidationPolicy per resource control and one StackValidationPolicy per (S) control."""
    policies = []
    for control in controls:
        level, severity = _pack_level(control)
        common = dict(
            name=control.id,
            description=f"{control.title}. {control.description}",
            enforcement_level=level,
            config_schema=config_schema(control),
            display_name=control.title,
            severity=severity,
            tags=[control.id.split("-")[0].lower(), *control.sources],
        )
        if control.stack:
            policies.append(StackValidationPolicy(validate=_stack_validator(control), **common))
        else:
            policies.append(ResourceValidationPolicy(validate=_resource_validator(control),
                                                     remediation_steps=control.remediation, **common))
    return policies


def main() -> None:
    PolicyPack(name=PACK_NAME, policies=build_policies(), enforcement_level=EnforcementLevel.ADVISORY,
               description="sme-rollout controls: TLS, no public access, least-privilege IAM, backups, logging; "
                           "apply rules: what the AWS and Cloudflare APIs reject.",
               provider="aws")


if __name__ == "__main__":
    main()
