"""`rollout check`: evaluate the policy controls against a program's offline Inventory.

The same control functions run in the CrossGuard pack; here the tool itself applies what the Pulumi CLI would:
config-schema defaults < the stack's `rollout:policy.config` < a `--config FILE` (same shape as
`--policy-pack-config`), then the stack's waivers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from policies.core import UNKNOWN_STRING_VALUE, Control, Enforcement, Finding, Subject, evaluate
from rollout.analysis.findings import counts_against
from rollout.errors import UserError
from rollout.model.inventory import UNKNOWN, Inventory, Resource, Secret
from rollout.model.settings import Waiver

_LEVELS = {e.value for e in Enforcement}


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]
    controls: list[Control]  # the controls evaluated (not disabled)
    resources_evaluated: int
    expired_waivers: list[Waiver] = field(default_factory=list)
    unmatched_waivers: list[Waiver] = field(default_factory=list)  # name no resource of this inventory

    @property
    def failed(self) -> bool:
        """Any unwaived mandatory violation: exit code 1."""
        return any(counts_against(f) for f in self.findings)

    def to_json(self, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The `rollout check --format json` document: `extra` keys (project, stack, phase) first, then the
        findings and their summary (the shape `rollout audit --format json` shares)."""
        from rollout.analysis.findings import summarize

        return {
            **dict(extra or {}),
            "findings": [f.to_json() for f in self.findings],
            "summary": summarize(self.findings, controls=self.controls, resources_evaluated=self.resources_evaluated),
        }


# --- Inventory → subjects ---------------------------------------------------------------------------------------


