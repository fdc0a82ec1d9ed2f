"""Network reachability, offline, for any program: who can open a connection to what, from the resources alone
(NET-01, NET-02), and the engine `rollout reach` prints.

From security groups (inline `ingress`/`egress`, `aws:vpc` ingress/egress rule resources, `aws:ec2` security
group rules; sources by CIDR, by referenced group, by prefix list, `self`; a CIDR inside Cloudflare's published edge
ranges, `components/data/cloudflare-ips.json`, admits the CDN, not the internet), what carries which group (load
balancers, launch templates and instances, ElastiCache groups and clusters, RDS instances, interface VPC
endpoints), exposure (`internal` load balancers, `publiclyAccessible`, public IPs) and the links into the VPC (a
peering connection with routes to the peer's range, a site-to-site VPN with propagated or static routes), and
subnets: a load balancer or database whose subnets are all in the program and none routes 0.0.0.0/0 to an internet
gateway is not reachable from the internet, whatever its scheme or flag.

A reference to another resource is resolved through the property dependencies Pulumi records for that input (the
inventory holds no ids of resources not yet created); a literal `sg-...` id names a group outside the program: with
a peering connection, that is the peered server's. Known limits: network ACLs are not read (they rarely narrow
security groups in these programs); ports are reported, not matched against listeners; IPv6 is treated like IPv4.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policies.core import Control, Enforcement, Severity, Subject

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
EC2_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"
CACHES = ("aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster")
DATABASES = ("aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance")
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
VPN_CONNECTION = "aws:ec2/vpnConnection:VpnConnection"
VPN_ROUTE = "aws:ec2/vpnConnectionRoute:VpnConnectionRoute"
VPN_PROPAGATION = "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
DB_SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
CDNS = ("aws:cloudfront/distribution:Distribution", "cloudflare:index/zone:Zone")
_LITERAL_GROUP = re.compile(r"sg-[0-9a-f]{8,17}")
DATA_STORES = frozenset({"cache", "database"})


@dataclass(frozen=True)
class Node:
    key: str
    kind: str
    """internet | cdn | old-server | load-balancer | service | cache | database | endpoint"""
    label: str
    subject: Subject | None = None
    groups: frozenset[str] = frozenset()
    public: bool = False
    addresses: tuple[str, ...] = ()
    linked: bool = True
    """For the old server: a route from our VPC reaches it (peering or VPN)."""


@dataclass(frozen=True)
class Rule:
    group: str
    direction: str
    ports: str
    cidrs: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    prefix_lists: tuple[str, ...] = ()
    self_ref: bool = False


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    ports: tuple[str, ...]
    via: str


@dataclass
class Reach:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def sources_of(self, target: str) -> set[str]:
        return {e.source for e in self.edges if e.target == target}

    def targets_of(self, source: str) -> set[str]:
        return {e.target for e in self.edges if e.source == source}

    def to_json(self) -> dict[str, Any]:
        return {"nodes": [{"key": n.key, "kind": n.kind, "label": n.label} for n in self.nodes.values()],
                "edges": [{"from": e.source, "to": e.target, "ports": list(e.ports), "via": e.via}
                          for e in self.edges]}


def _get(props: Mapping[str, Any], key: str, default: Any = None) -> Any:
    try:
        value = props.get(key, default)
    except Exception:  # an unknown value at preview: treated as absent
        return default
    return default if value is None else value


def _plain(value: Any) -> Any:
    try:
        if isinstance(value, Mapping):
            return {k: _plain(v) for k, v in value.items()}
        if isinstance(value, Sequence) and not isinstance(value, str):
            return [_plain(v) for v in value]
    except Exception:
        return None
    return value


def _refs(subject: Subject, key: str, types: Sequence[str], by_urn: Mapping[str, Subject]) -> set[str]:
    """Groups (or other resources) an input refers to: URNs of the right type among its property dependencies,
    and literal ids written in the value."""
    found = {u for u in subject.property_dependencies.get(key, ()) if u in by_urn and by_urn[u].type in types}
    found |= set(_literals(_plain(_get(subject.props, key))))
    return found


def _literals(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if _LITERAL_GROUP.fullmatch(value):
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _literals(item)
    elif isinstance(value, list):
        for item in value:
            yield from _literals(item)


def _ports(protocol: Any, low: Any, high: Any) -> str:
    protocol = str(protocol if protocol is not None else "-1")
    if protocol in ("-1", "all"):
        return "all"
    return f"{protocol}/{low}" if low == high else f"{protocol}/{low}-{high}"


def rules(subjects: Sequence[Subject], by_urn: Mapping[str, Subject]) -> list[Rule]:
    found: list[Rule] = []
    for subject in subjects:
        props = subject.props
        if subject.type == SECURITY_GROUP:
            for direction in ("ingress", "egress"):
                deps = [u for u in subject.property_dependencies.get(direction, ())
                        if u in by_urn and by_urn[u].type == SECURITY_GROUP]
                for entry in _plain(_get(props, direction, [])) or []:
                    named = [g for g in entry.get("securityGroups") or [] if isinstance(g, str)]
                    groups = tuple(g for g in named if _LITERAL_GROUP.fullmatch(g)) + (tuple(deps) if any(
                        not _LITERAL_GROUP.fullmatch(g) for g in named) else ())
                    found.append(Rule(subject.urn, direction, _ports(entry.get("protocol"), entry.get("fromPort"),
                                                                     entry.get("toPort")),
                                      tuple((entry.get("cidrBlocks") or []) + (entry.get("ipv6CidrBlocks") or [])),
                                      groups, tuple(entry.get("prefixListIds") or []), bool(entry.get("self"))))
        elif subject.type in (INGRESS_RULE, EGRESS_RULE):
            direction = "ingress" if subject.type == INGRESS_RULE else "egress"
            for group in _refs(subject, "securityGroupId", [SECURITY_GROUP], by_urn):
                cidrs = tuple(c for c in (_get(props, "cidrIpv4"), _get(props, "cidrIpv6")) if c)
                found.append(Rule(group, direction, _ports(_get(props, "ipProtocol"), _get(props, "fromPort"),
                                                           _get(props, "toPort")), cidrs,
                                  tuple(_refs(subject, "referencedSecurityGroupId", [SECURITY_GROUP], by_urn)),
                                  tuple(p for p in [_get(props, "prefixListId")] if p)))
        elif subject.type == EC2_RULE:
            for group in _refs(subject, "securityGroupId", [SECURITY_GROUP], by_urn):
                found.append(Rule(group, str(_get(props, "type", "ingress")),
                                  _ports(_get(props, "protocol"), _get(props, "fromPort"), _get(props, "toPort")),
                                  tuple(_plain(_get(props, "cidrBlocks", [])) or []) + tuple(
                                      _plain(_get(props, "ipv6CidrBlocks", [])) or []),
                                  tuple(_refs(subject, "sourceSecurityGroupId", [SECURITY_GROUP], by_urn)),
                                  tuple(_plain(_get(props, "prefixListIds", [])) or []), bool(_get(props, "self"))))
    return found


def _vpc_cidrs(subjects: Sequence[Subject]) -> list[str]:
    return [c for s in subjects if s.type == VPC for c in [_get(s.props, "cidrBlock")] if isinstance(c, str)]


def public_subnets(subjects: Sequence[Subject], by_urn: Mapping[str, Subject]) -> set[str]:
    """Subnets whose route table sends 0.0.0.0/0 to an internet gateway (inline routes or route resources)."""
    def deps_of(subject: Subject, key: str, kind: str) -> set[str]:
        return {u for u in subject.property_dependencies.get(key, ()) if u in by_urn and by_urn[u].type == kind}

    to_internet: set[str] = set()
    for subject in subjects:
        if subject.type == ROUTE_TABLE and deps_of(subject, "routes", INTERNET_GATEWAY):
            routes = _plain(_get(subject.props, "routes", [])) or []
            if any(r.get("cidrBlock") in ("0.0.0.0/0", "::/0") or r.get("ipv6CidrBlock") == "::/0" for r in routes):
                to_internet.add(subject.urn)
        elif subject.type == ROUTE and deps_of(subject, "gatewayId", INTERNET_GATEWAY) and _get(
                subject.props, "destinationCidrBlock") in ("0.0.0.0/0", None):
            to_internet |= deps_of(subject, "routeTableId", ROUTE_TABLE)
    return {u for s in subjects if s.type == ROUTE_TABLE_ASSOCIATION and deps_of(s, "routeTableId", ROUTE_TABLE)
            & to_internet for u in deps_of(s, "subnetId", SUBNET)}


def _in_public_subnet(subject: Subject, keys: Sequence[str], by_urn: Mapping[str, Subject], public: set[str]) -> bool:
    """False only when every subnet the resource uses is in the program and none routes to the internet."""
    subnets: set[str] = set()
    for key in keys:
        for urn in subject.property_dependencies.get(key, ()):
            target = by_urn.get(urn)
            if target is None:
                continue
            if target.type == SUBNET:
                subnets.add(urn)
            elif target.type == DB_SUBNET_GROUP:
                subnets |= {u for u in target.property_dependencies.get("subnetIds", ())
                            if u in by_urn and by_urn[u].type == SUBNET}
    literal = [v for key in keys for v in _plain(_get(subject.props, key, [])) or []
               if isinstance(v, str) and v.startswith("subnet-")]
    if not subnets or literal:
        return True  # subnets outside the program (or none named): the scheme or flag decides
    return bool(subnets & public)


def nodes(subjects: Sequence[Subject], by_urn: Mapping[str, Subject], found_rules: Sequence[Rule]) -> dict[str, Node]:
    result: dict[str, Node] = {"internet": Node("internet", "internet", "internet", public=True)}
    if any(s.type in CDNS for s in subjects):
        result["cdn"] = Node("cdn", "cdn", "CDN", public=True)
    managed = {s.urn for s in subjects if s.type == SECURITY_GROUP}
    routed = public_subnets(subjects, by_urn)
    outside = frozenset(g for r in found_rules for g in r.groups if g not in managed)
    for subject in subjects:
        props = subject.props
        if subject.type == PEERING:
            routes = [s for s in subjects if s.type == ROUTE and subject.urn in s.property_dependencies.get(
                "vpcPeeringConnectionId", ())]
            cidrs = tuple(sorted({c for r in routes for c in [_get(r.props, "destinationCidrBlock")] if c}))
            ours = set(_vpc_cidrs(subjects))
            theirs = tuple(c for c in cidrs if c not in ours)
            result[f"old-server:{subject.name}"] = Node(
                f"old-server:{subject.name}", "old-server", f"old server (peered VPC {_get(props, 'peerVpcId')})",
                subject, outside, addresses=theirs, linked=bool(theirs))
        elif subject.type == VPN_CONNECTION:
            routes = [s for s in subjects if s.type == VPN_ROUTE and subject.urn in s.property_dependencies.get(
                "vpnConnectionId", ())]
            cidrs = {c for r in routes for c in [_get(r.props, "destinationCidrBlock")] if c}
            local = _get(props, "localIpv4NetworkCidr")
            if local:
                cidrs.add(local)
            gateways = subject.property_dependencies.get("vpnGatewayId", ())
            propagated = any(s.type == VPN_PROPAGATION and set(s.property_dependencies.get("vpnGatewayId", ())) &
                             set(gateways) for s in subjects)
            result[f"old-server:{subject.name}"] = Node(
                f"old-server:{subject.name}", "old-server", f"old server ({', '.join(sorted(cidrs))} via VPN)",
                subject, addresses=tuple(sorted(cidrs)), linked=propagated and bool(cidrs))
        elif subject.type in LOAD_BALANCERS:
            result[subject.urn] = Node(subject.urn, "load-balancer", f"load balancer {subject.name}", subject,
                                       frozenset(_refs(subject, "securityGroups", [SECURITY_GROUP], by_urn)),
                                       public=not bool(_get(props, "internal", False)) and _in_public_subnet(
                                           subject, ("subnets", "subnetMappings"), by_urn, routed))
        elif subject.type in (LAUNCH_TEMPLATE, INSTANCE):
            key = "networkInterfaces" if subject.type == LAUNCH_TEMPLATE else "vpcSecurityGroupIds"
            groups = _refs(subject, key, [SECURITY_GROUP], by_urn) | _refs(
                subject, "vpcSecurityGroupIds", [SECURITY_GROUP], by_urn)
            interfaces = _plain(_get(props, "networkInterfaces", [])) or [{}]
            public = str(interfaces[0].get("associatePublicIpAddress", "")).lower() == "true" or bool(
                _get(props, "associatePublicIpAddress", False))
            result[subject.urn] = Node(subject.urn, "service", f"instances of {_service(subject)}", subject,
                                       frozenset(groups), public=public)
        elif subject.type in CACHES:
            result[subject.urn] = Node(subject.urn, "cache", f"cache {subject.name}", subject,
                                       frozenset(_refs(subject, "securityGroupIds", [SECURITY_GROUP], by_urn)))
        elif subject.type in DATABASES:
            result[subject.urn] = Node(subject.urn, "database", f"database {subject.name}", subject,
                                       frozenset(_refs(subject, "vpcSecurityGroupIds", [SECURITY_GROUP], by_urn)),
                                       public=bool(_get(props, "publiclyAccessible", False)) and _in_public_subnet(
                                           subject, ("dbSubnetGroupName",), by_urn, routed))
        elif subject.type == VPC_ENDPOINT and _get(props, "vpcEndpointType") == "Interface":
            result[subject.urn] = Node(subject.urn, "endpoint", f"endpoint {_get(props, 'serviceName', subject.name)}",
                                       subject, frozenset(_refs(subject, "securityGroupIds", [SECURITY_GROUP], by_urn)))
    return result


def _service(subject: Subject) -> str:
    for spec in _plain(_get(subject.props, "tagSpecifications", [])) or []:
        service = (spec.get("tags") or {}).get("Service")
        if service:
            return str(service)
    return subject.name


def _covers(cidr: str, addresses: Sequence[str]) -> bool:
    try:
        network = ipaddress.ip_network(cidr, strict=False)
        return any(ipaddress.ip_network(a, strict=False).version == network.version and
                   ipaddress.ip_network(a, strict=False).subnet_of(network) for a in addresses)
    except ValueError:
        return False


def _public(cidr: str) -> bool:
    """A CIDR that admits addresses on the internet (0.0.0.0/0, ::/0 or any public range)."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return network.prefixlen == 0 or not network.is_private


