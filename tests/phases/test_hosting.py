"""Where the app runs and how it reaches each service, phase by phase, per hosting case (pure decisions)."""

import pytest

from phases import hosting
from phases.config import AppConfig, ConfigError, parse_config

EXTERNAL = AppConfig()
VPN = AppConfig(hosting="external", private_access="vpn", server_ip="198.51.100.20", round_trip_ms=25)
EC2 = AppConfig(hosting="ec2-in-account", vpc_id="vpc-0123456789abcdef0", vpc_cidr="172.31.0.0/16",
                route_table_ids=["rtb-0123456789abcdef0"], security_group_id="sg-0123456789abcdef0",
                instance_role_name="shop-server")
WEB_TIER = AppConfig(hosting="web-tier")


@pytest.mark.parametrize(("app", "expected"), [
    (EXTERNAL, {"cache": 6, "database": 6, "uploads": 6, "queues": 6}),
    (VPN, {"cache": 2, "database": 3, "uploads": 6, "queues": 6}),
    (EC2, {"cache": 2, "database": 3, "uploads": 3, "queues": 4}),
    (WEB_TIER, {"cache": 2, "database": 3, "uploads": 3, "queues": 4}),
])
def test_each_service_is_built_when_the_app_can_use_it(app, expected):
    assert {s: hosting.service_phase(app, s) for s in hosting.SERVICES} == expected


def test_default_is_an_external_server_moving_in_phase_6():
    assert EXTERNAL.hosting == "external" and EXTERNAL.moves_at == 6 and WEB_TIER.moves_at == 2
    assert [hosting.runs_on(EXTERNAL, n) for n in (1, 5, 6)] == [
        "old server (outside AWS)", "old server (outside AWS)", "web tier"]


@pytest.mark.parametrize(("app", "phase", "service", "path"), [
    (EXTERNAL, 2, "cache", "deferred"), (EXTERNAL, 6, "cache", "in-vpc"), (EXTERNAL, 1, "cache", "absent"),
    (VPN, 2, "cache", "vpn"), (VPN, 4, "queues", "deferred"), (VPN, 6, "database", "in-vpc"),
    (EC2, 3, "database", "peering"), (EC2, 4, "queues", "iam-role"), (EC2, 6, "cache", "in-vpc"),
    (WEB_TIER, 2, "cache", "in-vpc"), (WEB_TIER, 3, "uploads", "iam-role"),
])
def test_how_the_app_reaches_a_service(app, phase, service, path):
    assert hosting.access(app, service, phase).path == path


def test_vpn_states_the_latency():
    assert "~25 ms" in hosting.access(VPN, "cache", 2).note
    unknown = AppConfig(hosting="external", private_access="vpn", server_ip="198.51.100.20")
    assert "round trip" in hosting.access(unknown, "cache", 2).note


def test_plan_and_table_cover_every_phase():
    plan = hosting.plan(VPN, 6)
    assert plan["movesToWebTierAtPhase"] == 6 and set(plan["phases"]) == {"1", "2", "3", "4", "5", "6"}
    rows = hosting.table(EXTERNAL)
    assert rows[1] == ["2", "old server (outside AWS)", "deferred → 6", "—", "—", "—"]
    assert rows[5][2:] == ["in-vpc", "in-vpc", "iam-role", "iam-role"]


@pytest.mark.parametrize(("app", "message"), [
    ({"hosting": "ec2-in-account"}, "hosting ec2-in-account needs vpcId, vpcCidr, securityGroupId"),
    ({"privateAccess": "vpn"}, "privateAccess vpn needs serverIp"),
    ({"privateAccess": "vpn", "serverIp": "10.1.2.3"}, "must be a public IPv4 address"),
    ({"hosting": "web-tier", "serverIp": "198.51.100.20"}, "apply to hosting external only"),
    ({"hosting": "ec2-in-account", "vpcId": "vpc-0123456789abcdef0", "vpcCidr": "10.40.0.0/20",
      "routeTableIds": ["rtb-0123456789abcdef0"], "securityGroupId": "sg-0123456789abcdef0",
      "instanceRoleName": "r"}, "overlaps network.cidr"),
])
def test_bad_hosting_config_is_one_line_with_its_key(app, message):
    with pytest.raises(ConfigError) as error:
        parse_config({"site": {"domain": "shop.example.vn", "origin": "o.example.vn"}, "app": app})
    assert any(message in line for line in error.value.problems), error.value.problems
    assert all(line.startswith("sme-rollout:") for line in error.value.problems)


