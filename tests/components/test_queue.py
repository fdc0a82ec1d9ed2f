"""Queue: FIFO for strong workloads, DLQ + redrive, SSE, TLS-only policies, least-privilege roles (JSON parsed)."""

import json

import pytest
from pydantic import ValidationError

from components.queue import CONSUMER_ACTIONS, PRODUCER_ACTIONS, Queue, QueueArgs, queue_name

QUEUE = "aws:sqs/queue:Queue"


def _build(synth, **args):
    return synth(lambda: Queue("orders", QueueArgs(**args)), stack="dev")


def _policies(inventory):
    return {r.name: json.loads(r.inputs["policy"]) for r in inventory.of_type("aws:iam/rolePolicy:RolePolicy")}


def test_strong_workload_is_fifo_with_deduplication_and_a_dlq(synth):
    inventory = _build(synth, consistency="strong", max_receive_count=3, visibility_timeout_seconds=90,
                       retention_days=7)
    queues = {r.name: r.inputs for r in inventory.of_type(QUEUE)}
    main, dlq = queues["orders"], queues["orders-dlq"]
    assert main["name"] == "dev-orders.fifo" and dlq["name"] == "dev-orders-dlq.fifo"
    assert main["fifoQueue"] is True and main["contentBasedDeduplication"] is True and dlq["fifoQueue"] is True
    assert main["visibilityTimeoutSeconds"] == 90 and main["messageRetentionSeconds"] == 7 * 86400
    assert all(q["sqsManagedSseEnabled"] is True for q in queues.values())
    redrive = json.loads(main["redrivePolicy"])
    assert redrive == {"deadLetterTargetArn": "arn:aws:sqs:ap-southeast-1:123456789012:dev-orders-dlq.fifo",
                       "maxReceiveCount": 3}
    parents = {r.parent for r in inventory if r.custom}
    assert parents == {next(r.urn for r in inventory if r.type == "sme-rollout:queue:Queue")}


def test_eventual_workload_is_a_standard_queue(synth):
    inventory = _build(synth)
    for queue in inventory.of_type(QUEUE):
        assert "fifoQueue" not in queue.inputs and not queue.inputs["name"].endswith(".fifo")


def test_both_queues_deny_insecure_transport(synth):
    inventory = _build(synth)
    policies = inventory.of_type("aws:sqs/queuePolicy:QueuePolicy")
    assert len(policies) == 2
    for policy in policies:
        (statement,) = json.loads(policy.inputs["policy"])["Statement"]
        assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_producer_and_consumer_policies_name_only_this_queue_and_only_needed_actions(synth):
    policies = _policies(_build(synth))
    arn = "arn:aws:sqs:ap-southeast-1:123456789012:dev-orders"
    (producer,) = policies["orders-producer"]["Statement"]
    assert producer["Effect"] == "Allow" and set(producer["Action"]) == set(PRODUCER_ACTIONS) == {
        "sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"}
    assert producer["Resource"] == arn
    consume, drain = policies["orders-consumer"]["Statement"]
    assert set(consume["Action"]) == set(CONSUMER_ACTIONS) == {
        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl"}
    assert consume["Resource"] == arn and drain["Resource"] == arn + "-dlq"
    for document in policies.values():
        for statement in document["Statement"]:
            assert "*" not in json.dumps(statement)


def test_roles_trust_the_account_not_everyone(synth):
    inventory = _build(synth)
    for role in inventory.of_type("aws:iam/role:Role"):
        (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"AWS": ["arn:aws:iam::123456789012:root"]}
        assert "inlinePolicies" not in role.inputs and "managedPolicyArns" not in role.inputs


@pytest.mark.parametrize("name, fifo, dead_letter, expected", [
    ("email", False, False, "email"), ("email", False, True, "email-dlq"),
    ("orders", True, False, "orders.fifo"), ("orders", True, True, "orders-dlq.fifo"),
])
def test_queue_names(name, fifo, dead_letter, expected):
    assert queue_name(name, fifo=fifo, dead_letter=dead_letter) == expected


@pytest.mark.parametrize("bad", [{"max_receive_count": 0}, {"retention_days": 15}, {"consistency": "weak"},
                                 {"sse": False}])
def test_args_are_validated(bad):
    with pytest.raises(ValidationError):
        QueueArgs(**bad)
