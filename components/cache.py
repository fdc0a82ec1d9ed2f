"""Phase 2: an ElastiCache Valkey/Redis replication group for responses and sessions.

Fixed in code: TLS required (`transit_encryption_mode=required`), encryption at rest (with a KMS key when one is
given), private subnets only, ingress on the cache port only from the named client security groups, daily
snapshots, automatic failover and multi-AZ whenever there are two nodes or more, `protect=True` in production.

Authentication decision: no shared password at all. The group uses ElastiCache RBAC with IAM authentication:
an `app` user (authentication type `iam`, user id = user name, as IAM auth requires) in a user group whose
mandatory `default` user is switched off (`off -@all`). A Valkey user group accepts only users that authenticate
with a password or IAM ("A user group configured for the VALKEY engine can only contain users with an
authentication mechanism", docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html), and IAM needs
user id = user name, which the reserved id `default` rules out: so the disabled `default` user gets a random
32-character password (pulumi-random, secret in state) that no client is ever given; `off` refuses it anyway.
Clients sign a short-lived token (SigV4) with their role; the component exports a least-privilege IAM policy
(`elasticache:Connect` on this group and user) to attach to the application's role. So no credential that opens
the cache exists to leak from state, config or logs (the default user's password opens nothing: the user is
off), nothing needs rotating, and a stolen token expires in 15 minutes. Requires Valkey 7.2+/Redis 7+ (the
defaults below).
"""

from __future__ import annotations

import json
import re
from typing import Literal

import pulumi
import pulumi_aws as aws
import pulumi_random as random
from pydantic import Field, field_validator, model_validator

from components import sizing
from components._args import Args, StrInput

PORT = 6379
DEFAULT_USER_PASSWORD_LENGTH = 32
ENGINE_VERSIONS = {"valkey": "8.0", "redis": "7.1"}


class CacheArgs(Args):
    """The cache's engine, size and where it lives."""

    vpc_id: StrInput = Field(description="VPC of the cache. Required.")
    subnet_ids: list[StrInput] = Field(min_length=2, description="Private subnets (at least 2 AZs). Required.")
    client_security_group_ids: list[StrInput] = Field([], description="Security groups allowed to connect. "
                                                                      "Defaults to none.")
    client_cidr_blocks: list[str] = Field([], description="Address ranges allowed to connect (the current server "
                                                          "over a site-to-site VPN). Defaults to none.")
    engine: Literal["valkey", "redis"] = Field("valkey", description="Defaults to valkey.")
    engine_version: str | None = Field(None, description="Defaults to 8.0 (valkey) / 7.1 (redis).")
    node_type: str = Field("cache.t4g.small", description="Node type. Defaults to cache.t4g.small.")
    nodes: int = Field(1, ge=1, le=6, description="Primary + replicas. Defaults to 1.")
    snapshot_retention_days: int = Field(7, ge=1, le=35, description="Daily snapshots kept. Defaults to 7.")
    kms_key_arn: StrInput | None = Field(None, description="KMS key for at-rest encryption. Defaults to the "
                                                           "AWS-owned key.")
    production: bool = Field(False, description="protect=True on the replication group. Defaults to false.")

    @field_validator("node_type")
    @classmethod
    def _node_type(cls, value: str) -> str:
        if not re.fullmatch(r"cache\.[a-z0-9]+\.[a-z0-9]+", value):
            raise ValueError(f"{value!r} is not an ElastiCache node type (e.g. cache.t4g.small)")
        return value

    @model_validator(mode="after")
    def _iam_auth_versions(self) -> CacheArgs:
        version = self.engine_version or ENGINE_VERSIONS[self.engine]
        if int(version.split(".")[0]) < 7:
            raise ValueError("engine_version must be 7 or newer (IAM authentication and TLS-required mode)")
        return self


def rbac_id(*parts: str) -> str:
    """An ElastiCache user/group id: lowercase letters, digits and hyphens, starts with a letter, at most 40."""
    text = re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")
    text = re.sub(r"-{2,}", "-", text)
    if not text or not text[0].isalpha():
        text = f"c-{text}"
    return text[:40].rstrip("-")


