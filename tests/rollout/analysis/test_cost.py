"""Pricing rules on hand-built inventories; every expectation is worked out from the catalog figures."""

from __future__ import annotations

import json

import pytest

from rollout.analysis.cost import (
    HOURS_PER_MONTH,
    compare,
    exchange_rate,
    in_currency,
    load_catalog,
    price_inventory,
)
from rollout.errors import UserError
from rollout.model.inventory import UNKNOWN, Inventory, Resource
from rollout.model.settings import RolloutSettings, UsageSettings, load_settings

SG, US = "ap-southeast-1", "us-east-1"


def res(type_: str, name: str, inputs: dict | None = None, **options) -> Resource:
    return Resource(urn=f"urn:pulumi:test::proj::{type_}::{name}", type=type_, name=name, inputs=inputs or {},
                    **options)


def inv(*resources: Resource, phase: int | None = None) -> Inventory:
    return Inventory("proj", "test", phase, tuple(resources))


def price(*resources: Resource, region: str = SG, usage: UsageSettings | None = None):
    return price_inventory(inv(*resources), usage or UsageSettings(), region)


def line(report, name_start: str, resource: int = 0):
    return next(c for c in report.resources[resource].components if c.name.startswith(name_start))


RDS = "aws:rds/instance:Instance"


def test_rds_multi_az_primary_with_managed_password():
    report = price(res(RDS, "db", {"engine": "postgres", "instanceClass": "db.t4g.small", "multiAz": True,
                                   "allocatedStorage": 20, "storageType": "gp3",
                                   "manageMasterUserPassword": True}))
    # 730 h x 0.102 = 74.46; 20 GB x 0.276 = 5.52; backup 0 GB (small profile); secret 0.40 => 80.38
    assert line(report, "Database instance").monthly == pytest.approx(74.46)
    assert line(report, "Storage (gp3, Multi-AZ)").monthly == pytest.approx(5.52)
    assert line(report, "Backup storage").monthly == 0
    assert line(report, "Backup storage").usage_based
    assert line(report, "Managed master password").monthly == pytest.approx(0.40)
    assert report.total_monthly == pytest.approx(80.38)


def test_rds_replica_inherits_engine_and_storage_from_its_source():
    primary = res(RDS, "db", {"engine": "postgres", "instanceClass": "db.t4g.small", "allocatedStorage": 20,
                              "storageType": "gp3"})
    replica = res(RDS, "db-replica-1", {"instanceClass": "db.t4g.small", "replicateSourceDb": UNKNOWN},
                  property_dependencies={"replicateSourceDb": (primary.urn,)})
    report = price(primary, replica)
    # replica: 730 h x 0.051 = 37.23; 20 GB x 0.138 = 2.76 => 39.99; no backup line for replicas
    assert report.resources[1].monthly == pytest.approx(39.99)
    assert report.resources[1].note == "replica of db"
    assert [c.name for c in report.resources[1].components] == [
        "Database instance (read replica, Single-AZ, db.t4g.small)", "Storage (gp3, Single-AZ)"]


def test_rds_multi_az_is_its_own_price_not_a_multiplier():
    report = price(res(RDS, "db", {"engine": "postgres", "instanceClass": "db.t4g.small", "multiAz": True,
                                   "allocatedStorage": 20, "storageType": "gp3"}), region=US)
    # us-east-1 Multi-AZ 0.065/h x 730 = 47.45, not 2 x 0.032 x 730 = 46.72
    assert line(report, "Database instance").monthly == pytest.approx(47.45)


def test_rds_default_storage_type_gp2_is_not_in_the_catalog_so_unknown():
    report = price(res(RDS, "db", {"engine": "postgres", "instanceClass": "db.t4g.micro", "allocatedStorage": 20}))
    storage = line(report, "Storage (gp2")
    assert (storage.price_known, storage.monthly, storage.quantity) == (False, None, 20)
    assert "rds:storage:gp2:single-az" in storage.note
    # 730 x 0.025 = 18.25 is still counted
    assert report.total_monthly == pytest.approx(18.25)


def test_unknown_instance_class_before_apply_is_price_unknown():
    report = price(res(RDS, "db", {"engine": "postgres", "instanceClass": UNKNOWN, "allocatedStorage": 20,
                                   "storageType": "gp3"}))
    assert not line(report, "Database instance").price_known
    assert report.lines == (2, 1)


