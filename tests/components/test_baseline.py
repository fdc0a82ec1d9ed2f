"""Baseline: cost alerts, health check, private log bucket and the CloudTrail trail, all parented and secure."""

import json

import pytest
from pydantic import ValidationError

from components.baseline import Baseline, BaselineArgs, elb_logs_from_account


def _build(synth, **overrides):
    args = {"site_domain": "shop.example.vn", "alert_emails": ["ops@example.vn"], **overrides}
    return synth(lambda: Baseline("base", BaselineArgs(**args)))


def _one(inventory, type_, name=None):
    (resource,) = [r for r in inventory.of_type(type_) if name is None or r.name == name]
    return resource


def _alert_subscriptions(inventory):
    return [r for r in inventory.of_type("aws:sns/topicSubscription:TopicSubscription")
            if r.name.startswith("base-alerts-email")]


@pytest.fixture(scope="module")
def inventory():
    from rollout.runtime.synth import synthesize_function

    return synthesize_function(lambda: Baseline("base", BaselineArgs(
        site_domain="shop.example.vn", alert_emails=["ops@example.vn", "cto@example.vn"],
        budget_thresholds_percent=[100, 80, 80], production=True)))


def test_every_child_is_parented_to_the_component(inventory):
    component = _one(inventory, "sme-rollout:baseline:Baseline")
    children = [r for r in inventory if r.custom]
    assert len(children) == 24  # 17 + the us-east-1 provider, uptime key, topic, policy, 2 emails, alarm
    assert {r.parent for r in children} == {component.urn}
    assert all(r.name.startswith("base-") for r in children)


def test_alert_topic_is_encrypted_and_only_account_services_publish(inventory):
    key = _one(inventory, "aws:kms/key:Key", "base-key")
    assert key.inputs["enableKeyRotation"] is True and key.inputs["deletionWindowInDays"] == 30
    topic = _one(inventory, "aws:sns/topic:Topic", "base-alerts")
    assert topic.inputs["kmsMasterKeyId"].startswith("arn:aws:kms:ap-southeast-1:123456789012:base-key")
    assert topic.inputs["kmsMasterKeyId"] == _one(inventory, "aws:cloudtrail/trail:Trail").inputs["kmsKeyId"]
    policy = json.loads(_one(inventory, "aws:sns/topicPolicy:TopicPolicy", "base-alerts-policy").inputs["policy"])
    allow, deny = policy["Statement"]
    assert allow["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert set(allow["Principal"]["Service"]) == {"budgets.amazonaws.com", "costalerts.amazonaws.com",
                                                  "cloudwatch.amazonaws.com"}
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    emails = {r.inputs["endpoint"] for r in _alert_subscriptions(inventory)}
    assert emails == {"ops@example.vn", "cto@example.vn"}


def test_budget_alerts_on_actual_and_forecast_for_each_threshold(inventory):
    budget = _one(inventory, "aws:budgets/budget:Budget").inputs
    assert budget["budgetType"] == "COST" and budget["timeUnit"] == "MONTHLY"
    assert budget["limitAmount"] == "300.00" and budget["limitUnit"] == "USD"
    pairs = sorted((n["threshold"], n["notificationType"]) for n in budget["notifications"])
    assert pairs == [(80, "ACTUAL"), (80, "FORECASTED"), (100, "ACTUAL"), (100, "FORECASTED")]
    topic_arn = _alert_subscriptions(inventory)[0].inputs["topic"]
    assert topic_arn.startswith("arn:aws:sns:")
    assert all(n["subscriberSnsTopicArns"] == [topic_arn] for n in budget["notifications"])
    assert all(n["subscriberEmailAddresses"] == ["ops@example.vn", "cto@example.vn"] for n in budget["notifications"])


def test_cost_anomalies_go_to_the_topic(inventory):
    monitor = _one(inventory, "aws:costexplorer/anomalyMonitor:AnomalyMonitor").inputs
    assert (monitor["monitorType"], monitor["monitorDimension"]) == ("DIMENSIONAL", "SERVICE")
    subscription = _one(inventory, "aws:costexplorer/anomalySubscription:AnomalySubscription").inputs
    assert subscription["frequency"] == "IMMEDIATE"
    topic_arn = _alert_subscriptions(inventory)[0].inputs["topic"]
    assert subscription["subscribers"] == [{"type": "SNS", "address": topic_arn}]
    assert subscription["thresholdExpression"]["dimension"]["values"] == ["20"]


