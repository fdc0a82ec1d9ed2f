"""Web tier (phase 6): the hot services on autoscaling groups in private subnets, behind one internet-facing ALB.

Fixed in code: HTTPS only (HTTP redirects), a TLS 1.3/1.2 policy, invalid headers dropped, desync mitigation,
deletion protection, access logs, a regional WAF (AWS managed rule groups + a per-IP rate limit); launch
templates with IMDSv2 required (hop limit 1), encrypted gp3 disks, no public IP and a least-privilege instance
profile; ELB health checks, target tracking on CPU and requests per target, rolling instance refresh with a
minimum healthy percentage, checkpoints and automatic rollback (the canary of zero-downtime deploys), and capacity
rebalancing. What varies per service (size, ports, paths, spot share) comes from `ServiceSpec`.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
"""TLS 1.3 and 1.2 only, modern ciphers (ALB-02)."""
DEFAULT_INSTANCE_TYPES = {"small": "t4g.small", "medium": "m7g.large", "large": "m7g.xlarge"}
CPU_TARGET_PERCENT = 50.0
REQUESTS_PER_TARGET = 1000.0
"""Requests per target per minute the request-count policy aims for."""
MIN_HEALTHY_PERCENT = 90
CHECKPOINTS = [50, 100]
"""Instance refresh replaces half, waits (the canary), then the rest; a failure rolls back automatically."""
WAF_MANAGED_RULE_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                           "AWSManagedRulesAmazonIpReputationList")
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
    image_id: str | None = Field(None, description="AMI id. Defaults to the latest Amazon Linux 2023 for the "
                                                   "instance type's architecture.")
    volume_gb: int = Field(20, ge=8, le=1024, description="Root volume size. Defaults to 20.")


class WebTierArgs(BaseModel):
    """The network, the services and the wiring to the rest of the stack."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    vpc_id: Any = Field(description="VPC id. Required.")
    public_subnet_ids: Any = Field(description="Subnets of the ALB (≥ 2 AZs). Required.")
    private_subnet_ids: Any = Field(description="Subnets of the instances (≥ 2 AZs). Required.")
    services: list[ServiceSpec] = Field(description="The hot services. Required (at least one).", min_length=1)
    domain: str = Field(description="The site's domain, for the ALB certificate. Required.")
    certificate_arn: Any = Field(None, description="Regional ACM certificate for the HTTPS listener. Defaults to "
                                                   "a DNS-validated one issued for the domain.")
    access_log_bucket: Any = Field(description="Bucket (name) receiving the ALB access logs. Required.")
    rate_limit_per_5_minutes: int = Field(3000, ge=100, le=2_000_000_000, description="Requests per client IP per "
                                                                                      "5 minutes before WAF blocks. "
                                                                                      "Defaults to 3000.")
    extra_security_group_ids: list[Any] = Field(default_factory=list, description="Security groups instances also "
                                                                                  "join (e.g. the one the database "
                                                                                  "admits). Defaults to none.")
    secret_arns: list[Any] = Field(default_factory=list, description="Secrets the instances may read (e.g. the "
                                                                     "database password). Defaults to none.")
    assumable_role_arns: list[Any] = Field(default_factory=list, description="Roles the instances may assume (e.g. "
                                                                             "queue producers). Defaults to none.")
    extra_policy_arns: list[Any] = Field(default_factory=list, description="Customer-managed policies attached to "
                                                                           "the instance role (e.g. the cache's "
                                                                           "connect policy). Defaults to none.")
    log_group_arn: Any = Field(None, description="Log group the instances write to. Defaults to none.")


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
    return {"on_demand_base_capacity": service.min_size,
            "on_demand_percentage_above_base_capacity": 100 - service.spot_percent,
            "spot_allocation_strategy": "price-capacity-optimized"}


