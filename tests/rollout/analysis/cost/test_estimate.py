"""Pricing rules of rollout.analysis.cost.estimate on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.analysis.cost import compare, exchange_rate, in_currency, load_catalog, price_inventory
from rollout.model.inventory import Resource
from rollout.model.settings import RolloutSettings, UsageSettings
from tests.rollout.analysis.cost.builders import RDS, SG, US, inv, price, res


def test_secret_kms_backup_and_s3():
    report = price(
        res("aws:secretsmanager/secret:Secret", "s"),
        res("aws:kms/key:Key", "k"),
        res("aws:backup/plan:Plan", "p"),
        res("aws:s3/bucket:Bucket", "b"),
    )
    monthly = [r.monthly for r in report.resources]
    # secret 0.40 + 1 x 10k calls x 0.05; key 1.00 + 1 x 10k x 0.03; backup 20 GB x 0.095;
    # bucket 5 GB x 0.025 + 10 x 1k PUT x 0.005 + 100 x 1k GET x 0.0004
    assert monthly == pytest.approx([0.45, 1.03, 1.90, 0.215])


def test_prices_the_catalog_lacks_are_unknown_never_guessed():
    report = price(
        res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "logs"),
        res("aws:backup/plan:Plan", "p"),
        res("aws:sns/topic:Topic", "alerts"),
        region=SG,
    )
    assert [c.price_known for r in report.resources for c in r.components] == [False, True, False]
    # only the backup line is priced: 20 GB x 0.095
    assert report.total_monthly == pytest.approx(1.90)
    assert report.lines == (1, 2)


def test_unknown_and_free_types_are_listed_not_priced():
    report = price(res("aws:ec2/vpc:Vpc", "vpc"), res("aws:mq/broker:Broker", "mq"),
                   res("aws:mq/broker:Broker", "mq2"), res("sme-rollout:cache:Cache", "c", custom=False))
    assert report.resources == ()
    assert report.free_types == {"aws:ec2/vpc:Vpc": 1}
    assert report.unpriced_types == {"aws:mq/broker:Broker": 2}
    assert report.unpriced_reasons == {}


def test_a_dynamic_providers_resource_is_unpriced_with_its_reason():
    report = price(res("pulumi-python:dynamic:Resource", "custom"), res("aws:mq/broker:Broker", "mq"))
    assert report.unpriced_types == {"aws:mq/broker:Broker": 1, "pulumi-python:dynamic:Resource": 1}
    assert list(report.unpriced_reasons) == ["pulumi-python:dynamic:Resource"]
    assert "unknown by nature" in report.unpriced_reasons["pulumi-python:dynamic:Resource"]
    assert report.is_lower_bound
    assert report.to_json()["unpriced_reasons"] == dict(report.unpriced_reasons)


def test_unknown_region_makes_every_line_unknown_with_a_note():
    report = price(
        res("aws:ec2/natGateway:NatGateway", "nat"), res("cloudflare:index/zone:Zone", "z"), region="ap-southeast-7"
    )
    assert all(not c.price_known for r in report.resources for c in r.components)
    assert "no prices for region ap-southeast-7" in report.notes[0]
    assert "no prices for region ap-southeast-7" in report.resources[0].components[0].note


def test_price_inventory_accepts_the_whole_settings():
    settings = RolloutSettings(usage=UsageSettings(profile="large"))
    report = price_inventory(inv(res("aws:sqs/queue:Queue", "q")), settings, US)
    # large: 100M requests: (100 - 1) x 0.40 = 39.60
    assert report.total_monthly == pytest.approx(39.60)
    assert report.usage_profile == "large"


def test_compare_phases_added_changed_removed_and_percent():
    nat = res("aws:ec2/natGateway:NatGateway", "nat", phase=1)
    eip = res("aws:ec2/eip:Eip", "ip", phase=1)
    small_db = res(
        RDS,
        "db",
        {"engine": "postgres", "instanceClass": "db.t4g.micro", "allocatedStorage": 20, "storageType": "gp3"},
        phase=1,
    )
    big_db = res(
        RDS,
        "db",
        {"engine": "postgres", "instanceClass": "db.t4g.small", "allocatedStorage": 20, "storageType": "gp3"},
        phase=2,
    )
    alb = res("aws:lb/loadBalancer:LoadBalancer", "alb", {"internal": True}, phase=2)
    before = price_inventory(inv(nat, eip, small_db, phase=1), UsageSettings(), SG)
    after = price_inventory(inv(nat, big_db, alb, phase=2), UsageSettings(), SG)
    diff = compare(before, after)
    changes = {c.name: (c.change, round(c.diff, 4)) for c in diff.changes}
    # db: (730 x 0.051 + 2.76) - (730 x 0.025 + 2.76) = 37.23 - 18.25 = 18.98
    assert changes == {
        "nat": ("unchanged", 0),
        "db": ("changed", 18.98),
        "alb": ("added", 24.236),
        "ip": ("removed", -3.65),
    }
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
        26000,
        "rollout:usage.vndPerUsd in the stack file",
    )
    report = in_currency(price(res("aws:ec2/eip:Eip", "ip")), "VND", 26000)
    # 3.65 USD x 26,000 = 94,900 VND; price 0.005 x 26,000 = 130 per hour
    assert report.total_monthly == pytest.approx(94_900)
    assert report.resources[0].components[0].price == pytest.approx(130)
    assert report.currency == "VND"


def test_data_transfer_out_is_priced_once_on_the_account_total_golden(synth):
    """Golden (Infracost aws_data_transfer, ap-southeast-1, 157,000 GB out): a load balancer and a NAT gateway
    send to the internet; the tiers and the free 100 GB count their total, on one account line."""
    from tests.rollout.analysis.cost.builders import SG, breakdown, golden

    def program() -> None:
        import pulumi_aws as aws

        aws.lb.LoadBalancer("web", load_balancer_type="network", subnets=["subnet-a"])
        aws.ec2.NatGateway("nat", subnet_id="subnet-a", allocation_id="eipalloc-1")

    usage = UsageSettings(
        by_resource={"web": {"monthlyDataTransferOutGb": 100_000}, "nat": {"monthlyDataTransferOutGb": 57_000}}
    )
    report = golden(synth, program, usage, region=SG)
    account = [row for row in breakdown(report) if row[0] == "data transfer out to the internet"]
    # Infracost: 10,240 x 0.12 = 1,228.80 (here less the free 100 GB: 10,140 x 0.12 = 1,216.80); 40,960 x 0.085 =
    # 3,481.60; 102,400 x 0.082 = 8,396.80; 3,400 x 0.08 = 272.00
    assert account == [
        ("data transfer out to the internet", "Data transfer out (first 10 TB)", 10240.0, "GB", 1216.8),
        ("data transfer out to the internet", "Data transfer out (next 40 TB)", 40960.0, "GB", 3481.6),
        ("data transfer out to the internet", "Data transfer out (next 100 TB)", 102400.0, "GB", 8396.8),
        ("data transfer out to the internet", "Data transfer out (over 150 TB)", 3400.0, "GB", 272.0),
    ]
    assert sum(row[4] for row in account) == pytest.approx(13367.20)
    resource = next(r for r in report.resources if r.name == "data transfer out to the internet")
    assert "nat 57000 GB, web 100000 GB" in resource.note
    assert (
        "Data transfer out to the internet (100 GB free per month, across AWS)",
        100,
        "GB",
    ) in report.free_tiers_used


def test_data_transfer_out_left_at_zero_is_said_not_hidden():
    report = price(
        res("aws:lb/loadBalancer:LoadBalancer", "web", {"loadBalancerType": "network"}),
        res("aws:lb/loadBalancer:LoadBalancer", "inner", {"internal": True}),
    )
    assert all(r.name != "data transfer out to the internet" for r in report.resources)
    assert any("data transfer out to the internet: 0 GB assumed for the 1 internet-facing" in n for n in report.notes)
    assert any(a.key == "monthlyDataTransferOutGb" for a in report.assumptions)


def test_public_ipv4_has_one_rate_outside_the_catalog_regions():
    report = price(res("aws:ec2/eip:Eip", "ip"), res("aws:ec2/natGateway:NatGateway", "nat"), region="ap-southeast-7")
    ip = report.resources[0].components[0]
    # AWS's one rate in every commercial region: 730 h x 0.005 = 3.65 in Bangkok too; the NAT gateway stays unknown
    assert (ip.price_known, round(ip.monthly, 2)) == (True, 3.65)
    assert "one rate in every commercial region" in ip.note
    assert not any(c.price_known for c in report.resources[1].components)
    assert "but those with one rate in every commercial region" in report.notes[0]
    china = price(res("aws:ec2/eip:Eip", "ip"), region="cn-north-1")
    assert not china.resources[0].components[0].price_known  # billed in CNY: not a commercial region's rate


@pytest.mark.parametrize("region", [SG, US])
def test_every_network_storage_and_dns_line_is_priced_or_recorded_missing_never_absent(region):
    """Issue 18: a line is "price unknown" only where the catalog records the gap (with where it was sought), never
    because a key the pricer uses is absent from the catalog."""
    every_class = [{"days": 30 * (i + 1), "storageClass": c} for i, c in enumerate(
        ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"))]
    big = 10_000_000_000
    usage = UsageSettings(by_resource={
        "cdn": {"monthlyDataTransferGb": big, "monthlyHttpRequests": 1e6},
        "zone": {"monthlyStandardQueries": big, "monthlyLatencyQueries": big, "monthlyGeoQueries": big},
        "web": {"monthlyDataTransferOutGb": big}})
    report = price(
        res("aws:cloudfront/distribution:Distribution", "cdn"),
        res("aws:route53/zone:Zone", "zone"),
        res("aws:lb/loadBalancer:LoadBalancer", "web", {"loadBalancerType": "network"}),
        res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lc",
            {"rules": [{"id": "r", "status": "Enabled", "transitions": every_class}]}),
        res("aws:ec2/vpnConnection:VpnConnection", "vpn", {"transitGatewayId": "tgw-1"}),
        res("aws:ssm/parameter:Parameter", "p", {"tier": "Advanced"}),
        res("aws:ec2/vpcEndpoint:VpcEndpoint", "gwlb", {"vpcEndpointType": "GatewayLoadBalancer"}),
        res("aws:cloudwatch/metricAlarm:MetricAlarm", "fast", {"period": 10}),
        region=region, usage=usage)
    components = [c for r in report.resources for c in r.components]
    assert len(components) > 40
    assert not [c.name for c in components if "not in the catalog" in c.note or "catalog unit" in c.note]
    catalog = load_catalog()
    for c in components:
        if not c.price_known:
            entry = catalog.regions[region].get(c.price_key) or catalog.global_prices.get(c.price_key)
            assert entry and entry.get("missing") and entry["source"].startswith("searched"), c.price_key


def _provider(name: str, region) -> Resource:
    return res("pulumi:providers:aws", name, {"region": region})


def test_a_resource_is_priced_in_its_providers_region():
    catalog = load_catalog()
    virginia = _provider("us", US)
    here = res("aws:ec2/instance:Instance", "here", {"instanceType": "t3.micro"})
    there = res("aws:ec2/instance:Instance", "there", {"instanceType": "t3.micro"}, provider=virginia.urn)
    report = price_inventory(inv(virginia, here, there), UsageSettings(), SG)
    first = {r.name: r.components[0] for r in report.resources}
    assert first["here"].price == catalog.regions[SG]["ec2:instance:t3.micro"]["usd"]
    assert first["there"].price == catalog.regions[US]["ec2:instance:t3.micro"]["usd"]
    assert report.region == SG and report.notes[0] == (
        "1 resource(s) priced in us-east-1, the region of the AWS provider they are created with")


def test_a_provider_region_the_catalog_lacks_is_price_unknown_and_said():
    london = _provider("uk", "eu-west-2")
    server = res("aws:ec2/instance:Instance", "web", {"instanceType": "t3.micro"}, provider=london.urn)
    report = price_inventory(inv(london, server), UsageSettings(), SG)
    assert not report.resources[0].components[0].price_known
    assert any(n.startswith("no prices for region eu-west-2 in the catalog: every line there is price unknown")
               for n in report.notes)


def test_an_unknown_provider_region_falls_back_to_the_stack_region():
    from rollout.model.inventory import UNKNOWN

    later = _provider("later", UNKNOWN)
    server = res("aws:ec2/instance:Instance", "web", {"instanceType": "t3.micro"}, provider=later.urn)
    report = price_inventory(inv(later, server), UsageSettings(), SG)
    assert report.resources[0].components[0].price == load_catalog().regions[SG]["ec2:instance:t3.micro"]["usd"]
    assert not report.notes


def test_internet_transfer_is_tiered_per_region_and_the_free_100_gb_is_the_accounts():
    virginia = _provider("us", US)
    here = res("aws:lb/loadBalancer:LoadBalancer", "here", {"loadBalancerType": "application"})
    there = res("aws:lb/loadBalancer:LoadBalancer", "there", {"loadBalancerType": "application"},
                provider=virginia.urn)
    usage = UsageSettings(by_resource={"here": {"monthlyDataTransferOutGb": 80},
                                       "there": {"monthlyDataTransferOutGb": 50}})
    report = price_inventory(inv(virginia, here, there), usage, SG)
    out = [r for r in report.resources if r.type == "aws:dataTransfer:InternetOut"]
    assert [r.name for r in out] == ["data transfer out to the internet",
                                     "data transfer out to the internet (us-east-1)"]
    assert [r.components[0].quantity for r in out] == [80, 50]
    # one 100 GB allowance for the account: 80 GB in Singapore first, the other 20 GB in Virginia
    assert [r.components[0].free_quantity for r in out] == [80, 20]
