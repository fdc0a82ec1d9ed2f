"""Builders of moto accounts for the audit tests: one compliant account covering every service the audit reads,
and small drift functions that each break one thing the way a manual console change would.

Call them inside `moto.mock_aws()` with fake credentials in the environment.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.loaders

from rollout.live.audit import coverage

REGION = "ap-southeast-1"
ACCOUNT = "123456789012"  # moto's default account


_SHARED_LOADER = botocore.loaders.create_loader()


def fake_aws_environment(monkeypatch: Any) -> None:
    """Fake credentials and a region, no profile, config file or endpoint from the machine running the tests; and
    one botocore model loader shared by every session (each new session would otherwise re-parse the service
    models, which is most of an audit's time under moto)."""
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setattr("botocore.session.create_loader", lambda *_args, **_kwargs: _SHARED_LOADER)


def _tls_only(service: str, resources: list[str], *extra: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": f"{service}:*",
        "Resource": resources, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}, *extra]})


def _log_delivery(name: str) -> dict[str, Any]:
    return {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{name}/*"}


@dataclass
class Account:
    """Identifiers of what `compliant_account` built, for drift functions and assertions."""

    session: Any
    key_arn: str = ""
    buckets: dict[str, str] = field(default_factory=dict)  # role → bucket name
    db_primary: str = "shop-db"
    db_replica: str = "shop-db-replica"
    queue_urls: dict[str, str] = field(default_factory=dict)
    load_balancer_arn: str = ""
    listener_arns: dict[str, str] = field(default_factory=dict)
    launch_template_id: str = ""
    role_name: str = "shop-web"
    log_group: str = "/shop/web"
    distribution_id: str = ""
    topic_arn: str = ""
    vpc_id: str = ""

    def client(self, service: str) -> Any:
        return self.session.client(service, region_name=REGION)


def compliant_account() -> Account:
    """Phases 1-6 deployed the way the sme-rollout components deploy them (minus Grafana, which moto lacks)."""
    return account_with(*BUILDERS)


def account_with(*builders: Callable[[Account], None]) -> Account:
    """An account with a customer managed key plus what the given builders deploy, every customer key rotated."""
    account = Account(boto3.Session(region_name=REGION))
    account.key_arn = account.client("kms").create_key(Description="sme-rollout data key")["KeyMetadata"]["Arn"]
    _tidy_default_vpc(account)
    for builder in builders:
        builder(account)

    kms = account.client("kms")
    for key_id in (k["KeyId"] for k in kms.list_keys()["Keys"]):  # moto also creates an EBS default key
        kms.enable_key_rotation(KeyId=key_id)
    return account


def _tidy_default_vpc(account: Account) -> None:
    """moto starts every region with AWS's default VPC (public-IP subnets, open default group, no flow logs), which
    the network controls rightly report; the shop's account has tidied it (moto's RDS needs it to exist)."""
    ec2 = account.client("ec2")
    for vpc in [v for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")]:
        for subnet in [s for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc["VpcId"]]:
            ec2.modify_subnet_attribute(SubnetId=subnet["SubnetId"], MapPublicIpOnLaunch={"Value": False})
        close_default_group(account, vpc["VpcId"])
        log_vpc(account, vpc["VpcId"])


def log_vpc(account: Account, vpc: str) -> None:
    """A VPC flow log of all traffic to CloudWatch Logs, as components/network.py creates."""
    group = f"/shop/vpc-flow-logs/{vpc}"
    logs = account.client("logs")
    logs.create_log_group(logGroupName=group, kmsKeyId=account.key_arn)
    logs.put_retention_policy(logGroupName=group, retentionInDays=365)
    account.client("ec2").create_flow_logs(
        ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="cloud-watch-logs",
        LogGroupName=group, DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT}:role/shop-flow-logs")


def default_group(account: Account, vpc: str) -> dict[str, Any]:
    """The VPC's default security group (filtered here: moto's combined filters are not reliable)."""
    groups = account.client("ec2").describe_security_groups()["SecurityGroups"]
    return next(g for g in groups if g.get("VpcId") == vpc and g["GroupName"] == "default")


def close_default_group(account: Account, vpc: str) -> None:
    """What components/network.py does with aws.ec2.DefaultSecurityGroup(ingress=[], egress=[])."""
    ec2 = account.client("ec2")
    group = default_group(account, vpc)
    if group.get("IpPermissions"):
        ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])
    if group.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(GroupId=group["GroupId"], IpPermissions=group["IpPermissionsEgress"])


def build_baseline(account: Account) -> None:
    c = account.client
    account.topic_arn = c("sns").create_topic(Name="shop-alerts",
                                              Attributes={"KmsMasterKeyId": account.key_arn})["TopicArn"]
    c("budgets").create_budget(AccountId=ACCOUNT, Budget={
        "BudgetName": "shop-monthly", "BudgetType": "COST", "TimeUnit": "MONTHLY",
        "BudgetLimit": {"Amount": "300", "Unit": "USD"}})


def secure_bucket(account: Account, name: str, **create: Any) -> None:
    """A bucket as components/ create them; `create`: more CreateBucket arguments (ObjectLockEnabledForBucket)."""
    s3 = account.client("s3")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}, **create)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True})
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    s3.put_bucket_policy(Bucket=name, Policy=_tls_only("s3", [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                                                       _log_delivery(name)))
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": account.key_arn},
        "BucketKeyEnabled": True}]})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def build_buckets(account: Account) -> None:
    s3 = account.client("s3")
    account.buckets.update({"logs": "shop-logs", "audit": "shop-audit-logs", "assets": "shop-assets"})
    logging_targets = {"shop-logs": "shop-audit-logs", "shop-audit-logs": "shop-logs", "shop-assets": "shop-logs"}
    for name in logging_targets:
        secure_bucket(account, name)
    for name, target in logging_targets.items():
        s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": target, "TargetPrefix": f"{name}/"}})
    logs, iam = account.client("logs"), account.client("iam")
    logs.create_log_group(logGroupName="/shop/cloudtrail", kmsKeyId=account.key_arn)
    logs.put_retention_policy(logGroupName="/shop/cloudtrail", retentionInDays=365)
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/shop/cloudtrail:*"
    role_arn = iam.create_role(RoleName="shop-cloudtrail-logs", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "cloudtrail.amazonaws.com"}}]}))["Role"]["Arn"]
    cloudtrail = account.client("cloudtrail")
    cloudtrail.create_trail(Name="shop-trail", S3BucketName="shop-audit-logs", IsMultiRegionTrail=True,
                            EnableLogFileValidation=True, KmsKeyId=account.key_arn,
                            CloudWatchLogsLogGroupArn=group_arn, CloudWatchLogsRoleArn=role_arn)
    cloudtrail.start_logging(Name="shop-trail")


def build_database(account: Account) -> None:
    rds = account.client("rds")
    rds.create_db_parameter_group(DBParameterGroupName="shop-postgres16", DBParameterGroupFamily="postgres16",
                                  Description="TLS only")
    rds.modify_db_parameter_group(DBParameterGroupName="shop-postgres16", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"},
        {"ParameterName": "log_statement", "ParameterValue": "ddl", "ApplyMethod": "immediate"},
        {"ParameterName": "log_min_duration_statement", "ParameterValue": "1000", "ApplyMethod": "immediate"}])
    secure = dict(
        DBInstanceClass="db.t4g.micro", PubliclyAccessible=False, DBParameterGroupName="shop-postgres16",
        DeletionProtection=True, EnableIAMDatabaseAuthentication=True,
        EnableCloudwatchLogsExports=["postgresql", "upgrade"], MonitoringInterval=60,
        MonitoringRoleArn=f"arn:aws:iam::{ACCOUNT}:role/rds-monitoring", EnablePerformanceInsights=True,
        PerformanceInsightsKMSKeyId=account.key_arn, AutoMinorVersionUpgrade=True,
        CACertificateIdentifier="rds-ca-rsa2048-g1", CopyTagsToSnapshot=True,
    )
    rds.create_db_instance(DBInstanceIdentifier=account.db_primary, Engine="postgres", EngineVersion="16.3",
                           AllocatedStorage=20, MasterUsername="shop", MasterUserPassword="not-a-secret-123",
                           StorageEncrypted=True, KmsKeyId=account.key_arn, MultiAZ=True, BackupRetentionPeriod=7,
                           Tags=[{"Key": "backup", "Value": "daily"}], **secure)
    rds.create_db_instance_read_replica(DBInstanceIdentifier=account.db_replica,
                                        SourceDBInstanceIdentifier=account.db_primary, **secure)


def build_cache(account: Account) -> None:
    account.client("elasticache").create_replication_group(
        ReplicationGroupId="shop-cache", ReplicationGroupDescription="sessions", Engine="redis",
        CacheNodeType="cache.t4g.micro", ReplicasPerNodeGroup=1, AutomaticFailoverEnabled=True, MultiAZEnabled=True,
        AtRestEncryptionEnabled=True, TransitEncryptionEnabled=True, AuthToken="a-long-enough-auth-token-1234",
        SnapshotRetentionLimit=3)


def build_queues(account: Account) -> None:
    sqs = account.client("sqs")
    for name in ("orders-dlq", "orders"):
        url = sqs.create_queue(QueueName=name, Attributes={"SqsManagedSseEnabled": "true"})["QueueUrl"]
        account.queue_urls[name] = url
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _tls_only("sqs", [arn])})
    dlq_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-dlq"
    sqs.set_queue_attributes(QueueUrl=account.queue_urls["orders"], Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})})


def _visibility(metric: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}


MANAGED_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")


def web_acl_rules() -> list[dict[str, Any]]:
    """What components/waf.py deploys in count mode: managed rule groups that count, a rate limit that blocks."""
    managed = [{"Name": group, "Priority": priority, "OverrideAction": {"Count": {}},
                "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
                "VisibilityConfig": _visibility(group)} for priority, group in enumerate(MANAGED_GROUPS)]
    return [*managed, {"Name": "rate-limit-per-visitor", "Priority": len(managed), "Action": {"Block": {}},
                       "Statement": {"RateBasedStatement": {"Limit": 300, "AggregateKeyType": "IP"}},
                       "VisibilityConfig": _visibility("rate")}]


def _web_acl(account: Account, scope: str, name: str) -> str:
    client = account.session.client("wafv2", region_name="us-east-1" if scope == "CLOUDFRONT" else REGION)
    arn = client.create_web_acl(Name=name, Scope=scope, DefaultAction={"Allow": {}}, Rules=web_acl_rules(),
                                VisibilityConfig=_visibility(name))["Summary"]["ARN"]
    # WAF-02 (advisory) asks for request logs; components/web_tier.py and cdn_cloudfront.py do not log yet.
    client.put_logging_configuration(LoggingConfiguration={"ResourceArn": arn, "LogDestinationConfigs": [
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:aws-waf-logs-{name}"]})
    return arn


def build_cdn(account: Account) -> None:
    acl = _web_acl(account, "CLOUDFRONT", "shop-cdn")
    distribution = account.client("cloudfront").create_distribution(DistributionConfig={
        "CallerReference": "shop", "Comment": "shop", "Enabled": True, "DefaultRootObject": "index.html",
        "WebACLId": acl, "HttpVersion": "http2and3",
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "origin", "DomainName": "origin.shop.example.vn",
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only",
                                   "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]}}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "origin", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                                 "ResponseHeadersPolicyId": "67f7725c-6f97-4210-82d7-5512b31e9d03"},
        "ViewerCertificate": {"ACMCertificateArn": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/shop",
                              "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
        "Logging": {"Enabled": True, "IncludeCookies": False, "Bucket": "shop-logs.s3.amazonaws.com",
                    "Prefix": "cdn/"},
    })["Distribution"]
    account.distribution_id = distribution["Id"]


def build_web_tier(account: Account) -> None:
    ec2, elbv2 = account.client("ec2"), account.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    account.vpc_id = vpc
    close_default_group(account, vpc)
    log_vpc(account, vpc)
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")
               ["Subnet"]["SubnetId"] for i, zone in enumerate("ab")]
    lb = elbv2.create_load_balancer(Name="shop-web", Subnets=subnets, Scheme="internet-facing",
                                    Type="application")["LoadBalancers"][0]
    account.load_balancer_arn = lb["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"], Attributes=[
        {"Key": "deletion_protection.enabled", "Value": "true"},
        {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
        {"Key": "routing.http.desync_mitigation_mode", "Value": "strictest"},
        {"Key": "access_logs.s3.enabled", "Value": "true"},
        {"Key": "access_logs.s3.bucket", "Value": "shop-logs"}])
    group = elbv2.create_target_group(Name="shop-web", Protocol="HTTP", Port=8080, VpcId=vpc)["TargetGroups"][0]
    account.listener_arns["http"] = elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80, DefaultActions=[{
            "Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}],
    )["Listeners"][0]["ListenerArn"]
    account.listener_arns["https"] = elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTPS", Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": account.client("acm").request_certificate(
            DomainName="shop.example.vn")["CertificateArn"]}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}],
    )["Listeners"][0]["ListenerArn"]
    acl = _web_acl(account, "REGIONAL", "shop-web")
    account.client("wafv2").associate_web_acl(WebACLArn=acl, ResourceArn=lb["LoadBalancerArn"])

    template = ec2.create_launch_template(LaunchTemplateName="shop-web", LaunchTemplateData={
        "ImageId": "ami-12c6146b", "InstanceType": "t4g.small",
        "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"},
        "Monitoring": {"Enabled": True}, "IamInstanceProfile": {"Name": "shop-web"},
        "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": False}],
        # the AMI's root device (moto's ami-12c6146b: /dev/sda1), so that the template's volume is the root
        "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {"Encrypted": True, "VolumeSize": 20,
                                                                   "VolumeType": "gp3", "DeleteOnTermination": True}}],
    })["LaunchTemplate"]
    account.launch_template_id = template["LaunchTemplateId"]
    account.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="shop-web", MinSize=2, MaxSize=4, DesiredCapacity=2,
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Default"},
        Tags=[{"Key": "Service", "Value": "web", "PropagateAtLaunch": True}],
        VPCZoneIdentifier=",".join(subnets), TargetGroupARNs=[group["TargetGroupArn"]], HealthCheckType="ELB",
        HealthCheckGracePeriod=120)
    # moto 5.2.5 launches the group's instances without the template's MetadataOptions; AWS applies them.
    for instance in group_instances(account, "shop-web"):
        ec2.modify_instance_metadata_options(InstanceId=instance["InstanceId"], HttpTokens="required",
                                             HttpPutResponseHopLimit=1, HttpEndpoint="enabled")


def group_instances(account: Account, group: str) -> list[dict[str, Any]]:
    """The instances an Auto Scaling group launched (by the aws:autoscaling:groupName tag AWS puts on them)."""
    reservations = account.client("ec2").describe_instances()["Reservations"]
    return [i for r in reservations for i in r["Instances"]
            if {"Key": "aws:autoscaling:groupName", "Value": group} in i.get("Tags", [])]


def build_iam(account: Account) -> None:
    iam = account.client("iam")
    iam.create_role(RoleName=account.role_name, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName=account.role_name, PolicyName="orders-producer", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sqs:SendMessage"],
                                                "Resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"}]}))


def build_observability(account: Account) -> None:
    logs = account.client("logs")
    logs.create_log_group(logGroupName=account.log_group, kmsKeyId=account.key_arn)
    logs.put_retention_policy(logGroupName=account.log_group, retentionInDays=365)
    account.client("cloudwatch").put_metric_alarm(
        AlarmName="shop-web-5xx", MetricName="HTTPCode_Target_5XX_Count", Namespace="AWS/ApplicationELB",
        Statistic="Sum", Period=60, EvaluationPeriods=5, Threshold=10, ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[account.topic_arn], ActionsEnabled=True)
    amp = account.client("amp")
    workspace = amp.create_workspace(alias="shop", kmsKeyArn=account.key_arn)
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{account.log_group}:*"
    amp.create_logging_configuration(workspaceId=workspace["workspaceId"], logGroupArn=group_arn)


def build_backup(account: Account) -> None:
    backup = account.client("backup")
    backup.create_backup_vault(BackupVaultName="shop-vault", EncryptionKeyArn=account.key_arn)
    backup.create_backup_plan(BackupPlan={"BackupPlanName": "shop-daily", "Rules": [{
        "RuleName": "daily", "TargetBackupVaultName": "shop-vault", "ScheduleExpression": "cron(0 17 * * ? *)",
        "Lifecycle": {"DeleteAfterDays": 35}}]})


BUILDERS: tuple[Callable[[Account], None], ...] = (
    build_baseline, build_buckets, build_database, build_cache, build_queues, build_cdn, build_web_tier, build_iam,
    build_observability, build_backup,
)


# --- running the audit in tests ---------------------------------------------------------------------------------


def violations(result: Any) -> set[tuple[str, str]]:
    """(control, resource name) of every violation of an AuditResult."""
    return {(f.control, f.name) for f in result.findings if f.status == "violation"}


def run(session: Any = None, **kwargs: Any) -> Any:
    """The whole audit with the registry's controls, through `session` (default: a fresh one from the env)."""
    from policies.registry import CONTROLS
    from rollout.live.audit.evaluation import run_audit
    from rollout.live.session import open_session

    result = run_audit(session or open_session(), CONTROLS, **kwargs)
    if os.environ.get(coverage.ENV):  # scripts/audit-coverage: what this audit judged
        coverage.record(result, os.environ[coverage.ENV])
    return result


def drift_adds(builders: tuple[Callable[[Account], None], ...], drift: Callable[[Account], None],
               generated: Callable[[Account], dict[str, str]] | None = None) -> tuple[set[tuple[str, str]], Account]:
    """The violations a drift adds to an account built by `builders` (its baseline's own findings removed)."""
    account = account_with(*builders)
    baseline = violations(run())
    drift(account)
    result = run()
    assert all(f.urn.startswith("arn:aws:") for f in result.findings)
    return violations(result) - baseline, account
