"""Web tier (phase 6): the hot services on autoscaling groups in private subnets, behind one internet-facing ALB.

Fixed in code: HTTPS only (HTTP redirects), a TLS 1.3/1.2 policy, invalid headers dropped, desync mitigation,
deletion protection, access logs, a regional WAF (AWS managed rule groups + a per-IP rate limit); launch
templates with IMDSv2 required (hop limit 1), encrypted gp3 disks, no public IP and a least-privilege instance
profile; ELB health checks, target tracking on CPU and requests per target, rolling instance refresh with a
minimum healthy percentage, checkpoints and automatic rollback (the canary of zero-downtime deploys), and capacity
rebalancing. What varies per service (size, ports, paths, spot share) comes from `ServiceSpec`.

Origin protection: the load balancer admits HTTPS only from the CDN in front of it, so neither the CDN's WAF nor
its cache can be bypassed. Behind CloudFront: its origin-facing managed prefix list, plus a secret header
(`X-Origin-Verify`, a generated password CloudFront adds on its origin requests) that every listener rule requires
(the default action answers 403), since the prefix list admits every CloudFront distribution, not only ours.
Behind Cloudflare: Cloudflare's published ranges (`components/data/cloudflare-ips.json`, dated). Security groups
use rule resources only (`aws.vpc.SecurityGroupIngressRule`/`EgressRule`): the provider documents inline rules
and rule resources on one group as conflicting.

The HTTPS listener is created by `serve_https(certificate_arn)` once the certificate is validated (phase 6's
finish: a DNS validation record in the zone the stack manages and a `CertificateValidation`, or an issued ARN
from config), so the listener never refers to an unvalidated certificate.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field

from components import waf

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
"""TLS 1.3 and 1.2 only, modern ciphers (ALB-02)."""
DEFAULT_INSTANCE_TYPES = {"small": "t4g.small", "medium": "m7g.large", "large": "m7g.xlarge"}
CPU_TARGET_PERCENT = 50.0
REQUESTS_PER_TARGET = 1000.0
"""Requests per target per minute the request-count policy aims for."""
MIN_HEALTHY_PERCENT = 100
MAX_HEALTHY_PERCENT = 200
"""Launch before terminate: new instances come up beside the old ones, capacity never drops (AWS: max within
100-200, max - min <= 100; RefreshPreferences / InstanceMaintenancePolicy in the Auto Scaling API reference)."""
CHECKPOINTS = [50, 100]
"""Instance refresh replaces half, waits (the canary), then the rest; a failure rolls back automatically."""
WAF_MANAGED_RULE_GROUPS = waf.MANAGED_RULE_GROUPS
CLOUDFRONT_ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing"
"""AWS-managed prefix list of CloudFront's origin-facing addresses. It weighs 55 rules against the security group's
rules quota (60 by default): hence one rule, HTTPS only (CloudFront reaches the origin over HTTPS only)."""
ORIGIN_VERIFY_HEADER = "X-Origin-Verify"
DIRECT_ACCESS_PRIORITY = 50_000
"""The last listener rule priority (1..50000): the default service's rule, after every path rule."""
MAX_CONDITION_VALUES = 5
"""An ALB rule holds at most 5 condition values in total (Elastic Load Balancing quotas): the header takes one."""
CHECKPOINT_DELAY_SECONDS = 600
"""The canary's bake time at 50 %: two 5-minute alarm periods of real traffic on the new instances."""
GROUP_IGNORE_CHANGES = ["desiredCapacity"]
"""Target tracking owns the desired capacity once the group exists: `pulumi up` must not reset it."""
CANARY_ALARMS_MAX = 10
"""An instance refresh's alarm specification takes at most 10 alarms."""
ECR_KEEP_IMAGES = 30
INSTANCE_MANAGED_POLICIES = ("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",)
"""Session Manager instead of SSH: no inbound port, no key pair."""


