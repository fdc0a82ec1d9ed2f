"""Migration: DMS full load + CDC into the new primary, private, TLS on both sides, secrets through a role."""

import json

import pytest
from pydantic import ValidationError

from components.migration import Migration, MigrationArgs, source_egress_cidr, table_mappings, task_settings

SECRET = "arn:aws:secretsmanager:ap-southeast-1:111122223333:secret:shop-source-AbCdEf"
CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
BASE = dict(engine="postgres", source_host="203.0.113.10", source_database="shop", source_secret_arn=SECRET,
            vpc_id="vpc-1", subnet_ids=["subnet-a", "subnet-b"], target_address="db.internal", target_port=5432,
            target_database="app", target_security_group_id="sg-db",
            kms_key_arn="arn:aws:kms:ap-southeast-1:111122223333:key/db")


def _build(synth, **args):
    def program():
        import pulumi

        migration = Migration("migration", MigrationArgs(**{**BASE, **args}))
        pulumi.export("task", migration.task_arn)
        pulumi.export("secret", migration.target_secret_arn)

    return synth(program, stack="prod")


def _one(inventory, type_):
    (resource,) = inventory.of_type(type_)
    return resource


def test_the_replication_instance_is_private_encrypted_and_in_the_database_subnets(synth):
    inventory = _build(synth)
    instance = _one(inventory, "aws:dms/replicationInstance:ReplicationInstance").inputs
    assert instance["publiclyAccessible"] is False and instance["kmsKeyArn"] == BASE["kms_key_arn"]
    assert instance["replicationInstanceClass"] == "dms.t3.small" and instance["allocatedStorage"] == 50
    group = _one(inventory, "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup")
    assert group.inputs["subnetIds"] == ["subnet-a", "subnet-b"]
    assert instance["replicationSubnetGroupId"] == group.inputs["replicationSubnetGroupId"] == "prod-migration"
    role = next(r for r in inventory.of_type("aws:iam/role:Role") if r.inputs.get("name") == "dms-vpc-role")
    assert role.urn in group.dependencies


def test_endpoints_use_tls_and_read_credentials_from_secrets(synth):
    inventory = _build(synth)
    endpoints = {r.inputs["endpointType"]: r.inputs for r in inventory.of_type("aws:dms/endpoint:Endpoint")}
    source, target = endpoints["source"], endpoints["target"]
    assert source["sslMode"] == "require" and source["secretsManagerArn"] == SECRET
    assert source["databaseName"] == "shop" and source["engineName"] == "postgres"
    assert target["sslMode"] == "require" and target["databaseName"] == "app"
    assert target["secretsManagerArn"].startswith("arn:aws:secretsmanager:")
    secret = _one(inventory, "aws:secretsmanager/secret:Secret").inputs
    assert "host db.internal, port 5432" in secret["description"] and secret["kmsKeyId"] == BASE["kms_key_arn"]
    for endpoint in (source, target):
        assert "password" not in endpoint and "username" not in endpoint
        assert endpoint["secretsManagerAccessRoleArn"].startswith("arn:aws:iam::")
    policy = json.loads(_one(inventory, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    resources = policy["Statement"][0]["Resource"]
    assert SECRET in resources and len(resources) == 2
    trust = json.loads(next(r for r in inventory.of_type("aws:iam/role:Role")
                            if r.name == "migration-secrets").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "dms.ap-southeast-1.amazonaws.com"}


def test_the_task_is_full_load_and_cdc_with_validation_and_starts_stopped(synth):
    task = _one(_build(synth, schemas=["public", "sales"]), "aws:dms/replicationTask:ReplicationTask").inputs
    assert task["migrationType"] == "full-load-and-cdc" and task["startReplicationTask"] is False
    assert task["replicationInstanceArn"].startswith("arn:aws:dms:") and ":rep:" in task["replicationInstanceArn"]
    settings = json.loads(task["replicationTaskSettings"])
    assert settings["ValidationSettings"]["EnableValidation"] is True
    assert settings["FullLoadSettings"]["TargetTablePrepMode"] == "DO_NOTHING"
    rules = json.loads(task["tableMappings"])["rules"]
    assert [r["object-locator"]["schema-name"] for r in rules] == ["public", "sales"]


def test_network_path_egress_to_the_two_databases_and_ingress_into_the_target(synth):
    inventory = _build(synth)
    egress = {r.name: r.inputs for r in inventory.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")}
    assert egress["migration-to-source"]["cidrIpv4"] == "203.0.113.10/32"
    assert egress["migration-to-source"]["fromPort"] == egress["migration-to-source"]["toPort"] == 5432
    assert egress["migration-to-target"]["referencedSecurityGroupId"] == "sg-db"
    assert egress["migration-to-https"]["fromPort"] == 443
    (ingress,) = inventory.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert ingress.inputs["securityGroupId"] == "sg-db" and ingress.inputs["fromPort"] == 5432
    group = _one(inventory, "aws:ec2/securityGroup:SecurityGroup")
    assert "ingress" not in group.inputs or group.inputs["ingress"] in ([], None)


def test_verify_full_imports_the_source_ca_and_the_role_can_be_skipped(synth):
    inventory = _build(synth, source_tls="verify-full", source_ca_pem=CA, create_vpc_role=False, engine="mysql",
                       target_port=3306)
    certificate = _one(inventory, "aws:dms/certificate:Certificate")
    source = next(r for r in inventory.of_type("aws:dms/endpoint:Endpoint") if r.inputs["endpointType"] == "source")
    assert source.inputs["sslMode"] == "verify-full" and ":cert:" in source.inputs["certificateArn"]
    assert certificate.inputs["certificatePem"].value == CA  # the provider marks it secret
    assert not [r for r in inventory.of_type("aws:iam/role:Role") if r.inputs.get("name") == "dms-vpc-role"]
    egress = {r.name: r.inputs for r in inventory.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")}
    assert egress["migration-to-source"]["fromPort"] == 3306


def test_production_protects_the_replication_instance(synth):
    assert _one(_build(synth, production=True), "aws:dms/replicationInstance:ReplicationInstance").protect is True


@pytest.mark.parametrize(("host", "explicit", "expected"), [
    ("203.0.113.10", None, "203.0.113.10/32"),
    ("db.shop.example.vn", None, "0.0.0.0/0"),
    ("db.shop.example.vn", "10.8.0.0/16", "10.8.0.0/16"),
])
def test_source_egress_cidr(host, explicit, expected):
    assert source_egress_cidr(host, explicit) == expected


def test_table_mappings_and_settings_are_stable_json():
    assert table_mappings(["%"]) == table_mappings(["%"])
    assert json.loads(table_mappings(["%"]))["rules"][0]["rule-action"] == "include"
    assert json.loads(task_settings())["Logging"]["EnableLogging"] is True


@pytest.mark.parametrize("bad", [{"subnet_ids": ["subnet-a"]}, {"storage_gb": 2}, {"source_tls": "none"},
                                 {"unknown": 1}])
def test_bad_args_are_rejected(bad):
    with pytest.raises(ValidationError):
        MigrationArgs(**{**BASE, **bad})
