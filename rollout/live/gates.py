"""The gates of the traffic switches, checked against the live account or site before a switch is set.

- `dnsAuthority`: the new zone answers every record of the current DNS (the zone file) the same way, asked at one
  of its nameservers (before the registrar hands them the domain); on CloudFront, the certificate is ISSUED.
- `staticPath`: the asset bucket holds every file the old server serves under the static path, so the bucket never
  answers 403 for a file the site uses: given a copy of the old server's static folder, with the same content
  (SHA-256, as `rollout sync static` compares); given a manifest of paths (`find static -type f` on the old
  server), at least present.
- `originToLoadBalancer`: every target group of the load balancer has targets, and every target is healthy.

Read-only: DNS queries to the given nameserver, S3 HeadObject, ELB and ACM describe calls. Each check says what
it looked at, so a failing gate names what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

SWITCHES = ("dnsAuthority", "staticPath", "originToLoadBalancer")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True)
class GateResult:
    switch: str
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def to_json(self) -> dict[str, Any]:
        return {"switch": self.switch, "ok": self.ok, "checks": [c.to_json() for c in self.checks]}


# --- dnsAuthority ---------------------------------------------------------------------------------------------


def expected_answers(text: str, zone: str, skip_names: Iterable[str] = (), source: str = "zone file"
                     ) -> dict[tuple[str, str], set[str]]:
    """(name, type) → the normalised answers of a BIND zone file, as a nameserver's answers are normalised; the
    apex SOA and NS (the new DNS host's own) and the address records of `skip_names` (replaced by the site record)
    are left out. Parsed with dnspython, like the program's import, but independently of it."""
    import dns.exception
    import dns.name
    import dns.rdatatype
    import dns.zone

    from rollout.errors import UserError

    skip = {n.lower().rstrip(".") for n in skip_names if n}
    try:
        parsed = dns.zone.from_text(text, origin=dns.name.from_text(zone), relativize=False, check_origin=False)
    except (dns.exception.DNSException, ValueError) as error:
        raise UserError(f"{source}: not a BIND zone file for {zone}: {error}") from None
    expected: dict[tuple[str, str], set[str]] = {}
    for name, node in parsed.nodes.items():
        owner = name.to_text(omit_final_dot=True).lower()
        for rdataset in node.rdatasets:
            kind = dns.rdatatype.to_text(rdataset.rdtype)
            if kind == "SOA" or (kind == "NS" and owner == zone) or (owner in skip and kind in ("A", "AAAA", "CNAME")):
                continue
            expected.setdefault((owner, kind), set()).update(_normalise_rdata(kind, rdata) for rdata in rdataset)
    return expected


def _normalise_rdata(kind: str, rdata: Any) -> str:
    if kind in ("CNAME", "NS"):
        return rdata.target.to_text(omit_final_dot=True).lower()
    if kind == "MX":
        return f"{rdata.preference} {rdata.exchange.to_text(omit_final_dot=True).lower()}"
    if kind == "SRV":
        return f"{rdata.priority} {rdata.weight} {rdata.port} {rdata.target.to_text(omit_final_dot=True).lower()}"
    if kind == "TXT":
        return "".join(s.decode() for s in rdata.strings)
    if kind == "CAA":
        return f"{rdata.flags} {rdata.tag.decode()} {rdata.value.decode()}"
    return rdata.to_text().lower()


def query(nameserver: str, port: int, name: str, kind: str, timeout: float) -> set[str] | None:
    """The answers of `nameserver` for (name, kind), authoritative data only; None when it does not answer."""
    import dns.exception
    import dns.message
    import dns.query
    import dns.rcode
    import dns.rdatatype

    request = dns.message.make_query(name, kind)
    request.flags &= ~0x0100  # RD off: ask the zone itself, not a resolver's view of it
    try:
        response = dns.query.udp(request, nameserver, port=port, timeout=timeout)
        if response.flags & 0x0200:  # TC: truncated, ask again over TCP
            response = dns.query.tcp(request, nameserver, port=port, timeout=timeout)
    except (dns.exception.DNSException, OSError):
        return None
    if response.rcode() not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
        return None
    rdtype = dns.rdatatype.from_text(kind)
    answers: set[str] = set()
    for rrset in [*response.answer, *(response.authority if kind == "NS" else [])]:
        if rrset.rdtype == rdtype and rrset.name.to_text(omit_final_dot=True).lower() == name:
            answers.update(_normalise_rdata(kind, rdata) for rdata in rrset)
    return answers


def dns_gate(expected_by_name: dict[tuple[str, str], set[str]], nameserver: str, *, port: int = 53,
             timeout: float = 3.0, certificate: Check | None = None) -> GateResult:
    """Every (name, type) of the zone file answered identically by `nameserver` (plus the certificate check)."""
    checks: list[Check] = []
    for (name, kind), expected in sorted(expected_by_name.items()):
        got = query(nameserver, port, name, kind, timeout)
        what = f"{name} {kind}"
        if got is None:
            checks.append(Check(what, False, f"{nameserver} did not answer"))
        elif expected - got:
            checks.append(Check(what, False, f"missing {sorted(expected - got)}; {nameserver} answers {sorted(got)}"))
        else:
            checks.append(Check(what, True, f"{len(expected)} answer(s) as in the zone file"))
    if certificate is not None:
        checks.append(certificate)
    return GateResult("dnsAuthority", tuple(checks))


COMMON_NAMES = ("", "www", "mail")
"""Labels checked against the current DNS (with the site's own name): where a stale export hurts first."""


def export_checks(expected_by_name: dict[tuple[str, str], set[str]], nameserver: str, zone: str, site: str, *,
                  port: int = 53, timeout: float = 3.0) -> list[Check]:
    """The zone file is the current DNS: for the apex, common names and the site, the current nameserver answers
    what the file says (an export taken before a change would lose that change)."""
    names = {f"{label}.{zone}" if label else zone for label in COMMON_NAMES} | {site}
    checks = []
    for (name, kind), expected in sorted(expected_by_name.items()):
        if name not in names:
            continue
        got = query(nameserver, port, name, kind, timeout)
        what = f"zone file current: {name} {kind}"
        if got is None:
            checks.append(Check(what, False, f"{nameserver} did not answer"))
        elif got != expected:
            checks.append(Check(what, False, f"the current DNS answers {sorted(got)}, the file {sorted(expected)}: "
                                             "export it again"))
        else:
            checks.append(Check(what, True, "as the current DNS answers"))
    return checks


def certificate_check(acm: Any, arn: str) -> Check:
    """ACM must have issued the certificate before the distribution can answer for the domain."""
    from botocore.exceptions import ClientError

    try:
        status = acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"]
    except ClientError as error:
        return Check(f"certificate {arn}", False, f"cannot be read: {error.response['Error']['Code']}")
    return Check(f"certificate {arn}", status == "ISSUED",
                 "issued" if status == "ISSUED" else f"status {status}: create the validation record first")


# --- staticPath -----------------------------------------------------------------------------------------------


def read_manifest(text: str, path_prefix: str) -> list[str]:
    """Object keys from a manifest: one URL path (or key) per line under the static path; # comments allowed."""
    keys = []
    prefix = path_prefix.rstrip("*")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        path = line if line.startswith("/") else f"/{line}"
        if not path.startswith(prefix):
            path = prefix.rstrip("/") + path
        keys.append(path.lstrip("/"))
    return keys


def static_gate(s3: Any, bucket: str, keys: Sequence[str]) -> GateResult:
    """Every key of the manifest is in the bucket (HeadObject); an empty manifest fails (nothing was checked)."""
    from botocore.exceptions import ClientError

    if not keys:
        return GateResult("staticPath", (Check("manifest", False, "lists no files: nothing was checked"),))
    missing = []
    for key in keys:
        try:
            s3.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code not in ("404", "NoSuchKey", "NotFound", "403"):
                raise
            missing.append(key)
    checks = [Check(f"s3://{bucket}", not missing,
                    f"all {len(keys)} files present" if not missing else
                    f"{len(missing)} of {len(keys)} missing, e.g. {', '.join(missing[:5])}")]
    return GateResult("staticPath", tuple(checks))


def static_content_gate(s3: Any, bucket: str, folder: Any, path_pattern: str) -> GateResult:
    """Every file of the folder (a copy of what the old server serves under the static path) is in the bucket
    with the same content: missing, different and unverifiable files (no checksum to compare) each fail, so the
    switch never serves an old or absent file. The comparison is `rollout sync static`'s own."""
    from rollout.analysis.static_files import compare, key_prefix, scan_folder
    from rollout.errors import UserError
    from rollout.live.sync import bucket_listing

    if not folder.is_dir():
        raise UserError(f"--folder {folder}: not a directory")
    prefix = key_prefix(path_pattern)
    local = scan_folder(folder, prefix)
    if not local:
        return GateResult("staticPath", (Check(str(folder), False, "holds no files: nothing was checked"),))
    plan = compare(local, bucket_listing(s3, bucket, prefix, local))
    unverified = [f.key for f in plan.unverified]
    checks = [
        Check(f"s3://{bucket}: present", not plan.missing, f"all {len(local)} files present" if not plan.missing
              else f"{len(plan.missing)} of {len(local)} missing, e.g. {', '.join(plan.missing[:5])}"),
        Check(f"s3://{bucket}: same content", not plan.different and not unverified,
              "every file has the same SHA-256" if not plan.different and not unverified else
              "; ".join(part for part in (
                  f"{len(plan.different)} differ, e.g. {', '.join(plan.different[:5])}" if plan.different else "",
                  f"{len(unverified)} cannot be compared (no SHA-256; upload with `rollout sync static`), e.g. "
                  f"{', '.join(unverified[:5])}" if unverified else "") if part)),
    ]
    return GateResult("staticPath", tuple(checks))


# --- originToLoadBalancer -------------------------------------------------------------------------------------


def targets_gate(elbv2: Any, load_balancer: str) -> GateResult:
    """Every target group of the load balancer (by name or ARN) has targets, all healthy."""
    if load_balancer.startswith("arn:"):
        balancers = elbv2.describe_load_balancers(LoadBalancerArns=[load_balancer])["LoadBalancers"]
    else:
        balancers = elbv2.describe_load_balancers(Names=[load_balancer])["LoadBalancers"]
    arn = balancers[0]["LoadBalancerArn"]
    groups = elbv2.describe_target_groups(LoadBalancerArn=arn)["TargetGroups"]
    if not groups:
        return GateResult("originToLoadBalancer", (Check(load_balancer, False, "has no target groups"),))
    checks = []
    for group in groups:
        health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
        states = [h["TargetHealth"]["State"] for h in health]
        unhealthy = [f"{h['Target']['Id']} {h['TargetHealth']['State']}" for h in health
                     if h["TargetHealth"]["State"] != "healthy"]
        ok = bool(states) and not unhealthy
        detail = ("no targets registered" if not states else
                  f"all {len(states)} targets healthy" if ok else f"not healthy: {', '.join(unhealthy)}")
        checks.append(Check(f"target group {group['TargetGroupName']}", ok, detail))
    return GateResult("originToLoadBalancer", tuple(checks))


# --- one switch of one stack ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateInputs:
    """What `rollout gate` was given besides the stack (each switch needs some of it)."""

    nameserver: str | None = None
    current_nameserver: str | None = None
    zone_file: str | None = None
    certificate_arn: str | None = None
    bucket: str | None = None
    manifest: str | None = None
    folder: str | None = None
    load_balancer: str | None = None
    timeout: float = 3.0


def site_settings(stack_file: Any) -> dict[str, Any]:
    """The stack's `sme-rollout:*` settings the gates read (site, cdn, staticAssets)."""
    values = stack_file.namespace("sme-rollout")
    return {key: values.get(key) or {} for key in ("site", "cdn", "staticAssets")}


def zone_of(site: dict[str, Any]) -> str:
    """The site's zone as the program decides it: zoneDomain, else the registrable domain by the public suffix
    list (publicsuffixlist's bundled copy)."""
    if site.get("zoneDomain"):
        return str(site["zoneDomain"]).lower().rstrip(".")
    from publicsuffixlist import PublicSuffixList

    domain = str(site.get("domain", "")).lower().rstrip(".")
    return PublicSuffixList().privatesuffix(domain) or domain


def run_gate(stack_file: Any, switch: str, given: GateInputs, session: Any = None) -> GateResult:
    """The gate of `switch` for the stack, with `session` (boto3) for the AWS checks. Raises UserError for what is
    missing to check it, and for AWS refusing (no credentials, access denied, an unknown load balancer)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from rollout.errors import UserError

    try:
        return _run_gate(stack_file, switch, given, session)
    except ClientError as error:
        details = error.response.get("Error", {})
        raise UserError(f"AWS: {details.get('Code')}: {details.get('Message')}") from None
    except BotoCoreError as error:
        raise UserError(f"AWS: {error}") from None


def _run_gate(stack_file: Any, switch: str, given: GateInputs, session: Any) -> GateResult:
    from pathlib import Path

    from rollout.errors import UserError

    settings = site_settings(stack_file)
    site, cdn = settings["site"], settings["cdn"]
    if switch == "dnsAuthority":
        certificate = None
        if given.certificate_arn:
            certificate = certificate_check(_client(session, "acm", "us-east-1"), given.certificate_arn)
        zone_file = given.zone_file or cdn.get("zoneFile")
        if not zone_file:
            if certificate is not None:
                return GateResult(switch, (certificate,))
            raise UserError("--zone-file: give the zone-file export of the current DNS (or set cdn.zoneFile)")
        if not given.nameserver:
            raise UserError("--nameserver: give one of the new zone's nameservers (stack output `nameservers`), "
                            "HOST or HOST:PORT")
        path = Path(zone_file)
        if not path.is_absolute() and given.zone_file is None:
            path = stack_file.project.directory / path  # cdn.zoneFile is relative to the project
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UserError(f"{path}: cannot read the zone file ({error})") from None
        zone = zone_of(site)
        expected = expected_answers(text, zone, [site.get("domain")], str(path))
        host, port = _host_port(given.nameserver)
        result = dns_gate(expected, host, port=port, timeout=given.timeout, certificate=certificate)
        if given.current_nameserver:
            current_host, current_port = _host_port(given.current_nameserver)
            with_site = expected_answers(text, zone, (), str(path))
            result = GateResult(result.switch, (*export_checks(
                with_site, current_host, zone, str(site.get("domain", "")), port=current_port,
                timeout=given.timeout), *result.checks))
        return result
    if switch == "staticPath":
        if not given.bucket or not (given.manifest or given.folder):
            raise UserError("--bucket and --folder (or --manifest): give the asset bucket (stack output "
                            "`assetsBucketName`) and a copy of the old server's static folder (or the list of files "
                            "it serves under the static path)")
        pattern = settings["staticAssets"].get("pathPattern") or "/static/*"
        s3 = _client(session, "s3")
        checks: tuple[Check, ...] = ()
        if given.folder:
            checks += static_content_gate(s3, given.bucket, Path(given.folder), pattern).checks
        if given.manifest:
            try:
                text = Path(given.manifest).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise UserError(f"--manifest {given.manifest}: cannot read it ({error})") from None
            checks += static_gate(s3, given.bucket, read_manifest(text, pattern)).checks
        return GateResult(switch, checks)
    if switch == "originToLoadBalancer":
        if not given.load_balancer:
            raise UserError("--load-balancer: give the load balancer's name or ARN")
        return targets_gate(_client(session, "elbv2"), given.load_balancer)
    raise UserError(f"--switch: {switch!r} is not one of {', '.join(SWITCHES)}")


def _client(session: Any, service: str, region: str | None = None) -> Any:
    from rollout.live.session import client_config

    return session.client(service, region_name=region, config=client_config()) if region else \
        session.client(service, config=client_config())


def _host_port(text: str) -> tuple[str, int]:
    """HOST, HOST:PORT or [IPv6]:PORT; a hostname is resolved to an address (dnspython queries addresses)."""
    import socket

    from rollout.errors import UserError

    host, port = text, 53
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else 53
    elif text.count(":") == 1:
        host, _, tail = text.partition(":")
        if not tail.isdigit():
            raise UserError(f"--nameserver {text}: the port must be a number")
        port = int(tail)
    try:
        address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0][4][0]
    except (socket.gaierror, UnicodeError):
        raise UserError(f"--nameserver {text}: cannot resolve {host}") from None
    return address, port
