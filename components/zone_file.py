"""The records of a DNS zone as the current DNS host exports them (a BIND zone file), for a Cloudflare zone to
hold before its nameservers take over.

Every DNS host offers a BIND export (Route 53: `cli53 export`, cPanel, Cloudflare, GoDaddy, PA Vietnam, Mat Bao).
Parsing is dnspython's (`dns.zone.from_file`: $ORIGIN, $TTL, relative names, multi-string TXT), not a hand-written
reader. What Cloudflare manages itself is left out: the apex SOA and the apex NS set (Cloudflare answers with its
own nameservers). A delegation (NS below the apex) is kept. Record types Cloudflare cannot hold as plain DNS
records are an error naming the record, never dropped silently: a lost record is lost mail or a lost service.

Pure: no Pulumi here; `cdn_cloudflare` turns `ZoneRecord`s into `cloudflare.DnsRecord`s and `rollout gate`
compares them with what a nameserver answers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPPORTED_TYPES = ("A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS")
"""What the importer turns into Cloudflare records (Cloudflare DNS record types with plain content or `data`)."""
CLOUDFLARE_MIN_TTL = 60
CLOUDFLARE_MAX_TTL = 86_400
"""Cloudflare accepts TTLs of 60 s to 1 day (1 = automatic) on non-Enterprise plans
(developers.cloudflare.com/dns/manage-dns-records/reference/ttl)."""


class ZoneFileError(ValueError):
    """A zone file that cannot be imported: the message names the file and the record."""


@dataclass(frozen=True)
class ZoneRecord:
    """One record (one rdata) of the zone, names absolute without the trailing dot."""

    name: str
    type: str
    ttl: int
    content: str
    priority: int | None = None
    data: dict[str, Any] | None = field(default=None, hash=False, compare=False)

    @property
    def key(self) -> str:
        """A stable short id for resource names: the same record keeps its name across runs."""
        digest = hashlib.sha256(f"{self.name}|{self.type}|{self.priority}|{self.content}".encode()).hexdigest()
        return digest[:8]

    @property
    def cloudflare_ttl(self) -> int:
        return min(max(self.ttl, CLOUDFLARE_MIN_TTL), CLOUDFLARE_MAX_TTL)


def parse_zone_text(text: str, zone: str, source: str = "<zone file>") -> tuple[ZoneRecord, ...]:
    """Every importable record of `text`, a BIND zone file for `zone` (e.g. example.com.vn)."""
    import dns.exception
    import dns.name
    import dns.rdatatype
    import dns.zone

    origin = dns.name.from_text(zone)
    try:
        parsed = dns.zone.from_text(text, origin=origin, relativize=False, check_origin=False)
    except (dns.exception.DNSException, ValueError) as error:
        raise ZoneFileError(f"{source}: not a BIND zone file for {zone}: {error}") from None
    records: list[ZoneRecord] = []
    for name, node in sorted(parsed.nodes.items()):
        owner = name.to_text(omit_final_dot=True).lower()
        if not (owner == zone or owner.endswith(f".{zone}")):
            raise ZoneFileError(f"{source}: {owner} is outside the zone {zone}")
        for rdataset in node.rdatasets:
            kind = dns.rdatatype.to_text(rdataset.rdtype)
            if kind == "SOA" or (kind == "NS" and owner == zone):
                continue  # Cloudflare answers the apex SOA and NS itself
            if kind not in SUPPORTED_TYPES:
                raise ZoneFileError(
                    f"{source}: {owner} {kind}: record type not importable into Cloudflare "
                    f"(supported: {', '.join(SUPPORTED_TYPES)}); create it by hand and remove it here"
                )
            for rdata in rdataset:
                records.append(_record(owner, kind, int(rdataset.ttl), rdata))
    if not records:
        raise ZoneFileError(f"{source}: holds no records for {zone}")
    return tuple(records)


def _record(owner: str, kind: str, ttl: int, rdata: Any) -> ZoneRecord:
    if kind in ("CNAME", "NS"):
        return ZoneRecord(owner, kind, ttl, rdata.target.to_text(omit_final_dot=True).lower())
    if kind == "MX":
        return ZoneRecord(
            owner, kind, ttl, rdata.exchange.to_text(omit_final_dot=True).lower(), priority=int(rdata.preference)
        )
    if kind == "TXT":
        # Cloudflare keeps TXT content quoted, one quoted string per 255-byte chunk, as the zone file has it.
        return ZoneRecord(owner, kind, ttl, " ".join(f'"{s.decode()}"' for s in rdata.strings))
    if kind == "SRV":
        target = rdata.target.to_text(omit_final_dot=True).lower()
        return ZoneRecord(
            owner,
            kind,
            ttl,
            f"{rdata.weight} {rdata.port} {target}",
            priority=int(rdata.priority),
            data={
                "priority": int(rdata.priority),
                "weight": int(rdata.weight),
                "port": int(rdata.port),
                "target": target,
            },
        )
    if kind == "CAA":
        value = rdata.value.decode()
        return ZoneRecord(
            owner,
            kind,
            ttl,
            f'{rdata.flags} {rdata.tag.decode()} "{value}"',
            data={"flags": int(rdata.flags), "tag": rdata.tag.decode(), "value": value},
        )
    return ZoneRecord(owner, kind, ttl, rdata.to_text())


def load_zone_file(path: str | Path, zone: str) -> tuple[ZoneRecord, ...]:
    """`parse_zone_text` of a file (relative paths from the current directory: the Pulumi project's). Read on every
    call, not memoised: a tool that records what a run reads (rollout's run cache) must see the read."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ZoneFileError(
            f"{path}: zone file not found (relative paths start at the Pulumi project directory)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ZoneFileError(f"{path}: cannot read the zone file: {error}") from None
    return parse_zone_text(text, zone, str(path))


def names_with_address(records: tuple[ZoneRecord, ...] | list[ZoneRecord]) -> set[str]:
    """Names that resolve inside the zone (A, AAAA or CNAME): a CNAME to any other name of the zone needs one."""
    return {r.name for r in records if r.type in ("A", "AAAA", "CNAME")}
