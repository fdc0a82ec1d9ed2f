"""Phase 3 adds the database with replicas and the asset bucket, served by the CDN of phase 2."""

import json
from pathlib import Path

import pytest

from phases import build, phase3_decouple
from phases.config import StackConfig

SITE = {"domain": "shop.example.vn", "origin": "origin.example.vn"}
ZONE_FILE = str(Path(__file__).resolve().parents[1] / "data" / "example.vn.zone")
CLOUDFLARE = {"provider": "cloudflare", "cloudflareAccountId": "0123456789abcdef0123456789abcdef",
              "zoneFile": ZONE_FILE}
CLOUDFRONT = {"provider": "cloudfront", "certificateArn":
              "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000"}


PEERING = {"hosting": "ec2-in-account", "vpcId": "vpc-0123456789abcdef0", "vpcCidr": "172.31.0.0/16",
           "routeTableIds": ["rtb-0123456789abcdef0"], "securityGroupId": "sg-0123456789abcdef0",
           "instanceRoleName": "shop-server"}


def _config(**overrides):
    return StackConfig.model_validate({"phase": 3, "site": SITE, "cdn": CLOUDFRONT, "app": PEERING, **overrides})


def _program(config):
    def program():
        import pulumi

        ctx = build(config, up_to=3)
        for name, value in ctx.outputs.items():
            pulumi.export(name, value)

    return program


@pytest.fixture(scope="module")
def cloudfront():
    from rollout.runtime.synth import synthesize_function

    return synthesize_function(_program(_config(database={"replicas": 2})), stack="example")


def test_declares_itself():
    assert phase3_decouple.NUMBER == 3 and phase3_decouple.TITLE == "Decouple"
    assert "LCP" in phase3_decouple.KPIS and len(phase3_decouple.ADDS) == 5


def test_phase_3_adds_database_and_assets_under_its_phase(cloudfront):
    (phase,) = [r for r in cloudfront.of_type("sme-rollout:phases:Phase") if r.inputs["phase"] == 3]
    for type_ in ("sme-rollout:database:Database", "sme-rollout:static:StaticSite"):
        (component,) = cloudfront.of_type(type_)
        assert component.parent == phase.urn and component.phase == 3
    instances = {r.name: r for r in cloudfront.of_type("aws:rds/instance:Instance")}
    assert sorted(instances) == ["database-db", "database-replica-1", "database-replica-2"]
    assert all(r.phase == 3 for r in instances.values())
    assert instances["database-db"].inputs["multiAz"] is False  # dev


def test_database_admits_only_the_app_group_and_the_current_server(cloudfront):
    rule, server = [r for r in cloudfront.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                    if r.name.startswith("database")]
    assert rule.inputs["fromPort"] == 5432 and server.inputs["fromPort"] == 5432
    app = next(r for r in cloudfront.of_type("aws:ec2/securityGroup:SecurityGroup") if r.name == "network-app")
    assert app.urn in rule.property_dependencies["referencedSecurityGroupId"]
    assert server.inputs["referencedSecurityGroupId"] == "sg-0123456789abcdef0"


def test_cloudfront_reads_the_bucket_through_oac_and_only_that_distribution(cloudfront):
    (distribution,) = cloudfront.of_type("aws:cloudfront/distribution:Distribution")
    origins = {o["originId"]: o for o in distribution.inputs["origins"]}
    assert set(origins) == {"web", "static-assets"} and origins["static-assets"]["originAccessControlId"]
    # raising the phase to 3 serves nothing from the (still empty) bucket: that is the staticPath switch
    assert not distribution.inputs.get("orderedCacheBehaviors")

    (policy,) = [r for r in cloudfront.of_type("aws:s3/bucketPolicy:BucketPolicy") if r.name == "assets-policy"]
    allow = json.loads(policy.inputs["policy"])["Statement"][1]
    assert allow["Condition"]["StringEquals"]["aws:SourceArn"].startswith("arn:aws:cloudfront")
    assert distribution.urn in policy.property_dependencies["policy"]
    assert policy.phase == 3


def test_static_path_switch_routes_the_path_to_the_bucket_with_the_old_server_behind(synth):
    config = _config(switches={"dnsAuthority": True, "staticPath": True})
    (distribution,) = synth(_program(config), stack="example").of_type("aws:cloudfront/distribution:Distribution")
    (behavior,) = distribution.inputs["orderedCacheBehaviors"]
    (group,) = distribution.inputs["originGroups"]
    assert behavior["pathPattern"] == "/static/*" and behavior["targetOriginId"] == group["originId"]
    assert [m["originId"] for m in group["members"]] == ["static-assets", "web"]


def test_outputs_give_the_app_its_endpoints_and_no_secret_values(cloudfront):
    outputs = cloudfront.outputs
    assert outputs["dbWriterEndpoint"].startswith("example-database.")
    assert len(outputs["dbReaderEndpoints"]) == 2 and outputs["dbPort"] == 5432
    assert outputs["dbSecretArn"].startswith("arn:aws:secretsmanager:")
    assert outputs["assetsBucketName"].startswith("assets-assets") and outputs["phase"] == 3


