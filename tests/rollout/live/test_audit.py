"""The live audit against moto accounts: compliant, drifted, read-only, and failing services."""

from __future__ import annotations

import json
from importlib import resources

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from moto import mock_aws

from policies.core import UnknownValueError
from policies.registry import CONTROLS
from rollout.errors import UserError
from rollout.live import audit
from tests.rollout import audit_fixtures as fx

# What moto 5.2.5 does not store, so that even the compliant account shows these findings: RDS
# PerformanceInsightsEnabled and an AMP workspace's kmsKeyArn are accepted on create but never returned.
MOTO_GAPS = {("OBS-01", "shop"), ("RDS-08", "shop-db"), ("RDS-08", "shop-db-replica")}
# Services moto cannot serve: reported as not evaluated, with the controls that read them.
MOTO_UNAVAILABLE = {"grafana", "cloudfront response headers policies", "backup selections"}

# botocore operation → IAM action where the names differ.
IAM_ACTION = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("budgets", "DescribeBudgets"): "budgets:ViewBudget",
}
IAM_PREFIX = {"monitoring": "cloudwatch", "aps": "aps", "elasticloadbalancing": "elasticloadbalancing"}


@pytest.fixture
def aws(monkeypatch):
    fx.fake_aws_environment(monkeypatch)
    with mock_aws():
        yield


def violations(result: audit.AuditResult) -> set[tuple[str, str]]:
    return {(f.control, f.name) for f in result.findings if f.status == "violation"}


def run(session=None, **kwargs) -> audit.AuditResult:
    return audit.run_audit(session or audit.open_session(), CONTROLS, **kwargs)


def record_calls(session) -> list[tuple[str, str]]:
    """Every API operation made through clients of `session` (botocore `before-call` hook)."""
    calls: list[tuple[str, str]] = []

    def hook(model, **_):
        calls.append((model.service_model.signing_name, model.name))

    session.events.register("before-call", hook)
    return calls


def test_compliant_account_has_no_violations_and_only_reads(aws):
    fx.compliant_account()
    session = audit.open_session()
    calls = record_calls(session)

    result = run(session, phase=6)

    assert violations(result) == MOTO_GAPS
    assert {u.service for u in result.unavailable} == MOTO_UNAVAILABLE
    assert set(result.skipped_controls) == {"OBS-02", "CFD-07", "BAK-03"}
    assert not any(f.control in result.skipped_controls for f in result.findings)
    assert {c.status for c in result.readiness if c.name != "Managed Grafana workspace"} == {"present"}
    grafana = next(c for c in result.readiness if c.name == "Managed Grafana workspace")
    assert grafana.status == "not evaluated" and "not supported" in grafana.detail

    policy = json.loads(resources.files("rollout").joinpath("data/audit-policy.json").read_text())
    allowed = {a for s in policy["Statement"] for a in s["Action"]}
    assert len(calls) > 40
    for service, operation in calls:
        assert operation.startswith(("Describe", "Get", "List")), operation
        action = IAM_ACTION.get((service, operation), f"{IAM_PREFIX.get(service, service)}:{operation}")
        assert action in allowed, f"{action} is called but not in audit-policy.json"


def test_audit_policy_lists_read_actions_only_without_wildcards():
    policy = json.loads(resources.files("rollout").joinpath("data/audit-policy.json").read_text())
    actions = [a for s in policy["Statement"] for a in s["Action"]]
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])
    assert actions and all("*" not in a for a in actions)
    assert all(a.split(":")[1].startswith(("Describe", "Get", "List", "View")) for a in actions)
    assert len(actions) == len(set(actions))


def test_drill_policy_scopes_destructive_actions_to_drill_resources():
    policy = json.loads(resources.files("rollout").joinpath("data/drill-policy.json").read_text())
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if any(a.startswith(("rds:Delete", "rds:Modify")) for a in actions):
            assert all(":rollout-drill-*" in r for r in statement["Resource"])
        if "rds:RestoreDBInstanceFromDBSnapshot" in actions:
            assert "arn:aws:rds:*:*:db:rollout-drill-*" in statement["Resource"]
            assert not any(r.endswith(":db:*") for r in statement["Resource"])


