"""Database: encrypted TLS-only primary with managed password, backups, monitoring; replicas share its settings."""

import json

import pytest
from pydantic import ValidationError

from components.database import Database, DatabaseArgs, rds_identifier

INSTANCE = "aws:rds/instance:Instance"
NETWORK = {"vpc_id": "vpc-1", "subnet_ids": ["subnet-a", "subnet-b"]}


def _build(synth, stack="dev", **args):
    def program():
        import pulumi

        database = Database("db", DatabaseArgs(**{**NETWORK, **args}))
        pulumi.export("writer", database.writer_endpoint)
        pulumi.export("readers", database.reader_endpoints)
        pulumi.export("secret", database.secret_arn)

    return synth(program, stack=stack)


def _instances(inventory):
    return {r.name: r for r in inventory.of_type(INSTANCE)}


@pytest.fixture(scope="module")
def prod():
    from rollout.runtime.synth import synthesize_function

    def program():
        import pulumi

        database = Database("db", DatabaseArgs(**NETWORK, replicas=2, multi_az=True, production=True,
                                               client_security_group_ids=["sg-app"], backup_retention_days=14))
        pulumi.export("writer", database.writer_endpoint)
        pulumi.export("readers", database.reader_endpoints)
        pulumi.export("secret", database.secret_arn)

    return synthesize_function(program, stack="prod")


def test_primary_is_encrypted_private_and_durable(prod):
    primary = _instances(prod)["db-db"]
    inputs = primary.inputs
    assert inputs["identifier"] == "prod-db"
    assert inputs["storageEncrypted"] is True and inputs["kmsKeyId"].startswith("arn:aws:kms:")
    assert inputs["publiclyAccessible"] is False and inputs["multiAz"] is True
    assert inputs["backupRetentionPeriod"] == 14 and inputs["deletionProtection"] is True
    assert inputs["skipFinalSnapshot"] is False and inputs["finalSnapshotIdentifier"] == "prod-db-final"
    assert inputs["manageMasterUserPassword"] is True and "password" not in inputs
    assert inputs["iamDatabaseAuthenticationEnabled"] is True and inputs["autoMinorVersionUpgrade"] is True
    assert inputs["caCertIdentifier"] == "rds-ca-rsa2048-g1"
    assert inputs["engine"] == "postgres" and inputs["engineVersion"] == "16"
    assert primary.protect is True


