"""The dated price catalog (rollout/data/prices.json): per-region and global prices, free tiers, FX rates.

`Catalog.price` answers one key in one region, or an unknown Price saying why; `catalog_problems` checks a catalog
document (also used by `rollout prices refresh` before it writes one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Price:
    """One catalog price. `usd` is None when the price is unknown (recorded missing or absent)."""

    key: str
    unit: str
    usd: float | None = None
    source: str = ""
    as_of: str = ""
    derived: bool = False
    note: str = ""


@dataclass(frozen=True)
class FreeTier:
    """An allowance per account and month shared by every component billed on `keys` (e.g. SQS's first 1M)."""

    name: str
    keys: frozenset[str]
    quantity: float
    unit: str


@dataclass(frozen=True)
class Catalog:
    """The dated price catalog: per-region prices, global prices (CloudFront, Cloudflare), free tiers, FX rate."""

    date: str
    regions: Mapping[str, Mapping[str, Mapping[str, Any]]]
    global_prices: Mapping[str, Mapping[str, Any]]
    free_tiers: tuple[FreeTier, ...]
    edge_groups: Mapping[str, str]
    exchange_rates: Mapping[str, Mapping[str, Any]]
    path: str = ""

    def has_region(self, region: str) -> bool:
        return region in self.regions

    def price(self, region: str, key: str, unit: str) -> Price:
        """The price of `key` in `region` (regional first, then global), or an unknown Price saying why."""
        if region not in self.regions:
            entry = self.global_prices.get(key)
            if entry is not None and entry.get("every_region") and is_commercial(region) and entry["unit"] == unit:
                # One published rate for every commercial region (e.g. public IPv4): it holds outside the catalog.
                return Price(
                    key,
                    unit,
                    entry.get("usd"),
                    entry.get("source", ""),
                    str(entry.get("as_of", "")),
                    bool(entry.get("derived", False)),
                    f"one rate in every commercial region: priced for {region}, which the catalog has no "
                    f"other prices for",
                )
            return Price(
                key,
                unit,
                note=f"no prices for region {region} in the catalog (regions: {', '.join(sorted(self.regions))})",
            )
        entry = self.regions[region].get(key) or self.global_prices.get(key)
        if entry is None:
            return Price(key, unit, note=f"price unknown: {key} is not in the catalog for {region}")
        if entry["unit"] != unit:
            return Price(key, unit, note=f"price unknown: catalog unit of {key} is {entry['unit']}, not {unit}")
        usd = entry.get("usd")
        note = entry.get("note", "")
        if usd is None:
            note = f"price unknown: {note}" if note else "price unknown"
        return Price(
            key,
            unit,
            usd,
            entry.get("source", ""),
            str(entry.get("as_of", "")),
            bool(entry.get("derived", False)),
            note,
        )


def is_commercial(region: str) -> bool:
    """A commercial AWS region: not China (cn-*, billed in CNY) nor GovCloud (us-gov-*)."""
    return not region.startswith(("cn-", "us-gov-"))


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and check a catalog file (default: the packaged one). A malformed file raises UserError."""
    from rollout.errors import UserError

    if path is None:
        source = "rollout/data/prices.json"
        text = resources.files("rollout").joinpath("data/prices.json").read_text()
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise UserError(f"{source}: cannot read the price catalog ({error.strerror})") from None
        except UnicodeDecodeError:
            raise UserError(f"{source}: not a price catalog (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"{source}: not valid JSON ({error.msg} at line {error.lineno})") from None
    problems = catalog_problems(data)
    if problems:
        raise UserError(*(f"{source}: {problem}" for problem in problems))
    return Catalog(
        date=data["catalog_date"],
        regions={code: region["prices"] for code, region in data["regions"].items()},
        global_prices=data.get("global", {}),
        free_tiers=tuple(
            FreeTier(t["name"], frozenset(t["keys"]), float(t["quantity"]), t["unit"])
            for t in data.get("free_tiers", [])
        ),
        edge_groups=data.get("edge_groups", {}),
        exchange_rates=data.get("exchange_rates", {}),
        path=source,
    )


def catalog_problems(data: Any) -> list[str]:
    """What is wrong with a catalog document, one line per problem (empty when it is usable)."""
    if not isinstance(data, dict):
        return ["the catalog must be a JSON object"]
    problems = [f"missing key {key}" for key in ("catalog_date", "regions") if key not in data]
    if "catalog_date" in data and not isinstance(data["catalog_date"], str):
        problems.append("catalog_date: must be a date string")
    for key in ("regions", "global", "edge_groups", "exchange_rates"):
        if key in data and not isinstance(data[key], dict):
            problems.append(f"{key}: must be a JSON object")
    if not isinstance(data.get("free_tiers", []), list):
        problems.append("free_tiers: must be a list")
    else:
        for index, tier in enumerate(data.get("free_tiers", [])):
            if (
                not isinstance(tier, dict)
                or not isinstance(tier.get("keys"), list)
                or not isinstance(tier.get("quantity"), (int, float))
                or "name" not in tier
                or "unit" not in tier
            ):
                problems.append(f"free_tiers[{index}]: needs name, keys (a list), quantity (a number) and unit")
    for code, rate in (data.get("exchange_rates") or {}).items():
        if (
            not isinstance(rate, dict)
            or not isinstance(rate.get("per_usd"), (int, float))
            or "source" not in rate
            or "as_of" not in rate
        ):
            problems.append(f"exchange_rates.{code}: needs per_usd (a number), source and as_of")
    if problems:
        return problems
    sections = [(f"global.{k}", v) for k, v in data.get("global", {}).items()]
    for code, region in (data.get("regions") or {}).items():
        if not isinstance(region, dict) or not isinstance(region.get("prices"), dict):
            problems.append(f"regions.{code}: needs a 'prices' object")
            continue
        sections += [(f"regions.{code}.prices.{k}", v) for k, v in region["prices"].items()]
    for where, entry in sections:
        if not isinstance(entry, dict) or "unit" not in entry:
            problems.append(f"{where}: needs a unit")
        elif entry.get("usd") is None and not entry.get("missing"):
            problems.append(f"{where}: has no usd price and is not marked missing")
        elif entry.get("usd") is not None and not isinstance(entry["usd"], (int, float)):
            problems.append(f"{where}: usd must be a number")
        elif not (entry.get("source") and entry.get("as_of")):
            problems.append(f"{where}: needs a source and an as_of date (a missing price too: where it was sought)")
    labels = data.get("sources") or {}
    tiers = [(f"free_tiers[{i}]", tier) for i, tier in enumerate(data.get("free_tiers", []))]
    for where, entry in tiers + sections:
        if not isinstance(entry, dict):
            continue
        if where.startswith("free_tiers") and not (entry.get("source") and entry.get("as_of")):
            problems.append(f"{where}: needs a source and an as_of date")
        for label in re.findall(r"\[([A-Z0-9]+)\]", str(entry.get("source", ""))):
            if label not in labels:
                problems.append(f"{where}: source [{label}] is not defined in the catalog's sources")
    return problems