def _db_manual_change(account: fx.Account) -> None:
    account.client("rds").modify_db_instance(DBInstanceIdentifier="shop-db", PubliclyAccessible=True,
                                             BackupRetentionPeriod=1, DeletionProtection=False,
                                             ApplyImmediately=True)


def _tls_parameter_off(account: fx.Account) -> None:
    account.client("rds").modify_db_parameter_group(DBParameterGroupName="shop-postgres16", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "0", "ApplyMethod": "immediate"}])


def _assets_bucket_opened(account: fx.Account) -> None:
    s3 = account.client("s3")
    s3.delete_public_access_block(Bucket="shop-assets")
    s3.delete_bucket_policy(Bucket="shop-assets")


def _queue_unprotected(account: fx.Account) -> None:
    account.client("sqs").set_queue_attributes(QueueUrl=account.queue_urls["orders"], Attributes={
        "RedrivePolicy": "", "SqsManagedSseEnabled": "false"})


def _alb_weakened(account: fx.Account) -> None:
    elbv2 = account.client("elbv2")
    group = elbv2.describe_target_groups()["TargetGroups"][0]["TargetGroupArn"]
    elbv2.modify_listener(ListenerArn=account.listener_arns["http"],
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=account.load_balancer_arn, Attributes=[
        {"Key": "deletion_protection.enabled", "Value": "false"}])
    account.client("wafv2").disassociate_web_acl(ResourceArn=account.load_balancer_arn)


def _launch_template_weakened(account: fx.Account) -> None:
    ec2 = account.client("ec2")
    version = ec2.create_launch_template_version(LaunchTemplateId=account.launch_template_id, LaunchTemplateData={
        "ImageId": "ami-12c6146b", "MetadataOptions": {"HttpTokens": "optional", "HttpPutResponseHopLimit": 1},
        "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}],
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": False, "VolumeSize": 20}}],
    })["LaunchTemplateVersion"]["VersionNumber"]
    ec2.modify_launch_template(LaunchTemplateId=account.launch_template_id, DefaultVersion=str(version))


def _admin_inline_policy(account: fx.Account) -> None:
    account.client("iam").put_role_policy(RoleName=account.role_name, PolicyName="break-glass", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))


def _logs_and_alarms_muted(account: fx.Account) -> None:
    account.client("logs").put_retention_policy(logGroupName=account.log_group, retentionInDays=7)
    account.client("cloudwatch").put_metric_alarm(
        AlarmName="shop-web-5xx", MetricName="HTTPCode_Target_5XX_Count", Namespace="AWS/ApplicationELB",
        Statistic="Sum", Period=60, EvaluationPeriods=5, Threshold=10, ComparisonOperator="GreaterThanThreshold",
        ActionsEnabled=False)


def _plaintext_cache(account: fx.Account) -> None:
    account.client("elasticache").create_replication_group(
        ReplicationGroupId="legacy-cache", ReplicationGroupDescription="hand-made", Engine="redis",
        CacheNodeType="cache.t4g.micro", NumCacheClusters=1)


def _viewer_http_allowed(account: fx.Account) -> None:
    cloudfront = account.client("cloudfront")
    current = cloudfront.get_distribution_config(Id=account.distribution_id)
    config = current["DistributionConfig"]
    config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = "allow-all"
    cloudfront.update_distribution(Id=account.distribution_id, IfMatch=current["ETag"], DistributionConfig=config)


def _topic_plain_and_public(account: fx.Account) -> None:
    sns = account.client("sns")
    sns.set_topic_attributes(TopicArn=account.topic_arn, AttributeName="KmsMasterKeyId", AttributeValue="")
    sns.set_topic_attributes(TopicArn=account.topic_arn, AttributeName="Policy", AttributeValue=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish",
                                                "Resource": account.topic_arn}]}))