class ServiceSpec(BaseModel):
    """One hot service (mirrors `services[]` of the stack config)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Service name. Required.")
    path_patterns: list[str] = Field(["/*"], description="ALB path patterns routed here. Defaults to ['/*'].")
    instance_type: str = Field("t4g.small", description="EC2 instance type. Defaults to t4g.small.")
    min_size: int = Field(2, ge=1, description="Defaults to 2.")
    max_size: int = Field(4, ge=1, description="Defaults to 4.")
    desired_capacity: int | None = Field(None, description="Defaults to min_size.")
    port: int = Field(8080, ge=1, le=65_535, description="Defaults to 8080.")
    health_check_path: str = Field("/healthz", description="Defaults to /healthz.")
    spot_percent: int = Field(0, ge=0, le=100, description="Spot share above the on-demand base. Defaults to 0.")
    image_id: str = Field(
        description="Pinned AMI id (Amazon Linux 2023 of the instance type's architecture for "
        "containers). Required: no most-recent lookup, so an AMI changes only when "
        "the stack says so (and then as a canary refresh)."
    )
    image: str | None = Field(
        None,
        description="Container image tag or sha256 digest in the service's ECR "
        "repository. Either this or user_data. Defaults to none.",
    )
    user_data: str | None = Field(
        None, description="AMI mode: the boot script the instances run instead of a container. Defaults to none."
    )
    volume_gb: int = Field(20, ge=8, le=1024, description="Root volume size. Defaults to 20.")


class WebTierArgs(BaseModel):
    """The network, the services and the wiring to the rest of the stack."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    vpc_id: Any = Field(description="VPC id. Required.")
    public_subnet_ids: Any = Field(description="Subnets of the ALB (≥ 2 AZs). Required.")
    private_subnet_ids: Any = Field(description="Subnets of the instances (≥ 2 AZs). Required.")
    services: list[ServiceSpec] = Field(description="The hot services. Required (at least one).", min_length=1)
    domain: str = Field(description="The site's domain, for the ALB certificate. Required.")
    certificate_arn: Any = Field(
        None,
        description="Regional ACM certificate for the HTTPS listener. Defaults to "
        "a DNS-validated one issued for the domain.",
    )
    access_log_bucket: Any = Field(description="Bucket (name) receiving the ALB access logs. Required.")
    rate_limit_per_5_minutes: int = Field(
        3000,
        ge=100,
        le=2_000_000_000,
        description="Requests per client IP per 5 minutes before WAF blocks. Defaults to 3000.",
    )
    extra_security_group_ids: list[Any] = Field(
        default_factory=list,
        description="Security groups instances also join (e.g. the one the database admits). Defaults to none.",
    )
    secret_arns: list[Any] = Field(
        default_factory=list,
        description="Secrets the instances may read (e.g. the database password). Defaults to none.",
    )
    assumable_role_arns: list[Any] = Field(
        default_factory=list, description="Roles the instances may assume (e.g. queue producers). Defaults to none."
    )
    extra_policy_arns: list[Any] = Field(
        default_factory=list,
        description="Customer-managed policies attached to "
        "the instance role (e.g. the cache's connect policy). Defaults to none.",
    )
    log_group_arn: Any = Field(None, description="Log group the instances write to. Defaults to none.")
    cdn_provider: Literal["cloudfront", "cloudflare"] = Field(
        "cloudfront",
        description="The CDN in front: decides "
        "who may connect and which "
        "header carries the visitor's "
        "address. Defaults to cloudfront.",
    )
    waf_mode: waf.Mode = Field("count", description="Managed WAF rules count or enforce. Defaults to count.")
    upload_paths: list[str] = Field(
        default_factory=list, description="Paths the body-size rule never blocks. Defaults to none."
    )
    log_group_name: Any = Field(
        None,
        description="Its name (the containers' awslogs driver). Defaults to none: "
        "the containers log to the instance journal until phase 5.",
    )
    region: str = Field(
        "ap-southeast-1", description="The stack's region (ECR registry, user data). Defaults to ap-southeast-1."
    )
    fixed_size: bool = Field(
        False, description="Before phase 6: min = max = desired = min_size, no scaling policies. Defaults to false."
    )
    app_env: dict[str, Any] = Field(
        default_factory=dict,
        description="Environment the app reads at boot (plain values or Outputs, no secrets). Defaults to none.",
    )
    app_secrets: dict[str, Any] = Field(
        default_factory=dict,
        description="Environment variables resolved at boot "
        "from Secrets Manager: name -> secret ARN. "
        "Defaults to none.",
    )
    secret_kms_key_arns: list[Any] = Field(
        default_factory=list,
        description="KMS keys of the secrets the app "
        "reads (kms:Decrypt on exactly these, "
        "via Secrets Manager). Defaults to none.",
    )
    database_resource_id: Any = Field(
        None, description="DbiResourceId of the database (IAM authentication as database_user). Defaults to none."
    )
    database_user: str = Field("app", description="The app's own database user (IAM auth). Defaults to app.")
    uploads_bucket_arn: Any = Field(None, description="The uploads bucket the app writes. Defaults to none.")
    uploads_key_arn: Any = Field(None, description="Its KMS key. Defaults to none.")
    alert_topic_arn: Any = Field(
        None, description="Topic of the canary alarms. Defaults to none (alarms without notification)."
    )
    canary_p95_ms: int = Field(
        300, ge=1, description="Canary alarm: target p95 above this rolls back. Defaults to 300."
    )
    canary_5xx_percent: float = Field(
        0.5, gt=0, le=100, description="Canary alarm: target 5xx rate above this rolls back. Defaults to 0.5."
    )


def cloudflare_ranges() -> dict[str, Any]:
    """Cloudflare's published edge ranges as shipped (dated) with the project."""
    return json.loads((Path(__file__).parent / "data" / "cloudflare-ips.json").read_text(encoding="utf-8"))


def rule_chunks(patterns: list[str], header: bool) -> list[list[str]]:
    """Path patterns split so that each rule stays within the 5 condition values (4 when the header is checked)."""
    size = MAX_CONDITION_VALUES - (1 if header else 0)
    return [patterns[i : i + size] for i in range(0, len(patterns), size)]


TARGET_GROUP_NAME_MAX = 32
"""Elastic Load Balancing: a target group name has at most 32 characters (CreateTargetGroup, Name)."""
AUTONAME_SUFFIX = 8
"""Pulumi auto-names a target group `<resource name>-<7 random hex>` and refuses names over the maximum."""


