"""What a control is, what it looks at, and how controls are evaluated: shared by the CrossGuard pack
(`policies/__main__.py`), the offline check (`rollout check`) and the live audit (`rollout audit`).

A control is one pure function plus its metadata. It reads `Subject.props` (camelCase property names, as Pulumi
passes them to policies). Props are wrapped in pulumi_policy's unknown-checking proxy: reading a value that is
unknown at preview raises `UnknownValueError`, which `evaluate` reports as status "unknown" (never a pass, never a
violation). Lists and dicts inside props are proxies: test with `collections.abc.Sequence` / `Mapping`.

This module must not construct a PolicyPack (that starts a gRPC server and blocks).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

__all__ = [
    "UNKNOWN_STRING_VALUE",
    "Control",
    "Enforcement",
    "Finding",
    "Severity",
    "Subject",
    "UnknownValueError",
    "evaluate",
]


class Severity(str, Enum):
    ERROR = "error"
    """The apply family (policies/apply): what the cloud API rejects. Fails the check whatever the enforcement."""
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Enforcement(str, Enum):
    ADVISORY = "advisory"
    MANDATORY = "mandatory"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Subject:
    """One resource as a control sees it, whatever runtime it came from.

    `props` is an unknown-checking proxy over camelCase properties; `property_dependencies` maps a property name to
    the URNs it was computed from (how (S) controls join a bucket to its separate settings resources).
    """

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    dependencies: Sequence[str] = ()
    parent: str | None = None
    provider: Mapping[str, Any] | None = None
    """The inputs of the provider the resource is created with (e.g. its `region`), when known."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """The resource options a control may judge, camelCase as the engine names them: `deleteBeforeReplace` (True
    when set). Empty for resources read from a live account."""

    @classmethod
    def of(cls, type: str, name: str, urn: str, props: Mapping[str, Any], **rest: Any) -> Subject:
        """Build a subject from plain props (unknown values given as pulumi_policy's UNKNOWN_* sentinels)."""
        return cls(type=type, name=name, urn=urn, props=unknown_checking_proxy(dict(props)), **rest)


# A resource control yields violation messages for one subject; a stack (S) control yields (subject, message).
ResourceCheck = Callable[[Subject, Mapping[str, Any]], Iterable[str]]
StackCheck = Callable[[Sequence[Subject], Mapping[str, Any]], Iterable[tuple[Subject, str]]]


@dataclass(frozen=True)
class Control:
    """One control of the catalog (docs/controls.md, generated from this metadata): metadata plus one pure
    check function."""

    id: str
    title: str
    severity: Severity
    resource_types: tuple[str, ...]
    check: ResourceCheck | StackCheck  # StackCheck when `stack`
    description: str
    remediation: str
    sources: tuple[str, ...] = ()
    enforcement: Enforcement = Enforcement.MANDATORY
    config_defaults: Mapping[str, Any] = field(default_factory=dict)
    stack: bool = False
    waivable: bool = True

    def config(self, pack_config: Mapping[str, Any] | None) -> tuple[Enforcement, dict[str, Any]]:
        """This control's enforcement level and thresholds under a `--policy-pack-config`-shaped document.

        Precedence (as the Pulumi CLI applies it): the control's own entry beats `all`, which beats the control's
        default level; thresholds not given fall back to the config-schema defaults.
        """
        pack_config = pack_config or {}
        level = self.enforcement
        if "all" in pack_config:
            level = Enforcement(_level_of(pack_config["all"]))
        thresholds = dict(self.config_defaults)
        own = pack_config.get(self.id)
        if isinstance(own, str):
            level = Enforcement(own)
        elif isinstance(own, Mapping):
            if "enforcementLevel" in own:
                level = Enforcement(own["enforcementLevel"])
            thresholds.update({k: v for k, v in own.items() if k != "enforcementLevel"})
        if self.severity is Severity.ERROR:
            level = Enforcement.MANDATORY  # what the API rejects fails whatever the enforcement config says
        return level, thresholds


def _level_of(value: Any) -> str:
    return value["enforcementLevel"] if isinstance(value, Mapping) else value


@dataclass(frozen=True)
class Finding:
    """A violation, or a value the control could not judge because it is unknown before apply."""

    control: str
    severity: Severity
    enforcement: Enforcement
    urn: str
    type: str
    name: str
    message: str
    status: str  # "violation" | "unknown"
    waived: bool = False
    waiver_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "control": self.control,
            "severity": self.severity.value,
            "enforcement": self.enforcement.value,
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "message": self.message,
            "status": self.status,
            "waived": self.waived,
            "waiverReason": self.waiver_reason,
        }


def evaluate(
    controls: Iterable[Control],
    subjects: Sequence[Subject],
    pack_config: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Run controls over subjects; disabled controls are skipped. Deterministic order: control id, then URN."""
    findings: list[Finding] = []
    by_type: dict[str, list[Subject]] = {}
    for subject in subjects:
        by_type.setdefault(subject.type, []).append(subject)
    for control in sorted(controls, key=lambda c: c.id):
        level, thresholds = control.config(pack_config)
        if level is Enforcement.DISABLED:
            continue

        finding = functools.partial(_finding, control, level)
        if control.stack:
            findings.extend(_run_stack(control, subjects, thresholds, finding))
            continue
        for subject in (s for t in control.resource_types for s in by_type.get(t, ())):
            try:
                messages = list(control.check(subject, thresholds))
            except UnknownValueError as unknown:
                findings.append(finding(subject, unknown.message, "unknown"))
                continue
            findings.extend(finding(subject, m, "violation") for m in messages)
    findings.sort(key=lambda f: (f.control, f.urn, f.message))
    return findings


def _finding(control: Control, level: Enforcement, subject: Subject, message: str, status: str) -> Finding:
    return Finding(control.id, control.severity, level, subject.urn, subject.type, subject.name, message, status)


def _run_stack(control: Control, subjects: Sequence[Subject], thresholds: Mapping[str, Any],
               finding: Callable[[Subject, str, str], Finding]) -> list[Finding]:
    """A stack control reports per subject; it yields status "unknown" itself by yielding
    `(subject, UnknownValueError)`."""
    out: list[Finding] = []
    for subject, result in control.check(subjects, thresholds):
        if isinstance(result, UnknownValueError):
            out.append(finding(subject, result.message, "unknown"))
        else:
            out.append(finding(subject, result, "violation"))
    return out
