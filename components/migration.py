"""Phase 3 (optional): the shop's existing database copied into the new RDS primary by AWS DMS, then kept in sync.

A full load followed by change data capture (CDC) with row-level validation: the old database keeps taking orders
while the copy catches up, and `rollout migrate cutover` moves the application only once the lag is zero. Nothing
here starts the task or moves traffic: the task is created stopped (`start_replication_task=False`).

Fixed in code: a private replication instance (not publicly accessible, encrypted with the database's key, in the
database's private subnets), TLS to the source (`require` at least; `verify-ca`/`verify-full` with the source's CA
imported as a DMS certificate) and to the target (RDS enforces TLS through its parameter group), credentials read
from Secrets Manager through a role DMS assumes (never in state), and network rules scoped to the two databases.

The network path (from the journey design): the replication instance sits in the private subnets and reaches the
source through the NAT gateways; the source's firewall must admit the NAT gateways' public addresses on its port
(exported as `migrationSourceAllowlist`). A source reached over a VPN or peering instead is named by `source_cidr`.

The target credentials: RDS-managed master secrets carry no host or port, which DMS needs (DMS User Guide, "Using
secrets to access AWS Database Migration Service endpoints"), so the stack creates an empty target secret for a
migration user; fill it with `{"username", "password", "host", "port"}` before starting the task.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import Field

from components._args import Args, StrInput

DMS_VPC_ROLE = "dms-vpc-role"
"""DMS looks the VPC management role up by this exact name (pulumi-aws dms.ReplicationSubnetGroup docs)."""
DMS_VPC_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole"
MIGRATION_TYPE = "full-load-and-cdc"
SOURCE_PORTS = {"postgres": 5432, "mysql": 3306}


class MigrationArgs(Args):
    """Where the old database is, and the new primary it is copied into."""

    engine: Literal["postgres", "mysql"] = Field(description="Engine of both databases. Required.")
    source_host: str = Field(description="Source host or IPv4 address. Required.")
    source_port: int | None = Field(None, ge=1, le=65_535, description="Source port. Defaults to the engine's.")
    source_database: str = Field(description="Source database name. Required.")
    source_secret_arn: str = Field(description="Secret with the source's username, password, host, port. Required.")
    source_tls: Literal["require", "verify-ca", "verify-full"] = Field("require", description="ssl_mode to the "
                                                                                              "source. Defaults to "
                                                                                              "require.")
    source_ca_pem: str | None = Field(None, description="CA of the source's certificate. Defaults to none.")
    source_cidr: str | None = Field(None, description="Source network for the egress rule. Defaults to host/32 "
                                                      "for an address, else 0.0.0.0/0 on the port.")
    schemas: list[str] = Field(["%"], min_length=1, description="Schema patterns to copy. Defaults to all.")
    vpc_id: StrInput = Field(description="VPC of the database. Required.")
    subnet_ids: list[StrInput] = Field(min_length=2, description="Private subnets (2 AZs). Required.")
    target_address: StrInput = Field(description="The new primary's address. Required.")
    target_port: int = Field(description="The new primary's port. Required.")
    target_database: str = Field(description="The new primary's database. Required.")
    target_security_group_id: StrInput = Field(description="The database's security group. Required.")
    kms_key_arn: StrInput = Field(description="The database's KMS key (instance storage, target secret). "
                                              "Required.")
    instance_class: str = Field("dms.t3.small", description="Replication instance class. Defaults to dms.t3.small.")
    storage_gb: int = Field(50, ge=5, le=6144, description="Replication instance storage. Defaults to 50.")
    create_vpc_role: bool = Field(True, description="Create dms-vpc-role. Defaults to true.")
    production: bool = Field(False, description="protect=True on the replication instance. Defaults to false.")


def source_egress_cidr(host: str, explicit: str | None) -> str:
    """The CIDR the replication instance may reach the source in: the explicit one, host/32, or anywhere."""
    if explicit:
        return explicit
    try:
        return f"{ipaddress.IPv4Address(host)}/32"
    except ValueError:
        return "0.0.0.0/0"


def table_mappings(schemas: list[str]) -> str:
    """DMS selection rules: include every table of each schema pattern (DMS skips system schemas itself)."""
    rules = [{"rule-type": "selection", "rule-id": str(i), "rule-name": f"include-{i}",
              "object-locator": {"schema-name": schema, "table-name": "%"}, "rule-action": "include"}
             for i, schema in enumerate(schemas, start=1)]
    return json.dumps({"rules": rules}, sort_keys=True)


def task_settings() -> str:
    """Full load into a schema created beforehand (pg_dump/mysqldump --no-data), then CDC, with validation.

    Keys from the DMS User Guide, "Specifying task settings": TargetMetadata.TargetTablePrepMode DO_NOTHING keeps
    the schema restored from the dump (DMS would create tables without secondary indexes or constraints);
    ValidationSettings.EnableValidation with ValidationMode ROW_LEVEL compares every row; Logging feeds the
    CloudWatch log group DMS creates per task.
    """
    return json.dumps({
        "TargetMetadata": {"TargetSchema": "", "SupportLobs": True, "FullLobMode": False, "LobChunkSize": 64,
                           "LimitedSizeLobMode": True, "LobMaxSize": 32},
        "FullLoadSettings": {"TargetTablePrepMode": "DO_NOTHING", "StopTaskCachedChangesApplied": False,
                             "StopTaskCachedChangesNotApplied": False, "MaxFullLoadSubTasks": 8,
                             "CommitRate": 10000},
        "ValidationSettings": {"EnableValidation": True, "ValidationMode": "ROW_LEVEL", "ThreadCount": 5,
                               "FailureMaxCount": 10000, "HandleCollationDiff": False},
        "Logging": {"EnableLogging": True},
    }, sort_keys=True)


class Migration(pulumi.ComponentResource):
    """Replication subnet group, instance, source and target endpoints, the CDC task, its roles and rules."""

    task_arn: pulumi.Output[str]
    target_secret_arn: pulumi.Output[str]
    replication_instance_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: MigrationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:migration:Migration", name, None, opts)
        self._name = name
        self._args = args
        self._source_port = args.source_port or SOURCE_PORTS[args.engine]
        self._region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region

        vpc_role = self._create_vpc_role()
        self.security_group = self._create_security_group()
        self.subnet_group = self._create_subnet_group(vpc_role)
        self.instance = self._create_instance()
        self.target_secret = self._create_target_secret()
        self.secrets_role = self._create_secrets_role()
        self.certificate = self._create_certificate()
        self.source = self._create_source_endpoint()
        self.target = self._create_target_endpoint()
        self.task = self._create_task()

        self.task_arn = self.task.replication_task_arn
        self.target_secret_arn = self.target_secret.arn
        self.replication_instance_arn = self.instance.replication_instance_arn
        self.security_group_id = self.security_group.id
        self.register_outputs({"taskArn": self.task_arn, "targetSecretArn": self.target_secret_arn})

    def _child(self, **options: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **options)

    def _create_vpc_role(self) -> aws.iam.Role | None:
        if not self._args.create_vpc_role:
            return None
        role = aws.iam.Role(f"{self._name}-vpc-role", name=DMS_VPC_ROLE, description="DMS: manage the network "
                                                                                     "interfaces of replication "
                                                                                     "instances",
                            assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                                "Effect": "Allow", "Principal": {"Service": "dms.amazonaws.com"},
                                "Action": "sts:AssumeRole"}]}), opts=self._child())
        aws.iam.RolePolicyAttachment(f"{self._name}-vpc-role", role=role.name, policy_arn=DMS_VPC_POLICY,
                                     opts=self._child())
        return role

    def _create_security_group(self) -> aws.ec2.SecurityGroup:
        """Egress only to the source port, the target port and HTTPS (Secrets Manager, KMS); no ingress."""
        args = self._args
        group = aws.ec2.SecurityGroup(f"{self._name}-sg", vpc_id=args.vpc_id,
                                      description=f"{self._name}: DMS replication instance, egress to the two "
                                                  "databases only", opts=self._child())
        aws.vpc.SecurityGroupEgressRule(f"{self._name}-to-source", security_group_id=group.id, ip_protocol="tcp",
                                        from_port=self._source_port, to_port=self._source_port,
                                        cidr_ipv4=source_egress_cidr(args.source_host, args.source_cidr),
                                        description="Source database (TLS)", opts=self._child())
        aws.vpc.SecurityGroupEgressRule(f"{self._name}-to-target", security_group_id=group.id, ip_protocol="tcp",
                                        from_port=args.target_port, to_port=args.target_port,
                                        referenced_security_group_id=args.target_security_group_id,
                                        description="New RDS primary (TLS)", opts=self._child())
        aws.vpc.SecurityGroupEgressRule(f"{self._name}-to-https", security_group_id=group.id, ip_protocol="tcp",
                                        from_port=443, to_port=443, cidr_ipv4="0.0.0.0/0",
                                        description="Secrets Manager and KMS APIs", opts=self._child())
        aws.vpc.SecurityGroupIngressRule(f"{self._name}-into-target", security_group_id=args.target_security_group_id,
                                         ip_protocol="tcp", from_port=args.target_port, to_port=args.target_port,
                                         referenced_security_group_id=group.id,
                                         description="DMS replication instance (TLS)", opts=self._child())
        return group

    def _create_subnet_group(self, vpc_role: aws.iam.Role | None) -> aws.dms.ReplicationSubnetGroup:
        depends = [vpc_role] if vpc_role is not None else []
        return aws.dms.ReplicationSubnetGroup(
            f"{self._name}-subnets", replication_subnet_group_id=f"{pulumi.get_stack()}-{self._name}",
            replication_subnet_group_description=f"{self._name}: private subnets of the database",
            subnet_ids=list(self._args.subnet_ids), opts=self._child(depends_on=depends))

    def _create_instance(self) -> aws.dms.ReplicationInstance:
        args = self._args
        return aws.dms.ReplicationInstance(
            f"{self._name}-instance", replication_instance_id=f"{pulumi.get_stack()}-{self._name}",
            replication_instance_class=args.instance_class, allocated_storage=args.storage_gb,
            replication_subnet_group_id=self.subnet_group.replication_subnet_group_id,
            vpc_security_group_ids=[self.security_group.id], publicly_accessible=False, multi_az=False,
            kms_key_arn=args.kms_key_arn, auto_minor_version_upgrade=True, apply_immediately=True,
            preferred_maintenance_window="sun:19:30-sun:20:30", opts=self._child(protect=args.production))

    def _create_target_secret(self) -> aws.secretsmanager.Secret:
        args = self._args
        return aws.secretsmanager.Secret(
            f"{self._name}-target", kms_key_id=args.kms_key_arn, recovery_window_in_days=7,
            description=pulumi.Output.concat(
                f"{self._name}: DMS target credentials of a migration user on the new primary (JSON: username, "
                "password, host, port; host ", args.target_address, f", port {args.target_port})"),
            opts=self._child())

    def _create_secrets_role(self) -> aws.iam.Role:
        """DMS reads the two secrets (and decrypts them) through this role; nothing else."""
        args = self._args
        role = aws.iam.Role(
            f"{self._name}-secrets",
            # DMS User Guide, "Using secrets to access AWS DMS endpoints": the trusted service is regional.
            assume_role_policy=self._region.apply(lambda region: json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": f"dms.{region}.amazonaws.com"},
                "Action": "sts:AssumeRole"}]})),
            description=f"{self._name}: DMS reads the source and target secrets", opts=self._child())
        aws.iam.RolePolicy(
            f"{self._name}-secrets", role=role.id,
            policy=pulumi.Output.all(self.target_secret.arn, args.kms_key_arn).apply(
                lambda values: json.dumps({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                     "Resource": sorted({args.source_secret_arn, values[0]})},
                    {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": [values[1]],
                     "Condition": {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}}]})),
            opts=self._child())
        return role

    def _create_certificate(self) -> aws.dms.Certificate | None:
        if not self._args.source_ca_pem:
            return None
        return aws.dms.Certificate(f"{self._name}-source-ca", certificate_id=f"{pulumi.get_stack()}-{self._name}-ca",
                                   certificate_pem=self._args.source_ca_pem, opts=self._child())

    def _create_source_endpoint(self) -> aws.dms.Endpoint:
        args = self._args
        return aws.dms.Endpoint(
            f"{self._name}-source", endpoint_id=f"{pulumi.get_stack()}-{self._name}-source", endpoint_type="source",
            engine_name=args.engine, database_name=args.source_database, ssl_mode=args.source_tls,
            certificate_arn=self.certificate.certificate_arn if self.certificate is not None else None,
            secrets_manager_arn=args.source_secret_arn, secrets_manager_access_role_arn=self.secrets_role.arn,
            kms_key_arn=args.kms_key_arn, opts=self._child())

    def _create_target_endpoint(self) -> aws.dms.Endpoint:
        args = self._args
        return aws.dms.Endpoint(
            f"{self._name}-target", endpoint_id=f"{pulumi.get_stack()}-{self._name}-target", endpoint_type="target",
            engine_name=args.engine, database_name=args.target_database, ssl_mode="require",
            secrets_manager_arn=self.target_secret.arn, secrets_manager_access_role_arn=self.secrets_role.arn,
            kms_key_arn=args.kms_key_arn, opts=self._child())

    def _create_task(self) -> aws.dms.ReplicationTask:
        return aws.dms.ReplicationTask(
            f"{self._name}-task", replication_task_id=f"{pulumi.get_stack()}-{self._name}",
            migration_type=MIGRATION_TYPE, replication_instance_arn=self.instance.replication_instance_arn,
            source_endpoint_arn=self.source.endpoint_arn, target_endpoint_arn=self.target.endpoint_arn,
            table_mappings=table_mappings(self._args.schemas), replication_task_settings=task_settings(),
            start_replication_task=False, opts=self._child())
