"""Phase 3: an RDS PostgreSQL (or MySQL) primary and its read replicas.

Fixed in code: storage encrypted with a customer-managed KMS key (also used for Performance Insights and the
master password secret), a TLS-only parameter group (`rds.force_ssl=1` / `require_secure_transport=1`) shared by
primary and replicas, the master password managed by RDS in Secrets Manager (never in state; RDS rotates it), at
least 7 days of backups, deletion protection, a final snapshot on delete, IAM database authentication,
Performance Insights, enhanced monitoring (60 s, role with an inline least-privilege policy), CloudWatch log
exports, automatic minor upgrades, a current RDS CA, private subnets and ingress only from the client security
groups. Multi-AZ is an argument (the phase decides it per environment); `protect=True` in production.

Read replicas are data (`replicas: N`): each has a stable name (`<name>-replica-<i>`), so adding one never
replaces another. Escape hatch: `adopt_identifier` imports an existing instance instead of creating one; what the
provider cannot change in place (storage key, database name, master user: `ForceNew` in the provider schema) is
taken from `adopt_kms_key_arn` / `database_name` / `master_username` or kept as it is with `ignore_changes`
(`ADOPT_KEEPS`), so adopting never replaces the shop's database. The master password of an adopted instance is
kept too: switching it to an RDS-managed secret would change the password the running application uses.

Changes RDS applies later or refuses: `allow_major_version_upgrade` must be set for a major engine upgrade, and
without `apply_immediately` class, storage and version changes wait for the maintenance window.
"""

from __future__ import annotations

import json
import re
from typing import Literal

import pulumi
import pulumi_aws as aws
from pydantic import Field, field_validator, model_validator

from components import kms, sizing
from components._args import Args, StrInput

CA_CERTIFICATE = "rds-ca-rsa2048-g1"
MONITORING_INTERVAL_SECONDS = 60

BACKUP_WINDOW = "18:00-19:00"
"""RDS automated backups, UTC (01:00-02:00 in Vietnam); AWS Backup's rules start at least an hour later."""
MAINTENANCE_WINDOW = "sun:19:30-sun:20:30"


class DatabaseArgs(Args):
    """The database's engine, size, replicas and where it lives."""

    vpc_id: StrInput = Field(description="VPC of the database. Required.")
    subnet_ids: list[StrInput] = Field(min_length=2, description="Private subnets (at least 2 AZs). Required.")
    client_security_group_ids: list[StrInput] = Field([], description="Security groups allowed to connect. "
                                                                      "Defaults to none.")
    client_cidr_blocks: list[str] = Field([], description="Address ranges allowed to connect (the current server "
                                                          "over a site-to-site VPN). Defaults to none.")
    engine: Literal["postgres", "mysql"] = Field("postgres", description="Defaults to postgres.")
    engine_version: str | None = Field(None, description="Defaults to 16 (postgres) / 8.0 (mysql).")
    instance_class: str = Field("db.t4g.small", description="Defaults to db.t4g.small.")
    storage_gb: int = Field(20, ge=20, le=65_536, description="gp3 storage. Defaults to 20.")
    max_storage_gb: int | None = Field(None, ge=20, le=65_536, description="Storage autoscaling ceiling. "
                                                                         "Defaults to 5× storage_gb.")
    replicas: int = Field(0, ge=0, le=5, description="Read replicas. Defaults to 0.")
    multi_az: bool = Field(False, description="Synchronous standby in a second AZ. Defaults to false.")
    backup_retention_days: int = Field(7, ge=7, le=35, description="Automated backups kept. Defaults to 7.")
    database_name: str = Field("app", description="Initial database. Defaults to app.")
    master_username: str = Field("app_admin", description="Master user (password managed by RDS). "
                                                          "Defaults to app_admin.")
    adopt_identifier: str | None = Field(None, description="Import an existing instance by identifier. "
                                                           "Defaults to none (create).")
    adopt_kms_key_arn: str | None = Field(None, description="Storage key of the adopted instance. Defaults to "
                                                            "none (kept as it is).")
    allow_major_version_upgrade: bool = Field(False, description="Let RDS upgrade the engine by a major version. "
                                                                 "Defaults to false.")
    apply_immediately: bool = Field(False, description="Apply modifications now, not in the maintenance window. "
                                                       "Defaults to false.")
    production: bool = Field(False, description="protect=True on the instances. Defaults to false.")

    @field_validator("instance_class")
    @classmethod
    def _class(cls, value: str) -> str:
        if not re.fullmatch(r"db\.[a-z0-9]+\.[a-z0-9]+", value):
            raise ValueError(f"{value!r} is not an RDS instance class (e.g. db.t4g.small)")
        return value

    @field_validator("database_name", "master_username")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9_]{0,62}", value):
            raise ValueError(f"{value!r} must start with a letter and contain only letters, digits and _")
        return value

    @model_validator(mode="after")
    def _storage(self) -> DatabaseArgs:
        if self.max_storage_gb is not None and self.max_storage_gb < self.storage_gb:
            raise ValueError("max_storage_gb must be at least storage_gb")
        return self


