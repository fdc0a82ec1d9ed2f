"""Cache: TLS required, encrypted, IAM-authenticated RBAC users, failover with 2+ nodes, only clients may connect."""

import json

import pytest
from pydantic import ValidationError

from components.cache import Cache, CacheArgs, rbac_id

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
NETWORK = {"vpc_id": "vpc-1", "subnet_ids": ["subnet-a", "subnet-b"]}


def _build(synth, stack="dev", **args):
    def program():
        import pulumi

        cache = Cache("cache", CacheArgs(**{**NETWORK, **args}))
        pulumi.export("primary", cache.primary_endpoint)
        pulumi.export("reader", cache.reader_endpoint)
        pulumi.export("user", cache.user_name)

    return synth(program, stack=stack)


def _one(inventory, type_):
    (resource,) = inventory.of_type(type_)
    return resource


@pytest.fixture(scope="module")
def ha():
    from rollout.runtime.synth import synthesize_function

    def program():
        Cache("cache", CacheArgs(**NETWORK, nodes=2, client_security_group_ids=["sg-app", "sg-worker"],
                                 production=True, kms_key_arn="arn:aws:kms:ap-southeast-1:123456789012:key/k"))

    return synthesize_function(program, stack="prod")


def test_replication_group_requires_tls_and_encrypts_at_rest(ha):
    group = _one(ha, GROUP)
    inputs = group.inputs
    assert inputs["transitEncryptionEnabled"] is True and inputs["transitEncryptionMode"] == "required"
    assert inputs["atRestEncryptionEnabled"] is True and inputs["kmsKeyId"].endswith(":key/k")
    assert inputs["engine"] == "valkey" and inputs["engineVersion"] == "8.0"
    assert inputs["snapshotRetentionLimit"] == 7 and inputs["numCacheClusters"] == 2
    assert "authToken" not in inputs
    assert group.protect is True


def test_two_nodes_fail_over_across_azs(ha):
    inputs = _one(ha, GROUP).inputs
    assert inputs["automaticFailoverEnabled"] is True and inputs["multiAzEnabled"] is True


def test_one_node_has_no_failover_and_is_not_protected_outside_production(synth):
    inventory = _build(synth)
    group = _one(inventory, GROUP)
    assert group.inputs["automaticFailoverEnabled"] is False and group.inputs["multiAzEnabled"] is False
    assert group.protect is False
    assert inventory.outputs["primary"].startswith("master.") and inventory.outputs["reader"].startswith("replica.")
    assert inventory.outputs["user"] == "dev-cache-app"


def test_users_authenticate_with_iam_and_the_default_user_is_off(ha):
    users = {r.name: r.inputs for r in ha.of_type("aws:elasticache/user:User")}
    app, default = users["cache-app"], users["cache-default"]
    assert app["authenticationMode"] == {"type": "iam"} and app["userId"] == app["userName"] == "prod-cache-app"
    assert "-@dangerous" in app["accessString"]
    assert default["userName"] == "default" and default["accessString"].startswith("off")
    # Valkey user groups reject users without a password or IAM: the disabled default user has a random password.
    assert default["authenticationMode"]["type"] == "password"
    assert len(default["authenticationMode"]["passwords"]) == 1
    (password,) = ha.of_type("random:index/randomPassword:RandomPassword")
    assert password.inputs["length"] >= 16 and password.inputs["special"] is False
    group = _one(ha, "aws:elasticache/userGroup:UserGroup").inputs
    assert sorted(group["userIds"]) == ["prod-cache-app", "prod-cache-default"]
    assert _one(ha, GROUP).inputs["userGroupIds"] == [group["userGroupId"]]


def test_connect_policy_names_only_this_group_and_user(ha):
    (statement,) = json.loads(_one(ha, "aws:iam/policy:Policy").inputs["policy"])["Statement"]
    assert statement["Action"] == "elasticache:Connect"
    group_arn, user_arn = statement["Resource"]
    assert group_arn.startswith("arn:aws:elasticache:ap-southeast-1:123456789012:cache-redis")
    assert user_arn.startswith("arn:aws:elasticache:ap-southeast-1:123456789012:cache-app")


def test_only_client_groups_reach_the_cache_port(ha):
    rules = [r.inputs for r in ha.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")]
    assert sorted(r["referencedSecurityGroupId"] for r in rules) == ["sg-app", "sg-worker"]
    assert all((r["fromPort"], r["toPort"], r["ipProtocol"]) == (6379, 6379, "tcp") for r in rules)
    assert all("cidrIpv4" not in r for r in rules)
    subnets = _one(ha, "aws:elasticache/subnetGroup:SubnetGroup").inputs
    assert subnets["subnetIds"] == ["subnet-a", "subnet-b"]


def test_children_are_parented_to_the_component(ha):
    (component,) = ha.of_type("sme-rollout:cache:Cache")
    assert {r.parent for r in ha if r.custom} == {component.urn}


@pytest.mark.parametrize(("parts", "expected"), [
    (("dev", "cache"), "dev-cache"),
    (("Prod_EU", "cache", "app"), "prod-eu-cache-app"),
    (("1stack", "x"), "c-1stack-x"),
    (("a" * 50,), "a" * 40),
    (("abc--", "-def"), "abc-def"),
])
def test_rbac_ids_are_valid(parts, expected):
    assert rbac_id(*parts) == expected


@pytest.mark.parametrize("bad", [
    {"node_type": "t4g.small"},
    {"nodes": 0},
    {"nodes": 7},
    {"engine": "memcached"},
    {"engine_version": "6.2"},
    {"snapshot_retention_days": 0},
    {"subnet_ids": ["only-one"]},
    {"auth_token": "secret"},
])
def test_bad_args_are_rejected(bad):
    with pytest.raises(ValidationError):
        CacheArgs(**{**NETWORK, **bad})