def instance_policy(secret_arns: list[str], role_arns: list[str], log_group_arn: str | None) -> str | None:
    """Read the named secrets, assume the named roles, write to the app log group; nothing else."""
    statements = []
    if secret_arns:
        statements.append({"Sid": "ReadAppSecrets", "Effect": "Allow",
                           "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                           "Resource": secret_arns})
    if role_arns:
        statements.append({"Sid": "AssumeWorkloadRoles", "Effect": "Allow", "Action": ["sts:AssumeRole"],
                           "Resource": role_arns})
    if log_group_arn:
        statements.append({"Sid": "WriteAppLogs", "Effect": "Allow",
                           "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                           "Resource": f"{log_group_arn.removesuffix(':*')}:log-stream:*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements}) if statements else None


def _ec2_trust() -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _visibility(metric: str) -> dict[str, Any]:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


class WebTier(pulumi.ComponentResource):
    """ALB (+ WAF, certificate, listeners, path rules) and one autoscaling group per service."""

    def __init__(self, name: str, args: WebTierArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:compute:WebTier", name, {}, opts)
        self._name = name
        self.args = args
        self._physical = f"{pulumi.get_stack()}-{name}"[:20].rstrip("-")

        self.alb_security_group = self._create_alb_security_group()
        self.instance_security_group = self._create_instance_security_group()
        self.certificate_arn, self.certificate = self._create_certificate()
        self.load_balancer = self._create_load_balancer()
        self.web_acl = self._create_web_acl()
        self._create_http_redirect()
        self.target_groups = {s.name: self._create_target_group(s) for s in args.services}
        self.https_listener = self._create_https_listener()
        self._create_listener_rules()
        self.instance_role, self.instance_profile = self._create_instance_profile()
        self.launch_templates = {s.name: self._create_launch_template(s) for s in args.services}
        self.groups = {s.name: self._create_group(s) for s in args.services}
        for service in args.services:
            self._create_scaling_policies(service)

        self.alb_dns_name = self.load_balancer.dns_name
        self.alb_arn = self.load_balancer.arn
        self.alb_arn_suffix = self.load_balancer.arn_suffix
        self.alb_zone_id = self.load_balancer.zone_id
        self.target_group_arn_suffixes = {n: tg.arn_suffix for n, tg in self.target_groups.items()}
        self.group_names = {n: g.name for n, g in self.groups.items()}
        self.register_outputs({"albDnsName": self.load_balancer.dns_name,
                               "groupNames": self.group_names})

    def _child(self, **extra: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **extra)

    # --- network edge -------------------------------------------------------------------------------------------

    def _create_alb_security_group(self) -> aws.ec2.SecurityGroup:
        return aws.ec2.SecurityGroup(
            f"{self._name}-alb", vpc_id=self.args.vpc_id, description="ALB: HTTP(S) from the internet (CDN)",
            ingress=[{"protocol": "tcp", "from_port": port, "to_port": port, "cidr_blocks": ["0.0.0.0/0"],
                      "ipv6_cidr_blocks": ["::/0"], "description": f"{port} from the CDN and clients"}
                     for port in (80, 443)],
            opts=self._child())

    def _create_instance_security_group(self) -> aws.ec2.SecurityGroup:
        ports = sorted({s.port for s in self.args.services})
        group = aws.ec2.SecurityGroup(
            f"{self._name}-instances",
            vpc_id=self.args.vpc_id,
            description="Service instances: traffic from the ALB only",
            ingress=[
                {
                    "protocol": "tcp",
                    "from_port": port,
                    "to_port": port,
                    "security_groups": [self.alb_security_group.id],
                    "description": "from the ALB",
                }
                for port in ports
            ],
            egress=[
                {
                    "protocol": "-1",
                    "from_port": 0,
                    "to_port": 0,
                    "cidr_blocks": ["0.0.0.0/0"],
                    "description": "AWS APIs, database, cache and updates via NAT",
                }
            ],
            opts=self._child(),
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{self._name}-alb-to-instances", security_group_id=self.alb_security_group.id,
            referenced_security_group_id=group.id, ip_protocol="tcp", from_port=min(ports), to_port=max(ports),
            description="ALB to the service instances", opts=self._child())
        return group

    def _create_certificate(self) -> tuple[Any, aws.acm.Certificate | None]:
        if self.args.certificate_arn is not None:
            return self.args.certificate_arn, None
        certificate = aws.acm.Certificate(
            f"{self._name}-certificate", domain_name=self.args.domain,
            subject_alternative_names=[f"*.{self.args.domain}"], validation_method="DNS",
            key_algorithm="EC_prime256v1", opts=self._child())
        return certificate.arn, certificate

    def _create_load_balancer(self) -> aws.lb.LoadBalancer:
        return aws.lb.LoadBalancer(
            f"{self._name}-alb", load_balancer_type="application", internal=False,
            subnets=self.args.public_subnet_ids, security_groups=[self.alb_security_group.id],
            drop_invalid_header_fields=True, desync_mitigation_mode="defensive", enable_deletion_protection=True,
            enable_http2=True, idle_timeout=60,
            access_logs={"bucket": self.args.access_log_bucket, "enabled": True, "prefix": f"alb/{self._name}"},
            opts=self._child())

    def _create_web_acl(self) -> aws.wafv2.WebAcl:
        rules = [{"name": group, "priority": number, "override_action": {"none": {}},
                  "statement": {"managed_rule_group_statement": {"name": group, "vendor_name": "AWS"}},
                  "visibility_config": _visibility(group)}
                 for number, group in enumerate(WAF_MANAGED_RULE_GROUPS)]
        rules.append({"name": "rate-limit-per-ip", "priority": len(rules), "action": {"block": {}},
                      "statement": {"rate_based_statement": {"limit": self.args.rate_limit_per_5_minutes,
                                                             "aggregate_key_type": "IP"}},
                      "visibility_config": _visibility("rate-limit-per-ip")})
        acl = aws.wafv2.WebAcl(f"{self._name}-waf", scope="REGIONAL", default_action={"allow": {}}, rules=rules,
                               visibility_config=_visibility(f"{self._physical}-waf"), opts=self._child())
        aws.wafv2.WebAclAssociation(f"{self._name}-waf", resource_arn=self.load_balancer.arn, web_acl_arn=acl.arn,
                                    opts=self._child())
        return acl

    def _create_http_redirect(self) -> aws.lb.Listener:
        return aws.lb.Listener(
            f"{self._name}-http", load_balancer_arn=self.load_balancer.arn, port=80, protocol="HTTP",
            default_actions=[{"type": "redirect",
                              "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}],
            opts=self._child())

    def _create_target_group(self, service: ServiceSpec) -> aws.lb.TargetGroup:
        return aws.lb.TargetGroup(
            f"{self._name}-{service.name}", vpc_id=self.args.vpc_id, port=service.port, protocol="HTTP",
            target_type="instance", deregistration_delay=30, slow_start=30,
            health_check={"enabled": True, "path": service.health_check_path, "protocol": "HTTP",
                          "matcher": "200-399", "interval": 15, "timeout": 5, "healthy_threshold": 2,
                          "unhealthy_threshold": 3},
            opts=self._child())

    def _create_https_listener(self) -> aws.lb.Listener:
        default, _ = routing(self.args.services)
        action = ({"type": "forward", "target_group_arn": self.target_groups[default].arn} if default else
                  {"type": "fixed-response", "fixed_response": {"content_type": "text/plain", "status_code": "404",
                                                                "message_body": "not found"}})
        return aws.lb.Listener(
            f"{self._name}-https", load_balancer_arn=self.load_balancer.arn, port=443, protocol="HTTPS",
            ssl_policy=TLS_POLICY, certificate_arn=self.certificate_arn, default_actions=[action],
            opts=self._child())

    def _create_listener_rules(self) -> None:
        _, rules = routing(self.args.services)
        for service, priority, patterns in rules:
            aws.lb.ListenerRule(
                f"{self._name}-{service}", listener_arn=self.https_listener.arn, priority=priority,
                actions=[{"type": "forward", "target_group_arn": self.target_groups[service].arn}],
                conditions=[{"path_pattern": {"values": patterns}}], opts=self._child())

    # --- instances ----------------------------------------------------------------------------------------------

    def _create_instance_profile(self) -> tuple[aws.iam.Role, aws.iam.InstanceProfile]:
        role = aws.iam.Role(f"{self._name}-instance", assume_role_policy=_ec2_trust(),
                            description="Web tier instances: SSM, their secrets, their log group, workload roles.",
                            opts=self._child())
        for number, policy_arn in enumerate(INSTANCE_MANAGED_POLICIES, start=1):
            aws.iam.RolePolicyAttachment(f"{self._name}-instance-{number}", role=role.name, policy_arn=policy_arn,
                                         opts=self._child())
        args = self.args
        for number, policy_arn in enumerate(args.extra_policy_arns, start=1):
            aws.iam.RolePolicyAttachment(f"{self._name}-instance-extra-{number}", role=role.name,
                                         policy_arn=policy_arn, opts=self._child())
        if args.secret_arns or args.assumable_role_arns or args.log_group_arn is not None:
            policy = pulumi.Output.all(
                pulumi.Output.all(*args.secret_arns), pulumi.Output.all(*args.assumable_role_arns), args.log_group_arn
            ).apply(lambda v: instance_policy(list(v[0]), list(v[1]), v[2]))
            aws.iam.RolePolicy(f"{self._name}-instance", role=role.id, policy=policy, opts=self._child())
        profile = aws.iam.InstanceProfile(f"{self._name}-instance", role=role.name, opts=self._child())
        return role, profile

    def _image_id(self, service: ServiceSpec) -> Any:
        if service.image_id:
            return service.image_id
        arch = architecture(service.instance_type)
        return aws.ec2.get_ami_output(
            most_recent=True, owners=["amazon"],
            filters=[{"name": "name", "values": [f"al2023-ami-2023.*-{arch}"]},
                     {"name": "architecture", "values": [arch]}],
            opts=pulumi.InvokeOutputOptions(parent=self)).id

    def _create_launch_template(self, service: ServiceSpec) -> aws.ec2.LaunchTemplate:
        return aws.ec2.LaunchTemplate(
            f"{self._name}-{service.name}",
            image_id=self._image_id(service),
            instance_type=service.instance_type,
            update_default_version=True,
            iam_instance_profile={"arn": self.instance_profile.arn},
            metadata_options={"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1,
                              "instance_metadata_tags": "enabled"},
            block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {
                "encrypted": "true", "volume_size": service.volume_gb, "volume_type": "gp3",
                "delete_on_termination": "true"}}],
            network_interfaces=[{"associate_public_ip_address": "false", "delete_on_termination": "true",
                                 "security_groups": [self.instance_security_group.id,
                                                     *self.args.extra_security_group_ids]}],
            monitoring={"enabled": True},
            tag_specifications=[{"resource_type": "instance", "tags": {"Service": service.name}},
                                {"resource_type": "volume", "tags": {"Service": service.name}}],
            opts=self._child())

    def _create_group(self, service: ServiceSpec) -> aws.autoscaling.Group:
        template = self.launch_templates[service.name]
        spec = {"launch_template_id": template.id, "version": template.latest_version.apply(str)}
        distribution = instance_distribution(service)
        placement: dict[str, Any]
        if distribution is None:
            placement = {"launch_template": {"id": template.id, "version": template.latest_version.apply(str)}}
        else:
            placement = {"mixed_instances_policy": {"instances_distribution": distribution, "launch_template": {
                "launch_template_specification": spec, "overrides": [{"instance_type": service.instance_type}]}}}
        return aws.autoscaling.Group(
            f"{self._name}-{service.name}",
            vpc_zone_identifiers=self.args.private_subnet_ids,
            min_size=service.min_size, max_size=service.max_size,
            desired_capacity=service.desired_capacity or service.min_size,
            health_check_type="ELB", health_check_grace_period=120, default_instance_warmup=120,
            target_group_arns=[self.target_groups[service.name].arn],
            capacity_rebalance=True,
            instance_refresh={"strategy": "Rolling", "preferences": {
                "min_healthy_percentage": MIN_HEALTHY_PERCENT, "max_healthy_percentage": 200, "auto_rollback": True,
                "checkpoint_percentages": CHECKPOINTS, "checkpoint_delay": "300", "instance_warmup": "120",
                "skip_matching": True}},
            enabled_metrics=["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize",
                             "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances"],
            tags=[{"key": "Service", "value": service.name, "propagate_at_launch": True}],
            **placement,
            opts=self._child())

    def _create_scaling_policies(self, service: ServiceSpec) -> None:
        group = self.groups[service.name]
        aws.autoscaling.Policy(
            f"{self._name}-{service.name}-cpu", autoscaling_group_name=group.name,
            policy_type="TargetTrackingScaling", estimated_instance_warmup=120,
            target_tracking_configuration={"predefined_metric_specification": {
                "predefined_metric_type": "ASGAverageCPUUtilization"}, "target_value": CPU_TARGET_PERCENT},
            opts=self._child())
        label = pulumi.Output.concat(self.load_balancer.arn_suffix, "/", self.target_groups[service.name].arn_suffix)
        aws.autoscaling.Policy(
            f"{self._name}-{service.name}-requests", autoscaling_group_name=group.name,
            policy_type="TargetTrackingScaling", estimated_instance_warmup=120,
            target_tracking_configuration={"predefined_metric_specification": {
                "predefined_metric_type": "ALBRequestCountPerTarget", "resource_label": label},
                "target_value": REQUESTS_PER_TARGET},
            opts=self._child())
