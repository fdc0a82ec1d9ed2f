"""`rollout env` library: a flow's settings from a program's `flows` output, rendered three ways."""

import json
import textwrap

import pytest

from rollout.analysis.env import flow_settings, render
from rollout.app import env_of
from rollout.errors import UserError
from rollout.model.inventory import Inventory, Secret

MAIN = '''
import pulumi
import pulumi_aws as aws

queue = aws.sqs.Queue("orders", name="orders.fifo", fifo_queue=True, sqs_managed_sse_enabled=True)
pulumi.export("flows", {
    "checkout": {"FLOW_CONSISTENCY": "strong", "QUEUE_URL": queue.url, "CACHE_ENABLED": "false",
                 "DATABASE_SECRET_ARN": "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:db"},
    "catalog": {"FLOW_CONSISTENCY": "eventual", "CACHE_TTL_SECONDS": "300"},
})
'''


def write_program(root, main=MAIN):
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text("name: shop\nruntime: python\nstackConfigDir: stacks\n")
    (root / "__main__.py").write_text(textwrap.dedent(main))
    (root / "stacks").mkdir()
    (root / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  aws:region: ap-southeast-1\n")
    return root


def _inventory(flows):
    return Inventory(project="p", stack="dev", phase=4, resources=(), outputs={"flows": flows})


def test_environment_of_a_flow_from_a_real_program_run(tmp_path):
    settings = env_of(write_program(tmp_path / "shop"), "dev", "checkout")
    assert settings == {
        "FLOW_CONSISTENCY": "strong", "CACHE_ENABLED": "false",
        "QUEUE_URL": "https://sqs.ap-southeast-1.amazonaws.com/123456789012/orders.fifo",
        "DATABASE_SECRET_ARN": "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:db",
    }


def test_unknown_flow_lists_the_known_ones():
    with pytest.raises(UserError, match=r"unknown flow 'payment' in stack dev; known flows: catalog, checkout"):
        flow_settings(_inventory({"checkout": {}, "catalog": {}}), "payment")


def test_a_stack_without_flows_says_what_to_do():
    with pytest.raises(UserError, match="exports no per-flow settings"):
        flow_settings(Inventory(project="p", stack="dev", phase=3, resources=()), "checkout")


def test_secret_values_are_refused_never_printed():
    with pytest.raises(UserError) as error:
        flow_settings(_inventory({"checkout": {"DATABASE_PASSWORD": Secret("hunter2")}}), "checkout")
    assert "hunter2" not in str(error.value) and "DATABASE_PASSWORD is a secret value" in str(error.value)


@pytest.mark.parametrize("output, expected", [
    ("dotenv", 'A="x y"\nB="it\'s"'),
    ("shell", "export A='x y'\nexport B='it'\"'\"'s'"),
])
def test_render_text_formats(output, expected):
    assert render({"B": "it's", "A": "x y"}, output) == expected


def test_render_json_is_one_object():
    assert json.loads(render({"A": "1"}, "json")) == {"A": "1"}
