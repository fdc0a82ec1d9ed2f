"""Shared pieces of the apply rules: the Control constructor with the family's fixed metadata, name checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from policies._helpers import get
from policies.core import Control, Enforcement, Severity, Subject

AUTONAME_SUFFIX = 8
"""Pulumi auto-names a resource `<resource name>-<7 random characters>` when its name input is not given."""


def rule(id: str, title: str, types: Iterable[str], check: Callable[..., Iterable[Any]], description: str,
         remediation: str, sources: Iterable[str], *, stack: bool = False,
         config_defaults: Mapping[str, Any] | None = None) -> Control:
    """An apply rule: severity error, mandatory, with its source."""
    return Control(id=id, title=title, severity=Severity.ERROR, resource_types=tuple(types), check=check,
                   description=description, remediation=remediation, sources=tuple(sources),
                   enforcement=Enforcement.MANDATORY, stack=stack, config_defaults=dict(config_defaults or {}))


def physical_name(subject: Subject, prop: str = "name", prefix_prop: str | None = "namePrefix",
                  autonamed: bool = True) -> tuple[str | None, str]:
    """The name the provider will use and how it was derived: ("x", "name"), ("x", "prefix") for a name prefix (the
    provider appends 26 characters), ("<resource name>", "auto") for an auto-name, or (None, "none")."""
    value = get(subject.props, prop)
    if isinstance(value, str) and value:
        return value, "name"
    if prefix_prop:
        prefix = get(subject.props, prefix_prop)
        if isinstance(prefix, str) and prefix:
            return prefix, "prefix"
    if autonamed:
        return subject.name, "auto"
    return None, "none"


def name_problems(subject: Subject, *, limit: int, pattern: str, what: str, prop: str = "name",
                  prefix_prop: str | None = "namePrefix", prefix_limit: int | None = None,
                  autonamed: bool = True) -> Iterator[str]:
    """Length and character-set problems of a resource's physical name (explicit, prefixed or auto-named)."""
    name, how = physical_name(subject, prop, prefix_prop, autonamed)
    if name is None:
        return
    if how == "prefix":
        if prefix_limit is not None and len(name) > prefix_limit:
            yield f"{prefix_prop} {name!r} has {len(name)} characters; {what} allows at most {prefix_limit}"
        return
    length = len(name) + (AUTONAME_SUFFIX if how == "auto" else 0)
    if length > limit:
        shown = f"auto-name {name!r} + 8 random characters" if how == "auto" else f"{prop} {name!r}"
        yield f"{shown} is {length} characters; {what} allows at most {limit}"
    if not re.fullmatch(pattern, name if how == "name" else f"{name}-abcdef1"):
        yield f"{prop} {name!r} does not match {what}'s allowed characters ({pattern})"


def stack_of(subject: Subject) -> str:
    """The stack name from an engine-style URN (urn:pulumi:<stack>::<project>::...)."""
    return subject.urn.removeprefix("urn:pulumi:").split("::")[0]
