"""Phase-upgrade safety: applying phase N after N-1 never deletes, renames or changes a data store.

For every stack in stacks/ and every N from 2 up to the stack's configured phase (at most 6): each URN of phase
N-1 is still there in phase N (a missing URN is a delete, a renamed one a replace), keeps the phase that
introduced it, and no input or protect flag of a stateful resource (RDS instance, ElastiCache replication group,
S3 bucket, SQS queue, and every other type the diff counts as holding data: KMS keys, backup vaults, secrets, log
groups, the Cloudflare zone) changes (an input change can mean a replacement, or a silent change to stored data).
Config changes within a phase are covered by tests/phases/test_config_changes.py.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATEFUL = ("aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup",
            "aws:s3/bucket:Bucket", "aws:sqs/queue:Queue")


def _all_stateful() -> tuple[str, ...]:
    """Every type the diff treats as holding data (keys, vaults, secrets, log groups, the DNS zone too)."""
    from rollout.analysis.diff import STATEFUL_TYPES

    return tuple(sorted(STATEFUL_TYPES))
STACKS = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


def _configured_phase(stack: str) -> int:
    from rollout.model.stackfile import load_stack

    return min(load_stack(ROOT, stack).phase or 1, 6)


@functools.cache
def _inventory(stack: str, phase: int):
    from rollout.runtime.synth import synthesize

    return synthesize(ROOT, stack, phase=phase)


CASES = [(stack, n) for stack in STACKS for n in range(2, 7) if n <= _configured_phase(stack)]


def test_there_are_stacks_to_check():
    assert {"example", "prod"} <= set(STACKS)
    assert {n for s, n in CASES if s == "prod"} == {2, 3, 4, 5, 6}


@pytest.mark.parametrize(("stack", "phase"), CASES)
def test_phase_keeps_every_resource_of_the_previous_phase(stack, phase):
    before, after = _inventory(stack, phase - 1).by_urn, _inventory(stack, phase).by_urn
    missing = sorted(set(before) - set(after))
    assert not missing, f"phase {phase} of {stack} would delete or replace: {missing}"
    moved = sorted(urn for urn, r in before.items() if after[urn].phase != r.phase)
    assert not moved, f"resources changed phase: {moved}"
    assert any(r.phase == phase for r in after.values()), f"phase {phase} adds nothing to {stack}"


@pytest.mark.parametrize(("stack", "phase"), CASES)
def test_phase_never_changes_a_stateful_resource(stack, phase):
    before, after = _inventory(stack, phase - 1), _inventory(stack, phase).by_urn
    stateful = before.of_type(*_all_stateful())
    for resource in stateful:
        upgraded = after[resource.urn]
        changed = sorted(k for k in set(resource.inputs) | set(upgraded.inputs)
                         if resource.inputs.get(k) != upgraded.inputs.get(k))
        assert not changed, f"phase {phase} of {stack} changes {resource.name} ({resource.type}): {changed}"
        assert upgraded.protect == resource.protect, resource.urn


def test_stateful_resources_exist_from_the_phases_that_add_them():
    inventory = _inventory("prod", 3)
    assert {r.type for r in inventory.of_type(*STATEFUL)} == set(STATEFUL[:3])
    assert all(r.protect for r in inventory.of_type(*STATEFUL))


COMPLIANCE_CASES = [(stack, n) for stack in STACKS for n in range(1, 7) if n <= _configured_phase(stack)]


@pytest.mark.parametrize(("stack", "phase"), COMPLIANCE_CASES)
def test_every_stack_and_phase_has_no_mandatory_violation(stack, phase):
    """Issue 4's promise: our own stacks pass the pack (with their own policy config and waivers)."""
    from policies.core import Enforcement
    from rollout.analysis.check import run_check
    from rollout.model.stackfile import load_stack

    settings = load_stack(ROOT, stack).settings
    result = run_check(_inventory(stack, phase), policy_config=settings.policy.config, waivers=settings.waivers)
    blocking = sorted((f.control, f.name, f.message) for f in result.findings
                      if f.status == "violation" and not f.waived and f.enforcement is Enforcement.MANDATORY)
    assert not blocking, f"{stack} phase {phase}: {blocking}"
    assert result.resources_evaluated == len(_inventory(stack, phase).custom_resources())