def _trail_weakened(account: fx.Account) -> None:
    cloudtrail = account.client("cloudtrail")
    cloudtrail.update_trail(Name="shop-trail", IsMultiRegionTrail=False, EnableLogFileValidation=False)
    cloudtrail.put_event_selectors(TrailName="shop-trail", EventSelectors=[
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])


def _snapshot_made_public(account: fx.Account) -> None:
    rds = account.client("rds")
    rds.create_db_snapshot(DBInstanceIdentifier=account.db_primary, DBSnapshotIdentifier="shop-db-export")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="shop-db-export", AttributeName="restore",
                                     ValuesToAdd=["all"])


def _certificate_unlogged(account: fx.Account) -> None:
    account.client("acm").request_certificate(DomainName="legacy.shop.example.vn",
                                              Options={"CertificateTransparencyLoggingPreference": "DISABLED"})


def _key_rotation_off(account: fx.Account) -> None:
    account.client("kms").disable_key_rotation(KeyId=account.key_arn)


DRIFTS = [
    ("db-manual-change", (fx.build_database,), _db_manual_change,
     {("RDS-02", "shop-db"), ("RDS-04", "shop-db"), ("RDS-05", "shop-db")}),
    ("tls-parameter-off", (fx.build_database,), _tls_parameter_off,
     {("RDS-06", "shop-db"), ("RDS-06", "shop-db-replica")}),
    ("assets-bucket-opened", (fx.build_buckets,), _assets_bucket_opened, {("S3-01", "shop-assets"), ("S3-02", "shop-assets")}),
    ("queue-unprotected", (fx.build_queues,), _queue_unprotected,
     {("SQS-01", "orders"), ("SQS-02", "orders"), ("SQS-02", "orders-dlq")}),
    ("alb-weakened", (fx.build_web_tier,), _alb_weakened,
     {("ALB-01", "shop-web:HTTP:80"), ("ALB-05", "shop-web"), ("ALB-06", "shop-web")}),
    ("launch-template-weakened", (fx.build_web_tier,), _launch_template_weakened,
     {("LT-01", "shop-web"), ("LT-03", "shop-web"), ("LT-04", "shop-web")}),
    ("certificate-unlogged", (fx.build_web_tier,), _certificate_unlogged,
     {("ACM-01", "legacy.shop.example.vn")}),
    ("snapshot-made-public", (fx.build_database,), _snapshot_made_public, {("RDS-11", "shop-db-export")}),
    ("topic-plain-and-public", (fx.build_baseline,), _topic_plain_and_public,
     {("SNS-01", "shop-alerts"), ("SNS-02", "shop-alerts")}),
    ("trail-weakened", (fx.build_buckets,), _trail_weakened, {("CT-01", "shop-trail"), ("CT-02", "shop-trail")}),
    # Action '*' on Resource '*' is also every service wildcard (IAM-02), every write (IAM-03) and every secret read
    # (IAM-08)
    ("admin-inline-policy", (fx.build_iam,), _admin_inline_policy,
     {(c, "shop-web:break-glass") for c in ("IAM-01", "IAM-02", "IAM-03", "IAM-08")}),
    ("logs-and-alarms-muted", (fx.build_baseline, fx.build_observability), _logs_and_alarms_muted,
     {("CW-01", "/shop/web"), ("CW-02", "shop-web-5xx")}),
    ("plaintext-cache", (fx.build_cache,), _plaintext_cache,
     {("EC-01", "legacy-cache"), ("EC-02", "legacy-cache"), ("EC-03", "legacy-cache"), ("EC-04", "legacy-cache"),
      ("EC-05", "legacy-cache")}),
    ("viewer-http-allowed", (fx.build_cdn,), _viewer_http_allowed, {("CFD-01", "*")}),
    ("key-rotation-off", (), _key_rotation_off, {("KMS-01", "*")}),
]