# What an adopted instance keeps from its own state unless the config says what it is. Each is an input the provider
# cannot change in place (terraform-provider-aws internal/service/rds/instance.go: `ForceNew: true` on
# storage_encrypted, kms_key_id, db_name, username), or one whose change would break the running shop (the master
# password moving to a managed secret; the Performance Insights key, which RDS never lets change once set:
# pulumi-aws docs for aws.rds.Instance `performanceInsightsKmsKeyId`).
ADOPT_KEEPS: dict[str, str] = {
    "storageEncrypted": "adopt_kms_key_arn", "kmsKeyId": "adopt_kms_key_arn", "dbName": "database_name",
    "username": "master_username", "manageMasterUserPassword": "", "masterUserSecretKmsKeyId": "",
    "performanceInsightsKmsKeyId": "",
}


def adoption_ignore_changes(args: DatabaseArgs, explicit: frozenset[str] = frozenset()) -> list[str]:
    """The primary's ignore_changes when adopting: every ADOPT_KEEPS input the config does not state."""
    if not args.adopt_identifier:
        return []
    return [prop for prop, field in ADOPT_KEEPS.items() if not (field and field in explicit)]


def rds_identifier(*parts: str, limit: int = 63) -> str:
    """RDS instance/snapshot ids: lowercase letters, digits and single hyphens, starting with a letter."""
    text = re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
    text = text if text[:1].isalpha() else f"db-{text}"
    return text[:limit].rstrip("-")


