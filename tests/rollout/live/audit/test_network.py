"""The network collector: VPCs, subnets, flow logs and security groups, and AWS's own defaults."""

from __future__ import annotations

from policies._helpers import plain
from rollout.live.audit import network
from tests.rollout import audit_fixtures as fx


def test_network_drifts_are_found_on_security_groups_vpcs_and_subnets(aws):
    account = fx.account_with(fx.build_web_tier)
    baseline = fx.violations(fx.run())
    ec2 = account.client("ec2")
    ssh = ec2.create_security_group(GroupName="shop-admin", Description="admin access",
                                    VpcId=account.vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}]}])
    default = fx.default_group(account, account.vpc_id)
    ec2.authorize_security_group_ingress(GroupId=default["GroupId"], IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "https inside"}]}])
    subnet = next(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == account.vpc_id)
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    flow_logs = [f for f in ec2.describe_flow_logs()["FlowLogs"] if f["ResourceId"] == account.vpc_id]
    ec2.delete_flow_logs(FlowLogIds=[f["FlowLogId"] for f in flow_logs])

    result = fx.run()

    assert fx.violations(result) - baseline == {
        ("SG-01", f"shop-admin ({ssh})"),
        ("SG-04", f"shop-admin ({ssh})"),  # the all-traffic egress rule AWS adds to a new group has no description
        ("SG-02", f"default ({default['GroupId']})"), ("SG-02", account.vpc_id),
        ("VPC-01", account.vpc_id), ("VPC-02", subnet)}
    assert all(f.urn.startswith("arn:aws:ec2:") for f in result.findings if f.control.startswith(("SG-", "VPC-")))


def test_security_group_rules_become_one_block_per_source():
    group = network.normalize_security_group({
        "GroupId": "sg-1", "GroupName": "web", "Description": "web", "VpcId": "vpc-1",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                           "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "world"}, {"CidrIp": "10.0.0.0/8"}],
                           "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "UserIdGroupPairs": [{"GroupId": "sg-2"}]}],
        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}, "123456789012", "r")
    ingress = plain(group.props["ingress"])
    assert [(r["cidrBlocks"] if "cidrBlocks" in r else r.get("ipv6CidrBlocks") or r.get("securityGroups"))
            for r in ingress] == [["0.0.0.0/0"], ["10.0.0.0/8"], ["::/0"], ["sg-2"]]
    assert ingress[0]["description"] == "world" and ingress[1].get("description") is None
    assert group.type == network.SECURITY_GROUP and group.urn.endswith(":security-group/sg-1")


def test_only_what_someone_deployed_counts_as_deployed():
    from policies.core import Subject

    default_vpc = Subject.of(network.VPC, "vpc-d", "arn:d", {"isDefault": True})
    own_vpc = Subject.of(network.VPC, "vpc-o", "arn:o", {"isDefault": False})
    default_subnet = Subject.of(network.SUBNET, "s-d", "arn:sd", {"vpcId": "vpc-d", "defaultForAz": True})
    assert network.deployed([default_vpc, default_subnet, own_vpc]) == [own_vpc]


def test_a_network_acl_on_no_subnet_is_found_and_one_on_a_subnet_passes(aws):
    found = {}

    def drift(account):
        ec2 = account.client("ec2")
        subnet = next(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == account.vpc_id)
        applied = ec2.create_network_acl(VpcId=account.vpc_id)["NetworkAcl"]["NetworkAclId"]
        current = next(a["NetworkAclAssociationId"] for acl in ec2.describe_network_acls()["NetworkAcls"]
                       for a in acl.get("Associations", []) if a["SubnetId"] == subnet)
        ec2.replace_network_acl_association(AssociationId=current, NetworkAclId=applied)
        found["applied"] = applied
        found["idle"] = ec2.create_network_acl(VpcId=account.vpc_id)["NetworkAcl"]["NetworkAclId"]

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    assert added == {("VPC-03", found["idle"])}  # the default ACLs are aws.ec2.DefaultNetworkAcl, not judged


def test_network_acl_subnets_are_its_associations_and_the_default_acl_is_left_out():
    acl = network.normalize_network_acl({"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": False,
                                         "Associations": [{"SubnetId": "subnet-2"}, {"SubnetId": "subnet-1"}]},
                                        "1", "r")
    assert acl.type == network.NETWORK_ACL and list(acl.props["subnetIds"]) == ["subnet-1", "subnet-2"]
    assert acl.property_dependencies["subnetIds"] == ["arn:aws:ec2:r:1:subnet/subnet-1",
                                                      "arn:aws:ec2:r:1:subnet/subnet-2"]
    assert network.normalize_network_acl({"NetworkAclId": "acl-0", "IsDefault": True}, "1", "r") is None