NAT_TYPES = {"aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip"}


@pytest.mark.parametrize(("stack", "phase"), [("example", 2), ("example", 5), ("prod", 3)])
def test_a_stack_applied_with_an_unused_nat_loses_only_the_nat(stack, phase, monkeypatch):
    """A stack applied before the NAT waited for its first consumer (phases.hosting.egress_phase) still has its
    NAT gateways and Elastic IPs at phases 2..5: the next `pulumi up` deletes them, and the diff says so, with the
    private tables' default routes to them (separate aws.ec2.Route resources). No data store is touched."""
    import importlib

    from rollout.analysis.diff import diff_inventories
    from rollout.runtime.synth import synthesize

    now = synthesize(ROOT, stack, phase=phase)  # first: the runtime now holds this program's own modules
    hosting = importlib.import_module("phases.hosting")
    monkeypatch.setattr(hosting, "egress_phase", lambda config: 2)  # the earlier rule: NAT with the VPC
    applied = synthesize(ROOT, stack, phase=phase)
    monkeypatch.undo()
    assert applied.of_type("aws:ec2/natGateway:NatGateway"), "the earlier rule was not applied"
    diff = diff_inventories(applied, now)
    nats = 3 if stack == "prod" else 1
    tables = 3 if stack == "prod" else 2
    assert sorted(e.type for e in diff.removed) == sorted(
        ["aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway"] * nats + ["aws:ec2/route:Route"] * tables)
    assert sorted(e.name for e in diff.removed if e.type == "aws:ec2/route:Route") == [
        f"network-private-{i}-default" for i in range(1, tables + 1)]
    assert not diff.added and not diff.replaced and not diff.updated and not any(e.data_loss for e in diff.removed)


# The route tables as main built them before they left inline routes (components/network.py at 09efaf0): tables
# `<name>-public` and `<name>-private-<i>` holding their default route inline (an empty list without NAT), the S3
# endpoint `<name>-s3` on the private ones, subnets associated at once. Only the layout differs, so what the
# program reads from the network is the same.
def _inline_route_tables(monkeypatch) -> None:
    import importlib

    import pulumi_aws as aws

    network = importlib.import_module("components.network")

    def table(self, name):
        if name.endswith("-public-routes"):
            return aws.ec2.RouteTable(f"{self._name}-public", vpc_id=self.vpc.id, routes=[
                {"cidr_block": "0.0.0.0/0", "gateway_id": self.internet_gateway.id}], opts=self._child())
        i = int(name.rsplit("-", 1)[1])
        nats = self.nat_gateways
        routes = [{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nats[(i - 1) % len(nats)].id}] if nats else []
        return aws.ec2.RouteTable(f"{self._name}-private-{i}", vpc_id=self.vpc.id, routes=routes, opts=self._child())

    def associate(self, after=()):
        pairs = [("public", i, s, self.public_route_table) for i, s in enumerate(self.public_subnets)]
        pairs += [("private", i, s, self.private_route_tables[i]) for i, s in enumerate(self.private_subnets)]
        self.route_table_associations = [aws.ec2.RouteTableAssociation(
            f"{self._name}-{tier}-{i + 1}", subnet_id=subnet.id, route_table_id=t.id, opts=self._child())
            for tier, i, subnet, t in pairs]
        return self.route_table_associations

    def endpoint(self, tables):
        region = aws.get_region_output().region
        return aws.ec2.VpcEndpoint(f"{self._name}-s3", vpc_id=self.vpc.id, vpc_endpoint_type="Gateway",
                                   service_name=region.apply(lambda r: f"com.amazonaws.{r}.s3"),
                                   route_table_ids=[t.id for t in tables], opts=self._child())

    monkeypatch.setattr(network.Network, "_create_route_table", table)
    monkeypatch.setattr(network.Network, "_create_s3_endpoint", endpoint)
    monkeypatch.setattr(network.Network, "_create_default_route", lambda self, name, table, **target: None)
    monkeypatch.setattr(network.Network, "_create_private_default_routes", lambda self, nats: [])
    monkeypatch.setattr(network.Network, "associate_subnets", associate)


