"""Golden breakdowns for rollout.analysis.cost.pricers.ecs: a small program, its usage, the expected lines."""

from __future__ import annotations

import json

from tests.rollout.analysis.cost.builders import SG, breakdown, golden


def fargate_service(count: int | None = 2, launch_type: str = "FARGATE"):
    def program() -> None:
        import pulumi_aws as aws

        task = aws.ecs.TaskDefinition("web", family="web", cpu="512", memory="1024", network_mode="awsvpc",
                                      requires_compatibilities=["FARGATE"],
                                      container_definitions=json.dumps([{"name": "web", "image": "nginx"}]))
        cluster = aws.ecs.Cluster("shop")
        aws.ecs.Service("web", cluster=cluster.arn, task_definition=task.arn, desired_count=count,
                        launch_type=launch_type)
    return program


def test_fargate_service_from_task_cpu_memory_and_desired_count(synth):
    # 0.5 vCPU x 2 tasks x 730 h x 0.04048 = 29.55; 1 GB x 2 x 730 x 0.004445 = 6.49
    assert breakdown(golden(synth, fargate_service())) == [
        ("web", "Per vCPU per hour (x86_64, 0.5 vCPU x 2 tasks)", 730.0, "vCPU-hour", 29.55),
        ("web", "Per GB per hour (x86_64, 1 GB x 2 tasks)", 1460.0, "GB-hour", 6.49),
    ]


def test_desired_count_defaults_to_one_and_ec2_services_are_priced_with_their_instances(synth):
    assert [line[4] for line in breakdown(golden(synth, fargate_service(None)))] == [14.78, 3.24]
    report = golden(synth, fargate_service(2, "EC2"))
    assert breakdown(report) == [] and "EC2 capacity" in report.resources[0].note


def test_fargate_in_singapore_is_price_unknown_not_guessed(synth):
    lines = breakdown(golden(synth, fargate_service(), region=SG))
    assert [line[4] for line in lines] == [None, None]


def test_fargate_arm64_in_singapore_from_the_offer_rows(synth):
    def program() -> None:
        import pulumi_aws as aws

        task = aws.ecs.TaskDefinition("web", family="web", cpu="512", memory="1024", network_mode="awsvpc",
                                      requires_compatibilities=["FARGATE"],
                                      runtime_platform={"cpu_architecture": "ARM64",
                                                        "operating_system_family": "LINUX"},
                                      container_definitions=json.dumps([{"name": "web", "image": "nginx"}]))
        aws.ecs.Service("web", task_definition=task.arn, desired_count=2, launch_type="FARGATE")

    # [S1] (AmazonECS offer of 2026-09-11): APS1-Fargate-ARM-vCPU-Hours:perCPU 0.04045, APS1-Fargate-ARM-GB-Hours
    # 0.00442: 0.5 vCPU x 2 x 730 h x 0.04045 = 29.53; 1 GB x 2 x 730 h x 0.00442 = 6.45
    assert breakdown(golden(synth, program, region=SG)) == [
        ("web", "Per vCPU per hour (arm64, 0.5 vCPU x 2 tasks)", 730.0, "vCPU-hour", 29.53),
        ("web", "Per GB per hour (arm64, 1 GB x 2 tasks)", 1460.0, "GB-hour", 6.45),
    ]
