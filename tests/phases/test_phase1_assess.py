"""Phase 1 builds only the baseline, under the phase 1 component, and exports where alerts and logs go."""

from phases import build, phase1_assess
from phases.config import StackConfig


def _config(**overrides):
    return StackConfig.model_validate({"site": {"domain": "shop.example.vn", "origin": "origin.example.vn"},
                                       "budget": {"alertEmails": ["ops@example.vn"]}, **overrides})


def _program(config, up_to):
    def program():
        import pulumi

        ctx = build(config, up_to=up_to)
        for name, value in ctx.outputs.items():
            pulumi.export(name, value)
        assert set(ctx.components) == {"baseline"}

    return program


def test_declares_itself():
    assert phase1_assess.NUMBER == 1 and phase1_assess.TITLE == "Assess"
    assert phase1_assess.GOAL and "monthly cost" in phase1_assess.KPIS and len(phase1_assess.ADDS) == 6


def test_phase_1_is_the_baseline_only(synth):
    inventory = synth(_program(_config(), 1), stack="example")
    (phase,) = inventory.of_type("sme-rollout:phases:Phase")
    (baseline,) = inventory.of_type("sme-rollout:baseline:Baseline")
    assert baseline.parent == phase.urn and phase.inputs["phase"] == 1
    resources = inventory.custom_resources()
    uptime = [r for r in resources if r.name.startswith("baseline-uptime") or r.name == "baseline-site-down"]
    assert len(resources) - len(uptime) == 16
    assert {r.phase for r in resources} == {1}
    assert {r.type.split(":")[1].split("/")[0] for r in resources} == {
        "kms", "sns", "budgets", "costexplorer", "route53", "s3", "cloudtrail", "cloudwatch"}
    # the uptime alarm and its topic live in us-east-1, where Route 53 publishes; everything else in the region
    assert all(r.provider and r.provider.endswith("::aws-us-east-1") for r in uptime)
    assert {r.type for r in uptime} >= {"aws:cloudwatch/metricAlarm:MetricAlarm", "aws:sns/topic:Topic"}
    assert all(r.provider and r.provider.endswith("::aws") for r in resources if r not in uptime)


def test_outputs_name_the_alert_topic_and_log_bucket_and_the_phase(synth):
    outputs = synth(_program(_config(), 1), stack="example").outputs
    assert set(outputs) == {"alertTopicArn", "logBucketName", "phase"}
    assert outputs["phase"] == 1 and outputs["alertTopicArn"].startswith("arn:aws:sns:")


def test_production_protects_the_log_bucket_and_uses_config_values(synth):
    config = _config(environment="prod", budget={"monthlyLimitUsd": 1200, "thresholdsPercent": [50, 90]},
                     site={"domain": "shop.example.vn", "origin": "origin.example.vn", "healthCheckPath": "/up"})
    inventory = synth(_program(config, 1), stack="prod")
    (bucket,) = inventory.of_type("aws:s3/bucket:Bucket")
    assert bucket.protect is True
    (budget,) = inventory.of_type("aws:budgets/budget:Budget")
    assert budget.inputs["limitAmount"] == "1200.00"
    assert sorted({n["threshold"] for n in budget.inputs["notifications"]}) == [50, 90]
    (check,) = inventory.of_type("aws:route53/healthCheck:HealthCheck")
    assert check.inputs["resourcePath"] == "/up"
