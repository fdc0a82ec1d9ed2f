"""A live site survives every phase: each shipped stack (one per CDN provider) applied phase 1..6, then each traffic
switch in turn, under mocks. At every step: what serves `/`, `/static/*` and the site's DNS name; that raising the
phase moves nobody (no traffic switch in the diff) and that each switch moves exactly what it names; never an
empty bucket without the old server behind it, never an unvalidated listener, never a created zone without the
imported records.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
OLD = "old server"
CDN = {"cloudflare": "Cloudflare", "cloudfront": "CloudFront"}
SWITCH_ORDER = ("dnsAuthority", "staticPath", "originToLoadBalancer")


VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    # the demo shop on CloudFront with its DNS at another host: the certificate is validated by hand, the domain
    # CNAMEd by hand, and phase 6 takes an issued certificate from config
    "example-cloudfront": (
        "example",
        {
            "sme-rollout:cdn": {"provider": "cloudfront"},
            "sme-rollout:loadBalancer": {
                "certificateArn": "arn:aws:acm:ap-southeast-1:123456789012:certificate/"
                "0f0e0d0c-1111-2222-3333-444455556666"
            },
        },
    ),
}


@functools.cache
def _stack_file(stack: str) -> Any:
    from rollout.model.stackfile import load_stack

    base, overrides = VARIANTS.get(stack, (stack, {}))
    stack_file = load_stack(ROOT, base)
    return dataclasses.replace(stack_file, config={**stack_file.config, **overrides}) if overrides else stack_file


def _switches_on(stack: str, names: tuple[str, ...]) -> Any:
    stack_file = _stack_file(stack)
    key = "sme-rollout:switches"
    switches = {**(stack_file.config.get(key) or {}), **{name: True for name in names}}
    return dataclasses.replace(stack_file, config={**stack_file.config, key: switches})


@functools.cache
def _step(stack: str, phase: int, switches: tuple[str, ...] = ()) -> Any:
    from rollout.runtime.synth import synthesize

    return synthesize(ROOT, VARIANTS.get(stack, (stack,))[0], phase=phase, stack_file=_switches_on(stack, switches))


def _config(stack: str) -> dict[str, Any]:
    return _stack_file(stack).namespace("sme-rollout")


def _provider(stack: str) -> str:
    return _config(stack)["cdn"]["provider"]


def _switches_for(stack: str) -> tuple[str, ...]:
    """Cloudflare has no static path switch (its bucket stays private behind the origin)."""
    return tuple(s for s in SWITCH_ORDER if not (s == "staticPath" and _provider(stack) == "cloudflare"))


def visitor_view(inventory: Any, site: dict[str, Any]) -> dict[str, str]:
    """What a visitor gets: who answers the site's DNS name, and what serves `/` and `/static/*`."""
    from rollout.analysis.switches import routes

    domain = site["domain"]
    origin = site["origin"]

    def server(name: str) -> str:
        if name == origin:
            return OLD
        if ".s3." in name:
            return "bucket"
        if "-alb" in name or name.startswith("web-alb"):
            return "load balancer"
        return name

    (distribution,) = inventory.of_type("aws:cloudfront/distribution:Distribution") or [None]
    cf_site = [r for r in inventory.of_type("cloudflare:index/dnsRecord:DnsRecord") if r.inputs.get("name") == domain]
    if distribution is not None:
        aliases = [
            r
            for r in inventory.of_type("aws:route53/record:Record")
            if r.inputs.get("name") == domain and r.inputs.get("aliases")
        ]
        answers = domain in (distribution.inputs.get("aliases") or [])
        managed = any(r.name == "cdn-certificate-validation" for r in inventory.of_type("aws:route53/record:Record"))
        if not answers or (managed and not aliases):
            return {"dns": "the current DNS records", "/": OLD, "/static/*": OLD}
        dns = "CloudFront" if aliases else "CloudFront (the CNAME made by hand)"
        table = {
            path: " then ".join(server(part) for part in target.split(" then "))
            for path, target in routes(distribution.inputs).items()
        }
        return {"dns": dns, "/": table["*"], "/static/*": table.get("/static/*", table["*"])}
    if cf_site:
        (record,) = cf_site
        if not record.inputs.get("proxied"):
            return {"dns": "the same answers, DNS-only", "/": OLD, "/static/*": OLD}
        target = server(record.inputs["content"])
        return {"dns": "Cloudflare (proxied)", "/": target, "/static/*": target}
    return {"dns": "the current DNS records", "/": OLD, "/static/*": OLD}


