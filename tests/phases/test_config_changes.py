"""Config changes (not phase upgrades): every stateful replacement or deletion a change causes is reported as data
loss, and what AWS would reject or defer is reported too.

The property test mutates each sample stack's config within the ranges `phases/config.py` accepts, runs the
program before and after, and checks every stateful resource of the first run against the diff. Its oracle is
independent of the diff's replace table: each changed input must be classified either as forcing a new resource
(REPLACE_ON_CHANGE) or as updatable in place (IN_PLACE below, read from the same provider schemas). An input in
neither fails the test, so a new kind of change cannot slip through unclassified.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
STACKS = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
NS = "sme-rollout"

# Inputs the provider updates in place (not ForceNew in terraform-provider-aws, see REPLACE_SOURCES), for the
# stateful types our program builds. Tags are always in place.
IN_PLACE: dict[str, frozenset[str]] = {
    "aws:rds/instance:Instance": frozenset({
        "instanceClass", "allocatedStorage", "maxAllocatedStorage", "engineVersion", "multiAz",
        "backupRetentionPeriod", "allowMajorVersionUpgrade", "applyImmediately", "parameterGroupName",
        "performanceInsightsEnabled", "performanceInsightsKmsKeyId", "performanceInsightsRetentionPeriod",
        "enabledCloudwatchLogsExports", "port", "finalSnapshotIdentifier", "vpcSecurityGroupIds", "tags",
        "dbSubnetGroupName", "monitoringInterval", "monitoringRoleArn", "deletionProtection"}),
    "aws:elasticache/replicationGroup:ReplicationGroup": frozenset({
        "nodeType", "numCacheClusters", "automaticFailoverEnabled", "multiAzEnabled", "snapshotRetentionLimit",
        "engineVersion", "parameterGroupName", "tags", "description", "engine", "userGroupIds"}),
    "aws:sqs/queue:Queue": frozenset({
        "visibilityTimeoutSeconds", "messageRetentionSeconds", "redrivePolicy", "redriveAllowPolicy",
        "contentBasedDeduplication", "deduplicationScope", "fifoThroughputLimit", "tags", "kmsMasterKeyId"}),
    "aws:s3/bucket:Bucket": frozenset({"tags", "forceDestroy"}),
    "aws:kms/key:Key": frozenset({"description", "policy", "enableKeyRotation", "deletionWindowInDays", "tags"}),
    "aws:cloudwatch/logGroup:LogGroup": frozenset({"retentionInDays", "kmsKeyId", "tags"}),
    "aws:backup/vault:Vault": frozenset({"tags", "forceDestroy"}),
    "aws:secretsmanager/secret:Secret": frozenset({"description", "kmsKeyId", "recoveryWindowInDays", "tags"}),
    "cloudflare:index/zone:Zone": frozenset({"paused", "type", "vanityNameServers"}),
}


def _stack_file(stack: str):
    from rollout.model.stackfile import load_stack

    return load_stack(ROOT, stack)


@functools.cache
def _baseline(stack: str):
    from rollout.runtime.synth import synthesize

    return synthesize(ROOT, stack, stack_file=_stack_file(stack))


def _with(stack: str, changes: dict[str, dict[str, Any]]):
    """The stack file with `changes` merged into its `sme-rollout:<section>` values."""
    original = _stack_file(stack)
    config = dict(original.config)
    for section, values in changes.items():
        key = f"{NS}:{section}"
        current = config.get(key)
        if isinstance(current, list):
            config[key] = [{**item, **values} for item in current]
        else:
            config[key] = {**(current or {}), **values}
    return dataclasses.replace(original, config=config)


def _run(stack: str, changes: dict[str, dict[str, Any]]):
    from rollout.runtime.synth import synthesize

    return synthesize(ROOT, stack, stack_file=_with(stack, changes))


def _top(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


postgres_versions = st.sampled_from(["15", "16", "17"])
database = st.one_of(
    st.fixed_dictionaries({"engine": st.just("postgres"), "engineVersion": postgres_versions}),
    st.fixed_dictionaries({"engine": st.just("mysql"), "engineVersion": st.sampled_from(["8.0", "8.4"])}),
    st.just({}),
).flatmap(lambda engine: st.fixed_dictionaries({}, optional={
    "instanceClass": st.sampled_from(["db.t4g.small", "db.t4g.medium", "db.m7g.large"]),
    "replicas": st.integers(0, 3),
    "storageGb": st.integers(20, 200),
    "multiAz": st.booleans(),
    "backupRetentionDays": st.integers(7, 35),
    "allowMajorVersionUpgrade": st.booleans(),
    "applyImmediately": st.booleans(),
}).map(lambda rest: {**engine, **rest}))
cache = st.fixed_dictionaries({}, optional={
    "nodes": st.integers(1, 3), "snapshotRetentionDays": st.integers(1, 35),
    "nodeType": st.sampled_from(["cache.t4g.small", "cache.t4g.medium"])})
queues = st.fixed_dictionaries({}, optional={
    "consistency": st.sampled_from(["strong", "eventual"]), "visibilityTimeoutSeconds": st.integers(0, 900),
    "retentionDays": st.integers(1, 14), "maxReceiveCount": st.integers(1, 10)})
changes = st.fixed_dictionaries({}, optional={
    "database": database, "cache": cache, "queues": queues,
    "staticAssets": st.fixed_dictionaries({"noncurrentVersionDays": st.integers(1, 365)}),
    "backup": st.fixed_dictionaries({"dailyRetentionDays": st.integers(7, 60)}),
    "observability": st.fixed_dictionaries({"logRetentionDays": st.sampled_from([30, 90, 365, 731])}),
})


def check_every_stateful_change_is_reported(before, after) -> None:
    from rollout.analysis.diff import REPLACE_ON_CHANGE, STATEFUL_TYPES, diff_inventories, holds_data, input_changes

    result = diff_inventories(before, after)
    replaced = {e.urn: e for e in result.replaced}
    removed = {e.urn: e for e in result.removed}
    new = after.by_urn
    for resource in before.custom_resources():
        if resource.urn not in new and (resource.inputs.get("deletionProtection") is True or resource.protect):
            assert resource.urn in result.failures, f"deleting {resource.name} fails, and is not reported"
        if resource.type not in STATEFUL_TYPES:
            continue
        if resource.urn not in new:
            assert resource.urn in removed, resource.urn
            if resource.inputs.get("deletionProtection") is True or resource.protect:
                assert resource.urn in result.failures, f"deleting {resource.name} fails, and is not reported"
            if holds_data(resource) and not resource.retain_on_delete:
                assert resource.urn in result.data_loss, f"deleting {resource.name} is not reported as data loss"
            continue
        ignored = set(new[resource.urn].ignore_changes)
        changed = {_top(c.path) for c in input_changes(resource.inputs, new[resource.urn].inputs)} - ignored
        forcing = changed & REPLACE_ON_CHANGE.get(resource.type, frozenset())
        unclassified = changed - forcing - IN_PLACE.get(resource.type, frozenset()) - {"tagsAll"}
        assert not unclassified, (f"{resource.name} ({resource.type}): {sorted(unclassified)} changed; classify "
                                  "them from the provider schema (REPLACE_ON_CHANGE or IN_PLACE)")
        if forcing:
            assert resource.urn in replaced, f"{resource.name}: {sorted(forcing)} force a new resource"
            if holds_data(resource):
                assert resource.urn in result.data_loss, f"replacing {resource.name} is not reported as data loss"


@pytest.mark.parametrize("stack", STACKS)
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutation=changes)
@example(mutation={"database": {"engine": "mysql", "engineVersion": "8.0"}})   # engine switch: replaced, data loss
@example(mutation={"queues": {"consistency": "strong"}})                      # standard → FIFO: new queues
def test_every_stateful_replacement_or_deletion_of_a_config_change_is_data_loss(stack, mutation):
    from hypothesis import reject

    from rollout.errors import UserError

    try:
        after = _run(stack, mutation)
    except UserError:  # valid field by field, not together (e.g. a strong flow on a queue made eventual)
        reject()
    check_every_stateful_change_is_reported(_baseline(stack), after)


def test_the_issue_change_replicas_engine_and_class_is_reported_as_failing_and_deferred():
    """Issue 15: replicas 2→1, engine 16→17, a new class passed `--fail-on-data-loss` with exit 0."""
    from rollout.analysis.diff import DEFERRED, FAILS, SETTINGS, diff_inventories

    after = _run("prod", {"database": {"replicas": 1, "engineVersion": "17", "instanceClass": "db.m7g.xlarge"}})
    result = diff_inventories(_baseline("prod"), after)
    risks = {(entry.name, risk.kind) for entry, risk in result.warnings}
    assert ("database-replica-2", FAILS) in risks          # deletion protection and protect=True
    assert ("database-db", FAILS) in risks                 # major upgrade without allowMajorVersionUpgrade
    assert ("database-db", DEFERRED) in risks              # the class waits for the maintenance window
    assert ("database-tls", SETTINGS) in risks             # postgres16 → postgres17 replaces the parameter group
    assert [e.name for e in result.replaced if e.name == "database-tls"] == ["database-tls"]
    assert result.failures and not result.data_loss

    allowed = _run("prod", {"database": {"replicas": 2, "engineVersion": "17", "instanceClass": "db.m7g.xlarge",
                                         "allowMajorVersionUpgrade": True, "applyImmediately": True}})
    calm = diff_inventories(_baseline("prod"), allowed)
    assert {r.kind for _, r in calm.warnings} == {SETTINGS} and calm.failures == []


def test_fail_on_data_loss_exits_1_when_an_apply_would_fail(tmp_path: Path):
    from typer.testing import CliRunner

    from rollout.cli import app

    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(_baseline("prod").to_json()))
    stack = (ROOT / "stacks" / "Pulumi.prod.yaml").read_text()
    assert "    replicas: 2\n" in stack
    program = tmp_path / "program"
    program.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        (program / name).symlink_to(ROOT / name)
    for folder in ("components", "phases", "policies"):
        (program / folder).symlink_to(ROOT / folder)
    (program / "stacks").mkdir()
    (program / "stacks" / "Pulumi.prod.yaml").write_text(stack.replace("    replicas: 2\n", "    replicas: 1\n"))
    result = CliRunner().invoke(app, ["diff", "-C", str(program), "-s", "prod", "--baseline", str(baseline),
                                      "--fail-on-data-loss", "--format", "json", "--quiet"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["data_loss"] == [] and document["failures"]
    assert any(w["name"] == "database-replica-2" and w["kind"] == "fails" for w in document["risks"])