class Cache(pulumi.ComponentResource):
    """Replication group with RBAC/IAM auth, its subnet group, security group and connect policy."""

    primary_endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    replication_group_id: pulumi.Output[str]
    port: int
    user_name: str
    connect_policy_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:cache:Cache", name, None, opts)
        self._name = name
        self._args = args
        self._ha = sizing.cache_high_availability(args.nodes)
        self._prefix = rbac_id(pulumi.get_stack(), name)

        self.subnet_group = self._create_subnet_group()
        self.security_group = self._create_security_group()
        self.app_user, default_user = self._create_users()
        self.user_group = self._create_user_group(default_user)
        self.replication_group = self._create_replication_group()
        self.connect_policy = self._create_connect_policy()

        self.primary_endpoint = self.replication_group.primary_endpoint_address
        self.reader_endpoint = self.replication_group.reader_endpoint_address
        self.replication_group_id = self.replication_group.id
        self.port = PORT
        self.user_name = rbac_id(self._prefix, "app")
        self.connect_policy_arn = self.connect_policy.arn
        self.security_group_id = self.security_group.id
        self.register_outputs({"primaryEndpoint": self.primary_endpoint, "readerEndpoint": self.reader_endpoint,
                               "port": PORT, "userName": self.user_name,
                               "connectPolicyArn": self.connect_policy_arn})

    def _child(self, **options) -> pulumi.ResourceOptions:  # type: ignore[no-untyped-def]
        return pulumi.ResourceOptions(parent=self, **options)

    def _create_subnet_group(self) -> aws.elasticache.SubnetGroup:
        return aws.elasticache.SubnetGroup(f"{self._name}-subnets", subnet_ids=list(self._args.subnet_ids),
                                           description=f"{self._name} private subnets", opts=self._child())

    def _create_security_group(self) -> aws.ec2.SecurityGroup:
        group = aws.ec2.SecurityGroup(f"{self._name}-sg", vpc_id=self._args.vpc_id,
                                      description=f"{self._name}: cache port from application servers only",
                                      opts=self._child())
        for i, client in enumerate(self._args.client_security_group_ids, start=1):
            aws.vpc.SecurityGroupIngressRule(f"{self._name}-from-client-{i}", security_group_id=group.id,
                                             referenced_security_group_id=client, ip_protocol="tcp",
                                             from_port=PORT, to_port=PORT, description="Cache clients (TLS)",
                                             opts=self._child())
        for i, cidr in enumerate(self._args.client_cidr_blocks, start=1):
            aws.vpc.SecurityGroupIngressRule(f"{self._name}-from-range-{i}", security_group_id=group.id,
                                             cidr_ipv4=cidr, ip_protocol="tcp", from_port=PORT, to_port=PORT,
                                             description="Cache clients over the VPN (TLS)", opts=self._child())
        return group

    def _create_users(self) -> tuple[aws.elasticache.User, aws.elasticache.User]:
        """The application user (IAM auth) and the mandatory `default` user, disabled."""
        app_id = rbac_id(self._prefix, "app")
        app = aws.elasticache.User(f"{self._name}-app", user_id=app_id, user_name=app_id, engine=self._args.engine,
                                   access_string="on ~* +@all -@dangerous", authentication_mode={"type": "iam"},
                                   opts=self._child())
        # ElastiCache user passwords: 16-128 printable characters (API CreateUser, Passwords); letters and digits
        # only, so no character needs escaping anywhere.
        password = random.RandomPassword(f"{self._name}-default", length=DEFAULT_USER_PASSWORD_LENGTH,
                                         special=False, opts=self._child())
        default = aws.elasticache.User(f"{self._name}-default", user_id=rbac_id(self._prefix, "default"),
                                       user_name="default", engine=self._args.engine, access_string="off -@all",
                                       authentication_mode={"type": "password", "passwords": [password.result]},
                                       opts=self._child())
        return app, default

    def _create_user_group(self, default_user: aws.elasticache.User) -> aws.elasticache.UserGroup:
        return aws.elasticache.UserGroup(f"{self._name}-users", user_group_id=rbac_id(self._prefix, "users"),
                                         engine=self._args.engine,
                                         user_ids=[default_user.user_id, self.app_user.user_id], opts=self._child())

    def _create_replication_group(self) -> aws.elasticache.ReplicationGroup:
        args = self._args
        return aws.elasticache.ReplicationGroup(
            f"{self._name}-redis",
            description=f"{self._name} response and session cache",
            engine=args.engine,
            engine_version=args.engine_version or ENGINE_VERSIONS[args.engine],
            node_type=args.node_type,
            num_cache_clusters=args.nodes,
            port=PORT,
            subnet_group_name=self.subnet_group.name,
            security_group_ids=[self.security_group.id],
            user_group_ids=[self.user_group.user_group_id],
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            at_rest_encryption_enabled=True,
            kms_key_id=args.kms_key_arn,
            automatic_failover_enabled=self._ha,
            multi_az_enabled=self._ha,
            snapshot_retention_limit=args.snapshot_retention_days,
            snapshot_window="18:00-19:00",
            maintenance_window="sun:19:30-sun:20:30",
            auto_minor_version_upgrade=True,
            apply_immediately=False,
            opts=self._child(protect=args.production),
        )

    def _create_connect_policy(self) -> aws.iam.Policy:
        """What an application role needs to authenticate as the app user: Connect on this group and user only."""
        document = pulumi.Output.all(self.replication_group.arn, self.app_user.arn).apply(
            lambda arns: json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "elasticache:Connect", "Resource": list(arns)}]}))
        return aws.iam.Policy(f"{self._name}-connect", description=f"Connect to {self._name} as the app user",
                              policy=document, opts=self._child())
