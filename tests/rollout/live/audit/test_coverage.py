"""Measuring which controls the audit judges live: evidence of one audit, adding it up, the offline-only list."""

from __future__ import annotations

from policies.registry import BY_ID, CONTROLS
from rollout.live.audit import coverage
from tests.rollout import audit_fixtures as fx


def _run(control: str, failed: list[str], passed: list[str], types: list[str]) -> dict:
    return {"controls": {control: {"failed": failed, "passed": passed, "types": types}}}


def test_a_control_is_judged_when_it_failed_one_resource_and_passed_one():
    sqs = [BY_ID["SQS-01"], BY_ID["SQS-02"], BY_ID["SQS-03"]]
    queue = "aws:sqs/queue:Queue"
    evidence = [
        _run("SQS-01", ["q1"], [], [queue]),  # failed here ...
        _run("SQS-01", [], ["q1"], [queue]),  # ... passed the same queue before its drift: judged
        _run("SQS-02", ["q2"], [], [queue]),  # failed only
        _run("SQS-03", [], ["q3"], [queue]),  # passed only
    ]
    result = coverage.tally(evidence, sqs, offline_only={"SQS-02": "why"})
    assert result.judged == ["SQS-01"]
    assert result.not_judged == {"SQS-02": "never passed a live resource", "SQS-03": "never failed a live resource"}
    assert result.mismatches == ["SQS-03: not judged live (never failed a live resource) and not listed as "
                                 "offline-only"]
    assert result.pairs == 1 + 3 + 2 and result.pairs_read == {("SQS-01", queue), ("SQS-02", queue),
                                                               ("SQS-03", queue)}
    assert result.summary() == "1 of 3 controls judged live; 3 of 6 (control, type) pairs read live"


def test_offline_only_disagreeing_with_what_was_measured_is_a_mismatch():
    queue = "aws:sqs/queue:Queue"
    result = coverage.tally([_run("SQS-01", ["q"], ["p"], [queue])], [BY_ID["SQS-01"]],
                            offline_only={"SQS-01": "why", "XYZ-01": "gone"})
    assert result.mismatches == ["SQS-01: judged live but listed as offline-only",
                                 "XYZ-01: listed as offline-only but not in the registry"]
    nothing = coverage.tally([], [BY_ID["SQS-01"]], offline_only={})
    assert nothing.not_judged == {"SQS-01": "no resource of its types was read"}
    # a control no live resource can pass is judged once it failed one
    failing = [_run("SQS-01", ["q"], [], [queue])]
    assert coverage.tally(failing, [BY_ID["SQS-01"]], offline_only={}).judged == []
    assert coverage.tally(failing, [BY_ID["SQS-01"]], offline_only={}, fail_only={"SQS-01": "why"}).judged == [
        "SQS-01"]


def test_offline_only_names_registry_controls_each_with_a_reason():
    ids = {c.id for c in CONTROLS}
    assert set(coverage.OFFLINE_ONLY) <= ids and set(coverage.FAIL_ONLY) <= ids
    assert not set(coverage.OFFLINE_ONLY) & set(coverage.FAIL_ONLY)
    assert all(len(reason) > 20 for reason in [*coverage.OFFLINE_ONLY.values(), *coverage.FAIL_ONLY.values()])


def test_an_audit_leaves_its_evidence_in_the_folder(aws, tmp_path):
    account = fx.account_with(fx.build_queues)
    account.client("sqs").create_queue(QueueName="plain")  # no dead-letter queue, no TLS-only policy
    result = fx.run()
    coverage.record(result, tmp_path)
    coverage.record(result, tmp_path)
    runs = coverage.load(tmp_path)
    assert len(runs) == 2 and runs[0] == coverage.evidence_of(result)
    arn = f"arn:aws:sqs:{fx.REGION}:{fx.ACCOUNT}"
    sqs02 = runs[0]["controls"]["SQS-02"]
    assert sqs02["failed"] == [f"{arn}:plain"]
    assert sqs02["passed"] == [f"{arn}:orders", f"{arn}:orders-dlq"] and sqs02["types"] == ["aws:sqs/queue:Queue"]
    assert runs[0]["controls"]["CFZ-01"] == {"failed": [], "passed": [], "types": []}  # evaluated, nothing to read