@pytest.mark.parametrize(("builders", "drift", "expected"), [d[1:] for d in DRIFTS], ids=[d[0] for d in DRIFTS])
def test_each_drift_is_found_with_its_control_and_resource(aws, builders, drift, expected):
    account = fx.account_with(*builders)
    baseline = violations(run())
    drift(account)

    result = run()

    generated = {"CFD-01": account.distribution_id, "KMS-01": account.key_arn.rsplit("/", 1)[-1]}
    expected = {(control, generated[control] if name == "*" else name) for control, name in expected}
    assert violations(result) - baseline == expected
    assert all(f.urn.startswith("arn:aws:") for f in result.findings)


def test_replica_is_joined_to_its_source_and_parameter_group(aws):
    fx.account_with(fx.build_database)
    result = run()
    by_name = {s.name: s for s in result.subjects}
    replica, primary, group = by_name["shop-db-replica"], by_name["shop-db"], by_name["shop-postgres16"]
    assert replica.props["replicateSourceDb"] == "shop-db"
    assert replica.property_dependencies["replicateSourceDb"] == [primary.urn]
    assert primary.property_dependencies["parameterGroupName"] == [group.urn]
    assert [dict(p) for p in group.props["parameters"]] == [{"name": "rds.force_ssl", "value": "1",
                                                             "applyMethod": "immediate"}]
    assert primary.props["storageEncrypted"] is True and primary.props["publiclyAccessible"] is False


def test_bucket_settings_become_separate_subjects_joined_by_bucket(aws):
    fx.account_with(fx.build_buckets)
    result = run()
    assets = [s for s in result.subjects if s.props.get("bucket") == "shop-assets"]
    assert {s.type for s in assets} == {audit.BUCKET, audit.BUCKET_PUBLIC_ACCESS_BLOCK, audit.BUCKET_POLICY,
                                        audit.BUCKET_OWNERSHIP, audit.BUCKET_ACL, audit.BUCKET_ENCRYPTION,
                                        audit.BUCKET_VERSIONING, audit.BUCKET_LOGGING}
    settings = [s for s in assets if s.type != audit.BUCKET]
    assert all(s.property_dependencies["bucket"] == ["arn:aws:s3:::shop-assets"] for s in settings)
    logging = next(s for s in assets if s.type == audit.BUCKET_LOGGING)
    assert logging.props["targetBucket"] == "shop-logs"


def test_normalizers_keep_what_moto_drops_but_aws_returns():
    db = {"DBInstanceIdentifier": "db", "DBInstanceArn": "arn:aws:rds:r:1:db:db", "Engine": "postgres",
          "PerformanceInsightsEnabled": True, "PerformanceInsightsKMSKeyId": "k", "StorageEncrypted": True}
    props = audit.normalize_db_instance(db, "1", "r").props
    assert props["performanceInsightsEnabled"] is True and props["performanceInsightsKmsKeyId"] == "k"
    workspace = audit.normalize_amp_workspace({"workspaceId": "ws", "arn": "arn:aws:aps:r:1:workspace/ws",
                                               "kmsKeyArn": "arn:k"}, {"logGroupArn": "arn:lg"})
    assert workspace.props["kmsKeyArn"] == "arn:k"
    assert workspace.props["loggingConfiguration"]["logGroupArn"] == "arn:lg"
    vault = audit.normalize_vault({"BackupVaultName": "v", "BackupVaultArn": "arn:v", "EncryptionKeyArn": "arn:k"},
                                  None)
    with pytest.raises(UnknownValueError):
        vault.props["kmsKeyArn"]  # an undescribable key is unknown, never a pass


