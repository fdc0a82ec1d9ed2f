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

import json
import re
from typing import Any

from pathlib import Path
from typing import Literal

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
MIN_HEALTHY_PERCENT = 90
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
                                                                                      "5 minutes before WAF blocks. Defaults to 3000.")
    extra_security_group_ids: list[Any] = Field(default_factory=list, description="Security groups instances also "
                                                                                  "join (e.g. the one the database admits). Defaults to none.")
    secret_arns: list[Any] = Field(default_factory=list, description="Secrets the instances may read (e.g. the "
                                                                     "database password). Defaults to none.")
    assumable_role_arns: list[Any] = Field(default_factory=list, description="Roles the instances may assume (e.g. "
                                                                             "queue producers). Defaults to none.")
    extra_policy_arns: list[Any] = Field(default_factory=list, description="Customer-managed policies attached to "
                                                                           "the instance role (e.g. the cache's connect policy). Defaults to none.")
    log_group_arn: Any = Field(None, description="Log group the instances write to. Defaults to none.")
    cdn_provider: Literal["cloudfront", "cloudflare"] = Field("cloudfront", description="The CDN in front: decides "
                                                                                        "who may connect and which "
                                                                                        "header carries the visitor's "
                                                                                        "address. Defaults to cloudfront.")
    waf_mode: waf.Mode = Field("count", description="Managed WAF rules count or enforce. Defaults to count.")
    upload_paths: list[str] = Field(default_factory=list, description="Paths the body-size rule never blocks. "
                                                                      "Defaults to none.")


def cloudflare_ranges() -> dict[str, Any]:
    """Cloudflare's published edge ranges as shipped (dated) with the project."""
    return json.loads((Path(__file__).parent / "data" / "cloudflare-ips.json").read_text(encoding="utf-8"))