def test_cloudflare_caches_the_asset_path_and_keeps_the_bucket_private(synth):
    inventory = synth(_program(_config(cdn=CLOUDFLARE, environment="prod")), stack="prod")
    (cache_rules,) = [r for r in inventory.of_type("cloudflare:index/ruleset:Ruleset")
                      if r.inputs["phase"] == "http_request_cache_settings"]
    assert 'starts_with(http.request.uri.path, "/static/")' in cache_rules.inputs["rules"][0]["expression"]
    (policy,) = [r for r in inventory.of_type("aws:s3/bucketPolicy:BucketPolicy") if r.name == "assets-policy"]
    assert [s["Effect"] for s in json.loads(policy.inputs["policy"])["Statement"]] == ["Deny"]
    stateful = [r for r in inventory.of_type("aws:rds/instance:Instance", "aws:s3/bucket:Bucket",
                                             "aws:elasticache/replicationGroup:ReplicationGroup")]
    assert stateful and all(r.protect for r in stateful)
    (primary,) = [r for r in inventory.of_type("aws:rds/instance:Instance") if r.name == "database-db"]
    assert primary.inputs["multiAz"] is True


def test_uploads_bucket_is_private_and_the_server_may_use_it_and_its_database_user(cloudfront):
    (uploads,) = cloudfront.of_type("sme-rollout:static:Uploads")
    assert uploads.phase == 3
    (policy,) = [r for r in cloudfront.of_type("aws:iam/rolePolicy:RolePolicy") if r.name == "server-permissions"]
    assert policy.inputs["role"] == "shop-server"
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert statements["DatabaseIamAuth"]["Resource"].startswith("arn:aws:rds-db:ap-southeast-1:")
    assert statements["DatabaseIamAuth"]["Resource"].endswith("/app")
    assert statements["Uploads"]["Action"] == ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    admitted = {r.inputs["referencedSecurityGroupId"] for r in cloudfront.of_type(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.name.startswith("database-from-client")}
    assert "sg-0123456789abcdef0" in admitted


def test_an_external_server_gets_the_database_over_vpn_but_uploads_wait(synth):
    vpn = {"hosting": "external", "privateAccess": "vpn", "serverIp": "198.51.100.20"}
    inventory = synth(_program(_config(app=vpn)), stack="example")
    assert inventory.of_type("sme-rollout:database:Database")
    assert not inventory.of_type("sme-rollout:static:Uploads")
    (rule,) = [r.inputs for r in inventory.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
               if r.name.startswith("database-from-range")]
    assert rule["cidrIpv4"] == "198.51.100.20/32" and rule["fromPort"] == 5432


SOURCE = {"engine": "postgres", "host": "203.0.113.10", "database": "shop", "user": "dms",
          "secretArn": "arn:aws:secretsmanager:ap-southeast-1:111122223333:secret:shop-AbCdEf"}


def test_migrate_from_adds_dms_into_the_new_primary_and_says_what_the_source_must_admit(synth):
    inventory = synth(_program(_config(database={"migrateFrom": SOURCE})), stack="example")
    (component,) = inventory.of_type("sme-rollout:migration:Migration")
    assert component.phase == 3
    (task,) = inventory.of_type("aws:dms/replicationTask:ReplicationTask")
    assert task.inputs["migrationType"] == "full-load-and-cdc" and task.phase == 3
    (database_group,) = [r for r in inventory.of_type("aws:ec2/securityGroup:SecurityGroup") if r.name == "database-sg"]
    (into,) = [r for r in inventory.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
               if r.name == "migration-into-target"]
    assert database_group.urn in into.property_dependencies["securityGroupId"]
    target = next(r for r in inventory.of_type("aws:dms/endpoint:Endpoint") if r.inputs["endpointType"] == "target")
    assert target.inputs["databaseName"] == "app"
    allowlist = inventory.outputs["migrationSourceAllowlist"]
    assert allowlist["port"] == 5432 and allowlist["addresses"] and "203.0.113.10" in allowlist["note"]
    # DMS is the first consumer of the internet path: the NAT (the address the source admits) comes with it
    (nat,) = inventory.of_type("aws:ec2/natGateway:NatGateway")
    assert len(allowlist["addresses"]) == 1
    assert inventory.outputs["migrationTaskArn"].startswith("arn:aws:dms:")


def test_without_migrate_from_there_is_no_dms(cloudfront):
    assert not [r for r in cloudfront if r.type.startswith("aws:dms/")]
    assert cloudfront.of_type("aws:ec2/natGateway:NatGateway") == []  # and no NAT: RDS needs no way out
    assert "migrationTaskArn" not in cloudfront.outputs


def test_adopting_passes_the_instance_facts_to_the_database(synth):
    key = "arn:aws:kms:ap-southeast-1:111122223333:key/legacy"
    inventory = synth(_program(_config(database={"adoptIdentifier": "legacy-db", "adoptKmsKeyArn": key,
                                                 "databaseName": "shop", "masterUsername": "owner"})),
                      stack="example")
    primary = next(r for r in inventory.of_type("aws:rds/instance:Instance") if r.name == "database-db")
    assert primary.import_id == "legacy-db" and primary.inputs["kmsKeyId"] == key
    assert primary.inputs["dbName"] == "shop" and "dbName" not in primary.ignore_changes