def policy_value(value: Any) -> Any:
    """An inventory input as CrossGuard would see it: UNKNOWN → the SDK's unknown sentinel, secrets unwrapped."""
    if value is UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, Secret):
        return policy_value(value.value)
    if isinstance(value, Mapping):
        return {str(k): policy_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [policy_value(v) for v in value]
    return value


def subject_of(resource: Resource, provider: Resource | None = None) -> Subject:
    return Subject.of(resource.type, resource.name, resource.urn, policy_value(resource.inputs),
                      property_dependencies={k: tuple(v) for k, v in resource.property_dependencies.items()},
                      dependencies=tuple(resource.dependencies), parent=resource.parent,
                      provider=policy_value(provider.inputs) if provider is not None else None,
                      options={"deleteBeforeReplace": True} if resource.delete_before_replace else {})


def subjects_of(inventory: Inventory) -> list[Subject]:
    """Every custom resource (providers and components are not checked; a resource's provider inputs ride along)."""
    providers = {r.urn: r for r in inventory if r.type.startswith("pulumi:providers:")}
    return [subject_of(r, providers.get(r.provider or "")) for r in inventory.custom_resources()]


# --- policy configuration ---------------------------------------------------------------------------------------


def _entry(value: Any) -> dict[str, Any]:
    return {"enforcementLevel": value} if isinstance(value, str) else dict(value)


def merge_policy_config(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Later layers win, key by key inside each control's entry (a bare level string is {enforcementLevel: ...})."""
    merged: dict[str, dict[str, Any]] = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            merged[key] = {**merged.get(key, {}), **_entry(value)} if isinstance(value, (str, Mapping)) else value
    return merged


def validate_policy_config(config: Mapping[str, Any], source: str, controls: Sequence[Control]) -> None:
    """One line per problem: unknown control ids, unknown thresholds, wrong levels or value types."""
    by_id = {c.id: c for c in controls}
    problems = []
    for key, value in config.items():
        where = f"{source}: {key}"
        if not isinstance(value, (str, Mapping)):
            problems.append(f"{where}: must be an enforcement level or a mapping")
            continue
        entry = _entry(value)
        level = entry.get("enforcementLevel")
        if level is not None and level not in _LEVELS:
            problems.append(f"{where}.enforcementLevel: must be one of {', '.join(sorted(_LEVELS))}")
        if key == "all":
            problems += [f"{where}.{k}: unknown setting (only "
                         f"enforcementLevel)" for k in entry if k != "enforcementLevel"]
            continue
        control = by_id.get(key)
        if control is None:
            problems.append(f"{where}: unknown control id")
            continue
        for name, setting in entry.items():
            if name == "enforcementLevel":
                continue
            if name not in control.config_defaults:
                known = ", ".join(control.config_defaults) or "none"
                problems.append(f"{where}.{name}: unknown setting (known: {known})")
            elif not _same_kind(setting, control.config_defaults[name]):
                problems.append(f"{where}.{name}: must be {type(control.config_defaults[name]).__name__}")
            elif name == "date" and setting and not _iso_date(setting):
                problems.append(f"{where}.{name}: must be a date as YYYY-MM-DD (or empty for today)")
    if problems:
        raise UserError(*problems)


def _iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _same_kind(value: Any, default: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    if isinstance(default, (list, tuple)):
        return isinstance(value, list)
    if isinstance(default, Mapping):
        return isinstance(value, Mapping)
    return isinstance(value, type(default))


def load_config_file(path: Path) -> dict[str, Any]:
    """A `--policy-pack-config`-shaped JSON (or YAML) file."""
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"--config {path}: file not found") from None
    except OSError as error:
        raise UserError(f"--config {path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise UserError(f"--config {path}: not a policy config (not UTF-8 text)") from None
    except yaml.YAMLError as error:
        raise UserError(f"--config {path}: not valid JSON or YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(document, Mapping):
        raise UserError(f"--config {path}: must be a mapping of control ids (and 'all') to settings")
    return dict(document)


# --- waivers ----------------------------------------------------------------------------------------------------


def validate_waivers(waivers: Sequence[Waiver], controls: Sequence[Control], source: str) -> None:
    """Waivers must name a known control, and never a Critical TLS/public-access control."""
    by_id = {c.id: c for c in controls}
    problems = []
    for index, waiver in enumerate(waivers):
        where = f"{source}: rollout:waivers[{index}] ({waiver.control} on {waiver.resource})"
        control = by_id.get(waiver.control)
        if control is None:
            problems.append(f"{where}: unknown control id")
        elif not control.waivable:
            problems.append(f"{where}: {control.id} ({control.title}) is a Critical TLS/public-access control and "
                            "cannot be waived; fix the resource instead")
    if problems:
        raise UserError(*problems)


def apply_waivers(
    findings: Sequence[Finding], waivers: Sequence[Waiver], today: dt.date
) -> tuple[list[Finding], list[Waiver]]:
    """Mark the findings an active waiver covers (control id + URN or logical name); return the expired waivers."""
    active = [w for w in waivers if w.active(today)]
    expired = [w for w in waivers if not w.active(today)]
    marked = []
    for finding in findings:
        waiver = next((w for w in active if w.control == finding.control and w.resource in (finding.urn, finding.name)),
                      None)
        marked.append(replace(finding, waived=True, waiver_reason=waiver.reason) if waiver else finding)
    return marked, expired


# --- the check --------------------------------------------------------------------------------------------------


def run_check(inventory: Inventory, *, policy_config: Mapping[str, Any] | None = None,
              waivers: Sequence[Waiver] = (), today: dt.date | None = None,
              controls: Sequence[Control] | None = None) -> CheckResult:
    """Evaluate controls on the inventory with an already merged and validated policy config, then waivers."""
    if controls is None:
        from policies.registry import ALL_CONTROLS as controls
    enabled = [c for c in controls if c.config(policy_config)[0] is not Enforcement.DISABLED]
    subjects = subjects_of(inventory)
    findings = evaluate(enabled, subjects, policy_config)
    findings, expired = apply_waivers(findings, waivers, today or dt.date.today())
    names = {s.urn for s in subjects} | {s.name for s in subjects}
    unmatched = [w for w in waivers if w not in expired and w.resource not in names]
    return CheckResult(findings=findings, controls=enabled, resources_evaluated=len(subjects), expired_waivers=expired,
                       unmatched_waivers=unmatched)