def target_group_resource_name(component: str, service: str) -> str:
    """The target group's resource name: `<component>-<service>` when the auto-name fits in 32 characters (so
    existing stacks keep their URNs), else shortened to 24 characters with a stable hash keeping names distinct."""
    name = f"{component}-{service}"
    limit = TARGET_GROUP_NAME_MAX - AUTONAME_SUFFIX
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:6]
    return f"{name[: limit - len(digest) - 1].rstrip('-')}-{digest}"


def architecture(instance_type: str) -> str:
    """Graviton families (t4g, m7g, c7gn, ...) run arm64; the rest x86_64."""
    family = instance_type.split(".")[0]
    return "arm64" if re.fullmatch(r"[a-z]+\d+g[a-z]*", family) else "x86_64"


def routing(services: list[ServiceSpec]) -> tuple[str | None, list[tuple[str, int, list[str]]]]:
    """The default service (the one routing '/*', if any) and a listener rule (service, priority, patterns) for
    each of the others, in config order: more specific services come first."""
    default = next((s.name for s in services if "/*" in s.path_patterns), None)
    rules = []
    for index, service in enumerate(services, start=1):
        patterns = [p for p in service.path_patterns if p != "/*"]
        if patterns:
            rules.append((service.name, index * 10, patterns))
    return default, rules


def instance_distribution(service: ServiceSpec) -> dict[str, Any] | None:
    """Spot only above an on-demand base of min_size: the floor of capacity never depends on spot."""
    if service.spot_percent == 0:
        return None
    return {
        "on_demand_base_capacity": service.min_size,
        "on_demand_percentage_above_base_capacity": 100 - service.spot_percent,
        "spot_allocation_strategy": "price-capacity-optimized",
    }


def instance_policy(
    secret_arns: list[str],
    role_arns: list[str],
    log_group_arn: str | None,
    *,
    secret_key_arns: list[str] = (),
    region: str | None = None,
    env_parameter_arn: str | None = None,
    repository_arn: str | None = None,
    database_user_arn: str | None = None,
    uploads: tuple[str, str] | None = None,
) -> str | None:
    """One service's permissions: read its environment parameter and its secrets (kms:Decrypt on exactly their
    keys, only through Secrets Manager), pull its image, assume the workload roles, write to the app log group,
    connect to the database as its own IAM user, use the uploads bucket; nothing else."""
    statements: list[dict[str, Any]] = []
    if env_parameter_arn:
        statements.append(
            {
                "Sid": "ReadAppEnvironment",
                "Effect": "Allow",
                "Action": ["ssm:GetParameter"],
                "Resource": env_parameter_arn,
            }
        )
    if repository_arn:
        statements += [
            # GetAuthorizationToken is account-wide: its Resource can only be * (ECR IAM reference).
            {"Sid": "EcrLogin", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"},
            {
                "Sid": "PullImage",
                "Effect": "Allow",
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                "Resource": repository_arn,
            },
        ]
    if secret_arns:
        statements.append(
            {
                "Sid": "ReadAppSecrets",
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": secret_arns,
            }
        )
    if secret_key_arns:
        decrypt: dict[str, Any] = {
            "Sid": "DecryptAppSecrets",
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": sorted(set(secret_key_arns)),
        }
        if region:
            decrypt["Condition"] = {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}}
        statements.append(decrypt)
    if role_arns:
        statements.append(
            {"Sid": "AssumeWorkloadRoles", "Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": role_arns}
        )
    if log_group_arn:
        statements.append(
            {
                "Sid": "WriteAppLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{log_group_arn.removesuffix(':*')}:log-stream:*",
            }
        )
    if database_user_arn:
        statements.append(
            {"Sid": "DatabaseIamAuth", "Effect": "Allow", "Action": ["rds-db:connect"], "Resource": database_user_arn}
        )
    if uploads:
        from components.uploads import writer_statements

        statements += writer_statements(*uploads)
    return json.dumps({"Version": "2012-10-17", "Statement": statements}) if statements else None


def database_user_arn(region: str, account: str, resource_id: str, user: str) -> str:
    """The `rds-db:connect` resource of one database user (RDS IAM database authentication)."""
    return f"arn:aws:rds-db:{region}:{account}:dbuser:{resource_id}/{user}"


def app_role_name(stack: str, service: str) -> str:
    """The instance role's name, fixed so that queue roles can trust exactly it (IAM role names: ≤ 64)."""
    return f"{stack}-{service}-app"[:64].rstrip("-")


def refresh_preferences(alarm_names: list[Any]) -> dict[str, Any]:
    """Rolling, launch-before-terminate, checkpoints at 50 % and 100 % with a bake time, and automatic rollback
    when the refresh fails or one of the service's SLO alarms goes into ALARM."""
    if not 0 <= MAX_HEALTHY_PERCENT - MIN_HEALTHY_PERCENT <= 100 or not 100 <= MAX_HEALTHY_PERCENT <= 200:
        raise ValueError("instance refresh: max healthy must be 100-200 and at most 100 above min healthy")
    preferences: dict[str, Any] = {
        "min_healthy_percentage": MIN_HEALTHY_PERCENT,
        "max_healthy_percentage": MAX_HEALTHY_PERCENT,
        "auto_rollback": True,
        "checkpoint_percentages": CHECKPOINTS,
        "checkpoint_delay": str(CHECKPOINT_DELAY_SECONDS),
        "instance_warmup": "120",
        "skip_matching": True,
    }
    if alarm_names:
        preferences["alarm_specification"] = {"alarms": list(alarm_names)[:CANARY_ALARMS_MAX]}
    return preferences