class Database(pulumi.ComponentResource):
    """Primary, replicas, parameter group, subnet group, security group, KMS key and monitoring role."""

    writer_endpoint: pulumi.Output[str]
    reader_endpoints: list[pulumi.Output[str]]
    secret_arn: pulumi.Output[str]
    port: int
    database_name: str
    identifier: str
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:database:Database", name, None, opts)
        self._name = name
        self._args = args
        self._version = sizing.db_engine_version(args.engine, args.engine_version)
        self._port = sizing.DB_PORTS[args.engine]

        self.key = self._create_key()
        self.subnet_group = self._create_subnet_group()
        self.security_group = self._create_security_group()
        self.parameter_group = self._create_parameter_group()
        self.monitoring_role = self._create_monitoring_role()
        self.identifier = args.adopt_identifier or rds_identifier(pulumi.get_stack(), name, limit=50)
        self.primary = self._create_primary()
        self.replicas = [self._create_replica(i + 1, identifier) for i, identifier in
                         enumerate(sizing.replica_identifiers(self.identifier, args.replicas))]

        self.writer_endpoint = self.primary.address
        self.resource_id = self.primary.resource_id
        """The DbiResourceId in `rds-db:connect` ARNs (IAM database authentication)."""
        self.reader_endpoints = [replica.address for replica in self.replicas]
        self.secret_arn = self.primary.master_user_secrets.apply(lambda s: s[0]["secret_arn"] if s and isinstance(
            s[0], dict) else (s[0].secret_arn if s else None))
        self.port = self._port
        self.database_name = args.database_name
        self.security_group_id = self.security_group.id
        self.register_outputs({"writerEndpoint": self.writer_endpoint, "readerEndpoints": self.reader_endpoints,
                               "secretArn": self.secret_arn, "port": self._port})

    def _child(self, **options) -> pulumi.ResourceOptions:  # type: ignore[no-untyped-def]
        return pulumi.ResourceOptions(parent=self, **options)

    def _create_key(self) -> aws.kms.Key:
        return kms.customer_managed_key(self._name, f"sme-rollout {self._name}: storage, Performance Insights "
                                                    "and master password", self)

    def _create_subnet_group(self) -> aws.rds.SubnetGroup:
        return aws.rds.SubnetGroup(f"{self._name}-subnets", subnet_ids=list(self._args.subnet_ids),
                                   description=f"{self._name} private subnets", opts=self._child())

    def _create_security_group(self) -> aws.ec2.SecurityGroup:
        group = aws.ec2.SecurityGroup(f"{self._name}-sg", vpc_id=self._args.vpc_id,
                                      description=f"{self._name}: database port from application servers only",
                                      opts=self._child())
        for i, client in enumerate(self._args.client_security_group_ids, start=1):
            aws.vpc.SecurityGroupIngressRule(f"{self._name}-from-client-{i}", security_group_id=group.id,
                                             referenced_security_group_id=client, ip_protocol="tcp",
                                             from_port=self._port, to_port=self._port,
                                             description="Database clients (TLS)", opts=self._child())
        for i, cidr in enumerate(self._args.client_cidr_blocks, start=1):
            aws.vpc.SecurityGroupIngressRule(f"{self._name}-from-range-{i}", security_group_id=group.id,
                                             cidr_ipv4=cidr, ip_protocol="tcp", from_port=self._port, to_port=self._port,
                                             description="Database clients over the VPN (TLS)", opts=self._child())
        return group

    def _create_parameter_group(self) -> aws.rds.ParameterGroup:
        """TLS-only connections, for the primary and every replica."""
        parameter, value = sizing.DB_TLS_PARAMETERS[self._args.engine]
        return aws.rds.ParameterGroup(
            f"{self._name}-tls", family=sizing.db_parameter_family(self._args.engine, self._version),
            description=f"{self._name}: TLS-only connections",
            parameters=[{"name": parameter, "value": value, "apply_method": "pending-reboot"}],
            opts=self._child())

    def _create_monitoring_role(self) -> aws.iam.Role:
        """Enhanced monitoring: write the RDSOSMetrics log group only (the AWS managed policy, narrowed)."""
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        role = aws.iam.Role(
            f"{self._name}-monitoring",
            assume_role_policy=account_id.apply(lambda account: json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "monitoring.rds.amazonaws.com"},
                "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]})),
            opts=self._child())
        aws.iam.RolePolicy(
            f"{self._name}-monitoring", role=role.id,
            policy=account_id.apply(lambda account: json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
                 "Resource": f"arn:aws:logs:*:{account}:log-group:RDS*"},
                {"Effect": "Allow",
                 "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams",
                            "logs:GetLogEvents"],
                 "Resource": f"arn:aws:logs:*:{account}:log-group:RDS*:log-stream:*"}]})),
            opts=self._child())
        return role

    def _common(self) -> dict:
        """Settings the primary and its replicas share (RDS-10: same TLS group and monitoring)."""
        return {
            "instance_class": self._args.instance_class,
            "parameter_group_name": self.parameter_group.name,
            "vpc_security_group_ids": [self.security_group.id],
            "publicly_accessible": False,
            "deletion_protection": True,
            "iam_database_authentication_enabled": True,
            **self._performance_insights(),
            "monitoring_interval": MONITORING_INTERVAL_SECONDS,
            "monitoring_role_arn": self.monitoring_role.arn,
            "enabled_cloudwatch_logs_exports": sizing.DB_LOG_EXPORTS[self._args.engine],
            "auto_minor_version_upgrade": True,
            "ca_cert_identifier": CA_CERTIFICATE,
            "copy_tags_to_snapshot": True,
            "apply_immediately": self._args.apply_immediately,
        }

    def _performance_insights(self) -> dict:
        """On wherever RDS supports it (not MySQL on micro/small burstable classes, where creation would fail)."""
        if not sizing.performance_insights_supported(self._args.engine, self._args.instance_class):
            return {"performance_insights_enabled": False}
        return {"performance_insights_enabled": True, "performance_insights_kms_key_id": self.key.arn,
                "performance_insights_retention_period": 7}

    def _create_primary(self) -> aws.rds.Instance:
        args = self._args
        adopt = args.adopt_identifier
        explicit = frozenset(name for name in args.model_fields_set if getattr(args, name) is not None)
        kms_key = args.adopt_kms_key_arn if adopt and args.adopt_kms_key_arn else self.key.arn
        return aws.rds.Instance(
            f"{self._name}-db",
            identifier=self.identifier,
            engine=args.engine,
            engine_version=self._version,
            allocated_storage=args.storage_gb,
            max_allocated_storage=args.max_storage_gb or args.storage_gb * 5,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=kms_key,
            db_name=args.database_name,
            username=args.master_username,
            manage_master_user_password=True,
            master_user_secret_kms_key_id=self.key.arn,
            db_subnet_group_name=self.subnet_group.name,
            multi_az=args.multi_az,
            backup_retention_period=args.backup_retention_days,
            backup_window=BACKUP_WINDOW,
            maintenance_window=MAINTENANCE_WINDOW,
            skip_final_snapshot=False,
            final_snapshot_identifier=rds_identifier(self.identifier, "final", limit=255),
            delete_automated_backups=False,
            port=self._port,
            allow_major_version_upgrade=args.allow_major_version_upgrade,
            **self._common(),
            opts=self._child(protect=args.production, import_=adopt,
                             ignore_changes=adoption_ignore_changes(args, explicit) or None),
        )

    def _create_replica(self, number: int, identifier: str) -> aws.rds.Instance:
        """Same region: inherits storage encryption and the subnet group from the primary."""
        return aws.rds.Instance(
            f"{self._name}-replica-{number}",
            identifier=identifier,
            replicate_source_db=self.primary.identifier,
            multi_az=False,
            allow_major_version_upgrade=self._args.allow_major_version_upgrade,
            skip_final_snapshot=True,
            **self._common(),
            opts=self._child(protect=self._args.production),
        )