def test_health_check_requests_the_site_over_https(inventory):
    check = _one(inventory, "aws:route53/healthCheck:HealthCheck").inputs
    assert (check["type"], check["fqdn"], check["port"], check["resourcePath"]) == (
        "HTTPS", "shop.example.vn", 443, "/")
    assert check["enableSni"] is True and check["measureLatency"] is True


def test_log_bucket_is_private_encrypted_versioned_and_aged_out(inventory):
    bucket = _one(inventory, "aws:s3/bucket:Bucket")
    assert bucket.protect is True
    block = _one(inventory, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                "restrictPublicBuckets"))
    ownership = _one(inventory, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    encryption = _one(inventory, "aws:s3/bucketServerSideEncryptionConfiguration:"
                                 "BucketServerSideEncryptionConfiguration").inputs
    assert encryption["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    versioning = _one(inventory, "aws:s3/bucketVersioning:BucketVersioning").inputs
    assert versioning["versioningConfiguration"]["status"] == "Enabled"
    (rule,) = _one(inventory, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"]
    assert rule["expiration"]["days"] == 365 and rule["noncurrentVersionExpiration"]["noncurrentDays"] == 30
    settings = [r for r in inventory if r.type.startswith("aws:s3/bucket") and r.type != "aws:s3/bucket:Bucket"]
    assert len(settings) == 6 and all(bucket.urn in r.dependencies for r in settings)


def test_bucket_policy_is_tls_only_and_scopes_each_writer(inventory):
    policy = json.loads(_one(inventory, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    write = statements["CloudTrailWrite"]
    assert write["Resource"].endswith("/cloudtrail/AWSLogs/123456789012/*")
    assert write["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"
    for statement in policy["Statement"]:
        if statement["Effect"] == "Allow" and statement["Sid"] != "AlbAccessLogs":
            assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"
            assert statement["Principal"] != "*"
    # ALB access logs come from the region's ELB account (Singapore predates the service principal), and only
    # under alb/<load balancer>/AWSLogs/<this account>/.
    alb = statements["AlbAccessLogs"]
    assert alb["Principal"] == {"AWS": "arn:aws:iam::000000000000:root"} and alb["Action"] == "s3:PutObject"
    assert alb["Resource"].endswith("/alb/*/AWSLogs/123456789012/*")


def test_newer_regions_let_the_elb_service_principal_deliver_alb_logs(synth):
    inventory = _build(synth, region="ap-southeast-7")
    policy = json.loads(_one(inventory, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    alb = next(s for s in policy["Statement"] if s["Sid"] == "AlbAccessLogs")
    assert alb["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}


@pytest.mark.parametrize(("region", "from_account"), [
    ("ap-southeast-1", True), ("us-east-1", True), ("eu-west-1", True),
    ("ap-southeast-3", False), ("ap-southeast-7", False), ("mx-central-1", False),
])
def test_elb_log_delivery_principal_by_region(region, from_account):
    assert elb_logs_from_account(region) is from_account


def test_trail_is_multi_region_validated_encrypted_and_waits_for_the_policy(inventory):
    trail = _one(inventory, "aws:cloudtrail/trail:Trail")
    inputs = trail.inputs
    assert inputs["isMultiRegionTrail"] is True and inputs["enableLogFileValidation"] is True
    assert inputs["includeGlobalServiceEvents"] is True and inputs["s3KeyPrefix"] == "cloudtrail"
    assert inputs["kmsKeyId"].startswith("arn:aws:kms:")
    policy = _one(inventory, "aws:s3/bucketPolicy:BucketPolicy")
    assert policy.urn in trail.dependencies


def test_kms_key_lets_cloudtrail_and_logs_use_it_from_this_account_only(inventory):
    policy = json.loads(_one(inventory, "aws:kms/key:Key", "base-key").inputs["policy"])
    services = {s["Principal"]["Service"] for s in policy["Statement"] if "Service" in s["Principal"]}
    assert {"cloudtrail.amazonaws.com", "logs.ap-southeast-1.amazonaws.com"} <= services
    assert all("Condition" in s for s in policy["Statement"] if "Service" in s["Principal"])


def test_log_bucket_is_not_protected_outside_production(synth):
    inventory = _build(synth, alert_emails=[])
    assert _one(inventory, "aws:s3/bucket:Bucket").protect is False
    assert inventory.of_type("aws:sns/topicSubscription:TopicSubscription") == []


@pytest.mark.parametrize("bad", [
    {"budget_thresholds_percent": [0]},
    {"budget_thresholds_percent": []},
    {"health_check_path": "healthz"},
    {"monthly_budget_usd": 0},
    {"log_expiration_days": 30},
    {"log_expiration_days": 90},  # must outlive the 90-day Glacier IR transition
    {"unknown": 1},
])
def test_bad_args_are_rejected(bad):
    with pytest.raises(ValidationError):
        BaselineArgs(site_domain="shop.example.vn", **bad)


def test_args_are_frozen():
    args = BaselineArgs(site_domain="shop.example.vn")
    with pytest.raises(ValidationError):
        args.production = True  # type: ignore[misc]


def test_uptime_alarm_pages_from_us_east_1_on_a_topic_there(inventory):
    """Regression: nobody was paged when the site was down (the health check had no alarm)."""
    alarm = _one(inventory, "aws:cloudwatch/metricAlarm:MetricAlarm", "base-site-down")
    check = _one(inventory, "aws:route53/healthCheck:HealthCheck")
    assert (alarm.inputs["namespace"], alarm.inputs["metricName"]) == ("AWS/Route53", "HealthCheckStatus")
    assert set(alarm.inputs["dimensions"]) == {"HealthCheckId"}
    assert check.urn in alarm.property_dependencies["dimensions"]
    assert alarm.inputs["comparisonOperator"] == "LessThanThreshold" and alarm.inputs["threshold"] == 1
    assert alarm.inputs["treatMissingData"] == "breaching"
    (provider,) = [r for r in inventory if r.type == "pulumi:providers:aws"]
    assert provider.inputs["region"] == "us-east-1" and alarm.provider.startswith(provider.urn)
    topic = _one(inventory, "aws:sns/topic:Topic", "base-uptime")
    assert topic.provider.startswith(provider.urn) and topic.inputs["kmsMasterKeyId"]
    key = _one(inventory, "aws:kms/key:Key", "base-uptime-key")
    assert key.provider.startswith(provider.urn)
    assert topic.urn in alarm.property_dependencies["alarmActions"]
    emails = {r.inputs["endpoint"] for r in inventory.of_type("aws:sns/topicSubscription:TopicSubscription")
              if r.name.startswith("base-uptime-email")}
    assert emails == {"ops@example.vn", "cto@example.vn"}


def test_in_us_east_1_the_alarm_uses_the_alert_topic(synth):
    inventory = _build(synth, region="us-east-1")
    alarm = _one(inventory, "aws:cloudwatch/metricAlarm:MetricAlarm", "base-site-down")
    topic = _one(inventory, "aws:sns/topic:Topic", "base-alerts")
    assert topic.urn in alarm.property_dependencies["alarmActions"]
    assert not [r for r in inventory if r.type == "pulumi:providers:aws"]
MONITOR_ARN = "arn:aws:ce::123456789012:anomalymonitor/0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f"


def test_an_existing_anomaly_monitor_is_adopted_not_duplicated(synth):
    """An account may have one AWS services monitor: with its ARN the stack only subscribes the topic to it."""
    inventory = _build(synth, anomaly_monitor=MONITOR_ARN)
    assert inventory.of_type("aws:costexplorer/anomalyMonitor:AnomalyMonitor") == []
    subscription = _one(inventory, "aws:costexplorer/anomalySubscription:AnomalySubscription").inputs
    assert subscription["monitorArnLists"] == [MONITOR_ARN]


def test_anomaly_alerts_can_be_skipped(synth):
    inventory = _build(synth, anomaly_monitor="skip")
    assert inventory.of_type("aws:costexplorer/anomalyMonitor:AnomalyMonitor") == []
    assert inventory.of_type("aws:costexplorer/anomalySubscription:AnomalySubscription") == []


@pytest.mark.parametrize("value", ["adopt", "arn:aws:ce::123:anomalymonitor/x", ""])
def test_anomaly_monitor_must_be_create_skip_or_an_arn(value):
    with pytest.raises(ValidationError, match="anomalymonitor"):
        BaselineArgs(site_domain="shop.example.vn", anomaly_monitor=value)


def test_a_budget_takes_at_most_two_thresholds_and_ten_emails():
    """Each threshold makes two notifications (actual, forecast); a budget may have five, each with 10 e-mails."""
    with pytest.raises(ValidationError, match="at most 2 thresholds"):
        BaselineArgs(site_domain="shop.example.vn", budget_thresholds_percent=[50, 80, 100])
    with pytest.raises(ValidationError, match="at most 10 emails"):
        BaselineArgs(site_domain="shop.example.vn", alert_emails=[f"ops{n}@example.vn" for n in range(11)])