def rule_chunks(patterns: list[str], header: bool) -> list[list[str]]:
    """Path patterns split so that each rule stays within the 5 condition values (4 when the header is checked)."""
    size = MAX_CONDITION_VALUES - (1 if header else 0)
    return [patterns[i:i + size] for i in range(0, len(patterns), size)]


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

    def _create_origin_verify_secret(self) -> pulumi.Output[str] | None:
        """The secret CloudFront sends and the listener requires (kept in state as a secret, stable across runs)."""
        if self.args.cdn_provider != "cloudfront":
            return None
        import pulumi_random as random

        password = random.RandomPassword(f"{self._name}-origin-verify", length=40, special=False,
                                         opts=self._child())
        return password.result

    def _create_alb_security_group(self) -> aws.ec2.SecurityGroup:
        return aws.ec2.SecurityGroup(
            f"{self._name}-alb", vpc_id=self.args.vpc_id,
            description=f"ALB: HTTPS from the CDN ({self.args.cdn_provider}) only",
            opts=self._child())

    def _create_alb_ingress(self) -> list[aws.vpc.SecurityGroupIngressRule]:
        """HTTPS from the CDN's addresses only (the CDN reaches the origin over HTTPS only)."""
        group = self.alb_security_group.id
        if self.args.cdn_provider == "cloudfront":
            prefix_list = aws.ec2.get_managed_prefix_list_output(
                name=CLOUDFRONT_ORIGIN_FACING, opts=pulumi.InvokeOutputOptions(parent=self))
            return [aws.vpc.SecurityGroupIngressRule(
                f"{self._name}-alb-from-cloudfront", security_group_id=group, ip_protocol="tcp", from_port=443,
                to_port=443, prefix_list_id=prefix_list.id, description="HTTPS from CloudFront origin-facing servers",
                opts=self._child())]
        ranges = cloudflare_ranges()
        rules = []
        for family, key in (("ipv4", "cidr_ipv4"), ("ipv6", "cidr_ipv6")):
            for cidr in ranges[family]:
                label = cidr.replace(".", "-").replace(":", "-").replace("/", "-").strip("-")
                rules.append(aws.vpc.SecurityGroupIngressRule(
                    f"{self._name}-alb-from-cloudflare-{label}", security_group_id=group, ip_protocol="tcp",
                    from_port=443, to_port=443, description=f"HTTPS from Cloudflare (list of {ranges['as_of']})",
                    opts=self._child(), **{key: cidr}))
        return rules

    def _create_instance_security_group(self) -> aws.ec2.SecurityGroup:
        ports = sorted({s.port for s in self.args.services})
        group = aws.ec2.SecurityGroup(
            f"{self._name}-instances", vpc_id=self.args.vpc_id, description="Service instances: traffic from the ALB only",
            opts=self._child())
        for port in ports:
            aws.vpc.SecurityGroupIngressRule(
                f"{self._name}-instances-from-alb-{port}", security_group_id=group.id, ip_protocol="tcp",
                from_port=port, to_port=port, referenced_security_group_id=self.alb_security_group.id,
                description="from the ALB", opts=self._child())
        aws.vpc.SecurityGroupEgressRule(
            f"{self._name}-instances-egress", security_group_id=group.id, ip_protocol="-1", cidr_ipv4="0.0.0.0/0",
            description="AWS APIs, database, cache and updates via NAT", opts=self._child())
        aws.vpc.SecurityGroupEgressRule(
            f"{self._name}-alb-to-instances", security_group_id=self.alb_security_group.id,
            referenced_security_group_id=group.id, ip_protocol="tcp", from_port=min(ports), to_port=max(ports),
            description="ALB to the service instances", opts=self._child())
        return group

    def _create_certificate(self) -> tuple[Any, aws.acm.Certificate | None]:
        if self.args.certificate_arn is not None:
            return self.args.certificate_arn, None
        # The domain only: the CDN forwards the viewer's Host, the site's domain. (A wildcard SAN would share the
        # apex's validation record, which two records in one zone cannot both create.)
        certificate = aws.acm.Certificate(
            f"{self._name}-certificate", domain_name=self.args.domain, validation_method="DNS",
            key_algorithm="EC_prime256v1", opts=self._child())
        return certificate.arn, certificate

    def validation_record(self) -> pulumi.Output[dict[str, str]] | None:
        """The DNS record that validates the issued certificate (name, type, value; names without the final dot)."""
        if self.certificate is None:
            return None
        option = self.certificate.domain_validation_options.apply(lambda options: options[0] if options else None)
        return option.apply(lambda o: {"name": (o.resource_record_name or "").rstrip("."),
                                       "type": o.resource_record_type or "CNAME",
                                       "value": (o.resource_record_value or "").rstrip(".")} if o else
                            {"name": "", "type": "CNAME", "value": ""})

    def serve_https(self, certificate_arn: pulumi.Input[str]) -> aws.lb.Listener:
        """The HTTPS listener and its rules, on a certificate that is validated (or issued, from config)."""
        self.https_listener = self._create_https_listener(certificate_arn)
        self._create_listener_rules()
        return self.https_listener

    def _create_load_balancer(self) -> aws.lb.LoadBalancer:
        return aws.lb.LoadBalancer(
            f"{self._name}-alb", load_balancer_type="application", internal=False,
            subnets=self.args.public_subnet_ids, security_groups=[self.alb_security_group.id],
            drop_invalid_header_fields=True, desync_mitigation_mode="defensive", enable_deletion_protection=True,
            enable_http2=True, idle_timeout=60,
            access_logs={"bucket": self.args.access_log_bucket, "enabled": True, "prefix": f"alb/{self._name}"},
            opts=self._child())

    def _create_web_acl(self) -> aws.wafv2.WebAcl:
        # Behind a CDN every request comes from an edge address: count the visitor's forwarded address instead.
        rules = waf.managed_rules(self.args.waf_mode, self.args.upload_paths)
        rules.append(waf.rate_limit_rule(self.args.rate_limit_per_5_minutes, 300, len(rules),
                                         waf.CDN_FORWARDED_HEADER[self.args.cdn_provider]))
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

    def _header_condition(self) -> list[dict[str, Any]]:
        if self.origin_verify_secret is None:
            return []
        return [{"http_header": {"http_header_name": ORIGIN_VERIFY_HEADER, "values": [self.origin_verify_secret]}}]

    def _create_https_listener(self, certificate_arn: pulumi.Input[str]) -> aws.lb.Listener:
        default, _ = routing(self.args.services)
        if self.origin_verify_secret is not None:  # without the secret header: not from our distribution
            action: dict[str, Any] = {"type": "fixed-response", "fixed_response": {
                "content_type": "text/plain", "status_code": "403", "message_body": "forbidden"}}
        elif default:
            action = {"type": "forward", "target_group_arn": self.target_groups[default].arn}
        else:
            action = {"type": "fixed-response", "fixed_response": {"content_type": "text/plain", "status_code": "404",
                                                                   "message_body": "not found"}}
        return aws.lb.Listener(
            f"{self._name}-https", load_balancer_arn=self.load_balancer.arn, port=443, protocol="HTTPS",
            ssl_policy=TLS_POLICY, certificate_arn=certificate_arn, default_actions=[action],
            opts=self._child())

    def _create_listener_rules(self) -> None:
        assert self.https_listener is not None
        default, rules = routing(self.args.services)
        header = self._header_condition()
        for service, priority, patterns in rules:
            for number, chunk in enumerate(rule_chunks(patterns, bool(header))):
                aws.lb.ListenerRule(
                    f"{self._name}-{service}" + (f"-{number + 1}" if number else ""),
                    listener_arn=self.https_listener.arn, priority=priority + number,
                    actions=[{"type": "forward", "target_group_arn": self.target_groups[service].arn}],
                    conditions=[{"path_pattern": {"values": chunk}}, *header], opts=self._child())
        if header:
            aws.lb.ListenerRule(
                f"{self._name}-from-cdn", listener_arn=self.https_listener.arn, priority=DIRECT_ACCESS_PRIORITY,
                actions=[{"type": "forward", "target_group_arn": self.target_groups[default].arn} if default else
                         {"type": "fixed-response", "fixed_response": {"content_type": "text/plain",
                                                                       "status_code": "404",
                                                                       "message_body": "not found"}}],
                conditions=header, opts=self._child())

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
            policy = pulumi.Output.all(pulumi.Output.all(*args.secret_arns), pulumi.Output.all(*args.assumable_role_arns),
                                       args.log_group_arn).apply(lambda v: instance_policy(list(v[0]), list(v[1]), v[2]))
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
