"""Phase 1 baseline: know what the site costs, whether it is up, and who did what in the account.

Creates a KMS key, an encrypted SNS alert topic (with email subscriptions), a monthly AWS Budget with actual and
forecast alerts, a Cost Anomaly Detection monitor and subscription, a Route 53 HTTPS health check on the current
site with a CloudWatch alarm that pages when it fails, a private versioned log bucket with a lifecycle, and a
multi-region CloudTrail trail (log file validation, KMS) into that bucket.

Uptime alarm: Route 53 publishes health-check metrics (AWS/Route53 HealthCheckStatus) only in us-east-1, so the
alarm lives there, on an explicit us-east-1 provider. An alarm can only notify an SNS topic of its own region, and
SNS cannot subscribe a topic to a topic, so outside us-east-1 the alarm notifies an uptime topic in us-east-1 with
the same email subscribers, encrypted with a key of that region (a topic's KMS key must be in the topic's region,
and the AWS-managed aws/sns key cannot grant CloudWatch the use CloudWatch needs to publish). In us-east-1 the
alert topic itself is used.

The log bucket uses SSE-S3 (AES256) default encryption on purpose: S3 server access logging, which every other
bucket of the stack sends here, does not deliver into a bucket whose default encryption is SSE-KMS. CloudTrail
still encrypts its own objects with the KMS key (`kms_key_id` on the trail). The bucket does not log its own
access (a log bucket logging into itself is rejected by S3-06, and another bucket would only move the problem).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import Field, field_validator

from components import kms
from components._args import Args
from components.private_bucket import secure_bucket_settings

CLOUDTRAIL_PREFIX = "cloudtrail"
ACCESS_LOG_PREFIX = "s3-access/"
ALB_LOG_PREFIX = "alb/"
MAX_BUDGET_THRESHOLDS = 2
"""A budget has at most 5 notifications (CreateBudget, NotificationsWithSubscribers); each threshold needs 2."""
MAX_BUDGET_EMAILS = 10
"""Each budget notification: one SNS subscriber and at most 10 e-mail subscribers (NotificationWithSubscribers)."""
ANOMALY_MONITOR_ARN = re.compile(r"arn:aws:ce::\d{12}:anomalymonitor/[0-9a-f-]{36}")
"""Cost Explorer anomaly monitor ARNs (the id is a UUID), as GetAnomalyMonitors returns them."""
ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"
UPTIME_REGION = "us-east-1"
"""Where Route 53 publishes health-check metrics (Route 53 developer guide, "Monitoring health checks using
CloudWatch")."""
"""Where S3 server access logs of the stack's buckets go inside the log bucket."""


class BaselineArgs(Args):
    """What phase 1 needs to know about the site and its owner."""

    site_domain: str = Field(description="The site's public domain the health check requests over HTTPS. Required.")
    health_check_path: str = Field("/", description="Path the health check requests. Defaults to /.")
    monthly_budget_usd: float = Field(300, gt=0, description="Monthly cost budget in USD. Defaults to 300.")
    budget_thresholds_percent: list[int] = Field(
        [80, 100],
        min_length=1,
        description="Alert at these percentages of the budget, actual and forecast. Defaults to [80, 100].",
    )
    alert_emails: list[str] = Field(
        [], description="Emails subscribed to the alert topic and the budget. Defaults to none."
    )
    anomaly_monitor: str = Field(
        "create",
        description="The AWS services cost-anomaly monitor: `create` one, `skip` "
        "anomaly alerts, or adopt an existing monitor by its ARN (an account may have only "
        "one AWS services monitor). Defaults to create.",
    )
    anomaly_threshold_usd: float = Field(
        20, gt=0, description="Cost anomalies with at least this total impact are sent to the topic. Defaults to 20."
    )
    log_expiration_days: int = Field(
        365, ge=91, le=3650, description="Days log objects are kept (CloudTrail and access logs). Defaults to 365."
    )
    region: str = Field(
        "ap-southeast-1",
        description="The stack's region (decides how ALB log delivery is "
        "allowed into the log bucket). Defaults to ap-southeast-1.",
    )
    production: bool = Field(
        False, description="Protect the log bucket from deletion (protect=True). Defaults to false."
    )

    @field_validator("anomaly_monitor")
    @classmethod
    def _anomaly_monitor(cls, value: str) -> str:
        if value in ("create", "skip") or ANOMALY_MONITOR_ARN.fullmatch(value):
            return value
        raise ValueError(f"{value!r}: use create, skip or a monitor ARN (arn:aws:ce::<account>:anomalymonitor/<id>)")

    @field_validator("budget_thresholds_percent")
    @classmethod
    def _thresholds(cls, value: list[int]) -> list[int]:
        if any(not 1 <= t <= 500 for t in value):
            raise ValueError("each threshold must be between 1 and 500 percent")
        value = sorted(set(value))
        if len(value) > MAX_BUDGET_THRESHOLDS:
            raise ValueError(
                f"at most {MAX_BUDGET_THRESHOLDS} thresholds: each makes an actual and a forecast "
                "notification, and a budget may have 5 (Budgets API, CreateBudget)"
            )
        return value

    @field_validator("alert_emails")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        if len(value) > MAX_BUDGET_EMAILS:
            raise ValueError(
                f"at most {MAX_BUDGET_EMAILS} emails (a budget notification takes 10 e-mail "
                "subscribers; subscribe more people to the alert topic)"
            )
        return value

    @field_validator("health_check_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /")
        return value


class Baseline(pulumi.ComponentResource):
    """Cost alerts, uptime check and audit trail: the measured starting point of the rollout."""

    key_arn: pulumi.Output[str]
    alert_topic_arn: pulumi.Output[str]
    log_bucket_name: pulumi.Output[str]
    log_bucket_arn: pulumi.Output[str]
    log_bucket_domain_name: pulumi.Output[str]
    health_check_id: pulumi.Output[str]
    trail_arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: BaselineArgs,
        opts: pulumi.ResourceOptions | None = None,
        us_east_1: aws.Provider | None = None,
    ) -> None:
        super().__init__("sme-rollout:baseline:Baseline", name, None, opts)
        self._name = name
        self._args = args
        self._us_east_1 = us_east_1
        invoke = pulumi.InvokeOutputOptions(parent=self)
        self._account_id = aws.get_caller_identity_output(opts=invoke).account_id
        self._region = aws.get_region_output(opts=invoke).region

        self.key = self._create_key()
        self.topic = self._create_alert_topic()
        self._create_topic_policy()
        self._create_email_subscriptions()
        self.budget = self._create_budget()
        self.anomaly_monitor = self._create_anomaly_monitor()
        self.anomaly_subscription = self._create_anomaly_subscription()
        self.health_check = self._create_health_check()
        self.uptime_topic_arn = self._create_uptime_topic()
        self.uptime_alarm = self._create_uptime_alarm()
        self.log_bucket = self._create_log_bucket()
        self._create_log_bucket_settings()
        bucket_policy = self._create_log_bucket_policy()
        self.trail = self._create_trail(bucket_policy)

        self.key_arn = self.key.arn
        self.alert_topic_arn = self.topic.arn
        self.log_bucket_name = self.log_bucket.bucket
        self.log_bucket_arn = self.log_bucket.arn
        self.log_bucket_domain_name = self.log_bucket.bucket_domain_name
        self.health_check_id = self.health_check.id
        self.trail_arn = self.trail.arn
        self.register_outputs(
            {
                "keyArn": self.key_arn,
                "alertTopicArn": self.alert_topic_arn,
                "logBucketName": self.log_bucket_name,
                "healthCheckId": self.health_check_id,
                "trailArn": self.trail_arn,
            }
        )

    def _child(self, **options: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **options)

    def _create_key(self) -> aws.kms.Key:
        """One key for the alert topic, the trail and the stack's log groups (services named in its policy)."""
        return kms.customer_managed_key(
            self._name,
            "sme-rollout baseline: alert topic, CloudTrail and CloudWatch log groups",
            self,
            service_principals=[
                "cloudtrail.amazonaws.com",
                "budgets.amazonaws.com",
                "costalerts.amazonaws.com",
                "cloudwatch.amazonaws.com",
                "logs.{region}.amazonaws.com",
            ],
        )

    def _create_alert_topic(self) -> aws.sns.Topic:
        return aws.sns.Topic(f"{self._name}-alerts", kms_master_key_id=self.key.arn, opts=self._child())

    def _create_topic_policy(self) -> aws.sns.TopicPolicy:
        """Budgets, Cost Anomaly Detection and CloudWatch alarms of this account may publish; nothing else."""

        def document(values: list[str]) -> str:
            topic_arn, account_id = values
            return json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "AccountServicesPublish",
                            "Effect": "Allow",
                            "Principal": {
                                "Service": [
                                    "budgets.amazonaws.com",
                                    "costalerts.amazonaws.com",
                                    "cloudwatch.amazonaws.com",
                                ]
                            },
                            "Action": "sns:Publish",
                            "Resource": topic_arn,
                            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                        },
                        {
                            "Sid": "DenyInsecureTransport",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "sns:Publish",
                            "Resource": topic_arn,
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                }
            )

        return aws.sns.TopicPolicy(
            f"{self._name}-alerts-policy",
            arn=self.topic.arn,
            policy=pulumi.Output.all(self.topic.arn, self._account_id).apply(document),
            opts=self._child(),
        )

    def _create_email_subscriptions(self) -> list[aws.sns.TopicSubscription]:
        return [
            aws.sns.TopicSubscription(
                f"{self._name}-alerts-email-{i}",
                topic=self.topic.arn,
                protocol="email",
                endpoint=email,
                opts=self._child(),
            )
            for i, email in enumerate(self._args.alert_emails, start=1)
        ]

    def _create_budget(self) -> aws.budgets.Budget:
        notifications = [
            {
                "comparison_operator": "GREATER_THAN",
                "threshold": threshold,
                "threshold_type": "PERCENTAGE",
                "notification_type": kind,
                "subscriber_sns_topic_arns": [self.topic.arn],
                "subscriber_email_addresses": list(self._args.alert_emails),
            }
            for threshold in self._args.budget_thresholds_percent
            for kind in ("ACTUAL", "FORECASTED")
        ]
        return aws.budgets.Budget(
            f"{self._name}-monthly",
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=f"{self._args.monthly_budget_usd:.2f}",
            limit_unit="USD",
            notifications=notifications,
            opts=self._child(),
        )

    def _create_anomaly_monitor(self) -> aws.costexplorer.AnomalyMonitor | None:
        """An account may have one AWS services (DIMENSIONAL/SERVICE) monitor only ("Cost Anomaly Detection:
        1 AWS services monitor per account", docs.aws.amazon.com/cost-management/latest/userguide/
        management-limits.html): creating a second fails, so an existing one is adopted by ARN, or alerts skipped."""
        if self._args.anomaly_monitor != "create":
            return None
        return aws.costexplorer.AnomalyMonitor(
            f"{self._name}-services", monitor_type="DIMENSIONAL", monitor_dimension="SERVICE", opts=self._child()
        )

    def _create_anomaly_subscription(self) -> aws.costexplorer.AnomalySubscription | None:
        if self._args.anomaly_monitor == "skip":
            return None
        monitor_arn = self.anomaly_monitor.arn if self.anomaly_monitor is not None else self._args.anomaly_monitor
        return aws.costexplorer.AnomalySubscription(
            f"{self._name}-anomalies",
            frequency="IMMEDIATE",
            monitor_arn_lists=[monitor_arn],
            subscribers=[{"type": "SNS", "address": self.topic.arn}],
            threshold_expression={
                "dimension": {
                    "key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                    "match_options": ["GREATER_THAN_OR_EQUAL"],
                    "values": [f"{self._args.anomaly_threshold_usd:g}"],
                }
            },
            opts=self._child(),
        )

    def _create_health_check(self) -> aws.route53.HealthCheck:
        """HTTPS with SNI from Route 53's checkers worldwide, latency measured (the uptime baseline)."""
        return aws.route53.HealthCheck(
            f"{self._name}-site",
            type="HTTPS",
            fqdn=self._args.site_domain,
            port=443,
            resource_path=self._args.health_check_path,
            enable_sni=True,
            request_interval=30,
            failure_threshold=3,
            measure_latency=True,
            tags={"Name": f"{self._args.site_domain} uptime"},
            opts=self._child(),
        )

    def _uptime_provider(self) -> aws.Provider | None:
        """None in us-east-1 (the parent's provider is there already); else the explicit us-east-1 provider."""
        if self._args.region == UPTIME_REGION:
            return None
        if self._us_east_1 is None:
            self._us_east_1 = aws.Provider(f"{self._name}-{UPTIME_REGION}", region=UPTIME_REGION, opts=self._child())
        return self._us_east_1

    def _create_uptime_topic(self) -> pulumi.Output[str]:
        """The alert topic in us-east-1; elsewhere a topic there with the same subscribers (see the module doc)."""
        provider = self._uptime_provider()
        if provider is None:
            return self.topic.arn
        key = kms.customer_managed_key(
            f"{self._name}-uptime",
            "sme-rollout baseline: uptime alarm topic (us-east-1)",
            self,
            service_principals=["cloudwatch.amazonaws.com"],
            provider=provider,
        )
        topic = aws.sns.Topic(f"{self._name}-uptime", kms_master_key_id=key.arn, opts=self._child(provider=provider))
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self, provider=provider)
        ).account_id

        def document(values: list[str]) -> str:
            topic_arn, account = values
            return json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "CloudWatchAlarmsPublish",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": topic_arn,
                            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                        },
                        {
                            "Sid": "DenyInsecureTransport",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "sns:Publish",
                            "Resource": topic_arn,
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                }
            )

        aws.sns.TopicPolicy(
            f"{self._name}-uptime-policy",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, account_id).apply(document),
            opts=self._child(provider=provider),
        )
        for number, email in enumerate(self._args.alert_emails, start=1):
            aws.sns.TopicSubscription(
                f"{self._name}-uptime-email-{number}",
                topic=topic.arn,
                protocol="email",
                endpoint=email,
                opts=self._child(provider=provider),
            )
        return topic.arn

    def _create_uptime_alarm(self) -> aws.cloudwatch.MetricAlarm:
        """Pages when the health check fails for two minutes (HealthCheckStatus is 1 healthy, 0 unhealthy); no data
        counts as down: a deleted or broken check must not look healthy."""
        provider = self._uptime_provider()
        return aws.cloudwatch.MetricAlarm(
            f"{self._name}-site-down",
            alarm_description=f"{self._args.site_domain} fails its Route 53 health check",
            namespace="AWS/Route53",
            metric_name="HealthCheckStatus",
            dimensions={"HealthCheckId": self.health_check.id},
            statistic="Minimum",
            period=60,
            evaluation_periods=2,
            threshold=1,
            comparison_operator="LessThanThreshold",
            treat_missing_data="breaching",
            actions_enabled=True,
            alarm_actions=[self.uptime_topic_arn],
            ok_actions=[self.uptime_topic_arn],
            opts=self._child(provider=provider) if provider is not None else self._child(),
        )

    def _create_log_bucket(self) -> aws.s3.Bucket:
        return aws.s3.Bucket(f"{self._name}-logs", opts=self._child(protect=self._args.production))

    def _create_log_bucket_settings(self) -> None:
        bucket = self.log_bucket.id
        secure_bucket_settings(f"{self._name}-logs", self.log_bucket, self)  # SSE-S3: log delivery needs it
        days = self._args.log_expiration_days
        aws.s3.BucketLifecycleConfiguration(
            f"{self._name}-logs-lifecycle",
            bucket=bucket,
            rules=[
                {
                    "id": "age-out-logs",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "transitions": [
                        {"days": 30, "storage_class": "STANDARD_IA"},
                        {"days": 90, "storage_class": "GLACIER_IR"},
                    ],
                    "expiration": {"days": days},
                    "noncurrent_version_expiration": {"noncurrent_days": 30},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                }
            ],
            opts=self._child(),
        )

    def _create_log_bucket_policy(self) -> aws.s3.BucketPolicy:
        """TLS only; CloudTrail, S3 access logging and CloudFront log delivery may write only under their prefix."""

        def document(values: list[str]) -> str:
            bucket_arn, account_id, elb_principal = values
            same_account = {"StringEquals": {"aws:SourceAccount": account_id}}
            owner_full_control = {
                "StringEquals": {"aws:SourceAccount": account_id, "s3:x-amz-acl": "bucket-owner-full-control"}
            }
            return json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        deny_insecure_transport(bucket_arn),
                        {
                            "Sid": "CloudTrailAclCheck",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "s3:GetBucketAcl",
                            "Resource": bucket_arn,
                            "Condition": same_account,
                        },
                        {
                            "Sid": "CloudTrailWrite",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "s3:PutObject",
                            "Resource": f"{bucket_arn}/{CLOUDTRAIL_PREFIX}/AWSLogs/{account_id}/*",
                            "Condition": owner_full_control,
                        },
                        {
                            "Sid": "S3ServerAccessLogs",
                            "Effect": "Allow",
                            "Principal": {"Service": "logging.s3.amazonaws.com"},
                            "Action": "s3:PutObject",
                            "Resource": f"{bucket_arn}/{ACCESS_LOG_PREFIX}*",
                            "Condition": same_account,
                        },
                        {
                            "Sid": "AlbAccessLogs",
                            "Effect": "Allow",
                            "Principal": elb_principal,
                            "Action": "s3:PutObject",
                            "Resource": f"{bucket_arn}/{ALB_LOG_PREFIX}*/AWSLogs/{account_id}/*",
                        },
                        {
                            "Sid": "CloudFrontLogDelivery",
                            "Effect": "Allow",
                            "Principal": {"Service": "delivery.logs.amazonaws.com"},
                            "Action": "s3:PutObject",
                            "Resource": f"{bucket_arn}/AWSLogs/{account_id}/CloudFront/*",
                            "Condition": owner_full_control,
                        },
                    ],
                }
            )

        return aws.s3.BucketPolicy(
            f"{self._name}-logs-policy",
            bucket=self.log_bucket.id,
            policy=pulumi.Output.all(self.log_bucket.arn, self._account_id, self._elb_log_principal()).apply(document),
            opts=self._child(),
        )

    def _elb_log_principal(self) -> pulumi.Output[dict[str, Any]]:
        """Who delivers ALB access logs: the region's ELB account in older regions, a service principal in newer
        ones (the ELB account data source does not know the newer regions)."""
        if elb_logs_from_account(self._args.region):
            account = aws.elb.get_service_account_output(opts=pulumi.InvokeOutputOptions(parent=self))
            return account.arn.apply(lambda arn: {"AWS": arn})
        return pulumi.Output.from_input({"Service": ELB_LOG_DELIVERY_SERVICE})

    def _create_trail(self, bucket_policy: aws.s3.BucketPolicy) -> aws.cloudtrail.Trail:
        return aws.cloudtrail.Trail(
            f"{self._name}-trail",
            s3_bucket_name=self.log_bucket.id,
            s3_key_prefix=CLOUDTRAIL_PREFIX,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            kms_key_id=self.key.arn,
            opts=self._child(depends_on=[bucket_policy]),
        )


def elb_logs_from_account(region: str) -> bool:
    """Regions opened before Jakarta (ap-southeast-3, December 2021) deliver ALB logs from an ELB account of theirs;
    later ones from the `logdelivery.elasticloadbalancing.amazonaws.com` service principal (AWS ELB docs)."""
    return region in _ELB_ACCOUNT_REGIONS


_ELB_ACCOUNT_REGIONS = frozenset(
    {
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "af-south-1",
        "ap-east-1",
        "ap-south-1",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-southeast-1",
        "ap-southeast-2",
        "ca-central-1",
        "eu-central-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-south-1",
        "eu-north-1",
        "me-south-1",
        "sa-east-1",
    }
)


def deny_insecure_transport(bucket_arn: str) -> dict[str, Any]:
    """The S3-02 statement every bucket policy of the stack starts with."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