def test_elasticache_missing_in_singapore_and_priced_in_us_east():
    group = res("aws:elasticache/replicationGroup:ReplicationGroup", "cache",
                {"nodeType": "cache.t4g.small", "numCacheClusters": 2, "engine": "redis"})
    sg = price(group)
    assert not sg.resources[0].components[0].price_known
    assert "not found" in sg.resources[0].components[0].note
    assert sg.total_monthly == 0
    # 2 nodes x 730 h x 0.032 = 46.72
    assert price(group, region=US).total_monthly == pytest.approx(46.72)
    valkey = res("aws:elasticache/replicationGroup:ReplicationGroup", "cache",
                 {"nodeType": "cache.t4g.small", "numCacheClusters": 2, "engine": "valkey"})
    component = price(valkey, region=US).resources[0].components[0]
    # 2 x 730 x 0.0256 = 37.376, derived from the Redis price
    assert component.monthly == pytest.approx(37.376)
    assert component.derived


def test_nat_gateway_hours_and_gb():
    report = price(res("aws:ec2/natGateway:NatGateway", "nat"))
    # 730 x 0.059 = 43.07; 10 GB (small) x 0.059 = 0.59
    assert report.total_monthly == pytest.approx(43.66)


def test_alb_hours_lcus_and_public_ipv4_per_zone():
    report = price(res("aws:lb/loadBalancer:LoadBalancer", "alb", {"subnets": ["a", "b"]}))
    # 730 x 0.0252 = 18.396; 1 LCU x 730 x 0.008 = 5.84; 2 IPs x 730 x 0.005 = 7.30 => 31.536
    assert report.total_monthly == pytest.approx(31.536)
    internal = price(res("aws:lb/loadBalancer:LoadBalancer", "alb", {"internal": True}))
    assert internal.total_monthly == pytest.approx(18.396 + 5.84)


def _web_tier(spec: dict, deps: dict | None = None):
    template = res("aws:ec2/launchTemplate:LaunchTemplate", "web-lt",
                   {"name": "web-lt-1234", "instanceType": "t4g.small",
                    "blockDeviceMappings": [{"deviceName": "/dev/xvda",
                                             "ebs": {"volumeSize": 8, "volumeType": "gp3", "encrypted": "true"}}]})
    group = res("aws:autoscaling/group:Group", "web-asg",
                {"desiredCapacity": 2, "minSize": 1, "maxSize": 4, "launchTemplate": spec},
                property_dependencies=deps or {})
    return template, group


def test_autoscaling_group_at_desired_capacity_with_min_max_range():
    template, group = _web_tier({"id": UNKNOWN, "version": "$Latest"},
                                {"launchTemplate": ("urn:pulumi:test::proj::aws:ec2/launchTemplate:LaunchTemplate::web-lt",)})
    report = price(template, group)
    asg = report.resources[0]
    # 2 x 730 x 0.0212 = 30.952; 2 x 8 GB x 0.096 = 1.536 => 32.488
    assert asg.monthly == pytest.approx(32.488)
    # one instance = 15.476 + 0.768 = 16.244; min 1 => 16.244, max 4 => 64.976
    assert asg.monthly_range == pytest.approx((16.244, 64.976))
    assert asg.note.startswith("desired 2 (min 1 - max 4)")
    assert report.free_types == {"aws:ec2/launchTemplate:LaunchTemplate": 1}


def test_autoscaling_group_finds_its_template_by_name():
    template, group = _web_tier({"name": "web-lt-1234"})
    assert price(template, group).total_monthly == pytest.approx(32.488)


def test_autoscaling_group_without_a_template_in_the_inventory_is_unknown():
    _, group = _web_tier({"id": "lt-0abc"})
    component = price(group).resources[0].components[0]
    assert not component.price_known
    assert "launch template not found" in component.note


def test_ec2_instance_with_root_volume_and_public_ip_uses_derived_price():
    report = price(res("aws:ec2/instance:Instance", "vm", {
        "instanceType": "t3.micro", "associatePublicIpAddress": True,
        "rootBlockDevice": {"volumeSize": 8, "volumeType": "gp3"}}))
    # 730 x 0.0132 (derived) = 9.636; 8 x 0.096 = 0.768; 730 x 0.005 = 3.65 => 14.054
    assert report.total_monthly == pytest.approx(14.054)
    assert line(report, "Instance usage").derived


def test_eip_is_public_ipv4_hours():
    # 730 x 0.005 = 3.65
    assert price(res("aws:ec2/eip:Eip", "ip")).total_monthly == pytest.approx(3.65)


CF = "aws:cloudfront/distribution:Distribution"