def test_empty_region_reports_every_component_missing_and_only_the_default_vpc_violated(aws):
    result = run(phase=2)
    # AWS's default VPC (as moto creates it) has public-IP subnets, an open default group and no flow logs: what
    # Security Hub reports as EC2.15, EC2.2 and EC2.6 too
    default_vpc = {s.name for s in result.subjects if s.props.get("isDefault") is True}
    assert {c for c, _ in violations(result)} == {"SG-02", "SG-04", "VPC-01", "VPC-02"} and len(default_vpc) == 1
    assert all(f.urn.startswith("arn:aws:ec2:") for f in result.findings if f.status == "violation")
    assert audit.deployed(result.subjects) == []  # nothing but AWS's defaults: the CLI says nothing is deployed
    assert [(c.phase, c.name, c.status) for c in result.readiness] == [
        (1, "budget", "missing"), (1, "CloudTrail trail", "missing"), (1, "SNS alert topic", "missing"),
        (1, "log bucket", "missing"), (2, "CDN with WAF", "missing"), (2, "Redis cache (ElastiCache)", "missing")]
    cdn = next(c for c in result.readiness if c.name == "CDN with WAF")
    assert "Cloudflare CDN is not visible" in cdn.detail


def test_access_denied_on_one_service_is_reported_and_the_others_are_audited(aws):
    fx.account_with(fx.build_database, fx.build_queues)
    session = audit.open_session()
    sqs = session.client("sqs", region_name=fx.REGION)
    stub = Stubber(sqs)
    stub.add_client_error("list_queues", service_error_code="AccessDenied", service_message="no sqs:ListQueues",
                          http_status_code=403)
    with stub:
        result = run(session, clients={"sqs": sqs})

    sqs_gap = next(u for u in result.unavailable if u.service == "sqs")
    assert sqs_gap.reason.startswith("access denied (AccessDenied): no sqs:ListQueues")
    assert {"SQS-01", "SQS-02", "SQS-03"} <= set(result.skipped_controls)
    assert not any(f.control.startswith("SQS") for f in result.findings)
    assert not any(s.type == audit.QUEUE for s in result.subjects)
    assert {"shop-db", "shop-db-replica"} <= {s.name for s in result.subjects}


def test_throttling_past_the_retries_is_reported_as_not_evaluated(aws):
    session = audit.open_session()
    rds = session.client("rds", region_name=fx.REGION)
    stub = Stubber(rds)
    stub.add_client_error("describe_db_instances", service_error_code="Throttling", service_message="Rate exceeded",
                          http_status_code=400)
    with stub:
        result = run(session, clients={"rds": rds}, phase=3)
    gap = next(u for u in result.unavailable if u.service == "rds")
    assert gap.reason.startswith("throttled (Throttling)")
    assert "RDS-01" in result.skipped_controls
    database = next(c for c in result.readiness if c.name == "RDS with read replica")
    assert database.status == "not evaluated"


def test_throttling_is_retried_with_backoff_then_succeeds(aws, monkeypatch):
    """botocore's retry handler runs around the HTTP send, below where a Stubber answers, so throttling is injected
    at `before-send` (ahead of moto) to exercise the real standard-mode retries."""
    fx.account_with(fx.build_queues)
    sleeps: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", sleeps.append)
    session = audit.open_session()
    sqs = session.client("sqs", config=audit.client_config(), region_name=fx.REGION)
    throttled = {"left": 2}

    def throttle(request, **_):
        if throttled["left"] and "ListQueues" in request.headers.get("X-Amz-Target", b"").decode():
            throttled["left"] -= 1
            body = b'{"__type": "com.amazonaws.sqs#ThrottlingException", "message": "slow down"}'
            return AWSResponse(request.url, 400, {"x-amzn-query-error": "Throttling;Sender"}, _Raw(body))
        return None

    sqs.meta.events.register_first("before-send.sqs", throttle)
    result = run(session, clients={"sqs": sqs})

    assert throttled["left"] == 0 and len(sleeps) == 2
    assert not any(u.service == "sqs" for u in result.unavailable)
    assert {"orders", "orders-dlq"} <= {s.name for s in result.subjects}


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_):
        yield self.body