def test_services_need_a_pinned_ami_and_one_kind_of_image_once_built():
    base = {"site": {"domain": "shop.example.vn", "origin": "o.example.vn"}, "phase": 6,
            "cdn": {"provider": "cloudfront"},
            "observability": {"grafanaAdminGroups": ["90676bc5d1-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"]}}
    with pytest.raises(ConfigError, match="imageId is required from phase 6"):
        parse_config({**base, "services": [{"name": "web", "image": "1.0"}]})
    with pytest.raises(ConfigError, match="exactly one of image"):
        parse_config({**base, "services": [{"name": "web", "imageId": "ami-0a1b2c3d4e5f60718"}]})
    with pytest.raises(ConfigError, match="not latest"):
        parse_config({**base, "services": [{"name": "web", "imageId": "ami-0a1b2c3d4e5f60718", "image": "latest"}]})
    with pytest.raises(ConfigError, match="from phase 2"):
        parse_config({**base, "phase": 2, "app": {"hosting": "web-tier"}})


def test_the_journey_documents_this_table():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "journey.md").read_text()
    assert "## Where the app runs" in text
    for app in (EXTERNAL, VPN, EC2, WEB_TIER):
        for row in hosting.table(app):
            assert "| " + " | ".join(row) + " |" in text


SITE = {"domain": "shop.example.vn", "origin": "o.example.vn"}
MIGRATE = {"engine": "postgres", "host": "203.0.113.10", "database": "shop", "user": "dms_reader",
           "secretArn": "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:shop-source-AbCdEf"}


def _stack(app: AppConfig, migrate: bool = False, web_tier_phase: int | None = None):
    from phases.config import StackConfig

    app_config = app.model_dump(by_alias=True, exclude_none=True)
    if web_tier_phase is not None:
        app_config["webTierPhase"] = web_tier_phase
    database = {"engine": "postgres", **({"migrateFrom": MIGRATE} if migrate else {})}
    return StackConfig.model_validate({"site": SITE, "app": app_config, "database": database})


@pytest.mark.parametrize(("app", "migrate", "web_tier_phase", "expected"), [
    (EXTERNAL, False, None, 6),   # the default: cache and database deferred, nothing in the VPC needs the internet
    (VPN, False, None, 6),        # the cache (2) and database (3) over the VPN never leave the VPC
    (EC2, False, None, 6),        # peering: the old server keeps its own way out
    (WEB_TIER, False, None, 2),   # the web tier boots in phase 2
    (EXTERNAL, False, 4, 4),      # webTierPhase moves the web tier, and the NAT with it
    (EXTERNAL, True, None, 6),    # DMS is built with the database, deferred to the move
    (VPN, True, None, 3),         # DMS in phase 3 reaches the source through the NAT (migrationSourceAllowlist)
    (EC2, True, None, 3),
    (WEB_TIER, True, None, 2),
])
def test_the_nat_exists_from_the_first_phase_that_needs_the_internet(app, migrate, web_tier_phase, expected):
    config = _stack(app, migrate, web_tier_phase)
    assert hosting.egress_phase(config) == expected
    needs = hosting.egress_needs(config)
    assert [n.phase for n in needs] == sorted(n.phase for n in needs) and needs[0].phase == expected
    assert {n.who for n in needs} == ({"web tier", "database migration (DMS)"} if migrate else {"web tier"})


def test_our_stacks_need_the_nat_only_where_something_uses_it(project_root):
    """example and prod: the web tier (phase 6) is the first consumer; move: DMS in phase 3."""
    from rollout.model.stackfile import load_stack

    found = {}
    for stack in ("example", "prod", "move"):
        found[stack] = hosting.egress_phase(parse_config(load_stack(project_root, stack).namespace("sme-rollout")))
    assert found == {"example": 6, "prod": 6, "move": 3}
