"""The audit's collector for the VPC network: VPCs, subnets, flow logs, security groups (the VPC and EC2 network
controls), and which of them AWS created by default."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from policies.core import Subject
from rollout.live.audit.reading import Collection, Reader, subject, tags

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
NETWORK_ACL = "aws:ec2/networkAcl:NetworkAcl"
NETWORK_TYPES = (VPC, SUBNET, FLOW_LOG, SECURITY_GROUP, DEFAULT_SECURITY_GROUP, NETWORK_ACL)
TYPES = NETWORK_TYPES


def security_group_arn(region: str, account: str, group_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account}:security-group/{group_id}"


def vpc_arn(region: str, account: str, vpc_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account}:vpc/{vpc_id}"


def _rules(permissions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """EC2 IpPermissions as aws.ec2.SecurityGroup ingress/egress blocks: one block per source, since AWS keeps a
    description per CIDR, prefix list or group."""
    rules: list[dict[str, Any]] = []
    for permission in permissions:
        base = {"protocol": permission.get("IpProtocol"), "fromPort": permission.get("FromPort"),
                "toPort": permission.get("ToPort")}
        for source, key, prop in (("IpRanges", "CidrIp", "cidrBlocks"), ("Ipv6Ranges", "CidrIpv6", "ipv6CidrBlocks"),
                                  ("UserIdGroupPairs", "GroupId", "securityGroups"),
                                  ("PrefixListIds", "PrefixListId", "prefixListIds")):
            for entry in permission.get(source) or []:
                rules.append({**base, prop: [entry.get(key)], "description": entry.get("Description") or None})
    return rules


def normalize_security_group(group: Mapping[str, Any], account: str, region: str) -> Subject:
    """A security group; the VPC's `default` group becomes an aws.ec2.DefaultSecurityGroup joined to its VPC."""
    default = group.get("GroupName") == "default"
    props = {"name": group.get("GroupName"), "description": group.get("Description"), "vpcId": group.get("VpcId"),
             "ingress": _rules(group.get("IpPermissions") or []),
             "egress": _rules(group.get("IpPermissionsEgress") or [])}
    deps = {"vpcId": [vpc_arn(region, account, group["VpcId"])]} if group.get("VpcId") else None
    return subject(DEFAULT_SECURITY_GROUP if default else SECURITY_GROUP, f"{group['GroupName']} ({group['GroupId']})",
                    security_group_arn(region, account, group["GroupId"]), props, deps)


def normalize_flow_log(flow_log: Mapping[str, Any], account: str, region: str) -> Subject:
    resource = str(flow_log.get("ResourceId", ""))
    props = {"vpcId": resource if resource.startswith("vpc-") else None,
             "trafficType": flow_log.get("TrafficType"), "logDestinationType": flow_log.get("LogDestinationType")}
    deps = {"vpcId": [vpc_arn(region, account, resource)]} if resource.startswith("vpc-") else None
    return subject(FLOW_LOG, flow_log["FlowLogId"],
                    f"arn:aws:ec2:{region}:{account}:vpc-flow-log/{flow_log['FlowLogId']}", props, deps)


def normalize_network_acl(acl: Mapping[str, Any], account: str, region: str) -> Subject | None:
    """A network ACL of one's own as aws.ec2.NetworkAcl, its subnets those of its associations (a subnet is always
    associated with exactly one ACL: creating an ACL associates none). The VPC's default ACL is
    aws.ec2.DefaultNetworkAcl, which no control judges: None."""
    if acl.get("IsDefault"):
        return None
    subnets = sorted({a["SubnetId"] for a in acl.get("Associations") or [] if a.get("SubnetId")})
    props = {"vpcId": acl.get("VpcId"), "subnetIds": subnets, "tags": tags(acl.get("Tags"))}
    deps = {"subnetIds": [f"arn:aws:ec2:{region}:{account}:subnet/{s}" for s in subnets]} if subnets else None
    acl_id = acl["NetworkAclId"]
    return subject(NETWORK_ACL, acl_id, f"arn:aws:ec2:{region}:{account}:network-acl/{acl_id}", props, deps)


def collect_network(reader: Reader, out: Collection) -> None:
    with out.attempt("ec2 network", NETWORK_TYPES) as found:
        for vpc in reader.items("ec2", "describe_vpcs", "Vpcs[]"):
            found.append(subject(VPC, vpc["VpcId"], vpc_arn(reader.region, reader.account, vpc["VpcId"]),
                                  {"cidrBlock": vpc.get("CidrBlock"), "isDefault": vpc.get("IsDefault")}))
        for subnet in reader.items("ec2", "describe_subnets", "Subnets[]"):
            found.append(subject(SUBNET, subnet["SubnetId"], subnet.get("SubnetArn") or
                                  f"arn:aws:ec2:{reader.region}:{reader.account}:subnet/{subnet['SubnetId']}",
                                  {"vpcId": subnet.get("VpcId"), "cidrBlock": subnet.get("CidrBlock"),
                                   "mapPublicIpOnLaunch": subnet.get("MapPublicIpOnLaunch"),
                                   "defaultForAz": subnet.get("DefaultForAz")}))
        for flow_log in reader.items("ec2", "describe_flow_logs", "FlowLogs[]"):
            found.append(normalize_flow_log(flow_log, reader.account, reader.region))
        for group in reader.items("ec2", "describe_security_groups", "SecurityGroups[]"):
            found.append(normalize_security_group(group, reader.account, reader.region))
        for acl in reader.items("ec2", "describe_network_acls", "NetworkAcls[]"):
            if (normalized := normalize_network_acl(acl, reader.account, reader.region)) is not None:
                found.append(normalized)


def deployed(subjects: Sequence[Subject]) -> list[Subject]:
    """The subjects that someone deployed: all but AWS's default VPC, its default subnets and its default group
    (which every region has, and which the network controls still judge)."""
    default_vpcs = {s.name for s in subjects if s.type == VPC and s.props.get("isDefault") is True}

    def aws_default(subject: Subject) -> bool:
        if subject.type == VPC:
            return subject.name in default_vpcs
        if subject.type == SUBNET:
            return subject.props.get("vpcId") in default_vpcs and subject.props.get("defaultForAz") is True
        if subject.type == DEFAULT_SECURITY_GROUP:
            return subject.props.get("vpcId") in default_vpcs
        return False

    return [s for s in subjects if not aws_default(s)]
