"""Traffic switches: a change that moves visitors is recognised by what a visitor gets, not by its resource type."""

import dataclasses

import pytest

from rollout.analysis.switches import (
    CLOUDFLARE_RECORD,
    DISTRIBUTION,
    ROUTE53_RECORD,
    classify,
    routes,
    traffic_switches,
)
from rollout.model.inventory import Inventory, Resource

OLD = {"originId": "web", "domainName": "origin.example.vn"}
BUCKET = {"originId": "assets", "domainName": "assets.s3.ap-southeast-1.amazonaws.com"}
ALB = {"originId": "alb", "domainName": "web-alb.elb.amazonaws.com"}


def distribution(default="web", ordered=(), origins=(OLD,), groups=(), aliases=("shop.example.vn",)):
    return Resource(urn=f"urn:d:{default}", type=DISTRIBUTION, name="cdn-distribution", phase=2, inputs={
        "aliases": list(aliases), "origins": list(origins), "originGroups": list(groups),
        "defaultCacheBehavior": {"targetOriginId": default},
        "orderedCacheBehaviors": [{"pathPattern": p, "targetOriginId": t} for p, t in ordered]})


def record(type_, inputs, urn="urn:r"):
    return Resource(urn=urn, type=type_, name="site", inputs=inputs)


def test_routes_resolve_origin_groups_to_their_members():
    group = {"originId": "static", "members": [{"originId": "assets"}, {"originId": "web"}]}
    table = routes(distribution(ordered=[("/static/*", "static")], origins=(OLD, BUCKET), groups=(group,)).inputs)
    assert table == {"*": "origin.example.vn",
                     "/static/*": "assets.s3.ap-southeast-1.amazonaws.com then origin.example.vn"}


def test_the_default_origin_moving_is_an_origin_switch():
    (switch,) = classify(distribution(), distribution(default="alb", origins=(OLD, ALB)))
    assert (switch.kind, switch.where, switch.old, switch.new) == (
        "origin", "*", "origin.example.vn", "web-alb.elb.amazonaws.com")
    assert switch.setting == "switches.originToLoadBalancer"


def test_a_new_path_behavior_is_a_path_switch_and_an_unused_origin_is_not():
    with_bucket = distribution(origins=(OLD, BUCKET))
    assert list(classify(distribution(), with_bucket)) == []  # an origin nobody routes to moves nobody
    (switch,) = classify(with_bucket, distribution(ordered=[("/static/*", "assets")], origins=(OLD, BUCKET)))
    assert (switch.kind, switch.where, switch.new) == ("path", "/static/*", BUCKET["domainName"])
    assert switch.old == "the default behavior (origin.example.vn)"


def test_aliases_are_dns_switches():
    switches = list(classify(distribution(aliases=()), distribution()))
    assert [(s.kind, s.where) for s in switches] == [("dns", "shop.example.vn")]
    assert list(classify(None, distribution(aliases=()))) == []
    assert list(classify(None, distribution())) == []  # nobody reaches it until a record points at it


@pytest.mark.parametrize(("before", "after", "switched"), [
    (None, {"type": "A", "name": "shop.example.vn", "aliases": [{"name": "d1.cloudfront.net"}],
            "allowOverwrite": True}, True),
    (None, {"type": "A", "name": "new.example.vn", "records": ["203.0.113.1"]}, False),
    (None, {"type": "CNAME", "name": "_abc.shop.example.vn", "records": ["_x.acm-validations.aws"],
            "allowOverwrite": True}, False),
    ({"type": "A", "name": "shop.example.vn", "records": ["203.0.113.1"]},
     {"type": "A", "name": "shop.example.vn", "records": ["203.0.113.2"]}, True),
    ({"type": "A", "name": "shop.example.vn", "records": ["203.0.113.1"]}, None, True),
    ({"type": "TXT", "name": "example.vn", "records": ["v=spf1 -all"]},
     {"type": "TXT", "name": "example.vn", "records": ["v=spf1 ~all"]}, False),
])
def test_route53_records(before, after, switched):
    found = list(classify(before and record(ROUTE53_RECORD, before), after and record(ROUTE53_RECORD, after)))
    assert bool(found) is switched


@pytest.mark.parametrize(("before", "after", "switched"), [
    (None, {"type": "CNAME", "name": "shop.example.vn", "content": "origin.example.vn", "proxied": False}, False),
    ({"type": "CNAME", "name": "shop.example.vn", "content": "origin.example.vn", "proxied": False},
     {"type": "CNAME", "name": "shop.example.vn", "content": "origin.example.vn", "proxied": True}, True),
    ({"type": "CNAME", "name": "shop.example.vn", "content": "origin.example.vn", "proxied": True},
     {"type": "CNAME", "name": "shop.example.vn", "content": "web-alb.elb.amazonaws.com", "proxied": True}, True),
    ({"type": "CNAME", "name": "shop.example.vn", "content": "origin.example.vn", "proxied": True},
     {"type": "CNAME", "name": "shop.example.vn", "content": "origin.example.vn", "proxied": True,
      "comment": "x"}, False),
    (None, {"type": "MX", "name": "example.vn", "content": "mx.example.net"}, False),
])
def test_cloudflare_records(before, after, switched):
    found = list(classify(before and record(CLOUDFLARE_RECORD, before), after and record(CLOUDFLARE_RECORD, after)))
    assert bool(found) is switched


def test_traffic_switches_compare_inventories_by_urn():
    before = Inventory(project="p", stack="s", phase=6, resources=(distribution(),))
    moved = distribution(default="alb", origins=(OLD, ALB))
    after = Inventory(project="p", stack="s", phase=6, resources=(dataclasses.replace(moved, urn="urn:d:web"),))
    (switch,) = traffic_switches(before, after)
    assert switch.to_json()["setting"] == "switches.originToLoadBalancer" and switch.phase == 2
    assert traffic_switches(before, before) == ()
