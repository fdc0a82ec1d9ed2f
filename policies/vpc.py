"""VPC network controls: security groups open to the world, the default security group, port 80 without a redirect,
descriptions, groups nothing uses, flow logs, subnets that hand out public IPs, network ACLs no subnet uses, route
tables managed both inline and by route resources (SG-01..05, VPC-01..04).

Security group rules come in three shapes in pulumi-aws v7, all read here: inline `ingress` blocks of
aws.ec2.SecurityGroup (fromPort, toPort, protocol, cidrBlocks, ipv6CidrBlocks), aws.ec2.SecurityGroupRule
(type=ingress, the same fields) and aws.vpc.SecurityGroupIngressRule (cidrIpv4, cidrIpv6, ipProtocol, fromPort,
toPort). Protocol "-1" (or "all") means every protocol and port.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policies._helpers import each, get, items, of_type, refers_to, to_int, truthy
from policies.core import Control, Enforcement, Severity, Subject

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
SUBNET = "aws:ec2/subnet:Subnet"
NETWORK_ACL = "aws:ec2/networkAcl:NetworkAcl"
NETWORK_ACL_ASSOCIATION = "aws:ec2/networkAclAssociation:NetworkAclAssociation"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
ALB_LOAD_BALANCER = "aws:alb/loadBalancer:LoadBalancer"
ALB_LISTENER = "aws:alb/listener:Listener"
WORLD = ("0.0.0.0/0", "::/0")
# Remote administration, databases, caches, search and file shares that must never face the internet: SSH, Telnet,
# RDP, SMB, MySQL/MariaDB/Aurora, PostgreSQL, SQL Server, Oracle, Redshift, Redis/Valkey, Memcached, MongoDB,
# Elasticsearch/OpenSearch, NFS/EFS, Docker API (FSBP EC2.19's high-risk list, narrowed to what is never public).
DEFAULT_PORTS = [22, 23, 3389, 445, 3306, 5432, 1433, 1521, 5439, 6379, 11211, 27017, 9200, 9300, 2049, 2375, 2376]
_ALL_PROTOCOLS = ("-1", "all")


@dataclass(frozen=True)
class Ingress:
    """One ingress permission, whatever resource shape it came from."""

    where: str
    protocol: str
    low: int | None
    high: int | None
    sources: tuple[str, ...]

    def all_ports(self) -> bool:
        if self.protocol in _ALL_PROTOCOLS:
            return True
        if self.protocol not in ("tcp", "6", "udp", "17"):
            return False
        # -1 on a TCP/UDP rule means no port restriction; 0-65535 is every port
        return self.low == -1 or self.high == -1 or ((self.low or 0) <= 0 and (self.high or 0) >= 65535)

    def covers(self, port: int) -> bool:
        if self.all_ports():
            return True
        if self.protocol not in ("tcp", "6", "udp", "17"):
            return False  # ICMP types are not ports
        return self.low is not None and self.high is not None and self.low <= port <= self.high

    def from_world(self) -> list[str]:
        return [s for s in self.sources if s in WORLD]

    def port_zero(self) -> bool:
        """TCP/UDP 0-0: AWS opens port 0 only, where no service listens. from_port=0/to_port=0 means every port
        with protocol -1 (Terraform's and pulumi-aws's idiom), so on tcp/udp it is a mistyped all-ports rule, which
        Checkov CKV_AWS_24/25/260 read as all ports: harmless to refuse when it faces the world."""
        return self.protocol in ("tcp", "6", "udp", "17") and self.low == 0 and self.high == 0


def _protocol(value: Any) -> str:
    return str(value if value is not None else "").lower()


def ingress_of(subject: Subject) -> list[Ingress]:
    """The ingress permissions a security group or rule resource carries."""
    props = subject.props
    if subject.type in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
        return [Ingress(f"ingress[{i}]", _protocol(get(rule, "protocol")), to_int(get(rule, "fromPort")),
                        to_int(get(rule, "toPort")),
                        tuple(str(c) for c in items(get(rule, "cidrBlocks")) + items(get(rule, "ipv6CidrBlocks"))))
                for i, rule in enumerate(items(get(props, "ingress")))]
    if subject.type == SECURITY_GROUP_RULE:
        if get(props, "type") != "ingress":
            return []
        return [Ingress("rule", _protocol(get(props, "protocol")), to_int(get(props, "fromPort")),
                        to_int(get(props, "toPort")),
                        tuple(str(c) for c in items(get(props, "cidrBlocks")) + items(get(props, "ipv6CidrBlocks"))))]
    if subject.type == INGRESS_RULE:
        sources = tuple(str(c) for c in (get(props, "cidrIpv4"), get(props, "cidrIpv6")) if c is not None)
        return [Ingress("rule", _protocol(get(props, "ipProtocol")), to_int(get(props, "fromPort")),
                        to_int(get(props, "toPort")), sources)]
    return []


def _ports_text(rule: Ingress) -> str:
    if rule.all_ports():
        return "all ports"
    return f"port {rule.low}" if rule.low == rule.high else f"ports {rule.low}-{rule.high}"


def no_world_admin_ports(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    ports = [int(p) for p in (cfg.get("ports") or DEFAULT_PORTS)]
    for rule in ingress_of(subject):
        world = rule.from_world()
        if not world:
            continue
        if rule.all_ports():
            yield f"{rule.where} opens all ports ({rule.protocol}) to {', '.join(world)}"
            continue
        if rule.port_zero():
            yield (f"{rule.where} opens {rule.protocol} 0-0 to {', '.join(world)}: port 0, where nothing listens, "
                   "so most likely meant as all ports (0-0 is every port only with protocol -1); open only the port "
                   "needed")
            continue
        exposed = [p for p in ports if rule.covers(p)]
        if exposed:
            yield f"{rule.where} opens {', '.join(map(str, exposed))} to {', '.join(world)} ({_ports_text(rule)})"


def default_group_closed(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    defaults = of_type(subjects, DEFAULT_SECURITY_GROUP)
    rule_resources = of_type(subjects, SECURITY_GROUP_RULE, INGRESS_RULE, EGRESS_RULE)

    def rules_of(group: Subject) -> list[str]:
        """Why the default group allows something: inline rules, or rule resources attached to it."""
        found = [f"{prop} rules" for prop in ("ingress", "egress") if items(get(group.props, prop))]
        found += [f"rule {r.name}" for r in rule_resources
                  if group.urn in r.property_dependencies.get("securityGroupId", ())]
        return found

    def check_vpc(vpc: Subject) -> Iterator[str]:
        adopted = [d for d in defaults if vpc.urn in d.property_dependencies.get("vpcId", ())]
        if not adopted:
            yield ("the VPC's default security group keeps AWS's allow-within-group rules; adopt it with "
                   "aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id, ingress=[], egress=[])")
        for group in adopted:
            rules = rules_of(group)
            if rules:
                yield f"the VPC's default security group {group.name} has {', '.join(rules)}; it must allow nothing"

    def check_default(group: Subject) -> Iterator[str]:
        for rule in rules_of(group):
            yield f"the default security group has {rule}; it must allow nothing"

    yield from each(subjects, [VPC], check_vpc)
    yield from each(subjects, [DEFAULT_SECURITY_GROUP], check_default)


def _group_of(rule: Subject, groups: Sequence[Subject]) -> Subject | None:
    deps = set(rule.property_dependencies.get("securityGroupId", ()))
    return next((g for g in groups if g.urn in deps), None)


def _redirects_port_80(group: Subject, subjects: Sequence[Subject]) -> bool:
    """The group fronts a load balancer whose port-80 listeners all redirect to HTTPS (and it has at least one)."""
    balancers = [lb for lb in of_type(subjects, LOAD_BALANCER, ALB_LOAD_BALANCER)
                 if group.urn in lb.property_dependencies.get("securityGroups", ())]
    if not balancers:
        return False
    for balancer in balancers:
        listeners = [listener for listener in of_type(subjects, LISTENER, ALB_LISTENER)
                     if balancer.urn in listener.property_dependencies.get("loadBalancerArn", ())
                     and to_int(get(listener.props, "port")) == 80]
        if not listeners:
            return False
        for listener in listeners:
            actions = items(get(listener.props, "defaultActions"))
            if len(actions) != 1 or get(actions[0], "type") != "redirect" \
                    or str(get(actions[0], "redirect", "protocol", default="")).upper() != "HTTPS":
                return False
    return True


def port_80_redirects(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    groups = of_type(subjects, SECURITY_GROUP)

    def check(subject: Subject) -> Iterator[str]:
        open_80 = [r for r in ingress_of(subject) if r.from_world() and (r.covers(80) or r.port_zero())]
        if not open_80:
            return
        group = subject if subject.type == SECURITY_GROUP else _group_of(subject, groups)
        if group is not None and _redirects_port_80(group, subjects):
            return
        for rule in open_80:
            what = "port 80" if rule.covers(80) else f"{rule.protocol} 0-0 (a mistyped all-ports rule, port 80 too)"
            yield (f"{rule.where} opens {what} to {', '.join(rule.from_world())} but no load balancer of this group "
                   "redirects it to HTTPS (plain HTTP reaches the target)")

    yield from each(subjects, [SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE], check)


def described(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
        if subject.type == SECURITY_GROUP and not get(subject.props, "description"):
            yield "has no description (AWS sets 'Managed by Pulumi')"
        for prop in ("ingress", "egress"):
            for index, rule in enumerate(items(get(subject.props, prop))):
                if not get(rule, "description"):
                    yield f"{prop}[{index}] has no description"
        return
    if not get(subject.props, "description"):
        yield "rule has no description"


def flow_logs(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    logs = of_type(subjects, FLOW_LOG)

    def check(vpc: Subject) -> Iterator[str]:
        if not any(vpc.urn in log.property_dependencies.get("vpcId", ()) for log in logs):
            yield "has no aws.ec2.FlowLog (vpc_id=vpc.id): rejected and accepted traffic is not recorded"

    yield from each(subjects, [VPC], check)


def no_public_ip_on_launch(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if truthy(get(subject.props, "mapPublicIpOnLaunch")):
        yield "mapPublicIpOnLaunch is true (every instance launched here gets a public IP)"


# Resources that name a group without attaching it: the group itself and rules (a rule's referencedSecurityGroupId
# or an inline ingress[].securityGroups entry lets the group's members in, it does not put anything in the group).
_NOT_ATTACHING = (SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE, EGRESS_RULE, DEFAULT_SECURITY_GROUP)


def groups_attached(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    attaching = [s for s in subjects if s.type not in _NOT_ATTACHING]

    def check(group: Subject) -> Iterator[str]:
        if not group.urn.startswith("urn:pulumi:"):
            return  # read from a live account: attachments are on network interfaces, not in the program
        if any(group.urn in urns for s in attaching for urns in s.property_dependencies.values()):
            return
        yield ("is attached to nothing in the program (no instance, launch template, load balancer, database, cache, "
               "endpoint or other resource takes it): a leftover, or a group attached by hand outside the code")

    yield from each(subjects, [SECURITY_GROUP], check)


def acls_attached(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    associations = of_type(subjects, NETWORK_ACL_ASSOCIATION)

    def check(acl: Subject) -> Iterator[str]:
        if acl.property_dependencies.get("subnetIds") or items(get(acl.props, "subnetIds")):
            return
        if any(acl.urn in a.property_dependencies.get("networkAclId", ()) for a in associations):
            return
        yield ("applies to no subnet (no subnetIds, no NetworkAclAssociation): its rules protect nothing and the "
               "subnets keep the default network ACL, which allows all traffic")

    yield from each(subjects, [NETWORK_ACL], check)


def routes_one_way(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    routes = of_type(subjects, ROUTE)

    def check(table: Subject) -> Iterator[str]:
        if "routes" not in table.props:  # left out: the provider manages none of the table's routes inline
            return
        separate = sorted(r.name for r in routes if refers_to(r, "routeTableId", table, "id"))
        if separate:
            yield (f"sets inline routes and has separate aws.ec2.Route resources ({', '.join(separate)}): once a "
                   "refresh reads those routes into the table, the next update removes them (the inline list is "
                   "the whole set)")

    yield from each(subjects, [ROUTE_TABLE], check)


_RULE_TYPES = (SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE, DEFAULT_SECURITY_GROUP)
CONTROLS = (
    Control(
        id="SG-01", title="No security group opens admin, database or cache ports to the world",
        severity=Severity.CRITICAL, resource_types=_RULE_TYPES, check=no_world_admin_ports,
        config_defaults={"ports": DEFAULT_PORTS}, waivable=False,
        description="No ingress from 0.0.0.0/0 or ::/0 on SSH, RDP, database, cache, search or file-share ports "
                    "(config ports), nor on all ports (protocol -1 or 0-65535); read on inline ingress blocks, "
                    "SecurityGroupRule and vpc.SecurityGroupIngressRule. A range covering a listed port counts; "
                    "TCP -1 counts as all ports, and a world-open TCP/UDP 0-0 fails too: AWS opens port 0 only, "
                    "where nothing listens, so it is a mistyped all-ports rule (0-0 is every port only with "
                    "protocol -1). Differences from Checkov CKV_AWS_24/25/277: a rule with no source at all (no "
                    "CIDR, prefix list or group) opens nothing here, and a world CIDR fails even when the rule also "
                    "sets self.",
        remediation="Reach instances with SSM Session Manager instead of SSH/RDP; let only the app's security group "
                    "reach the database and cache (referenced_security_group_id).",
        sources=("FSBP EC2.13", "FSBP EC2.14", "FSBP EC2.18", "FSBP EC2.19", "FSBP EC2.53", "FSBP EC2.54",
                 "CIS 5.2", "CIS 5.3", "CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277", "AwsSolutions-EC23"),
    ),
    Control(
        id="SG-02", title="The default security group allows nothing", severity=Severity.HIGH,
        resource_types=(VPC, DEFAULT_SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE, EGRESS_RULE),
        check=default_group_closed, stack=True,
        description="Every VPC of the stack adopts its default security group with an aws.ec2.DefaultSecurityGroup "
                    "(joined through vpcId) that has no ingress and no egress rules, inline or as separate rule "
                    "resources joined through securityGroupId, so nothing uses it by accident.",
        remediation="Add aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id, ingress=[], egress=[]).",
        sources=("FSBP EC2.2", "CIS 5.4", "CKV2_AWS_12"),
    ),
    Control(
        id="SG-03", title="Port 80 open to the world only in front of an HTTPS redirect", severity=Severity.MEDIUM,
        resource_types=(SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE, LOAD_BALANCER, LISTENER),
        check=port_80_redirects, stack=True,
        description="Ingress from 0.0.0.0/0 or ::/0 on port 80 is accepted only on a security group of a load "
                    "balancer (joined through securityGroups) whose port-80 listeners all redirect to HTTPS. "
                    "A world-open TCP/UDP 0-0 counts (a mistyped all-ports rule, as SG-01 reads it). Checkov "
                    "CKV_AWS_260 fails every world-open port 80, redirect or not, and rules without any source "
                    "(which open nothing).",
        remediation="Open port 80 only on the ALB's group and give it a listener redirecting to HTTPS (ALB-01).",
        sources=("CKV_AWS_260",),
    ),
    Control(
        id="SG-04", title="Security groups and rules say why they exist", severity=Severity.LOW,
        resource_types=(SECURITY_GROUP, DEFAULT_SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE, EGRESS_RULE),
        check=described, enforcement=Enforcement.ADVISORY,
        description="Every security group and rule has a description, so a reviewer can tell an intended opening "
                    "from a leftover.",
        remediation="Set description on the group and on each ingress/egress rule.",
        sources=("CKV_AWS_23",),
    ),
    Control(
        id="VPC-01", title="VPC flow logs are on", severity=Severity.MEDIUM, resource_types=(VPC, FLOW_LOG),
        check=flow_logs, stack=True,
        description="Each VPC has a FlowLog whose vpcId was computed from it.",
        remediation="Add aws.ec2.FlowLog(vpc_id=vpc.id, traffic_type='ALL', ...) to CloudWatch Logs or S3.",
        sources=("FSBP EC2.6", "CIS 3.7", "CKV2_AWS_11", "AwsSolutions-VPC7"),
    ),
    Control(
        id="VPC-02", title="Subnets do not assign public IPs", severity=Severity.MEDIUM, resource_types=(SUBNET,),
        check=no_public_ip_on_launch,
        description="mapPublicIpOnLaunch gives every instance a public address; load balancers and NAT gateways "
                    "do not need it.",
        remediation="Set map_public_ip_on_launch=False (the default) on every subnet.",
        sources=("FSBP EC2.15", "CKV_AWS_130"),
        enforcement=Enforcement.MANDATORY,
    ),
    Control(
        id="SG-05", title="Security groups are attached to something", severity=Severity.LOW,
        resource_types=(SECURITY_GROUP,), check=groups_attached, stack=True, enforcement=Enforcement.ADVISORY,
        description="A security group no resource of the program takes (through any property computed from it: "
                    "vpcSecurityGroupIds, securityGroups, networkInterfaces[].securityGroups, securityGroupIds...) is "
                    "a leftover whose rules nobody reviews, or one attached by hand outside the code. Rules and "
                    "other groups that only reference it do not count. Groups read from a live account by "
                    "`rollout audit` are not judged (their attachments are network interfaces). Checkov CKV2_AWS_5 "
                    "counts a fixed list of resource types; any resource type counts here.",
        remediation="Attach the group where it is meant to apply, or delete it.",
        sources=("CKV2_AWS_5", "FSBP EC2.22"),
    ),
    Control(
        id="VPC-03", title="Network ACLs apply to subnets", severity=Severity.LOW,
        resource_types=(NETWORK_ACL, NETWORK_ACL_ASSOCIATION), check=acls_attached, stack=True,
        enforcement=Enforcement.ADVISORY,
        description="An aws.ec2.NetworkAcl with no subnetIds and no aws.ec2.NetworkAclAssociation (joined through "
                    "networkAclId) filters nothing: its subnets stay on the VPC's default ACL. The default ACL "
                    "(aws.ec2.DefaultNetworkAcl) is not judged. Checkov CKV2_AWS_1 also passes an ACL that shares "
                    "its VPC with any subnet.",
        remediation="Set subnetIds on the ACL (or add NetworkAclAssociation resources), or remove it.",
        sources=("CKV2_AWS_1", "FSBP EC2.16"),
    ),
    Control(
        id="VPC-04", title="Route tables take their routes one way", severity=Severity.HIGH,
        resource_types=(ROUTE_TABLE, ROUTE), check=routes_one_way, stack=True, enforcement=Enforcement.ADVISORY,
        description="pulumi-aws (aws.ec2.RouteTable): 'you cannot use a Route Table with in-line routes in "
                    "conjunction with any Route resources. Doing so will cause a conflict of rule settings and will "
                    "overwrite rules.' An inline `routes` list (an empty one too: 'to remove all managed routes an "
                    "empty list should be specified') is the table's whole set: after a refresh reads a separate "
                    "route (a VPC peering or VPN route to the old server) into the table, the next update deletes "
                    "it, and the traffic it carried stops. A table without `routes` manages none inline.",
        remediation="Leave `routes` out of the table and create every route as an aws.ec2.Route (or put them all "
                    "inline).",
        sources=("https://www.pulumi.com/registry/packages/aws/api-docs/ec2/routetable/",),
    ),
)