def _vpc04(inventory) -> list[str]:
    from policies.registry import ALL_CONTROLS
    from rollout.analysis.check import run_check

    controls = [c for c in ALL_CONTROLS if c.id == "VPC-04"]
    return sorted(f.name for f in run_check(inventory, controls=controls).findings if f.status == "violation")


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("phase", range(1, 7))
def test_route_tables_take_their_routes_one_way_at_every_phase(stack, phase):
    """VPC-04 on our own stacks: no table has inline routes beside separate ones (the peering routes to the old
    server would go on the next update after a refresh)."""
    assert _vpc04(_inventory(stack, phase)) == []


@pytest.mark.parametrize(("stack", "phase", "link"), [
    ("prod", 6, "aws:ec2/route:Route"), ("prod", 2, "aws:ec2/route:Route"),
    ("example", 6, "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation")])
def test_an_applied_stack_moves_its_subnets_onto_new_route_tables(stack, phase, link, monkeypatch):
    """A stack applied with inline routes: its next `pulumi up` creates the new tables with their routes and a new
    S3 endpoint on them, recreates the old server's routes (or propagations) on the new tables, moves every subnet
    by an in-place update of its association, and deletes the old tables and the old endpoint. Nothing holding
    data is replaced or removed."""
    from rollout.analysis.diff import diff_inventories
    from rollout.runtime.synth import synthesize

    now = synthesize(ROOT, stack, phase=phase)  # first: the runtime now holds this program's own modules
    _inline_route_tables(monkeypatch)
    applied = synthesize(ROOT, stack, phase=phase)
    monkeypatch.undo()
    azs = 3 if stack == "prod" else 2
    egress = bool(now.of_type("aws:ec2/natGateway:NatGateway"))
    before = _vpc04(applied)
    assert before == ([f"network-private-{i}" for i in range(1, azs + 1)] if link.endswith("Route") else [])
    assert _vpc04(now) == []

    diff = diff_inventories(applied, now)
    table, route, endpoint = "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route", "aws:ec2/vpcEndpoint:VpcEndpoint"
    assert sorted((e.type, e.name) for e in diff.added) == sorted(
        [(table, "network-public-routes"), (route, "network-public-default"), (endpoint, "network-s3-gateway")]
        + [(table, f"network-private-routes-{i}") for i in range(1, azs + 1)]
        + ([(route, f"network-private-{i}-default") for i in range(1, azs + 1)] if egress else []))
    assert sorted((e.type, e.name) for e in diff.removed) == sorted(
        [(table, "network-public"), (endpoint, "network-s3")] + [(table, f"network-private-{i}")
                                                                 for i in range(1, azs + 1)])
    moved = {e.name: e for e in diff.updated if e.type == "aws:ec2/routeTableAssociation:RouteTableAssociation"}
    assert len(moved) == 2 * azs and all([c.path for c in e.changes] == ["routeTableId"] for e in moved.values())
    assert len(diff.updated) == 2 * azs
    assert {e.type for e in diff.replaced} == {link} and len(diff.replaced) == azs
    assert all(e.replace_paths == ("routeTableId",) for e in diff.replaced)
    assert not diff.data_loss and not diff.failures


@pytest.mark.parametrize("stack", ["example", "prod"])
def test_the_nat_arrives_with_the_web_tier_under_its_old_names(stack):
    """Phase 6 (the web tier) adds the NAT gateways and their addresses with the URNs they always had: a stack
    already at phase 6 sees no change to them, and the addresses an outside firewall admitted stay."""
    before, after = _inventory(stack, 5), _inventory(stack, 6)
    added = {r.urn for r in after.of_type(*NAT_TYPES)} - set(before.by_urn)
    assert len(added) == (6 if stack == "prod" else 2)
    assert all("sme-rollout:network:Network$" in urn for urn in added)
    assert not before.of_type(*NAT_TYPES)