def test_primary_is_monitored(prod):
    inputs = _instances(prod)["db-db"].inputs
    assert inputs["performanceInsightsEnabled"] is True and inputs["performanceInsightsKmsKeyId"] == inputs["kmsKeyId"]
    assert inputs["monitoringInterval"] == 60 and inputs["monitoringRoleArn"].startswith("arn:aws:iam::")
    assert inputs["enabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]


def test_parameter_group_forces_tls_for_primary_and_replicas(prod):
    (group,) = prod.of_type("aws:rds/parameterGroup:ParameterGroup")
    assert group.inputs["family"] == "postgres16"
    assert [(p["name"], p["value"]) for p in group.inputs["parameters"]] == [("rds.force_ssl", "1")]
    names = {i.inputs["parameterGroupName"] for i in _instances(prod).values()}
    assert len(names) == 1


def test_replicas_follow_the_primary_with_the_same_settings(prod):
    instances = _instances(prod)
    primary = instances.pop("db-db")
    assert sorted(instances) == ["db-replica-1", "db-replica-2"]
    for number, replica in enumerate(sorted(instances.values(), key=lambda r: r.name), start=1):
        inputs = replica.inputs
        assert inputs["identifier"] == f"prod-db-replica-{number}"
        assert inputs["replicateSourceDb"] == "prod-db"
        assert inputs["publiclyAccessible"] is False and inputs["deletionProtection"] is True
        for shared in ("instanceClass", "monitoringInterval", "monitoringRoleArn", "performanceInsightsEnabled",
                       "vpcSecurityGroupIds", "enabledCloudwatchLogsExports", "iamDatabaseAuthenticationEnabled"):
            assert inputs[shared] == primary.inputs[shared], shared
        assert "username" not in inputs and "dbSubnetGroupName" not in inputs


def test_outputs_are_endpoints_and_the_secret_arn_never_a_password(prod):
    assert prod.outputs["writer"].startswith("prod-db.")
    assert [r.split(".")[0] for r in prod.outputs["readers"]] == ["prod-db-replica-1", "prod-db-replica-2"]
    assert prod.outputs["secret"].startswith("arn:aws:secretsmanager:")


def test_monitoring_role_is_least_privilege(prod):
    (role,) = prod.of_type("aws:iam/role:Role")
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    assert "Condition" in trust
    (policy,) = prod.of_type("aws:iam/rolePolicy:RolePolicy")
    for statement in json.loads(policy.inputs["policy"])["Statement"]:
        assert statement["Resource"] != "*" and "log-group:RDS" in statement["Resource"]
    assert prod.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []


def test_only_client_groups_reach_the_database_port(prod):
    (rule,) = prod.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert (rule.inputs["referencedSecurityGroupId"], rule.inputs["fromPort"], rule.inputs["toPort"]) == (
        "sg-app", 5432, 5432)


def test_children_are_parented_to_the_component(prod):
    (component,) = prod.of_type("sme-rollout:database:Database")
    assert {r.parent for r in prod if r.custom} == {component.urn}


def test_mysql_uses_its_tls_parameter_and_logs(synth):
    inventory = _build(synth, engine="mysql")
    (group,) = inventory.of_type("aws:rds/parameterGroup:ParameterGroup")
    assert group.inputs["family"] == "mysql8.0"
    assert group.inputs["parameters"][0]["name"] == "require_secure_transport"
    (primary,) = inventory.of_type(INSTANCE)
    assert primary.inputs["port"] == 3306 and "slowquery" in primary.inputs["enabledCloudwatchLogsExports"]
    assert primary.protect is False and primary.inputs["multiAz"] is False
    # RDS for MySQL rejects Performance Insights on db.t4g.small (the default class)
    assert primary.inputs["performanceInsightsEnabled"] is False
    assert "performanceInsightsKmsKeyId" not in primary.inputs


def test_mysql_keeps_performance_insights_on_classes_that_support_it(synth):
    (primary,) = _build(synth, engine="mysql", instance_class="db.t4g.medium").of_type(INSTANCE)
    assert primary.inputs["performanceInsightsEnabled"] is True and primary.inputs["performanceInsightsKmsKeyId"]


def test_adopting_an_instance_keeps_its_identifier(synth):
    inventory = _build(synth, adopt_identifier="legacy-shop-db", replicas=1)
    instances = _instances(inventory)
    assert instances["db-db"].inputs["identifier"] == "legacy-shop-db"
    assert instances["db-replica-1"].inputs["replicateSourceDb"] == "legacy-shop-db"


def _existing(primary, **actual):
    """The adopted instance as it is in the account: the program's inputs, except what the shop chose years ago."""
    from rollout.model.inventory import Resource

    return Resource(urn=primary.urn, type=primary.type, name=primary.name,
                    inputs={**{k: v for k, v in primary.inputs.items() if k != "manageMasterUserPassword"}, **actual})


EXISTING = {"kmsKeyId": "arn:aws:kms:ap-southeast-1:111122223333:key/legacy", "dbName": "shop",
            "username": "shop_owner", "storageEncrypted": True,
            "performanceInsightsKmsKeyId": "arn:aws:kms:ap-southeast-1:111122223333:key/aws-rds"}


def test_adopting_an_instance_produces_no_replacement(synth):
    """Issue 15: the import would have replaced the shop's database (new key, name and user are ForceNew)."""
    from rollout.analysis.diff import diff_inventories
    from rollout.model.inventory import Inventory

    inventory = _build(synth, adopt_identifier="legacy-shop-db")
    primary = _instances(inventory)["db-db"]
    assert primary.import_id == "legacy-shop-db"
    assert set(primary.ignore_changes) == {"storageEncrypted", "kmsKeyId", "dbName", "username",
                                           "manageMasterUserPassword", "masterUserSecretKmsKeyId",
                                           "performanceInsightsKmsKeyId"}
    existing = Inventory(project="test", stack="dev", phase=None, resources=(_existing(primary, **EXISTING),))
    adopted = Inventory(project="test", stack="dev", phase=None, resources=(primary,))
    result = diff_inventories(existing, adopted)
    assert result.replaced == () and result.data_loss == [] and result.failures == []
    # without ignore_changes the same inputs force a replacement: the test can fail
    import dataclasses

    naive = Inventory(project="test", stack="dev", phase=None,
                      resources=(dataclasses.replace(primary, ignore_changes=()),))
    assert {p for e in diff_inventories(existing, naive).replaced for p in e.replace_paths} >= {
        "kmsKeyId", "dbName", "username"}


def test_adopting_with_the_instance_facts_sets_them_instead_of_ignoring_them(synth):
    key = "arn:aws:kms:ap-southeast-1:111122223333:key/legacy"
    inventory = _build(synth, adopt_identifier="legacy-shop-db", adopt_kms_key_arn=key, database_name="shop",
                       master_username="shop_owner")
    primary = _instances(inventory)["db-db"]
    assert primary.inputs["kmsKeyId"] == key and primary.inputs["dbName"] == "shop"
    assert primary.inputs["username"] == "shop_owner"
    assert {"kmsKeyId", "storageEncrypted", "dbName", "username"}.isdisjoint(primary.ignore_changes)
    assert "manageMasterUserPassword" in primary.ignore_changes  # the app's password is never switched


def test_a_created_instance_ignores_nothing_and_carries_the_upgrade_flags(synth):
    primary = _instances(_build(synth, allow_major_version_upgrade=True, apply_immediately=True, replicas=1))
    assert primary["db-db"].ignore_changes == () and primary["db-db"].import_id is None
    assert primary["db-db"].inputs["allowMajorVersionUpgrade"] is True
    assert primary["db-db"].inputs["applyImmediately"] is True
    assert primary["db-replica-1"].inputs["applyImmediately"] is True


@pytest.mark.parametrize(("parts", "limit", "expected"), [
    (("dev", "database"), 63, "dev-database"),
    (("Prod_1", "db"), 63, "prod-1-db"),
    (("9lives", "db"), 63, "db-9lives-db"),
    (("x" * 70,), 63, "x" * 63),
    (("a", "-", "b"), 63, "a-b"),
])
def test_rds_identifiers_are_valid(parts, limit, expected):
    assert rds_identifier(*parts, limit=limit) == expected


@pytest.mark.parametrize("bad", [
    {"instance_class": "t4g.small"},
    {"backup_retention_days": 3},
    {"replicas": 6},
    {"storage_gb": 10},
    {"storage_gb": 100, "max_storage_gb": 50},
    {"engine": "oracle"},
    {"database_name": "1app"},
    {"publicly_accessible": True},
])
def test_bad_args_are_rejected(bad):
    with pytest.raises(ValidationError):
        DatabaseArgs(**{**NETWORK, **bad})
