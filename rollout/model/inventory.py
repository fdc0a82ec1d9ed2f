"""The Inventory: every resource a Pulumi program registers, as the engine would see it.

It is what the offline runtime (`rollout.runtime.synth`) produces and what check, cost, diff and report consume. It is
plain data (JSON round-trips through `to_json`/`from_json`, which `rollout plan --save` uses), so the analyses
never touch the Pulumi SDK.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

SCHEMA_VERSION = 1


class _Unknown:
    """A value not known before apply (an output of another resource under preview)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
"""The single marker for an unknown input value."""


@dataclass(frozen=True, slots=True)
class Secret:
    """An input value marked secret. `value` may itself be UNKNOWN (e.g. a `secure:` config value offline)."""

    value: Any

    def __repr__(self) -> str:
        return "[secret]"


@dataclass(frozen=True, slots=True)
class Resource:
    """One registered resource. `inputs` use the engine's camelCase property names."""

    urn: str
    type: str
    name: str
    custom: bool = True
    parent: str | None = None
    inputs: Mapping[str, Any] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    provider: str | None = None
    phase: int | None = None
    ignore_changes: tuple[str, ...] = ()
    import_id: str | None = None
    remote: bool = False
    """A multi-language (remote) component: its children are built by its provider plugin, unseen offline."""
    delete_before_replace: bool = False
    """The `deleteBeforeReplace` resource option: a replacement deletes the old resource before creating the new
    one (Pulumi's default creates the new one first)."""

    def to_json(self, *, reveal_secrets: bool = False) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "custom": self.custom,
            "parent": self.parent,
            "phase": self.phase,
            "protect": self.protect,
            "retainOnDelete": self.retain_on_delete,
            "provider": self.provider,
            "dependencies": list(self.dependencies),
            "propertyDependencies": {k: list(v) for k, v in self.property_dependencies.items()},
            "inputs": encode_value(self.inputs, reveal_secrets=reveal_secrets),
            **({"ignoreChanges": list(self.ignore_changes)} if self.ignore_changes else {}),
            **({"importId": self.import_id} if self.import_id else {}),
            **({"remote": True} if self.remote else {}),
            **({"deleteBeforeReplace": True} if self.delete_before_replace else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Resource:
        return cls(
            urn=data["urn"],
            type=data["type"],
            name=data["name"],
            custom=data.get("custom", True),
            parent=data.get("parent"),
            phase=data.get("phase"),
            protect=data.get("protect", False),
            retain_on_delete=data.get("retainOnDelete", False),
            provider=data.get("provider"),
            dependencies=tuple(data.get("dependencies", ())),
            property_dependencies={k: tuple(v) for k, v in data.get("propertyDependencies", {}).items()},
            inputs=decode_value(data.get("inputs", {})),
            ignore_changes=tuple(data.get("ignoreChanges", ())),
            import_id=data.get("importId"),
            remote=bool(data.get("remote", False)),
            delete_before_replace=bool(data.get("deleteBeforeReplace", False)),
        )


@dataclass(frozen=True)
class Inventory:
    """The resources of one program run (one stack at one phase), in registration order."""

    project: str
    stack: str
    phase: int | None
    resources: tuple[Resource, ...]
    outputs: Mapping[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    @property
    def by_urn(self) -> Mapping[str, Resource]:
        """URN → resource, built once per inventory (plans look parents up for every resource)."""
        index = self.__dict__.get("_by_urn")
        if index is None:
            index = MappingProxyType({r.urn: r for r in self.resources})
            object.__setattr__(self, "_by_urn", index)
        return index

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    def custom_resources(self) -> list[Resource]:
        return [r for r in self.resources if r.custom and not r.type.startswith("pulumi:providers:")]

    def provider_region(self, resource: Resource) -> str | None:
        """The region of the explicit AWS provider `resource` is created with (`aws.Provider(region=...)`), when the
        program set one: such a resource is built, and billed, there, whatever the stack's `aws:region` says."""
        provider = self.by_urn.get(resource.provider or "")
        if provider is None or provider.type != "pulumi:providers:aws":
            return None
        region = reveal(provider.inputs.get("region"))
        return region if isinstance(region, str) and region and region != UNKNOWN else None

    def remote_components(self) -> dict[str, int]:
        """Remote (multi-language) components by package (`awsx`, `eks`, ...): what they build is not seen
        offline, so every analysis says how many there are."""
        counts: dict[str, int] = {}
        for resource in self.resources:
            if resource.remote:
                package = resource.type.split(":", 1)[0]
                counts[package] = counts.get(package, 0) + 1
        return dict(sorted(counts.items()))

    def remote_note(self) -> str:
        """One sentence for plan, check and cost ('' when there are no remote components)."""
        counts = self.remote_components()
        if not counts:
            return ""
        total = sum(counts.values())
        packages = ", ".join(f"{n} of {p}" for p, n in counts.items())
        return (f"{total} remote component{'s' if total != 1 else ''} ({packages}): the resources they create are "
                f"built by their provider plugins and not seen offline (run `pulumi preview` to see them)")

    def to_json(self, *, reveal_secrets: bool = False) -> dict[str, Any]:
        """The inventory as JSON; secret values are masked unless `reveal_secrets` (the run cache needs them)."""
        return {
            "schemaVersion": SCHEMA_VERSION,
            "project": self.project,
            "stack": self.stack,
            "phase": self.phase,
            "outputs": encode_value(self.outputs, reveal_secrets=reveal_secrets),
            "resources": [r.to_json(reveal_secrets=reveal_secrets) for r in self.resources],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Inventory:
        if data.get("schemaVersion") != SCHEMA_VERSION:
            raise ValueError(f"unsupported inventory schemaVersion {data.get('schemaVersion')!r}")
        return cls(
            project=data["project"],
            stack=data["stack"],
            phase=data.get("phase"),
            outputs=decode_value(data.get("outputs", {})),
            resources=tuple(Resource.from_json(r) for r in data["resources"]),
        )


# JSON encoding of input values: UNKNOWN and Secret need markers to survive a round trip.
_UNKNOWN_MARK = {"$unknown": True}


def encode_value(value: Any, *, reveal_secrets: bool = False) -> Any:
    """Make a value JSON-safe. Secrets become {"$secret": "[secret]"} unless `reveal_secrets`."""
    if value is UNKNOWN:
        return dict(_UNKNOWN_MARK)
    if isinstance(value, Secret):
        return {"$secret": encode_value(value.value) if reveal_secrets else "[secret]"}
    if isinstance(value, Mapping):
        return {str(k): encode_value(v, reveal_secrets=reveal_secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_value(v, reveal_secrets=reveal_secrets) for v in value]
    return value


def decode_value(value: Any) -> Any:
    if isinstance(value, Mapping):
        if value == _UNKNOWN_MARK:
            return UNKNOWN
        if set(value) == {"$secret"}:
            return Secret(decode_value(value["$secret"]) if value["$secret"] != "[secret]" else UNKNOWN)
        return {k: decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


def reveal(value: Any) -> Any:
    """The value with Secret wrappers removed (for analyses that need the plain value, never for display)."""
    if isinstance(value, Secret):
        return reveal(value.value)
    if isinstance(value, Mapping):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def dumps(inventories: Iterable[Inventory]) -> str:
    """The baseline file's text (what `rollout plan --save` writes and `rollout diff --baseline` reads)."""
    return json.dumps([inventory.to_json() for inventory in inventories], indent=1)


def save(inventories: Iterable[Inventory], path: str) -> None:
    """Write inventories atomically, so a failed run loses nothing."""
    from rollout.files import write_atomically

    write_atomically(path, dumps(inventories))


def short_type(type_token: str) -> str:
    """`aws:rds/instance:Instance` → `rds.Instance` (enough to recognise it in a table)."""
    parts = type_token.split(":")
    if len(parts) != 3:
        return type_token
    module = parts[1].split("/")[0]
    return f"{module}.{parts[2]}" if module not in ("index", "") else f"{parts[0]}.{parts[2]}"
