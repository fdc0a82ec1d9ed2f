"""The monitoring collector: log groups, alarms, topics, trails and budgets."""

from __future__ import annotations

from tests.rollout import audit_fixtures as fx


def test_short_retention_and_a_muted_alarm_are_found(aws):
    def drift(account):
        account.client("logs").put_retention_policy(logGroupName=account.log_group, retentionInDays=7)
        account.client("cloudwatch").put_metric_alarm(
            AlarmName="shop-web-5xx", MetricName="HTTPCode_Target_5XX_Count", Namespace="AWS/ApplicationELB",
            Statistic="Sum", Period=60, EvaluationPeriods=5, Threshold=10, ComparisonOperator="GreaterThanThreshold",
            ActionsEnabled=False)

    added, _ = fx.drift_adds((fx.build_baseline, fx.build_observability), drift)
    assert added == {("CW-01", "/shop/web"), ("CW-02", "shop-web-5xx")}


def test_a_plain_and_public_topic_is_found(aws):
    import json

    def drift(account):
        sns = account.client("sns")
        sns.set_topic_attributes(TopicArn=account.topic_arn, AttributeName="KmsMasterKeyId", AttributeValue="")
        sns.set_topic_attributes(TopicArn=account.topic_arn, AttributeName="Policy", AttributeValue=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish",
                                                    "Resource": account.topic_arn}]}))

    added, _ = fx.drift_adds((fx.build_baseline,), drift)
    assert added == {("SNS-01", "shop-alerts"), ("SNS-02", "shop-alerts")}


def test_a_weakened_trail_is_found(aws):
    def drift(account):
        cloudtrail = account.client("cloudtrail")
        cloudtrail.update_trail(Name="shop-trail", IsMultiRegionTrail=False, EnableLogFileValidation=False)
        cloudtrail.put_event_selectors(TrailName="shop-trail", EventSelectors=[
            {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])

    added, _ = fx.drift_adds((fx.build_buckets,), drift)
    assert added == {("CT-01", "shop-trail"), ("CT-02", "shop-trail")}


def test_a_trail_announcing_deliveries_passes_ct05():
    from policies.core import evaluate
    from policies.registry import BY_ID
    from rollout.live.audit.monitoring import normalize_trail

    quiet = normalize_trail({"Name": "quiet", "TrailARN": "arn:aws:cloudtrail:r:1:trail/quiet"}, {}, {})
    announced = normalize_trail({"Name": "announced", "TrailARN": "arn:aws:cloudtrail:r:1:trail/announced",
                                 "SnsTopicName": "trail-deliveries"}, {}, {})
    assert {f.name for f in evaluate([BY_ID["CT-05"]], [quiet, announced])} == {"quiet"}


def test_a_hand_made_trail_without_key_or_log_group_is_found_and_its_delivery_topic_passes_ct05(aws):
    def drift(account):
        account.client("sns").create_topic(Name="trail-deliveries", Attributes={"KmsMasterKeyId": account.key_arn})
        cloudtrail = account.client("cloudtrail")
        cloudtrail.create_trail(Name="console-trail", S3BucketName="shop-audit-logs", IsMultiRegionTrail=True,
                                EnableLogFileValidation=True, SnsTopicName="trail-deliveries")
        cloudtrail.start_logging(Name="console-trail")

    added, _ = fx.drift_adds((fx.build_baseline, fx.build_buckets), drift)
    # CT-05 (advisory) fails shop-trail by design (no delivery notifications): in the baseline, passed here
    assert added == {("CT-03", "console-trail"), ("CT-04", "console-trail")}


def test_a_topic_shared_with_another_account_without_a_condition_is_found(aws):
    import json

    def drift(account):
        sns = account.client("sns")
        for name, condition in (("partner-orders", None), ("partner-orders-scoped", {"StringEquals": {
                "aws:PrincipalOrgID": "o-shop12345"}})):
            arn = sns.create_topic(Name=name, Attributes={"KmsMasterKeyId": account.key_arn})["TopicArn"]
            statement = {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                         "Action": "sns:Subscribe", "Resource": arn}
            if condition:
                statement["Condition"] = condition
            sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps({
                "Version": "2012-10-17", "Statement": [statement]}))

    added, _ = fx.drift_adds((fx.build_baseline,), drift)
    assert added == {("SNS-03", "partner-orders")}
