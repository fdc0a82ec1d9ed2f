"""Reachability of our own program: for every stack, every hosting case and every phase, the app reaches every
data service that exists at that phase, and nothing else reaches them (asserted exactly)."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pytest

from phases import hosting
from phases.config import AppConfig
from rollout.analysis.reach import analyse, matrix, mermaid_edges, reached_by

ROOT = Path(__file__).resolve().parents[3]
STACKS = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
CASES = {
    "external": {"hosting": "external"},
    "external-vpn": {"hosting": "external", "privateAccess": "vpn", "serverIp": "198.51.100.20"},
    "ec2-in-account": {"hosting": "ec2-in-account", "vpcId": "vpc-0123456789abcdef0", "vpcCidr": "172.31.0.0/16",
                       "routeTableIds": ["rtb-0123456789abcdef0"], "securityGroupId": "sg-0123456789abcdef0",
                       "instanceRoleName": "shop-server"},
    "web-tier": {"hosting": "web-tier"},
}
PHASES = range(2, 7)


@functools.cache
def _inventory(stack: str, case: str, phase: int):
    from rollout.model.stackfile import load_stack
    from rollout.runtime.synth import synthesize

    stack_file = load_stack(ROOT, stack)
    config = {**stack_file.config, "sme-rollout:app": CASES[case]}
    return synthesize(ROOT, stack, phase=phase, stack_file=dataclasses.replace(stack_file, config=config))


def _services(stack: str) -> set[str]:
    from rollout.model.stackfile import load_stack

    return {s["name"] for s in load_stack(ROOT, stack).config["sme-rollout:services"]}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("stack", STACKS)
def test_the_app_and_only_the_app_reaches_every_data_service(stack, case, phase):
    app = AppConfig.model_validate(CASES[case])
    graph = analyse(_inventory(stack, case, phase))
    stores = {k: n for k, n in graph.nodes.items() if n.kind in ("cache", "database")}
    # a data service exists from the phase the app can use it (deferred otherwise), never before
    kinds = {n.kind for n in stores.values()}
    assert ("cache" in kinds) == (phase >= hosting.service_phase(app, "cache"))
    assert ("database" in kinds) == (phase >= hosting.service_phase(app, "database"))
    on_web_tier = phase >= app.moves_at
    linked = hosting.peering_built(app, phase) or hosting.vpn_built(app, phase)
    instances = {k for k, n in graph.nodes.items() if n.kind == "service"}
    assert {graph.nodes[k].label.removeprefix("instances of ") for k in instances} == (
        _services(stack) if on_web_tier else set())
    servers = {k for k, n in graph.nodes.items() if n.kind == "old-server"}
    assert bool(servers) == linked
    expected = (instances if on_web_tier else set()) | servers
    for key, store in stores.items():
        assert graph.sources_of(key) == expected, f"{stack}/{case}/phase {phase}: {store.label}"


@pytest.mark.parametrize("stack", STACKS)
def test_only_the_cdn_reaches_the_load_balancer(stack):
    """The load balancer admits the CDN's ranges only (origin protection): the internet reaches nothing."""
    graph = analyse(_inventory(stack, "ec2-in-account", 6))
    assert {graph.nodes[t].kind for t in graph.targets_of("internet")} == set()
    assert {graph.nodes[t].kind for t in graph.targets_of("cdn")} == {"load-balancer"}
    (lb,) = [k for k, n in graph.nodes.items() if n.kind == "load-balancer"]
    assert {graph.nodes[t].kind for t in graph.targets_of(lb)} == {"service"}


def test_matrix_and_mermaid_of_the_example():
    result = matrix(analyse(_inventory("example", "external-vpn", 2)))
    assert result.sources == ["internet", "CDN", "old server (198.51.100.20/32 via VPN)"]
    assert result.targets == ["cache cache-redis"]
    assert result.cells == {("old server (198.51.100.20/32 via VPN)", "cache cache-redis"): "tcp/6379"}
    lines = mermaid_edges(result.graph)
    assert lines[0] == "flowchart LR" and any("-- tcp/6379 -->" in line for line in lines)
    assert reached_by(result.graph, "cache") == {"cache cache-redis": {"old-server"}}
    assert result.to_json()["reach"] == [{"from": "old server (198.51.100.20/32 via VPN)",
                                          "to": "cache cache-redis", "ports": "tcp/6379"}]


@pytest.mark.parametrize("stack", STACKS)
def test_a_web_tier_before_phase_6_serves_https_on_a_validated_certificate(stack):
    """A web tier built from app.webTierPhase (2 for web-tier hosting) gets its HTTPS listener in that phase, on
    the certificate validated in the zone the stack manages (or loadBalancer.certificateArn), never unvalidated."""
    inventory = _inventory(stack, "web-tier", 2)
    (https,) = [r for r in inventory.of_type("aws:lb/listener:Listener") if r.inputs["port"] == 443]
    validations = [r for r in inventory.of_type("aws:acm/certificateValidation:CertificateValidation")
                   if r.name == "web-certificate"]
    if validations:
        assert validations[0].urn in https.property_dependencies["certificateArn"]
    else:
        assert str(https.inputs["certificateArn"]).startswith("arn:aws:acm:")
    assert https.phase == 2