def test_no_credentials_is_one_clear_error(aws, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(UserError, match="no AWS credentials found"):
        audit.caller_account(audit.open_session())


def test_region_and_profile_resolution(aws, monkeypatch, tmp_path):
    config = tmp_path / "config"
    config.write_text("[profile shop]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert audit.open_session(profile="shop").region_name == fx.REGION  # AWS_DEFAULT_REGION beats the file
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert audit.open_session(profile="shop").region_name == "eu-west-1"
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    assert audit.open_session(profile="shop").region_name == "us-west-2"
    assert audit.open_session(region="ap-northeast-1", profile="shop").region_name == "ap-northeast-1"
    with pytest.raises(UserError, match="'nope' is not in the shared config"):
        audit.open_session(profile="nope")
    monkeypatch.delenv("AWS_REGION")
    with pytest.raises(UserError, match="no AWS region"):
        audit.open_session()


def test_boto3_default_session_is_not_used(aws):
    # The audit reads through the session it is given, so --profile/--region apply to every call.
    session = audit.open_session(region="eu-west-1")
    boto3.client("sqs", region_name=fx.REGION).create_queue(QueueName="elsewhere")
    assert not any(s.type == audit.QUEUE for s in run(session).subjects)


def test_network_drifts_are_found_on_security_groups_vpcs_and_subnets(aws):
    account = fx.account_with(fx.build_web_tier)
    baseline = violations(run())
    ec2 = account.client("ec2")
    ssh = ec2.create_security_group(GroupName="shop-admin", Description="admin access", VpcId=account.vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}]}])
    default = fx.default_group(account, account.vpc_id)
    ec2.authorize_security_group_ingress(GroupId=default["GroupId"], IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "https inside"}]}])
    subnet = next(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == account.vpc_id)
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    flow_logs = [f for f in ec2.describe_flow_logs()["FlowLogs"] if f["ResourceId"] == account.vpc_id]
    ec2.delete_flow_logs(FlowLogIds=[f["FlowLogId"] for f in flow_logs])

    result = run()

    assert violations(result) - baseline == {
        ("SG-01", f"shop-admin ({ssh})"),
        ("SG-04", f"shop-admin ({ssh})"),  # the all-traffic egress rule AWS adds to a new group has no description
        ("SG-02", f"default ({default['GroupId']})"), ("SG-02", account.vpc_id),
        ("VPC-01", account.vpc_id), ("VPC-02", subnet)}
    assert all(f.urn.startswith("arn:aws:ec2:") for f in result.findings if f.control.startswith(("SG-", "VPC-")))


def test_security_group_rules_become_one_block_per_source():
    from rollout.live.audit import normalize_security_group

    group = normalize_security_group({
        "GroupId": "sg-1", "GroupName": "web", "Description": "web", "VpcId": "vpc-1",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                           "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "world"}, {"CidrIp": "10.0.0.0/8"}],
                           "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "UserIdGroupPairs": [{"GroupId": "sg-2"}]}],
        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}, "123456789012", "r")
    from policies._helpers import plain

    ingress = plain(group.props["ingress"])
    assert [(r["cidrBlocks"] if "cidrBlocks" in r else r.get("ipv6CidrBlocks") or r.get("securityGroups"))
            for r in ingress] == [["0.0.0.0/0"], ["10.0.0.0/8"], ["::/0"], ["sg-2"]]
    assert ingress[0]["description"] == "world" and ingress[1].get("description") is None
    assert group.type == "aws:ec2/securityGroup:SecurityGroup" and group.urn.endswith(":security-group/sg-1")


def test_certificate_key_algorithm_and_imported_certificates_are_read():
    from policies.core import evaluate
    from policies.registry import BY_ID
    from rollout.live.audit import normalize_certificate

    weak = normalize_certificate({"CertificateArn": "arn:aws:acm:r:1:certificate/a", "DomainName": "old.example",
                                  "KeyAlgorithm": "RSA_1024", "Type": "AMAZON_ISSUED"})
    imported = normalize_certificate({"CertificateArn": "arn:aws:acm:r:1:certificate/b", "DomainName": "own.example",
                                      "KeyAlgorithm": "RSA_1024", "Type": "IMPORTED"})
    assert {f.name for f in evaluate([BY_ID["ACM-02"]], [weak, imported])} == {"old.example"}
