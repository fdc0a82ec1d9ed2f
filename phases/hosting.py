"""Where the application runs at each phase, and how it reaches each data service: pure decisions from
`sme-rollout:app` (phases.config.AppConfig), used by the phases (what to build when), the stack outputs (the plan
says which phase moves the app) and docs/journey.md.

The rule: a phase builds a data service only when the application can use it at that phase. A service the app
cannot reach yet is deferred to the phase that makes it reachable (the phase the app moves onto the web tier),
never built to sit idle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from phases.config import AppConfig

if TYPE_CHECKING:
    from phases.config import StackConfig

SERVICES: dict[str, int] = {"cache": 2, "database": 3, "uploads": 3, "queues": 4}
"""The data services the app calls, and the phase that adds them when the app can reach them."""
PRIVATE = frozenset({"cache", "database"})
"""Reachable only from inside the VPC (or a network joined to it: peering, VPN)."""

Where = Literal["old server (outside AWS)", "old server (EC2 in this account)", "web tier"]


@dataclass(frozen=True)
class Access:
    """How the app reaches one service at one phase."""

    service: str
    phase: int
    path: str
    """in-vpc | peering | vpn | iam-role | deferred | absent"""
    note: str


def runs_on(app: AppConfig, phase: int) -> Where:
    """Where the app serves requests from at `phase`."""
    if phase >= app.moves_at:
        return "web tier"
    return "old server (EC2 in this account)" if app.hosting == "ec2-in-account" else "old server (outside AWS)"


def service_phase(app: AppConfig, service: str) -> int:
    """The phase that builds `service`: its own phase, or the phase the app moves if it cannot reach it before."""
    natural = SERVICES[service]
    if app.hosting != "external":
        return natural  # in the account: peering (or the web tier) reaches everything from the start
    if service in PRIVATE and app.private_access == "vpn":
        return natural
    # an external server has no AWS identity for IAM-authenticated queues (and no network path to private data
    # services without the VPN): long-lived access keys on a server outside AWS are what we do not hand out
    return max(natural, app.moves_at)


def vpn_built(app: AppConfig, phase: int) -> bool:
    """The site-to-site VPN exists from phase 2 until (and after) the move: cut it over with the origin switch."""
    return app.hosting == "external" and app.private_access == "vpn" and phase >= 2


def peering_built(app: AppConfig, phase: int) -> bool:
    return app.hosting == "ec2-in-account" and phase >= 2


def access(app: AppConfig, service: str, phase: int) -> Access:
    """How the app reaches `service` at `phase` (absent before the phase that adds it, deferred if postponed)."""
    built_at = service_phase(app, service)
    if phase < SERVICES[service]:
        return Access(service, phase, "absent", f"added in phase {built_at}")
    if phase < built_at:
        return Access(service, phase, "deferred", f"deferred to phase {built_at}, when the app moves onto the "
                                                  f"web tier: the old server could not use it")
    where = runs_on(app, phase)
    if where == "web tier":
        if service in PRIVATE:
            return Access(service, phase, "in-vpc", "from the service's instances (app security group), TLS")
        return Access(service, phase, "iam-role", _iam_note(service, "the service's instance role"))
    if app.hosting == "ec2-in-account":
        if service in PRIVATE:
            return Access(service, phase, "peering", "over VPC peering; its security group is admitted, TLS")
        return Access(service, phase, "iam-role", _iam_note(service, "its existing instance role (inline policy, "
                                                                     "no restart)"))
    rtt = f"~{app.round_trip_ms} ms" if app.round_trip_ms else "the measured server-to-region round trip"
    return Access(service, phase, "vpn", f"over the site-to-site VPN: every call pays {rtt}; batch and pipeline "
                                         f"calls, keep hot data in process")


def _iam_note(service: str, who: str) -> str:
    if service == "queues":
        return f"public SQS endpoint; {who} assumes the queue's producer/consumer role"
    return f"public S3 endpoint (the VPC's gateway endpoint from the web tier); {who} may read and write it"


def plan(app: AppConfig, up_to: int) -> dict[str, object]:
    """The hosting plan as a stack output: where the app runs at each phase and how it reaches each service."""
    return {
        "hosting": app.hosting,
        "movesToWebTierAtPhase": app.moves_at,
        "phases": {str(n): {"appRunsOn": runs_on(app, n),
                            "services": {s: {"path": a.path, "note": a.note}
                                         for s in SERVICES for a in [access(app, s, n)]}}
                   for n in range(1, up_to + 1)},
    }


def table(app: AppConfig) -> list[list[str]]:
    """Rows phase × (where the app runs, cache, database, queues) for docs and reports."""
    rows = []
    for n in range(1, 7):
        row = [str(n), runs_on(app, n)]
        for service in SERVICES:
            found = access(app, service, n)
            row.append("—" if found.path == "absent" else
                       f"deferred → {service_phase(app, service)}" if found.path == "deferred" else found.path)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Egress:
    """Something in the private subnets that needs the internet (through the NAT gateways) from `phase`."""

    phase: int
    who: str
    why: str


def egress_needs(config: StackConfig) -> tuple[Egress, ...]:
    """What in the private subnets needs a way out to the internet, and from which phase, sorted by phase.

    The VPC has no interface endpoints for the AWS APIs the instances call (only the S3 gateway endpoint and, from
    phase 5, Grafana's inbound endpoint), so every AWS call but S3 leaves through the NAT gateways too. Not here,
    because they never leave the VPC or leave it another way: the cache and the database (AWS manages their
    patching, backups, Secrets Manager rotation and monitoring outside the VPC), S3 (the gateway endpoint), the
    old server (its own network: VPC peering and the site-to-site VPN carry only the two private ranges, and AWS
    routes no traffic from them through our NAT), Managed Grafana and Prometheus (the workspace queries CloudWatch
    and Prometheus from AWS's network: the VPC endpoint only lets clients in), the queues (SQS is called by the old
    server or by the web tier, counted below). Nothing runs a Lambda function in the VPC.
    """
    needs = [Egress(config.app.moves_at, "web tier",
                    "its instances boot from the internet: dnf packages, the ECR image, the SSM parameter, Secrets "
                    "Manager, CloudWatch Logs; the app then calls SQS and other APIs")]
    if config.database.migrate_from is not None:
        needs.append(Egress(service_phase(config.app, "database"), "database migration (DMS)",
                            "the replication instance reaches the source database over the internet (its firewall "
                            "admits the NAT addresses, output migrationSourceAllowlist) and reads the source secret "
                            "from Secrets Manager"))
    return tuple(sorted(needs, key=lambda need: need.phase))


def egress_phase(config: StackConfig) -> int:
    """The first phase whose private subnets need the internet: the NAT gateways (and the private route tables'
    0.0.0.0/0 route) exist from it, not from phase 2 where the VPC is built."""
    return egress_needs(config)[0].phase