@functools.cache
def _cdn_ranges() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Cloudflare's published edge ranges, as shipped (dated) in `components/data/cloudflare-ips.json`."""
    path = Path(__file__).resolve().parents[1] / "components" / "data" / "cloudflare-ips.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    return tuple(ipaddress.ip_network(c) for c in [*data.get("ipv4", []), *data.get("ipv6", [])])


def _cdn_range(cidr: str) -> bool:
    """A CIDR inside Cloudflare's published edge ranges: it admits the CDN, not the whole internet."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return any(network.version == r.version and network.subnet_of(r) for r in _cdn_ranges())  # type: ignore[arg-type]


def _admits(rule: Rule, source: Node, vpc_cidrs: Sequence[str]) -> str | None:
    """How `rule` admits `source`, or None."""
    if source.kind in ("internet", "cdn"):
        if any(_public(c) and not _cdn_range(c) for c in rule.cidrs):
            return "public CIDR"
        if source.kind == "cdn" and any(_cdn_range(c) for c in rule.cidrs):
            return "CDN ranges"
        if source.kind == "cdn" and rule.prefix_lists:
            return "prefix list"
        return None
    if source.kind == "old-server":
        if set(rule.groups) & source.groups:
            return "security group (peered)"
        if any(_covers(c, source.addresses) for c in rule.cidrs):
            return "CIDR (VPN/peering)"
        return None
    if set(rule.groups) & source.groups:
        return "security group"
    if rule.self_ref and rule.group in source.groups:
        return "self"
    if any(_covers(v, [c]) or _covers(c, [v]) for c in rule.cidrs for v in vpc_cidrs) or any(
            ipaddress.ip_network(c, strict=False).prefixlen == 0 for c in rule.cidrs if _valid(c)):
        return "CIDR"
    return None


def _valid(cidr: str) -> bool:
    try:
        ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return True


def _egress_allows(source: Node, target: Node, found: Sequence[Rule], vpc_cidrs: Sequence[str]) -> bool:
    if source.kind in ("internet", "cdn", "old-server"):
        return True
    for rule in found:
        if rule.direction != "egress" or rule.group not in source.groups:
            continue
        if set(rule.groups) & target.groups or any(_valid(c) and ipaddress.ip_network(c, strict=False).prefixlen == 0
                                                   for c in rule.cidrs):
            return True
        if any(_covers(c, [v]) or _covers(v, [c]) for c in rule.cidrs for v in vpc_cidrs):
            return True
    return False


def reach(subjects: Sequence[Subject]) -> Reach:
    """Every (source, target) pair where the source can open a connection to the target."""
    by_urn = {s.urn: s for s in subjects}
    found = rules(subjects, by_urn)
    graph = Reach(nodes(subjects, by_urn, found))
    vpc_cidrs = _vpc_cidrs(subjects)
    targets = [n for n in graph.nodes.values() if n.kind not in ("internet", "cdn", "old-server")]
    for source in graph.nodes.values():
        if source.kind == "old-server" and not source.linked:
            continue
        for target in targets:
            if target.key == source.key:
                continue
            if source.kind in ("internet", "cdn") and not target.public:
                continue
            ports, via = set(), set()
            for rule in found:
                if rule.direction != "ingress" or rule.group not in target.groups:
                    continue
                how = _admits(rule, source, vpc_cidrs)
                if how:
                    ports.add(rule.ports)
                    via.add(how)
            if ports and _egress_allows(source, target, found, vpc_cidrs):
                graph.edges.append(Edge(source.key, target.key, tuple(sorted(ports)), ", ".join(sorted(via))))
    return graph


# --- controls -----------------------------------------------------------------------------------------------------

def no_internet_path_to_data_stores(
    subjects: Sequence[Subject], _cfg: Mapping[str, Any]
) -> Iterator[tuple[Subject, str]]:
    graph = reach(subjects)
    for edge in graph.edges:
        target = graph.nodes[edge.target]
        if edge.source in ("internet", "cdn") and target.kind in DATA_STORES and target.subject is not None:
            yield target.subject, f"reachable from the {edge.source} on {', '.join(edge.ports)} ({edge.via})"


def origin_only_from_cdn(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, str]]:
    graph = reach(subjects)
    if "cdn" not in graph.nodes:
        return
    for edge in graph.edges:
        target = graph.nodes[edge.target]
        if edge.source == "internet" and target.kind in ("load-balancer", "service") and target.subject is not None:
            yield (
                target.subject,
                (
                    f"the origin accepts {', '.join(edge.ports)} from the whole internet, not only "
                    f"the CDN: admit the CDN's ranges (CloudFront's origin-facing prefix list, "
                    f"Cloudflare's published IP ranges) instead of 0.0.0.0/0"
                ),
            )


_TYPES = (
    SECURITY_GROUP,
    INGRESS_RULE,
    EGRESS_RULE,
    EC2_RULE,
    *LOAD_BALANCERS,
    LAUNCH_TEMPLATE,
    INSTANCE,
    *CACHES,
    *DATABASES,
    VPC_ENDPOINT,
    PEERING,
    ROUTE,
    VPN_CONNECTION,
    VPN_ROUTE,
    VPN_PROPAGATION,
    VPC,
    *CDNS,
    SUBNET,
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    INTERNET_GATEWAY,
    DB_SUBNET_GROUP,
)
CONTROLS = (
    Control(
        id="NET-01",
        title="No network path from the internet to a data store",
        severity=Severity.CRITICAL,
        resource_types=_TYPES,
        check=no_internet_path_to_data_stores,
        stack=True,
        waivable=False,
        description="From the security groups, their rules and what carries them: no cache or database may accept "
        "connections from the internet or the CDN (a public CIDR on a publicly reachable store).",
        remediation="Admit only the application's security group on the store's port; keep it private "
        "(publicly_accessible false, private subnets).",
        sources=("FSBP EC2.19", "FSBP RDS.2", "CIS 5.2"),
    ),
    Control(
        id="NET-02",
        title="The origin is reachable only from the CDN",
        severity=Severity.MEDIUM,
        resource_types=_TYPES,
        check=origin_only_from_cdn,
        stack=True,
        enforcement=Enforcement.ADVISORY,
        description="When a CDN fronts the site, an internet-facing load balancer (or instance) must not accept "
        "connections from the whole internet: attackers bypass the CDN's WAF and cache.",
        remediation="On the load balancer's security group, replace 0.0.0.0/0 with CloudFront's origin-facing "
        "managed prefix list or Cloudflare's IP ranges.",
        sources=("AWS WAF: protect origins behind CloudFront", "Cloudflare: allowlist Cloudflare IPs"),
    ),
)
