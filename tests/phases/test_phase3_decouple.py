"""Phase 3 adds the database with replicas and the asset bucket, served by the CDN of phase 2."""

from pathlib import Path
import json

import pytest

from phases import build, phase3_decouple
from phases.config import StackConfig

SITE = {"domain": "shop.example.vn", "origin": "origin.example.vn"}
ZONE_FILE = str(Path(__file__).resolve().parents[1] / "data" / "example.vn.zone")
CLOUDFLARE = {"provider": "cloudflare", "cloudflareAccountId": "0123456789abcdef0123456789abcdef",
              "zoneFile": ZONE_FILE}
CLOUDFRONT = {"provider": "cloudfront", "certificateArn":
              "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000"}


def _config(**overrides):
    return StackConfig.model_validate({"phase": 3, "site": SITE, "cdn": CLOUDFRONT, **overrides})


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
    assert "LCP" in phase3_decouple.KPIS and len(phase3_decouple.ADDS) == 3


def test_phase_3_adds_database_and_assets_under_its_phase(cloudfront):
    (phase,) = [r for r in cloudfront.of_type("sme-rollout:phases:Phase") if r.inputs["phase"] == 3]
    for type_ in ("sme-rollout:database:Database", "sme-rollout:static:StaticSite"):
        (component,) = cloudfront.of_type(type_)
        assert component.parent == phase.urn and component.phase == 3
    instances = {r.name: r for r in cloudfront.of_type("aws:rds/instance:Instance")}
    assert sorted(instances) == ["database-db", "database-replica-1", "database-replica-2"]
    assert all(r.phase == 3 for r in instances.values())
    assert instances["database-db"].inputs["multiAz"] is False  # dev


def test_database_admits_only_the_app_group(cloudfront):
    (rule,) = [r for r in cloudfront.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
               if r.name.startswith("database")]
    assert rule.inputs["fromPort"] == 5432
    app = next(r for r in cloudfront.of_type("aws:ec2/securityGroup:SecurityGroup") if r.name == "network-app")
    assert app.urn in rule.property_dependencies["referencedSecurityGroupId"]


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
