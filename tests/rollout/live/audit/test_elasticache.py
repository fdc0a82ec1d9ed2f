"""The ElastiCache collector: replication groups."""

from __future__ import annotations

from rollout.live.audit import elasticache
from tests.rollout import audit_fixtures as fx


def test_a_hand_made_plaintext_cache_is_found(aws):
    def drift(account):
        account.client("elasticache").create_replication_group(
            ReplicationGroupId="legacy-cache", ReplicationGroupDescription="hand-made", Engine="redis",
            CacheNodeType="cache.t4g.micro", NumCacheClusters=1)

    added, _ = fx.drift_adds((fx.build_cache,), drift)
    assert added == {("EC-01", "legacy-cache"), ("EC-02", "legacy-cache"), ("EC-03", "legacy-cache"),
                     ("EC-04", "legacy-cache"), ("EC-05", "legacy-cache")}


def test_minor_upgrades_and_subnet_group_are_read_from_the_group_and_its_members():
    group = {"ReplicationGroupId": "g", "ARN": "arn:aws:elasticache:r:1:replicationgroup:g",
             "MemberClusters": ["g-001", "g-002"], "AutoMinorVersionUpgrade": False}
    members = {"g-001": {"CacheSubnetGroupName": "shop-cache-subnets",
                         "SecurityGroups": [{"SecurityGroupId": "sg-1", "Status": "active"}]}}
    subject = elasticache.normalize_replication_group(group, members, "1", "r")
    props = subject.props
    assert props["autoMinorVersionUpgrade"] is False and props["subnetGroupName"] == "shop-cache-subnets"
    assert list(props["securityGroupIds"]) == ["sg-1"]
    assert subject.property_dependencies["securityGroupIds"] == ["arn:aws:ec2:r:1:security-group/sg-1"]
    # ElastiCache's own default subnet group is what an unset subnetGroupName gives
    default = elasticache.normalize_replication_group(group, {"g-002": {"CacheSubnetGroupName": "default"}})
    assert "subnetGroupName" not in default.props and "securityGroupIds" not in default.property_dependencies


def test_a_group_whose_members_were_not_listed_has_an_unknown_subnet_group(aws):
    fx.account_with(fx.build_cache)
    result = fx.run()
    ec07 = [f for f in result.findings if f.control == "EC-07"]
    assert [(f.name, f.status) for f in ec07] == [("shop-cache", "unknown")]  # moto lists no member clusters


def _group(name: str, upgrades: bool) -> dict:
    return {"ReplicationGroupId": name, "Description": name, "Status": "available",
            "MemberClusters": [f"{name}-001", f"{name}-002"],
            "AutomaticFailover": "enabled", "MultiAZ": "enabled", "SnapshotRetentionLimit": 3, "ClusterEnabled": False,
            "AuthTokenEnabled": True, "TransitEncryptionEnabled": True, "AtRestEncryptionEnabled": True,
            "AutoMinorVersionUpgrade": upgrades,
            "ARN": f"arn:aws:elasticache:{fx.REGION}:{fx.ACCOUNT}:replicationgroup:{name}"}


def _cluster(name: str, subnet_group: str, group_id: str, member: str = "001") -> dict:
    return {"CacheClusterId": f"{name}-{member}", "ReplicationGroupId": name, "Engine": "redis",
            "CacheSubnetGroupName": subnet_group, "SecurityGroups": [{"SecurityGroupId": group_id, "Status": "active"}]}


def test_members_give_the_subnet_group_and_security_groups_of_each_group(aws):
    """moto 5.2.5 creates no member clusters for a replication group (DescribeCacheClusters is empty), so the
    ElastiCache answers come from a botocore Stubber in AWS's response shape; every other service is moto's."""
    from botocore.stub import Stubber

    from policies.network import reach
    from rollout.live.session import open_session

    account = fx.account_with()
    ec2 = account.client("ec2")
    vpc = next(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault"))
    cache_sg = ec2.create_security_group(GroupName="shop-cache", Description="cache", VpcId=vpc)["GroupId"]
    session = open_session()
    client = session.client("elasticache", region_name=fx.REGION)
    stub = Stubber(client)
    stub.add_response("describe_cache_clusters", {"CacheClusters": [
        *(_cluster("shop-cache", "shop-cache-subnets", cache_sg, m) for m in ("001", "002")),
        _cluster("legacy-cache", "default", cache_sg)]})
    stub.add_response("describe_replication_groups", {"ReplicationGroups": [
        _group("shop-cache", True), _group("legacy-cache", False)]})
    with stub:
        result = fx.run(session, clients={"elasticache": client})
    ec = {(f.control, f.name) for f in result.findings if f.control.startswith("EC-")}
    assert ec == {("EC-06", "legacy-cache"), ("EC-07", "legacy-cache")}  # shop-cache passes both
    group_urn = f"arn:aws:ec2:{fx.REGION}:{fx.ACCOUNT}:security-group/{cache_sg}"
    caches = {n.label: group_urn in n.groups for n in reach(result.subjects).nodes.values() if n.kind == "cache"}
    assert caches == {"cache shop-cache": True, "cache legacy-cache": True}  # joined, as RDS's groups are