def ecr_lifecycle_policy() -> str:
    """Untagged layers go after a day; of the tagged images the newest 30 stay (the rollback targets). ECR
    lifecycle policies: a rule with tagStatus `any` must have the highest rulePriority (it is evaluated last)."""
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": "expire untagged images after 1 day",
                    "selection": {
                        "tagStatus": "untagged",
                        "countType": "sinceImagePushed",
                        "countUnit": "days",
                        "countNumber": 1,
                    },
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": f"keep the newest {ECR_KEEP_IMAGES} images",
                    "selection": {
                        "tagStatus": "any",
                        "countType": "imageCountMoreThan",
                        "countNumber": ECR_KEEP_IMAGES,
                    },
                    "action": {"type": "expire"},
                },
            ]
        }
    )


def _ec2_trust() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )


def _visibility(metric: str) -> dict[str, Any]:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


class WebTier(pulumi.ComponentResource):
    """ALB (+ WAF, certificate, listeners, path rules) and one autoscaling group per service."""

    def __init__(self, name: str, args: WebTierArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:compute:WebTier", name, {}, opts)
        self._name = name
        self.args = args
        self._physical = f"{pulumi.get_stack()}-{name}"[:20].rstrip("-")

        self.origin_verify_secret = self._create_origin_verify_secret()
        self.alb_security_group = self._create_alb_security_group()
        self._create_alb_ingress()
        self.instance_security_group = self._create_instance_security_group()
        self.certificate_arn, self.certificate = self._create_certificate()
        self.load_balancer = self._create_load_balancer()
        self.web_acl = self._create_web_acl()
        self._create_http_redirect()
        self.target_groups = {s.name: self._create_target_group(s) for s in args.services}
        self.https_listener: aws.lb.Listener | None = None
        self._account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        self.repositories = {s.name: self._create_repository(s) for s in args.services if s.image is not None}
        self.env_parameters = {s.name: self._create_env_parameter(s) for s in args.services}
        self.roles: dict[str, aws.iam.Role] = {}
        self.profiles: dict[str, aws.iam.InstanceProfile] = {}
        for service in args.services:
            self.roles[service.name], self.profiles[service.name] = self._create_instance_profile(service)
        self.canary_alarms = {s.name: self._create_canary_alarms(s) for s in args.services}
        self.launch_templates = {s.name: self._create_launch_template(s) for s in args.services}
        self.groups = {s.name: self._create_group(s) for s in args.services}
        self.role_arns = {n: r.arn for n, r in self.roles.items()}

        self.alb_dns_name = self.load_balancer.dns_name
        self.alb_arn = self.load_balancer.arn
        self.alb_arn_suffix = self.load_balancer.arn_suffix
        self.alb_zone_id = self.load_balancer.zone_id
        self.target_group_arn_suffixes = {n: tg.arn_suffix for n, tg in self.target_groups.items()}
        self.group_names = {n: g.name for n, g in self.groups.items()}
        self.register_outputs({"albDnsName": self.load_balancer.dns_name, "groupNames": self.group_names})

    def _child(self, **extra: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **extra)

    # --- network edge -------------------------------------------------------------------------------------------

    def _create_origin_verify_secret(self) -> pulumi.Output[str] | None:
        """The secret CloudFront sends and the listener requires (kept in state as a secret, stable across runs)."""
        if self.args.cdn_provider != "cloudfront":
            return None
        import pulumi_random as random

        password = random.RandomPassword(f"{self._name}-origin-verify", length=40, special=False, opts=self._child())
        return password.result

    def _create_alb_security_group(self) -> aws.ec2.SecurityGroup:
        return aws.ec2.SecurityGroup(
            f"{self._name}-alb",
            vpc_id=self.args.vpc_id,
            description=f"ALB: HTTPS from the CDN ({self.args.cdn_provider}) only",
            opts=self._child(),
        )

    def _create_alb_ingress(self) -> list[aws.vpc.SecurityGroupIngressRule]:
        """HTTPS from the CDN's addresses only (the CDN reaches the origin over HTTPS only)."""
        group = self.alb_security_group.id
        if self.args.cdn_provider == "cloudfront":
            prefix_list = aws.ec2.get_managed_prefix_list_output(
                name=CLOUDFRONT_ORIGIN_FACING, opts=pulumi.InvokeOutputOptions(parent=self)
            )
            return [
                aws.vpc.SecurityGroupIngressRule(
                    f"{self._name}-alb-from-cloudfront",
                    security_group_id=group,
                    ip_protocol="tcp",
                    from_port=443,
                    to_port=443,
                    prefix_list_id=prefix_list.id,
                    description="HTTPS from CloudFront origin-facing servers",
                    opts=self._child(),
                )
            ]
        ranges = cloudflare_ranges()
        rules = []
        for family, key in (("ipv4", "cidr_ipv4"), ("ipv6", "cidr_ipv6")):
            for cidr in ranges[family]:
                label = cidr.replace(".", "-").replace(":", "-").replace("/", "-").strip("-")
                rules.append(
                    aws.vpc.SecurityGroupIngressRule(
                        f"{self._name}-alb-from-cloudflare-{label}",
                        security_group_id=group,
                        ip_protocol="tcp",
                        from_port=443,
                        to_port=443,
                        description=f"HTTPS from Cloudflare (list of {ranges['as_of']})",
                        opts=self._child(),
                        **{key: cidr},
                    )
                )
        return rules

    def _create_instance_security_group(self) -> aws.ec2.SecurityGroup:
        ports = sorted({s.port for s in self.args.services})
        group = aws.ec2.SecurityGroup(
            f"{self._name}-instances",
            vpc_id=self.args.vpc_id,
            description="Service instances: traffic from the ALB only",
            opts=self._child(),
        )
        for port in ports:
            aws.vpc.SecurityGroupIngressRule(
                f"{self._name}-instances-from-alb-{port}",
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                referenced_security_group_id=self.alb_security_group.id,
                description="from the ALB",
                opts=self._child(),
            )
        aws.vpc.SecurityGroupEgressRule(
            f"{self._name}-instances-egress",
            security_group_id=group.id,
            ip_protocol="-1",
            cidr_ipv4="0.0.0.0/0",
            description="AWS APIs, database, cache and updates via NAT",
            opts=self._child(),
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{self._name}-alb-to-instances",
            security_group_id=self.alb_security_group.id,
            referenced_security_group_id=group.id,
            ip_protocol="tcp",
            from_port=min(ports),
            to_port=max(ports),
            description="ALB to the service instances",
            opts=self._child(),
        )
        return group

    def _create_certificate(self) -> tuple[Any, aws.acm.Certificate | None]:
        if self.args.certificate_arn is not None:
            return self.args.certificate_arn, None
        # The domain only: the CDN forwards the viewer's Host, the site's domain. (A wildcard SAN would share the
        # apex's validation record, which two records in one zone cannot both create.)
        certificate = aws.acm.Certificate(
            f"{self._name}-certificate",
            domain_name=self.args.domain,
            validation_method="DNS",
            key_algorithm="EC_prime256v1",
            opts=self._child(),
        )
        return certificate.arn, certificate

    def validation_record(self) -> pulumi.Output[dict[str, str]] | None:
        """The DNS record that validates the issued certificate (name, type, value; names without the final dot)."""
        if self.certificate is None:
            return None
        option = self.certificate.domain_validation_options.apply(lambda options: options[0] if options else None)
        return option.apply(
            lambda o: (
                {
                    "name": (o.resource_record_name or "").rstrip("."),
                    "type": o.resource_record_type or "CNAME",
                    "value": (o.resource_record_value or "").rstrip("."),
                }
                if o
                else {"name": "", "type": "CNAME", "value": ""}
            )
        )

    def serve_https(self, certificate_arn: pulumi.Input[str]) -> aws.lb.Listener:
        """The HTTPS listener and its rules, on a certificate that is validated (or issued, from config)."""
        self.https_listener = self._create_https_listener(certificate_arn)
        self._create_listener_rules()
        return self.https_listener

    def _create_load_balancer(self) -> aws.lb.LoadBalancer:
        return aws.lb.LoadBalancer(
            f"{self._name}-alb",
            load_balancer_type="application",
            internal=False,
            subnets=self.args.public_subnet_ids,
            security_groups=[self.alb_security_group.id],
            drop_invalid_header_fields=True,
            desync_mitigation_mode="defensive",
            enable_deletion_protection=True,
            enable_http2=True,
            idle_timeout=60,
            access_logs={"bucket": self.args.access_log_bucket, "enabled": True, "prefix": f"alb/{self._name}"},
            opts=self._child(),
        )

    def _create_web_acl(self) -> aws.wafv2.WebAcl:
        # Behind a CDN every request comes from an edge address: count the visitor's forwarded address instead.
        rules = waf.managed_rules(self.args.waf_mode, self.args.upload_paths)
        rules.append(
            waf.rate_limit_rule(
                self.args.rate_limit_per_5_minutes, 300, len(rules), waf.CDN_FORWARDED_HEADER[self.args.cdn_provider]
            )
        )
        acl = aws.wafv2.WebAcl(
            f"{self._name}-waf",
            scope="REGIONAL",
            default_action={"allow": {}},
            rules=rules,
            visibility_config=_visibility(f"{self._physical}-waf"),
            opts=self._child(),
        )
        aws.wafv2.WebAclAssociation(
            f"{self._name}-waf", resource_arn=self.load_balancer.arn, web_acl_arn=acl.arn, opts=self._child()
        )
        return acl

    def _create_http_redirect(self) -> aws.lb.Listener:
        return aws.lb.Listener(
            f"{self._name}-http",
            load_balancer_arn=self.load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}
            ],
            opts=self._child(),
        )

    def _create_target_group(self, service: ServiceSpec) -> aws.lb.TargetGroup:
        return aws.lb.TargetGroup(
            target_group_resource_name(self._name, service.name),
            vpc_id=self.args.vpc_id,
            port=service.port,
            protocol="HTTP",
            target_type="instance",
            deregistration_delay=30,
            slow_start=30,
            health_check={
                "enabled": True,
                "path": service.health_check_path,
                "protocol": "HTTP",
                "matcher": "200-399",
                "interval": 15,
                "timeout": 5,
                "healthy_threshold": 2,
                "unhealthy_threshold": 3,
            },
            opts=self._child(),
        )

    def _header_condition(self) -> list[dict[str, Any]]:
        if self.origin_verify_secret is None:
            return []
        return [{"http_header": {"http_header_name": ORIGIN_VERIFY_HEADER, "values": [self.origin_verify_secret]}}]

    def _create_https_listener(self, certificate_arn: pulumi.Input[str]) -> aws.lb.Listener:
        default, _ = routing(self.args.services)
        if self.origin_verify_secret is not None:  # without the secret header: not from our distribution
            action: dict[str, Any] = {
                "type": "fixed-response",
                "fixed_response": {"content_type": "text/plain", "status_code": "403", "message_body": "forbidden"},
            }
        elif default:
            action = {"type": "forward", "target_group_arn": self.target_groups[default].arn}
        else:
            action = {
                "type": "fixed-response",
                "fixed_response": {"content_type": "text/plain", "status_code": "404", "message_body": "not found"},
            }
        return aws.lb.Listener(
            f"{self._name}-https",
            load_balancer_arn=self.load_balancer.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=certificate_arn,
            default_actions=[action],
            opts=self._child(),
        )

    def _create_listener_rules(self) -> None:
        assert self.https_listener is not None
        default, rules = routing(self.args.services)
        header = self._header_condition()
        for service, priority, patterns in rules:
            for number, chunk in enumerate(rule_chunks(patterns, bool(header))):
                aws.lb.ListenerRule(
                    f"{self._name}-{service}" + (f"-{number + 1}" if number else ""),
                    listener_arn=self.https_listener.arn,
                    priority=priority + number,
                    actions=[{"type": "forward", "target_group_arn": self.target_groups[service].arn}],
                    conditions=[{"path_pattern": {"values": chunk}}, *header],
                    opts=self._child(),
                )
        if header:
            aws.lb.ListenerRule(
                f"{self._name}-from-cdn",
                listener_arn=self.https_listener.arn,
                priority=DIRECT_ACCESS_PRIORITY,
                actions=[
                    {"type": "forward", "target_group_arn": self.target_groups[default].arn}
                    if default
                    else {
                        "type": "fixed-response",
                        "fixed_response": {
                            "content_type": "text/plain",
                            "status_code": "404",
                            "message_body": "not found",
                        },
                    }
                ],
                conditions=header,
                opts=self._child(),
            )

    # --- instances ----------------------------------------------------------------------------------------------

    def _create_repository(self, service: ServiceSpec) -> aws.ecr.Repository:
        repository = aws.ecr.Repository(
            f"{self._name}-{service.name}",
            name=self._repository_name(service),
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration={"scan_on_push": True},
            encryption_configurations=[{"encryption_type": "KMS"}],
            opts=self._child(),
        )
        aws.ecr.LifecyclePolicy(
            f"{self._name}-{service.name}",
            repository=repository.name,
            policy=ecr_lifecycle_policy(),
            opts=self._child(),
        )
        return repository

    def _repository_name(self, service: ServiceSpec) -> str:
        return f"{pulumi.get_stack()}/{service.name}".lower()

    def _registry(self) -> Any:
        return self._account.apply(lambda account: f"{account}.dkr.ecr.{self.args.region}.amazonaws.com")

    def _create_env_parameter(self, service: ServiceSpec) -> aws.ssm.Parameter:
        """The service's boot environment: plain values only (secrets are ARNs resolved at boot)."""
        env = {
            **self.args.app_env,
            "APP_SERVICE": service.name,
            "PORT": str(service.port),
            "AWS_REGION": self.args.region,
        }
        names = sorted(env)
        secrets = dict(sorted(self.args.app_secrets.items()))
        value = pulumi.Output.all(
            *(pulumi.Output.from_input(env[n]) for n in names), *(pulumi.Output.from_input(v) for v in secrets.values())
        ).apply(
            lambda values: json.dumps(
                {
                    "env": {n: str(v) for n, v in zip(names, values[: len(names)])},
                    "secrets": dict(zip(secrets, values[len(names) :])),
                },
                sort_keys=True,
            )
        )
        return aws.ssm.Parameter(
            f"{self._name}-{service.name}-env",
            name=f"/sme-rollout/{pulumi.get_stack()}/{service.name}/env",
            # Intelligent-Tiering: Standard (free, 4 KB) until the value outgrows it, then Advanced (pulumi-aws
            # ssm.Parameter `tier`: Standard, Advanced, Intelligent-Tiering).
            type="String",
            tier="Intelligent-Tiering",
            value=value,
            description=f"{service.name}: environment read at boot (no secret values)",
            opts=self._child(),
        )

    def _create_instance_profile(self, service: ServiceSpec) -> tuple[aws.iam.Role, aws.iam.InstanceProfile]:
        name = f"{self._name}-{service.name}"
        role = aws.iam.Role(
            f"{name}-instance",
            name=app_role_name(pulumi.get_stack(), service.name),
            assume_role_policy=_ec2_trust(),
            description=f"{service.name} instances: its environment, image, secrets, logs, "
            f"database user, uploads and workload roles.",
            opts=self._child(),
        )
        for number, policy_arn in enumerate(INSTANCE_MANAGED_POLICIES, start=1):
            aws.iam.RolePolicyAttachment(
                f"{name}-instance-{number}", role=role.name, policy_arn=policy_arn, opts=self._child()
            )
        args = self.args
        for number, policy_arn in enumerate(args.extra_policy_arns, start=1):
            aws.iam.RolePolicyAttachment(
                f"{name}-instance-extra-{number}", role=role.name, policy_arn=policy_arn, opts=self._child()
            )
        repository = self.repositories.get(service.name)
        uploads = (
            pulumi.Output.all(args.uploads_bucket_arn, args.uploads_key_arn)
            if args.uploads_bucket_arn is not None and args.uploads_key_arn is not None
            else None
        )
        policy = pulumi.Output.all(
            pulumi.Output.all(*args.secret_arns, *args.app_secrets.values()),
            pulumi.Output.all(*args.assumable_role_arns),
            args.log_group_arn,
            pulumi.Output.all(*args.secret_kms_key_arns),
            self.env_parameters[service.name].arn,
            repository.arn if repository is not None else None,
            self._account,
            args.database_resource_id,
            uploads,
        ).apply(
            lambda v: instance_policy(
                sorted(set(v[0])),
                list(v[1]),
                v[2],
                secret_key_arns=list(v[3]),
                region=args.region,
                env_parameter_arn=v[4],
                repository_arn=v[5],
                database_user_arn=database_user_arn(args.region, v[6], v[7], args.database_user) if v[7] else None,
                uploads=tuple(v[8]) if v[8] else None,
            )
        )
        aws.iam.RolePolicy(f"{name}-instance", role=role.id, policy=policy, opts=self._child())
        profile = aws.iam.InstanceProfile(f"{name}-instance", role=role.name, opts=self._child())
        return role, profile

    def _create_canary_alarms(self, service: ServiceSpec) -> list[aws.cloudwatch.MetricAlarm]:
        """The service's SLO alarms the instance refresh watches: its targets' 5xx rate and p95 latency."""
        from components.observability import Metric, Signal, alarm_inputs

        dims = {
            "LoadBalancer": self.load_balancer.arn_suffix,
            "TargetGroup": self.target_groups[service.name].arn_suffix,
        }
        signals = [
            Signal(
                f"{service.name}-5xx",
                f"{service.name}: target 5xx rate (%)",
                (
                    Metric("a", "AWS/ApplicationELB", "RequestCount", dims, "Sum"),
                    Metric("b", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", dims, "Sum"),
                ),
                self.args.canary_5xx_percent,
                "GreaterThanThreshold",
                expression="100*FILL(b,0)/a",
                component="web_tier",
            ),
            Signal(
                f"{service.name}-p95",
                f"{service.name}: target response time p95 (s)",
                (Metric("a", "AWS/ApplicationELB", "TargetResponseTime", dims, "p95"),),
                self.args.canary_p95_ms / 1000,
                "GreaterThanThreshold",
                component="web_tier",
            ),
        ]
        alarms = []
        for signal in signals:
            inputs = alarm_inputs(signal, self.args.alert_topic_arn)
            if self.args.alert_topic_arn is None:
                inputs.update(alarm_actions=[], ok_actions=[])
            alarms.append(aws.cloudwatch.MetricAlarm(f"{self._name}-{signal.key}", **inputs, opts=self._child()))
        return alarms

    def _user_data(self, service: ServiceSpec) -> Any:
        from components.user_data import BootSpec, render

        if service.user_data is not None:
            return base64.b64encode(service.user_data.encode()).decode()
        if service.image is None:
            raise ValueError(f"service {service.name}: give an image (container) or user_data (AMI mode)")
        log_group = self.args.log_group_name
        return pulumi.Output.all(self._registry(), self.env_parameters[service.name].name, log_group).apply(
            lambda v: base64.b64encode(
                render(
                    BootSpec(
                        service=service.name,
                        region=self.args.region,
                        registry=v[0],
                        repository=self._repository_name(service),
                        image=service.image,
                        port=service.port,
                        health_check_path=service.health_check_path,
                        env_parameter=v[1],
                        log_group=v[2],
                    )
                ).encode()
            ).decode()
        )

    def _create_launch_template(self, service: ServiceSpec) -> aws.ec2.LaunchTemplate:
        return aws.ec2.LaunchTemplate(
            f"{self._name}-{service.name}",
            image_id=service.image_id,
            instance_type=service.instance_type,
            update_default_version=True,
            user_data=self._user_data(service),
            iam_instance_profile={"arn": self.profiles[service.name].arn},
            metadata_options={
                "http_endpoint": "enabled",
                "http_tokens": "required",
                "http_put_response_hop_limit": 1,
                "instance_metadata_tags": "enabled",
            },
            block_device_mappings=[
                {
                    "device_name": "/dev/xvda",
                    "ebs": {
                        "encrypted": "true",
                        "volume_size": service.volume_gb,
                        "volume_type": "gp3",
                        "delete_on_termination": "true",
                    },
                }
            ],
            network_interfaces=[
                {
                    "associate_public_ip_address": "false",
                    "delete_on_termination": "true",
                    "security_groups": [self.instance_security_group.id, *self.args.extra_security_group_ids],
                }
            ],
            monitoring={"enabled": True},
            tag_specifications=[
                {"resource_type": "instance", "tags": {"Service": service.name}},
                {"resource_type": "volume", "tags": {"Service": service.name}},
            ],
            opts=self._child(),
        )

    def _create_group(self, service: ServiceSpec) -> aws.autoscaling.Group:
        """A new launch template version (image, AMI, user data) is an in-place update of the group's version,
        which starts the canary instance refresh: the group itself is never replaced."""
        template = self.launch_templates[service.name]
        spec = {"launch_template_id": template.id, "version": template.latest_version.apply(str)}
        distribution = instance_distribution(service)
        placement: dict[str, Any]
        if distribution is None:
            placement = {"launch_template": {"id": template.id, "version": template.latest_version.apply(str)}}
        else:
            placement = {
                "mixed_instances_policy": {
                    "instances_distribution": distribution,
                    "launch_template": {
                        "launch_template_specification": spec,
                        "overrides": [{"instance_type": service.instance_type}],
                    },
                }
            }
        minimum, maximum, desired = sizes(service, self.args.fixed_size)
        return aws.autoscaling.Group(
            f"{self._name}-{service.name}",
            vpc_zone_identifiers=self.args.private_subnet_ids,
            min_size=minimum,
            max_size=maximum,
            desired_capacity=desired,
            health_check_type="ELB",
            health_check_grace_period=120,
            default_instance_warmup=120,
            target_group_arns=[self.target_groups[service.name].arn],
            capacity_rebalance=True,
            instance_refresh={
                "strategy": "Rolling",
                "preferences": refresh_preferences([a.name for a in self.canary_alarms[service.name]]),
            },
            enabled_metrics=[
                "GroupDesiredCapacity",
                "GroupInServiceInstances",
                "GroupMaxSize",
                "GroupMinSize",
                "GroupPendingInstances",
                "GroupTerminatingInstances",
                "GroupTotalInstances",
            ],
            # provider default_tags do not reach autoscaling groups: `rollout deploy status` finds the group by these
            tags=[
                {"key": "Service", "value": service.name, "propagate_at_launch": True},
                {"key": "Stack", "value": pulumi.get_stack(), "propagate_at_launch": True},
            ],
            **placement,
            opts=self._child(ignore_changes=GROUP_IGNORE_CHANGES),
        )

    def create_scaling(self, opts: pulumi.ResourceOptions | None = None) -> WebTierScaling:
        """Phase 6: target tracking on every group (before it, the groups have a fixed size)."""
        return WebTierScaling(f"{self._name}-scaling", self, opts)


def sizes(service: ServiceSpec, fixed: bool) -> tuple[int, int, int]:
    """min, max, desired: a fixed-size group (before phase 6) runs exactly min_size instances."""
    desired = service.desired_capacity or service.min_size
    if fixed:
        return service.min_size, service.min_size, service.min_size
    return service.min_size, service.max_size, desired


class WebTierScaling(pulumi.ComponentResource):
    """Target tracking per group (CPU and requests per target): what phase 6 adds to a web tier that runs the app
    from an earlier phase."""

    def __init__(self, name: str, tier: WebTier, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:compute:WebTierScaling", name, {}, opts)
        for service in tier.args.services:
            self._create_scaling_policies(tier, service)
        self.register_outputs({})

    def _create_scaling_policies(self, tier: WebTier, service: ServiceSpec) -> None:
        group = tier.groups[service.name]
        prefix = tier._name
        aws.autoscaling.Policy(
            f"{prefix}-{service.name}-cpu",
            autoscaling_group_name=group.name,
            policy_type="TargetTrackingScaling",
            estimated_instance_warmup=120,
            target_tracking_configuration={
                "predefined_metric_specification": {"predefined_metric_type": "ASGAverageCPUUtilization"},
                "target_value": CPU_TARGET_PERCENT,
            },
            opts=pulumi.ResourceOptions(parent=self),
        )
        label = pulumi.Output.concat(tier.load_balancer.arn_suffix, "/", tier.target_groups[service.name].arn_suffix)
        aws.autoscaling.Policy(
            f"{prefix}-{service.name}-requests",
            autoscaling_group_name=group.name,
            policy_type="TargetTrackingScaling",
            estimated_instance_warmup=120,
            target_tracking_configuration={
                "predefined_metric_specification": {
                    "predefined_metric_type": "ALBRequestCountPerTarget",
                    "resource_label": label,
                },
                "target_value": REQUESTS_PER_TARGET,
            },
            opts=pulumi.ResourceOptions(parent=self),
        )
