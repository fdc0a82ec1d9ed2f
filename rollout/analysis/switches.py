"""Which changes between two inventories move visitors: traffic switches, a kind of change of their own.

A traffic switch is not a resource being added or updated like any other: after it, what answers a visitor's
request is something else (another origin, another path target, another DNS answer). `rollout diff` shows each one
like data loss, and `--fail-on-traffic-switch` stops CI on it, so that a switch is always a step someone chose.

Recognised, by what a visitor gets (program-agnostic: read from the resources' inputs):
- `origin`: a CloudFront distribution's default behavior reaches another origin (another domain name, or an origin
  group instead of a single origin);
- `path`: a path behavior is added, removed or reaches another origin (e.g. `/static/*` moving to a bucket);
- `dns`: the site's name answers differently: an existing distribution's aliases change (it starts or stops
  answering for a name whose DNS is pointed at it by hand), a Route 53 A/AAAA/CNAME/alias record is created,
  changed or removed (validation records, whose names start with `_`, are not traffic), or a Cloudflare record of
  those types changes its target or proxy status, or is
  created proxied or removed.

Pure: no SDK, no I/O. sme-rollout's config names each kind's switch (`SWITCH_SETTING`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from rollout.model.inventory import Inventory, Resource

Kind = Literal["dns", "origin", "path"]
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
ROUTE53_RECORD = "aws:route53/record:Record"
CLOUDFLARE_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
ADDRESS_TYPES = frozenset({"A", "AAAA", "CNAME"})
SWITCH_SETTING: dict[str, str] = {
    "dns": "switches.dnsAuthority",
    "path": "switches.staticPath",
    "origin": "switches.originToLoadBalancer",
}
"""The sme-rollout setting that makes each kind of switch (other programs simply have their own)."""


@dataclass(frozen=True)
class TrafficSwitch:
    """One change that moves visitors: where (`path` or the DNS name), from what to what."""

    urn: str
    type: str
    name: str
    kind: Kind
    where: str
    old: str
    new: str
    phase: int | None = None

    @property
    def setting(self) -> str:
        return SWITCH_SETTING[self.kind]

    def describe(self) -> str:
        return f"{self.where}: {self.old} → {self.new}"

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "kind": self.kind,
            "where": self.where,
            "old": self.old,
            "new": self.new,
            "phase": self.phase,
            "setting": self.setting,
        }


NOTHING = "nothing"


def traffic_switches(before: Inventory, after: Inventory) -> tuple[TrafficSwitch, ...]:
    """Every traffic switch from `before` to `after` (resources matched by URN)."""
    old = {r.urn: r for r in before.custom_resources()}
    new = {r.urn: r for r in after.custom_resources()}
    found: list[TrafficSwitch] = []
    for urn in [*old, *(u for u in new if u not in old)]:
        found.extend(classify(old.get(urn), new.get(urn)))
    return tuple(found)


def classify(before: Resource | None, after: Resource | None) -> Iterator[TrafficSwitch]:
    """The switches one resource's change makes (none for most resources)."""
    resource = after or before
    if resource is None:
        return
    if resource.type == DISTRIBUTION:
        yield from _distribution(before, after)
    elif resource.type == ROUTE53_RECORD:
        yield from _record(before, after, _route53_answer)
    elif resource.type == CLOUDFLARE_RECORD:
        yield from _record(before, after, _cloudflare_answer)


def _switch(resource: Resource, kind: Kind, where: str, old: str, new: str) -> TrafficSwitch:
    return TrafficSwitch(
        urn=resource.urn,
        type=resource.type,
        name=resource.name,
        kind=kind,
        where=where,
        old=old,
        new=new,
        phase=resource.phase,
    )


def routes(inputs: Mapping[str, Any]) -> dict[str, str]:
    """Path pattern ('*' for the default behavior) → what serves it ('origin.example.vn', or
    'bucket.s3... then origin.example.vn' for an origin group)."""
    origins = {
        o.get("originId"): str(o.get("domainName")) for o in inputs.get("origins") or [] if isinstance(o, Mapping)
    }
    groups = {}
    for group in inputs.get("originGroups") or []:
        if isinstance(group, Mapping):
            members = [origins.get(m.get("originId"), str(m.get("originId"))) for m in group.get("members") or []]
            groups[group.get("originId")] = " then ".join(members)

    def target(behavior: Any) -> str:
        origin_id = behavior.get("targetOriginId") if isinstance(behavior, Mapping) else None
        return groups.get(origin_id) or origins.get(origin_id) or str(origin_id)

    table = {"*": target(inputs.get("defaultCacheBehavior") or {})}
    for behavior in inputs.get("orderedCacheBehaviors") or []:
        if isinstance(behavior, Mapping):
            table[str(behavior.get("pathPattern"))] = target(behavior)
    return table


def _distribution(before: Resource | None, after: Resource | None) -> Iterator[TrafficSwitch]:
    resource = after or before
    assert resource is not None
    if before is None or after is None:
        return  # a new distribution serves nobody until a DNS record points at it (that record is the switch)
    old_routes, new_routes = routes(before.inputs), routes(after.inputs)
    for path in [*old_routes, *(p for p in new_routes if p not in old_routes)]:
        old, new = old_routes.get(path, NOTHING), new_routes.get(path, NOTHING)
        if old != new:
            kind: Kind = "origin" if path == "*" else "path"
            if kind == "path" and new == NOTHING:
                new = f"the default behavior ({new_routes['*']})"
            if kind == "path" and old == NOTHING:
                old = f"the default behavior ({old_routes['*']})"
            yield _switch(resource, kind, path, old, new)
    old_aliases = set(before.inputs.get("aliases") or [])
    new_aliases = set(after.inputs.get("aliases") or [])
    for alias in sorted(new_aliases - old_aliases):
        yield _switch(resource, "dns", alias, "not this distribution", "this distribution")
    for alias in sorted(old_aliases - new_aliases):
        yield _switch(resource, "dns", alias, "this distribution", "not this distribution")


def _route53_answer(inputs: Mapping[str, Any]) -> str | None:
    if inputs.get("type") not in ADDRESS_TYPES or str(inputs.get("name", "")).startswith("_"):
        return None
    aliases = inputs.get("aliases") or []
    if aliases:
        return "alias " + ", ".join(str(a.get("name")) for a in aliases if isinstance(a, Mapping))
    return ", ".join(str(r) for r in inputs.get("records") or []) or None


def _cloudflare_answer(inputs: Mapping[str, Any]) -> str | None:
    if inputs.get("type") not in ADDRESS_TYPES or str(inputs.get("name", "")).startswith("_"):
        return None
    via = "proxied through Cloudflare to " if inputs.get("proxied") else "DNS-only "
    return f"{via}{inputs.get('content')}"


def _record(before: Resource | None, after: Resource | None, answer: Any) -> Iterator[TrafficSwitch]:
    resource = after or before
    assert resource is not None
    old = answer(before.inputs) if before is not None else None
    new = answer(after.inputs) if after is not None else None
    if old == new or (old is None and new is None):
        return
    if before is None and after is not None and not _takes_over(after):
        return  # a new name, or a record of a zone nobody resolves through yet: no visitor moves
    name = str(resource.inputs.get("name"))
    yield _switch(resource, "dns", name, old or NOTHING, new or NOTHING)


def _takes_over(resource: Resource) -> bool:
    """A created record that replaces live answers: Route 53 with allow_overwrite, or a proxied Cloudflare record."""
    if resource.type == ROUTE53_RECORD:
        return bool(resource.inputs.get("allowOverwrite"))
    return bool(resource.inputs.get("proxied"))