def _journey(stack: str) -> list[tuple[str, Any]]:
    """(label, inventory) for phases 1..6, then each switch on top of the previous ones."""
    steps = [(f"phase {n}", _step(stack, n)) for n in range(1, 7)]
    on: tuple[str, ...] = ()
    for switch in _switches_for(stack):
        on = (*on, switch)
        steps.append((f"phase 6 + {switch}", _step(stack, 6, on)))
    return steps


STACKS = ["example", "prod", "example-cloudfront"]


def test_every_stack_and_cdn_provider():
    assert {_provider(s) for s in STACKS} == {"cloudflare", "cloudfront"}
    assert {VARIANTS.get(s, (s,))[0] for s in STACKS} == {"example", "prod"}


EXPECTED = {
    # label: (dns, "/", "/static/*")
    "cloudflare": {
        **{
            f"phase {n}": ("the current DNS records" if n == 1 else "the same answers, DNS-only", OLD, OLD)
            for n in range(1, 7)
        },
        "phase 6 + dnsAuthority": ("Cloudflare (proxied)", OLD, OLD),
        "phase 6 + originToLoadBalancer": ("Cloudflare (proxied)", "load balancer", "load balancer"),
    },
    "cloudfront": {
        **{f"phase {n}": ("the current DNS records", OLD, OLD) for n in range(1, 7)},
        "phase 6 + dnsAuthority": ("CloudFront", OLD, OLD),
        "phase 6 + staticPath": ("CloudFront", OLD, "bucket then old server"),
        "phase 6 + originToLoadBalancer": ("CloudFront", "load balancer", "bucket then old server"),
    },
}


EXPECTED["cloudfront-dns-elsewhere"] = {
    **{f"phase {n}": ("the current DNS records", OLD, OLD) for n in range(1, 7)},
    "phase 6 + dnsAuthority": ("CloudFront (the CNAME made by hand)", OLD, OLD),
    "phase 6 + staticPath": ("CloudFront (the CNAME made by hand)", OLD, "bucket then old server"),
    "phase 6 + originToLoadBalancer": (
        "CloudFront (the CNAME made by hand)",
        "load balancer",
        "bucket then old server",
    ),
}


def _expected(stack: str) -> dict[str, tuple[str, str, str]]:
    cdn = _config(stack)["cdn"]
    if cdn["provider"] == "cloudfront" and not cdn.get("route53ZoneId"):
        return EXPECTED["cloudfront-dns-elsewhere"]
    return EXPECTED[cdn["provider"]]


@pytest.mark.parametrize("stack", STACKS)
def test_what_serves_the_visitor_at_every_step(stack):
    site = _config(stack)["site"]
    seen = {label: tuple(visitor_view(inventory, site).values()) for label, inventory in _journey(stack)}
    assert seen == _expected(stack)


def test_without_route53_the_distribution_keeps_its_default_certificate_until_the_switch():
    before = _step("example-cloudfront", 6).of_type("aws:cloudfront/distribution:Distribution")[0].inputs
    assert before["viewerCertificate"] == {"cloudfrontDefaultCertificate": True} and before["aliases"] == []
    after = _step("example-cloudfront", 6, ("dnsAuthority",))
    assert after.of_type("aws:acm/certificateValidation:CertificateValidation")
    assert "certificateValidationRecord" in _step("example-cloudfront", 2).outputs


@pytest.mark.parametrize("stack", STACKS)
def test_raising_the_phase_moves_nobody_and_each_switch_moves_what_it_names(stack):
    from rollout.analysis.diff import diff_inventories

    journey = _journey(stack)
    for (_, before), (label, after) in zip(journey, journey[1:]):
        kinds = {s.kind for s in diff_inventories(before, after).switches}
        if label.startswith("phase ") and "+" not in label:
            assert kinds == set(), f"{stack}: {label} moves traffic as a side effect: {kinds}"
        else:
            switch = label.split("+ ")[1]
            expected = {"dnsAuthority": {"dns"}, "staticPath": {"path"}, "originToLoadBalancer": {"origin"}}[switch]
            if _provider(stack) == "cloudflare" and switch == "originToLoadBalancer":
                expected = {"dns"}  # Cloudflare's origin is the proxied record's target
            assert kinds == expected, f"{stack}: {label} switches {kinds}"


