"""Small Pulumi programs written only for tests (not ours), laid out as real projects in a temp directory."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_program(root: Path, main: str, *, name: str = "shopfront", stacks: dict[str, str] | None = None,
                  project_config: str = "") -> Path:
    """A Pulumi project at `root`: Pulumi.yaml (stackConfigDir: stacks), __main__.py and stack files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text(
        f"name: {name}\nruntime: python\nstackConfigDir: stacks\n" + textwrap.dedent(project_config))
    (root / "__main__.py").write_text(textwrap.dedent(main))
    (root / "stacks").mkdir(exist_ok=True)
    for stack, body in (stacks or {"dev": "config: {}\n"}).items():
        (root / "stacks" / f"Pulumi.{stack}.yaml").write_text(textwrap.dedent(body))
    return root


PHASED_PROGRAM = '''
import json
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
phase = config.get_int("phase") or 1


class Phase(pulumi.ComponentResource):
    def __init__(self, number):
        super().__init__("shopfront:phases:Phase", f"phase{number}", {"phase": number})


class Store(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("shopfront:storage:Store", name, None, opts)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self, protect=True))
        aws.s3.BucketPolicy(
            f"{name}-policy", bucket=self.bucket.id,
            policy=self.bucket.arn.apply(lambda arn: json.dumps({"Statement": [{"Resource": arn}]})),
            opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


first = Phase(1)
store = Store("assets", pulumi.ResourceOptions(parent=first))
pulumi.export("bucket", store.bucket.bucket)
if phase >= 2:
    second = Phase(2)
    queue = aws.sqs.Queue("jobs", visibility_timeout_seconds=config.get_int("visibility") or 30,
                          opts=pulumi.ResourceOptions(parent=second))
    aws.rds.Instance("db", instance_class="db.t4g.micro", engine="postgres", allocated_storage=20,
                     password=config.require_secret("dbPassword"), opts=pulumi.ResourceOptions(parent=second))
    pulumi.export("queueUrl", queue.url)
'''

PHASED_STACK = '''
config:
  shopfront:phase: 2
  aws:region: us-east-1
  shopfront:dbPassword:
    secure: v1:AAAAAAAAAAAA
'''


REMOTE_PROGRAM = '''
import pulumi
import pulumi_aws as aws


class Vpc(pulumi.ComponentResource):
    """What pulumi_awsx.ec2.Vpc registers: a remote (multi-language) component."""

    def __init__(self, name):
        super().__init__("awsx:ec2:Vpc", name, {"natGateways": {"strategy": "Single"}, "vpcId": None}, None,
                         remote=True)


Vpc("network")
aws.sqs.Queue("jobs")
'''

LIMIT_PROGRAM = '''
import pulumi

answer = pulumi.runtime.invoke("acme:index/getEndpoint:getEndpoint", {"name": "shop"})
pulumi.export("endpoint", answer.value["endpoint"])
'''