def test_cloudfront_small_usage_fits_the_always_free_allowance():
    report = price(res(CF, "cdn"))
    data = line(report, "Data transfer out")
    # 100 GB and 1M requests (100 x 10k) are inside 1 TB + 10M requests free
    assert (data.quantity, data.free_quantity, data.monthly) == (100, 100, 0)
    assert report.total_monthly == 0
    assert report.free_tiers_used[0][1] == 100


def test_cloudfront_by_region_group_and_price_class():
    usage = UsageSettings(by_resource={"cdn": {"monthlyDataTransferGb": 3000, "monthlyHttpsRequests": 50e6}})
    # Asia edges: (3000 - 1000 free) x 0.120 = 240; (5000 - 1000 free) x 10k x 0.0120 = 48 => 288
    assert price(res(CF, "cdn"), usage=usage).total_monthly == pytest.approx(288)
    # PriceClass_100 has no Asian edges: (2000 x 0.085) + (4000 x 0.0100) = 170 + 40 = 210
    narrow = price(res(CF, "cdn", {"priceClass": "PriceClass_100"}), usage=usage)
    assert narrow.total_monthly == pytest.approx(210)
    assert "excludes asia" in narrow.resources[0].note


def test_cloudfront_flat_rate_plan_option():
    report = price(res(CF, "cdn"), usage=UsageSettings(cloudfront_plan="pro"))
    assert [(c.name, c.monthly, c.usage_based) for c in report.resources[0].components] == [
        ("Flat-rate plan (pro)", 15.0, False)]


def test_cloudflare_zone_plan_from_its_subscription_or_usage():
    zone = res("cloudflare:index/zone:Zone", "shop", {"name": "shop.example.vn"})
    subscription = res("cloudflare:index/zoneSubscription:ZoneSubscription", "shop-plan",
                       {"ratePlan": {"id": "pro"}}, property_dependencies={"zoneId": (zone.urn,)})
    assert price(zone, subscription).total_monthly == 20
    assert price(zone).total_monthly == 0
    assert price(zone, usage=UsageSettings(cloudflare_plan="business")).total_monthly == 200


def test_sqs_first_million_free_and_fifo_price():
    standard = res("aws:sqs/queue:Queue", "email")
    fifo = res("aws:sqs/queue:Queue", "orders", {"fifoQueue": True, "name": "orders.fifo"})
    report = price(standard, fifo, region=US)
    # small = 1M requests each; the account's free 1M goes to the first queue: 0; FIFO 1 x 0.50 = 0.50
    assert report.resources[0].monthly == 0
    assert report.resources[1].monthly == pytest.approx(0.50)
    assert line(report, "Requests (fifo)", 1).price_key == "sqs:requests:fifo"
    singapore = price(standard, region=SG)
    assert not singapore.resources[0].components[0].price_known


def test_cloudwatch_alarms_dashboards_and_logs_after_free_tier():
    alarms = [res("aws:cloudwatch/metricAlarm:MetricAlarm", f"a{i}", {"period": 60}) for i in range(12)]
    dashboards = [res("aws:cloudwatch/dashboard:Dashboard", f"d{i}") for i in range(4)]
    logs = res("aws:cloudwatch/logGroup:LogGroup", "app", {"retentionInDays": 30})
    usage = UsageSettings(by_type={"aws:cloudwatch/logGroup:LogGroup": {"monthlyIngestGb": 10}})
    report = price(*alarms, *dashboards, logs, usage=usage)
    # alarms: 12 - 10 free = 2 x 0.10 = 0.20; dashboards: 4 - 3 free = 1 x 3.00 = 3.00
    # logs: (10 - 5 free) GB x 0.70 = 3.50; stored 10 GB x 30 days / 30 = 10 GB x 0.03 = 0.30
    assert sum(r.monthly for r in report.resources[:12]) == pytest.approx(0.20)
    assert sum(r.monthly for r in report.resources[12:16]) == pytest.approx(3.00)
    assert report.resources[16].monthly == pytest.approx(3.80)


def test_metric_math_alarm_is_billed_per_metric():
    alarm = res("aws:cloudwatch/metricAlarm:MetricAlarm", "error-rate", {"metricQueries": [
        {"id": "e", "expression": "m1/m2"}, {"id": "m1", "metric": {"metricName": "5xx"}},
        {"id": "m2", "metric": {"metricName": "Requests"}}]})
    assert price(alarm).resources[0].components[0].quantity == 2