@pytest.mark.parametrize("stack", STACKS)
def test_the_bucket_never_serves_without_the_old_server_behind_it(stack):
    for label, inventory in _journey(stack):
        for distribution in inventory.of_type("aws:cloudfront/distribution:Distribution"):
            groups = {g["originId"]: g for g in distribution.inputs.get("originGroups") or []}
            for behavior in distribution.inputs.get("orderedCacheBehaviors") or []:
                group = groups.get(behavior["targetOriginId"])
                assert group is not None, f"{label}: {behavior['pathPattern']} has no fallback"
                assert [m["originId"] for m in group["members"]][-1] == "web"
                assert {403, 404} <= set(group["failoverCriteria"]["statusCodes"])


@pytest.mark.parametrize("stack", STACKS)
def test_never_an_unvalidated_listener(stack):
    for label, inventory in _journey(stack):
        if not label.startswith("phase 6"):
            continue
        validations = {r.urn for r in inventory.of_type("aws:acm/certificateValidation:CertificateValidation")}
        (https,) = [r for r in inventory.of_type("aws:lb/listener:Listener") if r.inputs.get("port") == 443]
        issued = (_config(stack).get("loadBalancer") or {}).get("certificateArn")
        if issued:  # an issued certificate from config, used as is
            assert https.inputs["certificateArn"] == issued, label
        else:
            assert set(https.property_dependencies.get("certificateArn", ())) & validations, label


@pytest.mark.parametrize("stack", STACKS)
def test_never_a_created_zone_without_the_imported_records(stack):
    from components.zone_file import load_zone_file

    config = _config(stack)
    if config["cdn"]["provider"] != "cloudflare" or config["cdn"].get("zoneId"):
        pytest.skip("no Cloudflare zone created by this stack")
    expected = {
        (r.name, r.type, r.content)
        for r in load_zone_file(ROOT / config["cdn"]["zoneFile"], "example.vn")
        if not (r.name == config["site"]["domain"] and r.type in ("A", "AAAA", "CNAME"))
    }
    for label, inventory in _journey(stack):
        if not inventory.of_type("cloudflare:index/zone:Zone"):
            continue
        held = {
            (r.inputs["name"], r.inputs["type"], r.inputs.get("content") or _data_text(r.inputs))
            for r in inventory.of_type("cloudflare:index/dnsRecord:DnsRecord")
        }
        assert expected <= held, f"{label}: missing {sorted(expected - held)}"


def _data_text(inputs: dict[str, Any]) -> str:
    data = inputs.get("data") or {}
    if "tag" in data:
        return f'{data["flags"]} {data["tag"]} "{data["value"]}"'
    return f"{data.get('weight')} {data.get('port')} {data.get('target')}"


@pytest.mark.parametrize("stack", STACKS)
def test_nameservers_and_validation_records_are_outputs(stack):
    inventory = _step(stack, 6)
    if _provider(stack) == "cloudflare":
        assert inventory.outputs["nameservers"] == ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"]
    if (_config(stack).get("loadBalancer") or {}).get("certificateArn"):
        assert "loadBalancerCertificateValidationRecord" not in inventory.outputs
        return
    record = inventory.outputs["loadBalancerCertificateValidationRecord"]
    assert record["type"] == "CNAME" and record["name"].startswith("_") and "acm-validations" in record["value"]


@pytest.mark.parametrize("stack", STACKS)
def test_every_switch_phase_tells_its_manual_steps_in_the_plan(stack):
    from rollout.analysis.plan import manual_steps

    steps = {n: " ".join(manual_steps(_step(stack, n), n)) for n in range(1, 7)}
    assert "TTL" in steps[1]
    assert "switches.dnsAuthority" in steps[2] and "rollout gate" in steps[2]
    assert "switches.originToLoadBalancer" in steps[6] and "close the old server" in steps[6]
    if _provider(stack) == "cloudfront":
        assert "switches.staticPath" in steps[3] and "manifest" in steps[3]
    else:
        assert "nameservers" in steps[2] and "Nothing moves" in steps[3]