def test_grafana_users_bill_at_least_one_editor():
    workspace = res("aws:grafana/workspace:Workspace", "grafana")
    # medium: 2 editors x 9 + 5 viewers x 5 = 43
    assert price(workspace, region=US, usage=UsageSettings(profile="medium")).total_monthly == 43
    nobody = UsageSettings(by_type={"aws:grafana/workspace:Workspace": {"editorUsers": 0}})
    assert price(workspace, region=US, usage=nobody).total_monthly == 9
    assert not price(workspace, region=SG).resources[0].components[0].price_known


def test_prometheus_samples_after_free_tier():
    # small: 2e8 samples = 20 x 10M, minus 4 free = 16 x 0.90 = 14.40; 1 GB storage within the free 10 GB
    assert price(res("aws:amp/workspace:Workspace", "amp"), region=US).total_monthly == pytest.approx(14.40)


def test_waf_acl_rules_and_requests():
    acl = res("aws:wafv2/webAcl:WebAcl", "waf", {"rules": [{"name": "a"}, {"name": "b"}, {"name": "c"}]})
    # 5.00 + 3 rules x 1.00 + 1M requests x 0.60 = 8.60
    assert price(acl).total_monthly == pytest.approx(8.60)


def test_secret_kms_backup_and_s3():
    report = price(res("aws:secretsmanager/secret:Secret", "s"), res("aws:kms/key:Key", "k"),
                   res("aws:backup/plan:Plan", "p"), res("aws:s3/bucket:Bucket", "b"))
    monthly = [r.monthly for r in report.resources]
    # secret 0.40 + 1 x 10k calls x 0.05; key 1.00 + 1 x 10k x 0.03; backup 20 GB x 0.095;
    # bucket 5 GB x 0.025 + 10 x 1k PUT x 0.005 + 100 x 1k GET x 0.0004
    assert monthly == pytest.approx([0.45, 1.03, 1.90, 0.215])


def test_prices_the_catalog_lacks_are_unknown_never_guessed():
    report = price(res("aws:route53/healthCheck:HealthCheck", "uptime", {"type": "HTTPS"}),
                   res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "logs"),
                   res("aws:backup/plan:Plan", "p"), region=US)
    assert [c.price_known for r in report.resources for c in r.components] == [False, False, False]
    assert report.total_monthly == 0
    assert report.lines == (0, 3)


def test_unknown_and_free_types_are_listed_not_priced():
    report = price(res("aws:ec2/vpc:Vpc", "vpc"), res("aws:sns/topic:Topic", "alerts"),
                   res("aws:sns/topic:Topic", "alerts2"), res("sme-rollout:cache:Cache", "c", custom=False))
    assert report.resources == ()
    assert report.free_types == {"aws:ec2/vpc:Vpc": 1}
    assert report.unpriced_types == {"aws:sns/topic:Topic": 2}


def test_unknown_region_makes_every_line_unknown_with_a_note():
    report = price(res("aws:ec2/natGateway:NatGateway", "nat"), res("cloudflare:index/zone:Zone", "z"),
                   region="ap-southeast-7")
    assert all(not c.price_known for r in report.resources for c in r.components)
    assert "no prices for region ap-southeast-7" in report.notes[0]
    assert "no prices for region ap-southeast-7" in report.resources[0].components[0].note


def test_usage_profiles_and_overrides_with_their_origin():
    queue = res("aws:sqs/queue:Queue", "email")
    other = res("aws:sqs/queue:Queue", "reports")
    # medium: 10M requests; first queue (10 - 1 free) x 0.40 = 3.60, second 10 x 0.40 = 4.00
    medium = price(queue, other, region=US, usage=UsageSettings(profile="medium"))
    assert [r.monthly for r in medium.resources] == pytest.approx([3.60, 4.00])
    usage = UsageSettings(by_type={"aws:sqs/queue:Queue": {"monthlyRequests": 3e6}},
                          by_resource={"reports": {"monthlyRequests": 6e6}})
    report = price(queue, other, region=US, usage=usage)
    # byType 3M: (3 - 1) x 0.40 = 0.80; byResource 6M beats byType: 6 x 0.40 = 2.40
    assert [r.monthly for r in report.resources] == pytest.approx([0.80, 2.40])
    assert [(a.key, a.value, a.origin) for a in report.assumptions] == [
        ("monthlyRequests", 3e6, "byType"), ("monthlyRequests", 6e6, "byResource")]
    assert price(queue, region=US).assumptions[0].origin == "profile small"


def test_bad_usage_config_is_a_user_error_naming_the_key():
    with pytest.raises(UserError) as error:
        load_settings({"usage": {"byType": {"aws:sqs/queue:Queue": {"monthlyReqs": 5}}}}, "Pulumi.dev.yaml")
    assert error.value.problems == [
        "Pulumi.dev.yaml: rollout:usage.byType: aws:sqs/queue:Queue.monthlyReqs: unknown usage key "
        "(known: monthlyRequests)"]
    with pytest.raises(UserError, match="usage.profile"):
        load_settings({"usage": {"profile": "huge"}}, "Pulumi.dev.yaml")


def test_price_inventory_accepts_the_whole_settings():
    settings = RolloutSettings(usage=UsageSettings(profile="large"))
    report = price_inventory(inv(res("aws:sqs/queue:Queue", "q")), settings, US)
    # large: 100M requests: (100 - 1) x 0.40 = 39.60
    assert report.total_monthly == pytest.approx(39.60)
    assert report.usage_profile == "large"


def test_compare_phases_added_changed_removed_and_percent():
    nat = res("aws:ec2/natGateway:NatGateway", "nat", phase=1)
    eip = res("aws:ec2/eip:Eip", "ip", phase=1)
    small_db = res(RDS, "db", {"engine": "postgres", "instanceClass": "db.t4g.micro", "allocatedStorage": 20,
                               "storageType": "gp3"}, phase=1)
    big_db = res(RDS, "db", {"engine": "postgres", "instanceClass": "db.t4g.small", "allocatedStorage": 20,
                             "storageType": "gp3"}, phase=2)
    alb = res("aws:lb/loadBalancer:LoadBalancer", "alb", {"internal": True}, phase=2)
    before = price_inventory(inv(nat, eip, small_db, phase=1), UsageSettings(), SG)
    after = price_inventory(inv(nat, big_db, alb, phase=2), UsageSettings(), SG)
    diff = compare(before, after)
    changes = {c.name: (c.change, round(c.diff, 4)) for c in diff.changes}
    # db: (730 x 0.051 + 2.76) - (730 x 0.025 + 2.76) = 37.23 - 18.25 = 18.98
    assert changes == {"nat": ("unchanged", 0), "db": ("changed", 18.98), "alb": ("added", 24.236),
                       "ip": ("removed", -3.65)}
    # before: 43.66 + 3.65 + 21.01 = 68.32; after: 43.66 + 39.99 + 24.236 = 107.886
    assert diff.before_total == pytest.approx(68.32)
    assert diff.amount == pytest.approx(39.566)
    assert diff.percent == pytest.approx(39.566 / 68.32 * 100)
    assert after.by_phase == pytest.approx({1: 43.66, 2: 64.226})
    assert compare(None, after).percent is None


def test_vnd_conversion_from_catalog_or_stack_rate():
    catalog = load_catalog()
    rate, source = exchange_rate("VND", UsageSettings(), catalog)
    assert rate == catalog.exchange_rates["VND"]["per_usd"]
    assert "assumption" in source
    assert exchange_rate("VND", UsageSettings(vnd_per_usd=26000), catalog) == (
        26000, "rollout:usage.vndPerUsd in the stack file")
    report = in_currency(price(res("aws:ec2/eip:Eip", "ip")), "VND", 26000)
    # 3.65 USD x 26,000 = 94,900 VND; price 0.005 x 26,000 = 130 per hour
    assert report.total_monthly == pytest.approx(94_900)
    assert report.resources[0].components[0].price == pytest.approx(130)
    assert report.currency == "VND"


def test_packaged_catalog_is_dated_and_sourced():
    catalog = load_catalog()
    assert catalog.date == "2026-09-25"
    assert {SG, US} <= set(catalog.regions)
    for region in (SG, US):
        for key, entry in catalog.regions[region].items():
            assert entry.get("missing") or (entry["source"] and entry["as_of"]), key
    # PRICES.md spot checks: derived and missing rows keep their marks
    assert catalog.price(SG, "ec2:instance:t4g.micro", "hour").derived
    assert catalog.price(SG, "elasticache:node:redis:cache.t4g.micro", "node-hour").usd is None
    assert catalog.price(US, "rds:instance:postgres:db.t4g.small:multi-az", "hour").usd == 0.065
    assert HOURS_PER_MONTH == 730


def test_bad_catalog_file_is_a_user_error(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"catalog_date": "2026-01-01",
                                "regions": {"x-1": {"prices": {"k": {"unit": "hour", "usd": None}}}}}))
    with pytest.raises(UserError, match="regions.x-1.prices.k: has no usd price and is not marked missing"):
        load_catalog(path)
    path.write_text("{")
    with pytest.raises(UserError, match="not valid JSON"):
        load_catalog(path)
