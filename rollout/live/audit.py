"""Read-only compliance audit of a live AWS account, with the same controls as the policy pack.

Each collector reads one service with boto3 (paginators; botocore's standard retry mode backs off on throttling)
and normalizes every live resource into a `policies.core.Subject` shaped like the Pulumi resource that would have
created it: `type` is the Pulumi type token, `props` uses the camelCase input names the controls read, and the URN
is the resource's ARN. Settings that Pulumi models as separate resources (a bucket's public access block, an RDS
parameter group, a WAF association...) become their own subjects joined through `property_dependencies`, exactly
as the (S) controls join them. Then `policies.core.evaluate` runs the registry's controls over them.

A service that cannot be read (access denied, throttled past the retries, not implemented by the endpoint) is
reported as not evaluated, and every control that reads one of its resource types is skipped: never a pass.
The audit only calls Describe*/Get*/List* operations (rollout/data/audit-policy.json lists them).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from policies.core import UNKNOWN_STRING_VALUE, Control, Finding, Subject, evaluate
from rollout.errors import UserError

# Pulumi type tokens of what the audit reads.
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
QUEUE = "aws:sqs/queue:Queue"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
RESPONSE_HEADERS_POLICY = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl"
BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
S3_TYPES = (BUCKET, BUCKET_PUBLIC_ACCESS_BLOCK, BUCKET_POLICY, BUCKET_OWNERSHIP, BUCKET_ACL, BUCKET_ENCRYPTION,
            BUCKET_VERSIONING, BUCKET_LOGGING, BUCKET_LIFECYCLE)
IAM_ROLE = "aws:iam/role:Role"
IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
IAM_POLICY = "aws:iam/policy:Policy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_VAULT = "aws:backup/vault:Vault"
BACKUP_SELECTION = "aws:backup/selection:Selection"
KMS_KEY = "aws:kms/key:Key"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
AMP_WORKSPACE = "aws:amp/workspace:Workspace"
GRAFANA_WORKSPACE = "aws:grafana/workspace:Workspace"
BUDGET = "aws:budgets/budget:Budget"
TRAIL = "aws:cloudtrail/trail:Trail"
TOPIC = "aws:sns/topic:Topic"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
NETWORK_TYPES = (VPC, SUBNET, FLOW_LOG, SECURITY_GROUP, DEFAULT_SECURITY_GROUP)
DB_SNAPSHOT = "aws:rds/snapshot:Snapshot"
CERTIFICATE = "aws:acm/certificate:Certificate"
DB_CLUSTER_SNAPSHOT = "aws:rds/clusterSnapshot:ClusterSnapshot"

#: botocore client settings: standard retry mode (exponential backoff with jitter on throttling and transient
#: errors), bounded timeouts so that an unreachable endpoint fails one service quickly.
RETRY_ATTEMPTS = 6
TLS_PARAMETERS = ("rds.force_ssl", "require_secure_transport")
SECRET_SET = "(set; value not readable)"
_ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
                  "UnauthorizedException", "Forbidden"}
_THROTTLED = {"Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
              "RequestLimitExceeded", "SlowDown", "RequestThrottled", "RequestThrottledException"}
_NOT_SUPPORTED = {"NotImplemented", "InvalidAction", "UnknownOperationException", "404", "501"}


def client_config() -> Any:
    from botocore.config import Config

    return Config(retries={"mode": "standard", "max_attempts": RETRY_ATTEMPTS}, connect_timeout=5,
                  read_timeout=30, user_agent_extra="sme-rollout-audit")


# --- session and errors -------------------------------------------------------------------------------------------


def open_session(region: str | None = None, profile: str | None = None) -> Any:
    """A boto3 session honouring AWS_PROFILE, AWS_REGION/AWS_DEFAULT_REGION and the shared config files; the
    arguments override them. Bad profile or no region → UserError (exit 2)."""
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        session = boto3.Session(profile_name=profile or None)
    except ProfileNotFound as error:
        raise UserError(f"AWS profile {error.kwargs.get('profile', profile)!r} is not in the shared config files") from None
    chosen = region or os.environ.get("AWS_REGION") or session.region_name
    if not chosen:
        raise UserError("no AWS region: pass --region or set AWS_REGION (or a region in the profile)")
    return boto3.Session(profile_name=profile or None, region_name=chosen)


def caller_account(session: Any) -> str:
    """The account id of the credentials, or UserError when there are none or they are rejected."""
    from botocore.exceptions import ClientError, NoCredentialsError, PartialCredentialsError

    if session.get_credentials() is None:
        raise UserError("no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or "
                        "run `aws configure` / `aws sso login`")
    try:
        return session.client("sts", config=client_config()).get_caller_identity()["Account"]
    except (NoCredentialsError, PartialCredentialsError) as error:
        raise UserError(f"AWS credentials are incomplete: {error}") from None
    except ClientError as error:
        raise UserError(f"AWS rejected the credentials ({error_code(error)}): {error_message(error)}") from None


def error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", "")) or type(error).__name__


def error_message(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Message", "")) or str(error)


def describe_failure(error: Exception) -> str:
    """One line saying why a service could not be read, and what to do about it."""
    from botocore.exceptions import EndpointConnectionError, NoCredentialsError

    if isinstance(error, NotImplementedError):
        return f"not supported by this endpoint ({error})"
    if isinstance(error, EndpointConnectionError):
        return f"endpoint unreachable: {error}"
    if isinstance(error, NoCredentialsError):
        return "no credentials"
    code = error_code(error)
    message = error_message(error)
    if code in _ACCESS_DENIED:
        return f"access denied ({code}): {message} (grant the actions in rollout/data/audit-policy.json)"
    if code in _THROTTLED:
        return f"throttled ({code}) after {RETRY_ATTEMPTS} attempts with backoff; try again later"
    if code in _NOT_SUPPORTED or "not yet implemented" in message.lower():
        return f"not supported by this endpoint ({code}: {message})"
    return f"{code}: {message}"


def _audit_errors() -> tuple[type[BaseException], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (ClientError, BotoCoreError, NotImplementedError)


# --- reading ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unavailable:
    """A service (or part of one) the audit could not read: the controls over `types` are not evaluated."""

    service: str
    reason: str
    types: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"service": self.service, "reason": self.reason, "resourceTypes": list(self.types)}


@dataclass
class Reader:
    """The account being read: one client per service (tests may inject stubbed ones), account id and region."""

    session: Any
    account: str
    region: str
    clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = self.session.client(service, region_name=self.region, config=client_config())
        return self.clients[service]

    def items(self, service: str, operation: str, path: str, **params: Any) -> Iterator[Any]:
        """Every item at JMESPath `path` over all pages of `operation` (one call when it cannot paginate)."""
        client = self.client(service)
        if client.can_paginate(operation):
            for item in client.get_paginator(operation).paginate(**params).search(path):
                if item is not None:
                    yield item
            return
        import jmespath

        yield from jmespath.search(path, getattr(client, operation)(**params)) or []


@dataclass
class Collection:
    subjects: list[Subject] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)

    @contextmanager
    def attempt(self, service: str, types: Iterable[str]) -> Iterator[list[Subject]]:
        """Collect into a buffer that is kept only if the whole block succeeds; a read error marks `types` as
        unavailable instead of stopping the audit."""
        found: list[Subject] = []
        try:
            yield found
        except _audit_errors() as error:
            self.unavailable.append(Unavailable(service, describe_failure(error), tuple(types)))
        else:
            self.subjects.extend(found)


def optional(call: Callable[..., Any], *missing_codes: str, **params: Any) -> Any:
    """The response of a Get* call, or None when the setting is simply not configured (one of `missing_codes`)."""
    from botocore.exceptions import ClientError

    try:
        return call(**params)
    except ClientError as error:
        if error_code(error) in missing_codes:
            return None
        raise


def _subject(type_: str, name: str, urn: str, props: Mapping[str, Any],
             deps: Mapping[str, Sequence[str]] | None = None) -> Subject:
    clean = {key: value for key, value in props.items() if value is not None}
    return Subject.of(type_, name, urn, clean, property_dependencies={k: list(v) for k, v in (deps or {}).items()})


def _json(document: Any) -> str | None:
    """Policy documents as JSON strings, the way the Pulumi engine passes them to policies."""
    if document is None or isinstance(document, str):
        return document
    return json.dumps(document, sort_keys=True)


def _tags(tag_list: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tag_list or ()}


# --- RDS ----------------------------------------------------------------------------------------------------------


def normalize_db_instance(db: Mapping[str, Any], account: str, region: str) -> Subject:
    groups = [g["DBParameterGroupName"] for g in db.get("DBParameterGroups", [])]
    source = db.get("ReadReplicaSourceDBInstanceIdentifier")
    deps: dict[str, list[str]] = {}
    if groups:
        deps["parameterGroupName"] = [_arn("rds", region, account, f"pg:{groups[0]}")]
    if source:
        deps["replicateSourceDb"] = [source if source.startswith("arn:") else _arn("rds", region, account, f"db:{source}")]
    props = {
        "identifier": db["DBInstanceIdentifier"],
        "engine": db.get("Engine"),
        "engineVersion": db.get("EngineVersion"),
        "instanceClass": db.get("DBInstanceClass"),
        "allocatedStorage": db.get("AllocatedStorage"),
        "storageEncrypted": db.get("StorageEncrypted", False),
        "kmsKeyId": db.get("KmsKeyId"),
        "publiclyAccessible": db.get("PubliclyAccessible", False),
        "multiAz": db.get("MultiAZ", False),
        "backupRetentionPeriod": db.get("BackupRetentionPeriod", 0),
        "deletionProtection": db.get("DeletionProtection", False),
        "parameterGroupName": groups[0] if groups else None,
        "iamDatabaseAuthenticationEnabled": db.get("IAMDatabaseAuthenticationEnabled", False),
        "enabledCloudwatchLogsExports": db.get("EnabledCloudwatchLogsExports", []),
        "monitoringInterval": db.get("MonitoringInterval", 0),
        "performanceInsightsEnabled": db.get("PerformanceInsightsEnabled", False),
        "performanceInsightsKmsKeyId": db.get("PerformanceInsightsKMSKeyId"),
        "autoMinorVersionUpgrade": db.get("AutoMinorVersionUpgrade"),
        "caCertIdentifier": db.get("CACertificateIdentifier"),
        "replicateSourceDb": source,
        "dbSubnetGroupName": (db.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
        "tags": _tags(db.get("TagList")),
    }
    return _subject(RDS_INSTANCE, db["DBInstanceIdentifier"], db["DBInstanceArn"], props, deps)


def normalize_parameter_group(group: Mapping[str, Any], parameters: Iterable[Mapping[str, Any]]) -> Subject:
    """Only the TLS parameters the controls read are kept (a default group has hundreds)."""
    kept = [{"name": p["ParameterName"], "value": str(p["ParameterValue"]), "applyMethod": p.get("ApplyMethod")}
            for p in parameters if p.get("ParameterName") in TLS_PARAMETERS and "ParameterValue" in p]
    props = {"name": group["DBParameterGroupName"], "family": group.get("DBParameterGroupFamily"),
             "parameters": kept}
    return _subject(RDS_PARAMETER_GROUP, group["DBParameterGroupName"], group["DBParameterGroupArn"], props)


def _arn(service: str, region: str, account: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def collect_rds(reader: Reader, out: Collection) -> None:
    with out.attempt("rds", (RDS_INSTANCE, RDS_PARAMETER_GROUP)) as found:
        instances = [db for db in reader.items("rds", "describe_db_instances", "DBInstances[]")
                     if not str(db.get("Engine", "")).startswith(("aurora", "docdb", "neptune"))]
        found.extend(normalize_db_instance(db, reader.account, reader.region) for db in instances)
        names = sorted({g["DBParameterGroupName"] for db in instances for g in db.get("DBParameterGroups", [])})
        rds = reader.client("rds")
        for name in names:
            group = rds.describe_db_parameter_groups(DBParameterGroupName=name)["DBParameterGroups"][0]
            parameters = reader.items("rds", "describe_db_parameters", "Parameters[]", DBParameterGroupName=name)
            found.append(normalize_parameter_group(group, parameters))


def normalize_snapshot(snapshot: Mapping[str, Any], attributes: Iterable[Mapping[str, Any]], cluster: bool) -> Subject:
    """A manual DB (or cluster) snapshot; the `restore` attribute's values are its sharedAccounts ('all' = public)."""
    shared = [v for a in attributes if a.get("AttributeName") == "restore" for v in a.get("AttributeValues") or []]
    if cluster:
        return _subject(DB_CLUSTER_SNAPSHOT, snapshot["DBClusterSnapshotIdentifier"], snapshot["DBClusterSnapshotArn"],
                        {"dbClusterIdentifier": snapshot.get("DBClusterIdentifier"), "sharedAccounts": shared})
    return _subject(DB_SNAPSHOT, snapshot["DBSnapshotIdentifier"], snapshot["DBSnapshotArn"],
                    {"dbInstanceIdentifier": snapshot.get("DBInstanceIdentifier"), "sharedAccounts": shared})


def normalize_certificate(certificate: Mapping[str, Any]) -> Subject:
    """An ACM certificate from DescribeCertificate: transparency logging preference and key algorithm (an imported
    certificate's key is its own, marked by a certificateBody placeholder as in aws.acm.Certificate inputs)."""
    props = {"domainName": certificate.get("DomainName"), "keyAlgorithm": certificate.get("KeyAlgorithm"),
             "options": {"certificateTransparencyLoggingPreference":
                         (certificate.get("Options") or {}).get("CertificateTransparencyLoggingPreference")},
             "certificateBody": SECRET_SET if certificate.get("Type") == "IMPORTED" else None}
    return _subject(CERTIFICATE, certificate.get("DomainName", certificate["CertificateArn"]),
                    certificate["CertificateArn"], props)


def collect_certificates(reader: Reader, out: Collection) -> None:
    with out.attempt("acm", (CERTIFICATE,)) as found:
        acm = reader.client("acm")
        for summary in reader.items("acm", "list_certificates", "CertificateSummaryList[]"):
            found.append(normalize_certificate(
                acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]))


def collect_rds_snapshots(reader: Reader, out: Collection) -> None:
    with out.attempt("rds snapshots", (DB_SNAPSHOT, DB_CLUSTER_SNAPSHOT)) as found:
        rds = reader.client("rds")
        for snapshot in reader.items("rds", "describe_db_snapshots", "DBSnapshots[]", SnapshotType="manual"):
            attributes = rds.describe_db_snapshot_attributes(DBSnapshotIdentifier=snapshot["DBSnapshotIdentifier"])
            found.append(normalize_snapshot(snapshot, attributes["DBSnapshotAttributesResult"].get(
                "DBSnapshotAttributes", []), cluster=False))
        for snapshot in reader.items("rds", "describe_db_cluster_snapshots", "DBClusterSnapshots[]",
                                     SnapshotType="manual"):
            attributes = rds.describe_db_cluster_snapshot_attributes(
                DBClusterSnapshotIdentifier=snapshot["DBClusterSnapshotIdentifier"])
            found.append(normalize_snapshot(snapshot, attributes["DBClusterSnapshotAttributesResult"].get(
                "DBClusterSnapshotAttributes", []), cluster=True))


# --- ElastiCache --------------------------------------------------------------------------------------------------


def normalize_replication_group(group: Mapping[str, Any]) -> Subject:
    node_groups = group.get("NodeGroups", [])
    cluster_mode = group.get("ClusterEnabled", False)
    props = {
        "replicationGroupId": group["ReplicationGroupId"],
        "description": group.get("Description"),
        "atRestEncryptionEnabled": group.get("AtRestEncryptionEnabled", False),
        "transitEncryptionEnabled": group.get("TransitEncryptionEnabled", False),
        "transitEncryptionMode": group.get("TransitEncryptionMode"),
        "kmsKeyId": group.get("KmsKeyId"),
        # The token itself is never readable; the API only says whether one is required.
        "authToken": SECRET_SET if group.get("AuthTokenEnabled") else None,
        "userGroupIds": group.get("UserGroupIds", []),
        "automaticFailoverEnabled": group.get("AutomaticFailover") in ("enabled", "enabling"),
        "multiAzEnabled": group.get("MultiAZ") == "enabled",
        "snapshotRetentionLimit": group.get("SnapshotRetentionLimit", 0),
    }
    if cluster_mode:
        props["numNodeGroups"] = len(node_groups)
        props["replicasPerNodeGroup"] = max((len(g.get("NodeGroupMembers", [])) - 1 for g in node_groups), default=0)
    else:
        props["numCacheClusters"] = len(group.get("MemberClusters", []))
    return _subject(REPLICATION_GROUP, group["ReplicationGroupId"], group["ARN"], props)


def collect_elasticache(reader: Reader, out: Collection) -> None:
    with out.attempt("elasticache", (REPLICATION_GROUP,)) as found:
        for group in reader.items("elasticache", "describe_replication_groups", "ReplicationGroups[]"):
            found.append(normalize_replication_group(group))


# --- SQS ----------------------------------------------------------------------------------------------------------


def normalize_queue(attributes: Mapping[str, str]) -> Subject:
    arn = attributes["QueueArn"]
    redrive = attributes.get("RedrivePolicy")
    deps = {}
    if redrive:
        target = json.loads(redrive).get("deadLetterTargetArn")
        if target:
            deps["redrivePolicy"] = [target]

    def number(key: str) -> int | None:
        return int(attributes[key]) if key in attributes else None

    props = {
        "name": arn.rsplit(":", 1)[-1],
        "fifoQueue": attributes.get("FifoQueue") == "true",
        "sqsManagedSseEnabled": attributes.get("SqsManagedSseEnabled") == "true",
        "kmsMasterKeyId": attributes.get("KmsMasterKeyId"),
        "redrivePolicy": redrive,
        "redriveAllowPolicy": attributes.get("RedriveAllowPolicy"),
        "policy": attributes.get("Policy"),
        "messageRetentionSeconds": number("MessageRetentionPeriod"),
        "visibilityTimeoutSeconds": number("VisibilityTimeout"),
    }
    return _subject(QUEUE, props["name"], arn, props, deps)


def collect_sqs(reader: Reader, out: Collection) -> None:
    with out.attempt("sqs", (QUEUE,)) as found:
        sqs = reader.client("sqs")
        for url in reader.items("sqs", "list_queues", "QueueUrls[]"):
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            found.append(normalize_queue(attributes))


# --- CloudFront ---------------------------------------------------------------------------------------------------


def _items(wrapper: Mapping[str, Any] | None) -> list[Any]:
    """CloudFront wraps lists as {Quantity, Items}; Pulumi passes plain lists."""
    return list((wrapper or {}).get("Items") or [])


def _behavior(behavior: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in {
        "pathPattern": behavior.get("PathPattern"),
        "targetOriginId": behavior.get("TargetOriginId"),
        "viewerProtocolPolicy": behavior.get("ViewerProtocolPolicy"),
        "responseHeadersPolicyId": behavior.get("ResponseHeadersPolicyId") or None,
        "cachePolicyId": behavior.get("CachePolicyId") or None,
        "compress": behavior.get("Compress"),
    }.items() if value is not None}


def _origin(origin: Mapping[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {"originId": origin["Id"], "domainName": origin["DomainName"]}
    if origin.get("OriginPath"):
        shaped["originPath"] = origin["OriginPath"]
    if origin.get("OriginAccessControlId"):
        shaped["originAccessControlId"] = origin["OriginAccessControlId"]
    if "S3OriginConfig" in origin:
        shaped["s3OriginConfig"] = {"originAccessIdentity": origin["S3OriginConfig"].get("OriginAccessIdentity", "")}
    custom = origin.get("CustomOriginConfig")
    if custom:
        shaped["customOriginConfig"] = {
            "originProtocolPolicy": custom.get("OriginProtocolPolicy"),
            "originSslProtocols": _items(custom.get("OriginSslProtocols")),
            "httpPort": custom.get("HTTPPort"),
            "httpsPort": custom.get("HTTPSPort"),
        }
    return shaped


def rhp_arn(account: str, policy_id: str) -> str:
    return f"arn:aws:cloudfront::{account}:response-headers-policy/{policy_id}"


def normalize_distribution(distribution_id: str, arn: str, config: Mapping[str, Any], account: str) -> Subject:
    logging = config.get("Logging") or {}
    certificate = config.get("ViewerCertificate") or {}
    default = _behavior(config["DefaultCacheBehavior"])
    ordered = [_behavior(b) for b in _items(config.get("CacheBehaviors"))]
    props = {
        "enabled": config.get("Enabled"),
        "comment": config.get("Comment") or None,
        "aliases": _items(config.get("Aliases")),
        "defaultRootObject": config.get("DefaultRootObject") or None,
        "webAclId": config.get("WebACLId") or None,
        "httpVersion": config.get("HttpVersion"),
        "isIpv6Enabled": config.get("IsIPV6Enabled"),
        "priceClass": config.get("PriceClass"),
        "origins": [_origin(o) for o in _items(config.get("Origins"))],
        "defaultCacheBehavior": default,
        "orderedCacheBehaviors": ordered,
        "viewerCertificate": {key: value for key, value in {
            # The API takes exactly one certificate source; a custom one means the default is not used.
            "cloudfrontDefaultCertificate": bool(certificate.get("CloudFrontDefaultCertificate"))
            and not (certificate.get("ACMCertificateArn") or certificate.get("IAMCertificateId")),
            "acmCertificateArn": certificate.get("ACMCertificateArn"),
            "iamCertificateId": certificate.get("IAMCertificateId"),
            "minimumProtocolVersion": certificate.get("MinimumProtocolVersion"),
            "sslSupportMethod": certificate.get("SSLSupportMethod"),
        }.items() if value is not None},
        "loggingConfig": {"bucket": logging.get("Bucket"), "prefix": logging.get("Prefix"),
                          "includeCookies": logging.get("IncludeCookies")} if logging.get("Enabled") else None,
    }
    deps = {}
    if default.get("responseHeadersPolicyId"):
        deps["defaultCacheBehavior"] = [rhp_arn(account, default["responseHeadersPolicyId"])]
    ordered_ids = sorted({b["responseHeadersPolicyId"] for b in ordered if b.get("responseHeadersPolicyId")})
    if ordered_ids:
        deps["orderedCacheBehaviors"] = [rhp_arn(account, i) for i in ordered_ids]
    return _subject(DISTRIBUTION, distribution_id, arn, props, deps)


def normalize_response_headers_policy(policy: Mapping[str, Any], account: str) -> Subject:
    config = policy["ResponseHeadersPolicyConfig"]
    hsts = (config.get("SecurityHeadersConfig") or {}).get("StrictTransportSecurity")
    security = {}
    if hsts:
        security["strictTransportSecurity"] = {
            "override": hsts.get("Override"), "accessControlMaxAgeSec": hsts.get("AccessControlMaxAgeSec"),
            "includeSubdomains": hsts.get("IncludeSubdomains", False), "preload": hsts.get("Preload", False)}
    props = {"name": config.get("Name"), "securityHeadersConfig": security}
    return _subject(RESPONSE_HEADERS_POLICY, config.get("Name") or policy["Id"], rhp_arn(account, policy["Id"]), props)


def collect_cloudfront(reader: Reader, out: Collection) -> None:
    policy_ids: set[str] = set()
    with out.attempt("cloudfront", (DISTRIBUTION, RESPONSE_HEADERS_POLICY)) as found:
        cloudfront = reader.client("cloudfront")
        for summary in reader.items("cloudfront", "list_distributions", "DistributionList.Items[]"):
            config = cloudfront.get_distribution_config(Id=summary["Id"])["DistributionConfig"]
            subject = normalize_distribution(summary["Id"], summary["ARN"], config, reader.account)
            found.append(subject)
            behaviors = [config["DefaultCacheBehavior"], *_items(config.get("CacheBehaviors"))]
            policy_ids |= {b["ResponseHeadersPolicyId"] for b in behaviors if b.get("ResponseHeadersPolicyId")}
    if not policy_ids:
        return
    with out.attempt("cloudfront response headers policies", (RESPONSE_HEADERS_POLICY,)) as found:
        for policy_id in sorted(policy_ids):
            policy = reader.client("cloudfront").get_response_headers_policy(Id=policy_id)["ResponseHeadersPolicy"]
            found.append(normalize_response_headers_policy(policy, reader.account))


# --- load balancers, WAF ------------------------------------------------------------------------------------------


def security_group_arn(region: str, account: str, group_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account}:security-group/{group_id}"


def vpc_arn(region: str, account: str, vpc_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account}:vpc/{vpc_id}"


def normalize_load_balancer(lb: Mapping[str, Any], attributes: Iterable[Mapping[str, str]]) -> Subject:
    attrs = {a["Key"]: a["Value"] for a in attributes}
    props = {
        "name": lb["LoadBalancerName"],
        "loadBalancerType": lb.get("Type"),
        "internal": lb.get("Scheme") == "internal",
        "enableDeletionProtection": attrs.get("deletion_protection.enabled") == "true",
        "dropInvalidHeaderFields": attrs.get("routing.http.drop_invalid_header_fields.enabled") == "true",
        "desyncMitigationMode": attrs.get("routing.http.desync_mitigation_mode"),
        "accessLogs": {"enabled": attrs.get("access_logs.s3.enabled") == "true",
                       "bucket": attrs.get("access_logs.s3.bucket") or None,
                       "prefix": attrs.get("access_logs.s3.prefix") or None},
        "subnets": [z["SubnetId"] for z in lb.get("AvailabilityZones", []) if "SubnetId" in z],
        "securityGroups": lb.get("SecurityGroups", []),
    }
    _, _, _, region, account, _ = lb["LoadBalancerArn"].split(":", 5)
    groups = [security_group_arn(region, account, g) for g in lb.get("SecurityGroups", [])]
    return _subject(LOAD_BALANCER, lb["LoadBalancerName"], lb["LoadBalancerArn"], props,
                    {"securityGroups": groups} if groups else None)


def _action(action: Mapping[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {"type": action["Type"]}
    if action.get("TargetGroupArn"):
        shaped["targetGroupArn"] = action["TargetGroupArn"]
    redirect = action.get("RedirectConfig")
    if redirect:
        shaped["redirect"] = {"protocol": redirect.get("Protocol"), "port": redirect.get("Port"),
                              "host": redirect.get("Host"), "path": redirect.get("Path"),
                              "query": redirect.get("Query"), "statusCode": redirect.get("StatusCode")}
    fixed = action.get("FixedResponseConfig")
    if fixed:
        shaped["fixedResponse"] = {"statusCode": fixed.get("StatusCode"), "contentType": fixed.get("ContentType")}
    return shaped


def normalize_listener(listener: Mapping[str, Any], lb_name: str) -> Subject:
    certificates = listener.get("Certificates") or []
    props = {
        "loadBalancerArn": listener["LoadBalancerArn"],
        "port": listener.get("Port"),
        "protocol": listener.get("Protocol"),
        "sslPolicy": listener.get("SslPolicy"),
        "certificateArn": certificates[0].get("CertificateArn") if certificates else None,
        "defaultActions": [_action(a) for a in sorted(listener.get("DefaultActions", []),
                                                       key=lambda a: a.get("Order", 0))],
    }
    name = f"{lb_name}:{listener.get('Protocol')}:{listener.get('Port')}"
    return _subject(LISTENER, name, listener["ListenerArn"], props, {"loadBalancerArn": [listener["LoadBalancerArn"]]})


def normalize_web_acl_association(resource_arn: str, resource_name: str, web_acl: Mapping[str, Any]) -> Subject:
    props = {"resourceArn": resource_arn, "webAclArn": web_acl["ARN"]}
    urn = f"{resource_arn}#webAclAssociation"
    return _subject(WAF_ASSOCIATION, f"{resource_name}:{web_acl['Name']}", urn, props,
                    {"resourceArn": [resource_arn], "webAclArn": [web_acl["ARN"]]})


def collect_load_balancers(reader: Reader, out: Collection) -> None:
    public: list[Subject] = []
    with out.attempt("elbv2", (LOAD_BALANCER, LISTENER)) as found:
        elbv2 = reader.client("elbv2")
        for lb in reader.items("elbv2", "describe_load_balancers", "LoadBalancers[]"):
            if lb.get("Type") != "application":
                continue
            attributes = elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]
            subject = normalize_load_balancer(lb, attributes)
            found.append(subject)
            if lb.get("Scheme") != "internal":
                public.append(subject)
            for listener in reader.items("elbv2", "describe_listeners", "Listeners[]",
                                         LoadBalancerArn=lb["LoadBalancerArn"]):
                found.append(normalize_listener(listener, lb["LoadBalancerName"]))
    if not public:
        return
    with out.attempt("wafv2", (WAF_ASSOCIATION,)) as found:
        wafv2 = reader.client("wafv2")
        for lb in public:
            web_acl = wafv2.get_web_acl_for_resource(ResourceArn=lb.urn).get("WebACL")
            if web_acl:
                found.append(normalize_web_acl_association(lb.urn, lb.name, web_acl))


# --- EC2 launch templates, Auto Scaling ---------------------------------------------------------------------------


def normalize_launch_template(template: Mapping[str, Any], data: Mapping[str, Any], account: str,
                              region: str) -> Subject:
    metadata = data.get("MetadataOptions") or {}
    props = {
        "name": template["LaunchTemplateName"],
        "imageId": data.get("ImageId"),
        "instanceType": data.get("InstanceType"),
        "metadataOptions": {key: value for key, value in {
            "httpEndpoint": metadata.get("HttpEndpoint"),
            "httpTokens": metadata.get("HttpTokens", "optional"),
            "httpPutResponseHopLimit": metadata.get("HttpPutResponseHopLimit"),
            "instanceMetadataTags": metadata.get("InstanceMetadataTags"),
        }.items() if value is not None},
        "networkInterfaces": [{"associatePublicIpAddress": n.get("AssociatePublicIpAddress"),
                               "deviceIndex": n.get("DeviceIndex")} for n in data.get("NetworkInterfaces", [])],
        # pulumi-aws v7 passes a launch template's EBS `encrypted` as a string.
        "blockDeviceMappings": [
            {"deviceName": b.get("DeviceName"),
             "ebs": {"encrypted": str(b["Ebs"].get("Encrypted", False)).lower(), "kmsKeyId": b["Ebs"].get("KmsKeyId"),
                     "volumeSize": b["Ebs"].get("VolumeSize"), "volumeType": b["Ebs"].get("VolumeType")}}
            for b in data.get("BlockDeviceMappings", []) if "Ebs" in b],
    }
    arn = _arn("ec2", region, account, f"launch-template/{template['LaunchTemplateId']}")
    return _subject(LAUNCH_TEMPLATE, template["LaunchTemplateName"], arn, props)


def _template_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": spec.get("LaunchTemplateId"), "name": spec.get("LaunchTemplateName"), "version": spec.get("Version")}


def normalize_autoscaling_group(group: Mapping[str, Any], account: str, region: str) -> Subject:
    template = group.get("LaunchTemplate")
    mixed = group.get("MixedInstancesPolicy")
    spec = template or ((mixed or {}).get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
    props = {
        "name": group["AutoScalingGroupName"],
        "launchTemplate": _template_spec(template) if template else None,
        "mixedInstancesPolicy": {"launchTemplate": {"launchTemplateSpecification": {
            "launchTemplateId": spec.get("LaunchTemplateId"), "launchTemplateName": spec.get("LaunchTemplateName"),
            "version": spec.get("Version")}}} if mixed and spec else None,
        "launchConfiguration": group.get("LaunchConfigurationName"),
        "healthCheckType": group.get("HealthCheckType"),
        "healthCheckGracePeriod": group.get("HealthCheckGracePeriod"),
        "targetGroupArns": group.get("TargetGroupARNs", []),
        "vpcZoneIdentifiers": [s for s in (group.get("VPCZoneIdentifier") or "").split(",") if s],
        "minSize": group.get("MinSize"),
        "maxSize": group.get("MaxSize"),
        "desiredCapacity": group.get("DesiredCapacity"),
    }
    deps = {}
    if spec and spec.get("LaunchTemplateId"):
        key = "launchTemplate" if template else "mixedInstancesPolicy"
        deps[key] = [_arn("ec2", region, account, f"launch-template/{spec['LaunchTemplateId']}")]
    return _subject(AUTOSCALING_GROUP, group["AutoScalingGroupName"], group["AutoScalingGroupARN"], props, deps)


def collect_compute(reader: Reader, out: Collection) -> None:
    with out.attempt("ec2 launch templates", (LAUNCH_TEMPLATE,)) as found:
        ec2 = reader.client("ec2")
        for template in reader.items("ec2", "describe_launch_templates", "LaunchTemplates[]"):
            versions = ec2.describe_launch_template_versions(LaunchTemplateId=template["LaunchTemplateId"],
                                                             Versions=["$Default"])["LaunchTemplateVersions"]
            data = versions[0].get("LaunchTemplateData", {}) if versions else {}
            found.append(normalize_launch_template(template, data, reader.account, reader.region))
    with out.attempt("autoscaling", (AUTOSCALING_GROUP,)) as found:
        for group in reader.items("autoscaling", "describe_auto_scaling_groups", "AutoScalingGroups[]"):
            found.append(normalize_autoscaling_group(group, reader.account, reader.region))


# --- VPC network ----------------------------------------------------------------------------------------------------


def _rules(permissions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """EC2 IpPermissions as aws.ec2.SecurityGroup ingress/egress blocks: one block per source, since AWS keeps a
    description per CIDR, prefix list or group."""
    rules: list[dict[str, Any]] = []
    for permission in permissions:
        base = {"protocol": permission.get("IpProtocol"), "fromPort": permission.get("FromPort"),
                "toPort": permission.get("ToPort")}
        for source, key, prop in (("IpRanges", "CidrIp", "cidrBlocks"), ("Ipv6Ranges", "CidrIpv6", "ipv6CidrBlocks"),
                                  ("UserIdGroupPairs", "GroupId", "securityGroups"),
                                  ("PrefixListIds", "PrefixListId", "prefixListIds")):
            for entry in permission.get(source) or []:
                rules.append({**base, prop: [entry.get(key)], "description": entry.get("Description") or None})
    return rules


def normalize_security_group(group: Mapping[str, Any], account: str, region: str) -> Subject:
    """A security group; the VPC's `default` group becomes an aws.ec2.DefaultSecurityGroup joined to its VPC."""
    default = group.get("GroupName") == "default"
    props = {"name": group.get("GroupName"), "description": group.get("Description"), "vpcId": group.get("VpcId"),
             "ingress": _rules(group.get("IpPermissions") or []),
             "egress": _rules(group.get("IpPermissionsEgress") or [])}
    deps = {"vpcId": [vpc_arn(region, account, group["VpcId"])]} if group.get("VpcId") else None
    return _subject(DEFAULT_SECURITY_GROUP if default else SECURITY_GROUP, f"{group['GroupName']} ({group['GroupId']})",
                    security_group_arn(region, account, group["GroupId"]), props, deps)


def normalize_flow_log(flow_log: Mapping[str, Any], account: str, region: str) -> Subject:
    resource = str(flow_log.get("ResourceId", ""))
    props = {"vpcId": resource if resource.startswith("vpc-") else None,
             "trafficType": flow_log.get("TrafficType"), "logDestinationType": flow_log.get("LogDestinationType")}
    deps = {"vpcId": [vpc_arn(region, account, resource)]} if resource.startswith("vpc-") else None
    return _subject(FLOW_LOG, flow_log["FlowLogId"],
                    f"arn:aws:ec2:{region}:{account}:vpc-flow-log/{flow_log['FlowLogId']}", props, deps)


def collect_network(reader: Reader, out: Collection) -> None:
    with out.attempt("ec2 network", NETWORK_TYPES) as found:
        for vpc in reader.items("ec2", "describe_vpcs", "Vpcs[]"):
            found.append(_subject(VPC, vpc["VpcId"], vpc_arn(reader.region, reader.account, vpc["VpcId"]),
                                  {"cidrBlock": vpc.get("CidrBlock"), "isDefault": vpc.get("IsDefault")}))
        for subnet in reader.items("ec2", "describe_subnets", "Subnets[]"):
            found.append(_subject(SUBNET, subnet["SubnetId"], subnet.get("SubnetArn") or
                                  f"arn:aws:ec2:{reader.region}:{reader.account}:subnet/{subnet['SubnetId']}",
                                  {"vpcId": subnet.get("VpcId"), "cidrBlock": subnet.get("CidrBlock"),
                                   "mapPublicIpOnLaunch": subnet.get("MapPublicIpOnLaunch"),
                                   "defaultForAz": subnet.get("DefaultForAz")}))
        for flow_log in reader.items("ec2", "describe_flow_logs", "FlowLogs[]"):
            found.append(normalize_flow_log(flow_log, reader.account, reader.region))
        for group in reader.items("ec2", "describe_security_groups", "SecurityGroups[]"):
            found.append(normalize_security_group(group, reader.account, reader.region))


def deployed(subjects: Sequence[Subject]) -> list[Subject]:
    """The subjects that someone deployed: all but AWS's default VPC, its default subnets and its default group
    (which every region has, and which the network controls still judge)."""
    default_vpcs = {s.name for s in subjects if s.type == VPC and s.props.get("isDefault") is True}

    def aws_default(subject: Subject) -> bool:
        if subject.type == VPC:
            return subject.name in default_vpcs
        if subject.type == SUBNET:
            return subject.props.get("vpcId") in default_vpcs and subject.props.get("defaultForAz") is True
        if subject.type == DEFAULT_SECURITY_GROUP:
            return subject.props.get("vpcId") in default_vpcs
        return False

    return [s for s in subjects if not aws_default(s)]


# --- S3 -----------------------------------------------------------------------------------------------------------


def bucket_subjects(name: str, responses: Mapping[str, Any]) -> list[Subject]:
    """A bucket and one subject per configured setting, each joined to the bucket by its `bucket` input.

    `responses` holds the Get* responses by operation name; None means the setting is not configured.
    """
    arn = f"arn:aws:s3:::{name}"
    link = {"bucket": [arn]}
    subjects = [_subject(BUCKET, name, arn, {"bucket": name, "tags": responses.get("tags") or {}})]

    def setting(type_: str, suffix: str, props: Mapping[str, Any], deps: Mapping[str, Sequence[str]] = link) -> None:
        subjects.append(_subject(type_, f"{name}-{suffix}", f"{arn}#{suffix}", {"bucket": name, **props}, deps))

    block = responses.get("GetPublicAccessBlock")
    if block:
        flags = block["PublicAccessBlockConfiguration"]
        setting(BUCKET_PUBLIC_ACCESS_BLOCK, "publicAccessBlock", {
            "blockPublicAcls": flags.get("BlockPublicAcls", False),
            "blockPublicPolicy": flags.get("BlockPublicPolicy", False),
            "ignorePublicAcls": flags.get("IgnorePublicAcls", False),
            "restrictPublicBuckets": flags.get("RestrictPublicBuckets", False)})
    policy = responses.get("GetBucketPolicy")
    if policy:
        setting(BUCKET_POLICY, "policy", {"policy": policy["Policy"]})
    ownership = responses.get("GetBucketOwnershipControls")
    if ownership:
        rules = ownership["OwnershipControls"].get("Rules", [])
        setting(BUCKET_OWNERSHIP, "ownershipControls",
                {"rule": {"objectOwnership": rules[0]["ObjectOwnership"]} if rules else None})
    acl = responses.get("GetBucketAcl")
    if acl:
        grants = [{"grantee": {key: value for key, value in {
            "type": g["Grantee"].get("Type"), "uri": g["Grantee"].get("URI"), "id": g["Grantee"].get("ID")}.items()
            if value is not None}, "permission": g.get("Permission")} for g in acl.get("Grants", [])]
        setting(BUCKET_ACL, "acl", {"accessControlPolicy": {"grants": grants,
                                                            "owner": {"id": acl.get("Owner", {}).get("ID")}}})
    encryption = responses.get("GetBucketEncryption")
    if encryption:
        rules = encryption["ServerSideEncryptionConfiguration"].get("Rules", [])
        setting(BUCKET_ENCRYPTION, "serverSideEncryption", {"rules": [
            {"applyServerSideEncryptionByDefault": {
                "sseAlgorithm": r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm"),
                "kmsMasterKeyId": r.get("ApplyServerSideEncryptionByDefault", {}).get("KMSMasterKeyID")},
             "bucketKeyEnabled": r.get("BucketKeyEnabled", False)} for r in rules]})
    versioning = responses.get("GetBucketVersioning") or {}
    if versioning.get("Status"):
        setting(BUCKET_VERSIONING, "versioning", {"versioningConfiguration": {
            "status": versioning["Status"], "mfaDelete": versioning.get("MFADelete")}})
    logging = (responses.get("GetBucketLogging") or {}).get("LoggingEnabled")
    if logging:
        target = logging.get("TargetBucket")
        setting(BUCKET_LOGGING, "logging", {"targetBucket": target, "targetPrefix": logging.get("TargetPrefix")},
                {"bucket": [arn], "targetBucket": [f"arn:aws:s3:::{target}"]})
    lifecycle = responses.get("GetBucketLifecycleConfiguration")
    if lifecycle:
        setting(BUCKET_LIFECYCLE, "lifecycle", {"rules": [
            {"id": r.get("ID"), "status": r.get("Status")} for r in lifecycle.get("Rules", [])]})
    return subjects


# Each bucket setting: (Get* operation, error codes meaning "not configured").
_BUCKET_READS = (
    ("GetPublicAccessBlock", ("NoSuchPublicAccessBlockConfiguration",)),
    ("GetBucketPolicy", ("NoSuchBucketPolicy",)),
    ("GetBucketOwnershipControls", ("OwnershipControlsNotFoundError",)),
    ("GetBucketAcl", ()),
    ("GetBucketEncryption", ("ServerSideEncryptionConfigurationNotFoundError",)),
    ("GetBucketVersioning", ()),
    ("GetBucketLogging", ()),
    ("GetBucketLifecycleConfiguration", ("NoSuchLifecycleConfiguration",)),
)


def collect_s3(reader: Reader, out: Collection) -> None:
    from botocore import xform_name

    with out.attempt("s3", S3_TYPES) as found:
        s3 = reader.client("s3")
        for bucket in reader.items("s3", "list_buckets", "Buckets[]"):
            name = bucket["Name"]
            responses = {op: optional(getattr(s3, xform_name(op)), *missing, Bucket=name)
                         for op, missing in _BUCKET_READS}
            tagging = optional(s3.get_bucket_tagging, "NoSuchTagSet", Bucket=name)
            responses["tags"] = _tags((tagging or {}).get("TagSet"))
            found.extend(bucket_subjects(name, responses))


# --- IAM ----------------------------------------------------------------------------------------------------------


def role_subjects(role: Mapping[str, Any], inline: Mapping[str, Any], attached: Iterable[str]) -> list[Subject]:
    """A role plus its inline policies (RolePolicy) and attachments (RolePolicyAttachment), as separate resources."""
    arn, name = role["Arn"], role["RoleName"]
    link = {"role": [arn]}
    subjects = [_subject(IAM_ROLE, name, arn, {"name": name, "path": role.get("Path"),
                                               "assumeRolePolicy": _json(role.get("AssumeRolePolicyDocument"))})]
    for policy_name, document in sorted(inline.items()):
        subjects.append(_subject(IAM_ROLE_POLICY, f"{name}:{policy_name}", f"{arn}#policy/{policy_name}",
                                 {"role": name, "name": policy_name, "policy": _json(document)}, link))
    for policy_arn in sorted(attached):
        subjects.append(_subject(IAM_ROLE_POLICY_ATTACHMENT, f"{name}:{policy_arn.rsplit('/', 1)[-1]}",
                                 f"{arn}#attachment/{policy_arn}", {"role": name, "policyArn": policy_arn}, link))
    return subjects


def normalize_managed_policy(policy: Mapping[str, Any], document: Any) -> Subject:
    props = {"name": policy["PolicyName"], "path": policy.get("Path"), "description": policy.get("Description"),
             "policy": _json(document)}
    return _subject(IAM_POLICY, policy["PolicyName"], policy["Arn"], props)


def collect_iam(reader: Reader, out: Collection) -> None:
    with out.attempt("iam", (IAM_ROLE, IAM_ROLE_POLICY, IAM_ROLE_POLICY_ATTACHMENT, IAM_POLICY)) as found:
        iam = reader.client("iam")
        for role in reader.items("iam", "list_roles", "Roles[]"):
            if str(role.get("Path", "")).startswith("/aws-service-role/"):
                continue  # service-linked roles are owned by AWS and cannot be changed
            name = role["RoleName"]
            inline = {p: iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
                      for p in reader.items("iam", "list_role_policies", "PolicyNames[]", RoleName=name)}
            attached = [p["PolicyArn"] for p in reader.items("iam", "list_attached_role_policies",
                                                              "AttachedPolicies[]", RoleName=name)]
            found.extend(role_subjects(role, inline, attached))
        for policy in reader.items("iam", "list_policies", "Policies[]", Scope="Local"):
            version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
            found.append(normalize_managed_policy(policy, version["PolicyVersion"]["Document"]))


# --- CloudWatch, Logs, SNS, CloudTrail, Budgets -------------------------------------------------------------------


def normalize_log_group(group: Mapping[str, Any]) -> Subject:
    # A log group without retention never expires, which Pulumi spells retentionInDays=0.
    props = {"name": group["logGroupName"], "retentionInDays": group.get("retentionInDays", 0),
             "kmsKeyId": group.get("kmsKeyId")}
    arn = group.get("logGroupArn") or str(group["arn"]).removesuffix(":*")
    return _subject(LOG_GROUP, group["logGroupName"], arn, props)


def normalize_alarm(alarm: Mapping[str, Any]) -> Subject:
    props = {
        "name": alarm["AlarmName"], "actionsEnabled": alarm.get("ActionsEnabled", True),
        "alarmActions": alarm.get("AlarmActions", []), "okActions": alarm.get("OKActions", []),
        "insufficientDataActions": alarm.get("InsufficientDataActions", []),
        "metricName": alarm.get("MetricName"), "namespace": alarm.get("Namespace"),
        "comparisonOperator": alarm.get("ComparisonOperator"), "threshold": alarm.get("Threshold"),
        "evaluationPeriods": alarm.get("EvaluationPeriods"), "period": alarm.get("Period"),
    }
    return _subject(METRIC_ALARM, alarm["AlarmName"], alarm["AlarmArn"], props)


def normalize_topic(arn: str, attributes: Mapping[str, str]) -> Subject:
    """An SNS topic from GetTopicAttributes (KmsMasterKeyId, Policy: the SNS-01/02 inputs)."""
    name = arn.rsplit(":", 1)[-1]
    return _subject(TOPIC, name, arn, {"name": name, "kmsMasterKeyId": attributes.get("KmsMasterKeyId") or None,
                                       "policy": attributes.get("Policy") or None})


def normalize_trail(trail: Mapping[str, Any], status: Mapping[str, Any], selectors: Mapping[str, Any]) -> Subject:
    """A trail from DescribeTrails + GetTrailStatus (IsLogging) + GetEventSelectors, in aws.cloudtrail.Trail inputs."""
    props = {
        "name": trail["Name"], "s3BucketName": trail.get("S3BucketName"),
        "isMultiRegionTrail": trail.get("IsMultiRegionTrail"), "kmsKeyId": trail.get("KmsKeyId"),
        "enableLogFileValidation": trail.get("LogFileValidationEnabled"),
        "cloudWatchLogsGroupArn": trail.get("CloudWatchLogsLogGroupArn"),
        "cloudWatchLogsRoleArn": trail.get("CloudWatchLogsRoleArn"),
        "enableLogging": status.get("IsLogging"),
        "eventSelectors": [{"includeManagementEvents": s.get("IncludeManagementEvents"),
                            "readWriteType": s.get("ReadWriteType")} for s in selectors.get("EventSelectors") or []]
                          or None,
        "advancedEventSelectors": [
            {"name": s.get("Name"), "fieldSelectors": [{"field": f.get("Field"), "equals": f.get("Equals")}
                                                       for f in s.get("FieldSelectors", [])]}
            for s in selectors.get("AdvancedEventSelectors") or []] or None,
    }
    return _subject(TRAIL, trail["Name"], trail["TrailARN"], props)


def collect_monitoring(reader: Reader, out: Collection) -> None:
    with out.attempt("logs", (LOG_GROUP,)) as found:
        found.extend(normalize_log_group(g) for g in reader.items("logs", "describe_log_groups", "logGroups[]"))
    with out.attempt("cloudwatch", (METRIC_ALARM,)) as found:
        found.extend(normalize_alarm(a) for a in reader.items("cloudwatch", "describe_alarms", "MetricAlarms[]",
                                                               AlarmTypes=["MetricAlarm"]))
    with out.attempt("sns", (TOPIC,)) as found:
        sns = reader.client("sns")
        for topic in reader.items("sns", "list_topics", "Topics[]"):
            arn = topic["TopicArn"]
            found.append(normalize_topic(arn, sns.get_topic_attributes(TopicArn=arn).get("Attributes", {})))
    with out.attempt("cloudtrail", (TRAIL,)) as found:
        cloudtrail = reader.client("cloudtrail")
        for trail in cloudtrail.describe_trails(includeShadowTrails=True).get("trailList", []):
            status = cloudtrail.get_trail_status(Name=trail["TrailARN"])
            selectors = cloudtrail.get_event_selectors(TrailName=trail["TrailARN"])
            found.append(normalize_trail(trail, status, selectors))
    with out.attempt("budgets", (BUDGET,)) as found:
        for budget in reader.items("budgets", "describe_budgets", "Budgets[]", AccountId=reader.account):
            limit = budget.get("BudgetLimit") or {}
            found.append(_subject(BUDGET, budget["BudgetName"],
                                  f"arn:aws:budgets::{reader.account}:budget/{budget['BudgetName']}",
                                  {"name": budget["BudgetName"], "budgetType": budget.get("BudgetType"),
                                   "limitAmount": limit.get("Amount"), "limitUnit": limit.get("Unit")}))


# --- Backup, KMS, Secrets Manager ---------------------------------------------------------------------------------


def normalize_backup_plan(plan_arn: str, plan: Mapping[str, Any]) -> Subject:
    def lifecycle(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if not value:
            return None
        return {"deleteAfter": value.get("DeleteAfterDays"), "coldStorageAfter": value.get("MoveToColdStorageAfterDays")}

    rules = [{
        "ruleName": rule.get("RuleName"), "targetVaultName": rule.get("TargetBackupVaultName"),
        "schedule": rule.get("ScheduleExpression"), "lifecycle": lifecycle(rule.get("Lifecycle")),
        "copyActions": [{"destinationVaultArn": c.get("DestinationBackupVaultArn"),
                         "lifecycle": lifecycle(c.get("Lifecycle"))} for c in rule.get("CopyActions", [])],
    } for rule in plan.get("Rules", [])]
    return _subject(BACKUP_PLAN, plan["BackupPlanName"], plan_arn, {"name": plan["BackupPlanName"], "rules": rules})


def normalize_backup_selection(plan_arn: str, plan_id: str, selection: Mapping[str, Any], selection_id: str) -> Subject:
    resources = selection.get("Resources", [])
    props = {
        "name": selection["SelectionName"], "planId": plan_id, "iamRoleArn": selection.get("IamRoleArn"),
        "resources": resources,
        "selectionTags": [{"type": t.get("ConditionType"), "key": t.get("ConditionKey"),
                           "value": t.get("ConditionValue")} for t in selection.get("ListOfTags", [])],
    }
    return _subject(BACKUP_SELECTION, selection["SelectionName"], f"{plan_arn}#selection/{selection_id}", props,
                    {"planId": [plan_arn], "resources": list(resources)})


def normalize_vault(vault: Mapping[str, Any], customer_key: bool | None) -> Subject:
    """`kmsKeyArn` is what Pulumi sets only for a customer managed key; the AWS managed aws/backup key (what AWS
    uses when it is unset) leaves it absent. None = the key could not be described: unknown, not a pass."""
    key = vault.get("EncryptionKeyArn")
    value = key if customer_key else (UNKNOWN_STRING_VALUE if customer_key is None and key else None)
    return _subject(BACKUP_VAULT, vault["BackupVaultName"], vault["BackupVaultArn"],
                    {"name": vault["BackupVaultName"], "kmsKeyArn": value})


def _customer_managed(kms: Any, key_arn: str | None) -> bool | None:
    from botocore.exceptions import ClientError

    if not key_arn:
        return False
    try:
        return kms.describe_key(KeyId=key_arn)["KeyMetadata"].get("KeyManager") == "CUSTOMER"
    except ClientError:
        return None


def collect_backup(reader: Reader, out: Collection) -> None:
    plans: list[tuple[str, str]] = []
    with out.attempt("backup", (BACKUP_PLAN, BACKUP_VAULT)) as found:
        backup = reader.client("backup")
        for summary in reader.items("backup", "list_backup_plans", "BackupPlansList[]"):
            plan = backup.get_backup_plan(BackupPlanId=summary["BackupPlanId"])["BackupPlan"]
            found.append(normalize_backup_plan(summary["BackupPlanArn"], plan))
            plans.append((summary["BackupPlanArn"], summary["BackupPlanId"]))
        for vault in reader.items("backup", "list_backup_vaults", "BackupVaultList[]"):
            found.append(normalize_vault(vault, _customer_managed(reader.client("kms"), vault.get("EncryptionKeyArn"))))
    if not plans:
        return
    with out.attempt("backup selections", (BACKUP_SELECTION,)) as found:
        backup = reader.client("backup")
        for plan_arn, plan_id in plans:
            for entry in reader.items("backup", "list_backup_selections", "BackupSelectionsList[]",
                                      BackupPlanId=plan_id):
                selection = backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=entry["SelectionId"])
                found.append(normalize_backup_selection(plan_arn, plan_id, selection["BackupSelection"],
                                                        entry["SelectionId"]))


def normalize_key(metadata: Mapping[str, Any], rotation: bool | None, policy: str | None) -> Subject:
    props = {
        "description": metadata.get("Description") or None, "keyUsage": metadata.get("KeyUsage"),
        "customerMasterKeySpec": metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec"),
        "enableKeyRotation": rotation, "isEnabled": metadata.get("Enabled"),
        "multiRegion": metadata.get("MultiRegion"), "policy": policy,
    }
    return _subject(KMS_KEY, metadata["KeyId"], metadata["Arn"], props)


def collect_kms(reader: Reader, out: Collection) -> None:
    with out.attempt("kms", (KMS_KEY,)) as found:
        kms = reader.client("kms")
        for entry in reader.items("kms", "list_keys", "Keys[]"):
            metadata = kms.describe_key(KeyId=entry["KeyId"])["KeyMetadata"]
            if metadata.get("KeyManager") != "CUSTOMER" or metadata.get("KeyState") == "PendingDeletion":
                continue
            symmetric = metadata.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            rotation = kms.get_key_rotation_status(KeyId=entry["KeyId"])["KeyRotationEnabled"] if symmetric else None
            policy = kms.get_key_policy(KeyId=entry["KeyId"], PolicyName="default")["Policy"]
            found.append(normalize_key(metadata, rotation, policy))


def secret_subjects(secret: Mapping[str, Any]) -> list[Subject]:
    arn = secret["ARN"]
    subjects = [_subject(SECRET, secret["Name"], arn, {"name": secret["Name"], "kmsKeyId": secret.get("KmsKeyId")})]
    if secret.get("RotationEnabled"):
        rules = secret.get("RotationRules") or {}
        subjects.append(_subject(SECRET_ROTATION, f"{secret['Name']}-rotation", f"{arn}#rotation", {
            "secretId": arn, "rotationLambdaArn": secret.get("RotationLambdaARN"),
            "rotationRules": {"automaticallyAfterDays": rules.get("AutomaticallyAfterDays"),
                              "scheduleExpression": rules.get("ScheduleExpression")}}, {"secretId": [arn]}))
    return subjects


def collect_secrets(reader: Reader, out: Collection) -> None:
    with out.attempt("secretsmanager", (SECRET, SECRET_ROTATION)) as found:
        for secret in reader.items("secretsmanager", "list_secrets", "SecretList[]"):
            found.extend(secret_subjects(secret))


# --- AMP, Grafana -------------------------------------------------------------------------------------------------


def normalize_amp_workspace(workspace: Mapping[str, Any], logging: Mapping[str, Any] | None) -> Subject:
    props = {"alias": workspace.get("alias"), "kmsKeyArn": workspace.get("kmsKeyArn"),
             "loggingConfiguration": {"logGroupArn": logging["logGroupArn"]} if logging else None}
    return _subject(AMP_WORKSPACE, workspace.get("alias") or workspace["workspaceId"], workspace["arn"], props)


def normalize_grafana_workspace(workspace: Mapping[str, Any], account: str, region: str) -> Subject:
    network = workspace.get("networkAccessControl")
    vpc = workspace.get("vpcConfiguration")
    props = {
        "name": workspace.get("name"), "accountAccessType": workspace.get("accountAccessType"),
        "authenticationProviders": (workspace.get("authentication") or {}).get("providers", []),
        "permissionType": workspace.get("permissionType"),
        "networkAccessControl": {"prefixListIds": network.get("prefixListIds", []),
                                 "vpceIds": network.get("vpceIds", [])} if network else None,
        "vpcConfiguration": {"securityGroupIds": vpc.get("securityGroupIds", []),
                             "subnetIds": vpc.get("subnetIds", [])} if vpc else None,
    }
    arn = _arn("grafana", region, account, f"/workspaces/{workspace['id']}")
    return _subject(GRAFANA_WORKSPACE, workspace.get("name") or workspace["id"], arn, props)


def collect_observability(reader: Reader, out: Collection) -> None:
    with out.attempt("amp", (AMP_WORKSPACE,)) as found:
        amp = reader.client("amp")
        for summary in reader.items("amp", "list_workspaces", "workspaces[]"):
            workspace = amp.describe_workspace(workspaceId=summary["workspaceId"])["workspace"]
            logging = optional(amp.describe_logging_configuration, "ResourceNotFoundException",
                               workspaceId=summary["workspaceId"])
            found.append(normalize_amp_workspace(workspace, (logging or {}).get("loggingConfiguration")))
    with out.attempt("grafana", (GRAFANA_WORKSPACE,)) as found:
        grafana = reader.client("grafana")
        for summary in reader.items("grafana", "list_workspaces", "workspaces[]"):
            workspace = grafana.describe_workspace(workspaceId=summary["id"])["workspace"]
            found.append(normalize_grafana_workspace(workspace, reader.account, reader.region))


COLLECTORS: tuple[Callable[[Reader, Collection], None], ...] = (
    collect_rds, collect_rds_snapshots, collect_elasticache, collect_sqs, collect_cloudfront, collect_load_balancers, collect_compute,
    collect_network, collect_certificates,
    collect_s3, collect_iam, collect_monitoring, collect_backup, collect_kms, collect_secrets, collect_observability,
)


def collect(reader: Reader, progress: Callable[[str], None] | None = None) -> Collection:
    """Run every collector; each records its own failures, so one failing service never stops the others."""
    out = Collection()
    for collector in COLLECTORS:
        if progress:
            progress(collector.__name__.removeprefix("collect_"))
        collector(reader, out)
    return out


# --- evaluation and readiness -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """One component a phase adds, and whether the account has it."""

    phase: int
    name: str
    status: str  # "present" | "missing" | "not evaluated"
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"phase": self.phase, "component": self.name, "status": self.status, "detail": self.detail}


@dataclass
class AuditResult:
    account: str
    region: str
    subjects: list[Subject]
    findings: list[Finding]
    unavailable: list[Unavailable]
    skipped_controls: dict[str, str]  # control id → why it was not evaluated
    controls: list[Control] = field(default_factory=list)  # the controls evaluated (not skipped, not disabled)
    readiness: list[Component] | None = None

    def extra_json(self) -> dict[str, Any]:
        extra: dict[str, Any] = {
            "account": self.account, "region": self.region,
            "notEvaluated": [u.to_json() for u in self.unavailable],
            "controlsNotEvaluated": [{"control": c, "reason": r} for c, r in sorted(self.skipped_controls.items())],
        }
        if self.readiness is not None:
            extra["readiness"] = [c.to_json() for c in self.readiness]
        return extra


def split_controls(controls: Iterable[Control], unavailable: Iterable[Unavailable]) -> tuple[list[Control], dict[str, str]]:
    """Controls that can be evaluated, and those that read a resource type the audit could not collect."""
    missing: dict[str, Unavailable] = {}
    for gap in unavailable:
        for type_ in gap.types:
            missing.setdefault(type_, gap)
    runnable, skipped = [], {}
    for control in controls:
        gaps = [missing[t] for t in control.resource_types if t in missing]
        if gaps:
            skipped[control.id] = f"{gaps[0].service}: {gaps[0].reason}"
        else:
            runnable.append(control)
    return runnable, skipped


def evaluate_collection(collection: Collection, controls: Iterable[Control], pack_config: Mapping[str, Any] | None
                        ) -> tuple[list[Finding], list[Control], dict[str, str]]:
    """Findings, the controls evaluated, and the controls skipped because a service could not be read."""
    from policies.core import Enforcement

    runnable, skipped = split_controls(controls, collection.unavailable)
    evaluated = [c for c in runnable if c.config(pack_config)[0] is not Enforcement.DISABLED]
    return evaluate(runnable, collection.subjects, pack_config), evaluated, skipped


def _of(subjects: Iterable[Subject], type_: str) -> list[Subject]:
    return [s for s in subjects if s.type == type_]


def _names(subjects: Iterable[Subject]) -> str:
    names = sorted(s.name for s in subjects)
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def log_bucket_names(subjects: Sequence[Subject]) -> set[str]:
    """Buckets that receive logs (S3 access logs, CloudFront, ALB or CloudTrail), or are named as log buckets."""
    targets = {s.props.get("targetBucket") for s in _of(subjects, BUCKET_LOGGING)}
    targets |= {s.props.get("s3BucketName") for s in _of(subjects, TRAIL)}
    targets |= {(s.props.get("accessLogs") or {}).get("bucket") for s in _of(subjects, LOAD_BALANCER)}
    targets |= {str((s.props.get("loggingConfig") or {}).get("bucket", "")).split(".s3")[0]
                for s in _of(subjects, DISTRIBUTION)}
    names = {s.name for s in _of(subjects, BUCKET)}
    return {n for n in names if n in targets or "log" in n.lower()}


def _private(bucket: str, subjects: Sequence[Subject]) -> bool:
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    return any(s.props.get("bucket") == bucket and all(s.props.get(f) is True for f in flags)
               for s in _of(subjects, BUCKET_PUBLIC_ACCESS_BLOCK))


def _present(found: Sequence[Subject], what: str) -> tuple[bool, str]:
    return (True, f"{len(found)} {what}: {_names(found)}") if found else (False, f"no {what}")


def _cdn(subjects: Sequence[Subject]) -> tuple[bool, str]:
    distributions = _of(subjects, DISTRIBUTION)
    if not distributions:
        return False, ("no CloudFront distribution; a Cloudflare CDN is not visible to an AWS audit "
                       "(check it with `rollout check`)")
    with_waf = [d for d in distributions if d.props.get("webAclId")]
    if not with_waf:
        return False, f"CloudFront distribution(s) {_names(distributions)} have no WAF web ACL"
    return True, f"{len(distributions)} CloudFront distribution(s), {len(with_waf)} with WAF"


def _replicated_database(subjects: Sequence[Subject]) -> tuple[bool, str]:
    instances = _of(subjects, RDS_INSTANCE)
    replicas = [i for i in instances if i.props.get("replicateSourceDb")]
    primaries = [i for i in instances if not i.props.get("replicateSourceDb")]
    served = [p for p in primaries if any(p.urn in r.property_dependencies.get("replicateSourceDb", ())
                                          for r in replicas)]
    if served:
        return True, f"{_names(served)} with {len(replicas)} read replica(s)"
    if primaries:
        return False, f"RDS instance(s) {_names(primaries)} have no read replica"
    return False, "no RDS instance"


def _assets_bucket(subjects: Sequence[Subject]) -> tuple[bool, str]:
    logs = log_bucket_names(subjects)
    private = [b for b in _of(subjects, BUCKET) if b.name not in logs and _private(b.name, subjects)]
    return _present(private, "private (public access blocked) non-log bucket(s)")


def _queues_with_dlq(subjects: Sequence[Subject]) -> tuple[bool, str]:
    queues = _of(subjects, QUEUE)
    arns = {q.urn for q in queues}
    dead_letter = {arn for q in queues for arn in q.property_dependencies.get("redrivePolicy", ())}
    work = [q for q in queues if q.urn not in dead_letter]
    with_dlq = [q for q in work if set(q.property_dependencies.get("redrivePolicy", ())) & arns]
    if not work:
        return False, "no SQS queue"
    if len(with_dlq) < len(work):
        missing = [q for q in work if q not in with_dlq]
        return bool(with_dlq), f"{len(with_dlq)} of {len(work)} queue(s) have a dead-letter queue; " \
                               f"without: {_names(missing)}"
    return True, f"{len(work)} queue(s), each with a dead-letter queue"


def _slo_alarms(subjects: Sequence[Subject]) -> tuple[bool, str]:
    alarms = [a for a in _of(subjects, METRIC_ALARM) if a.props.get("alarmActions")]
    return _present(alarms, "alarm(s) with notification actions")


def _log_bucket(subjects: Sequence[Subject]) -> tuple[bool, str]:
    names = sorted(log_bucket_names(subjects))
    return (True, f"log bucket(s): {', '.join(names)}") if names else (False, "no log bucket")


def _albs(subjects: Sequence[Subject]) -> tuple[bool, str]:
    return _present([lb for lb in _of(subjects, LOAD_BALANCER) if not lb.props.get("internal")],
                    "internet-facing ALB(s)")


# (phase, component, resource types it is judged from, judge)
READINESS: tuple[tuple[int, str, tuple[str, ...], Callable[[Sequence[Subject]], tuple[bool, str]]], ...] = (
    (1, "budget", (BUDGET,), lambda s: _present(_of(s, BUDGET), "budget(s)")),
    (1, "CloudTrail trail", (TRAIL,), lambda s: _present(_of(s, TRAIL), "trail(s)")),
    (1, "SNS alert topic", (TOPIC,), lambda s: _present(_of(s, TOPIC), "SNS topic(s)")),
    (1, "log bucket", S3_TYPES, _log_bucket),
    (2, "CDN with WAF", (DISTRIBUTION,), _cdn),
    (2, "Redis cache (ElastiCache)", (REPLICATION_GROUP,),
     lambda s: _present(_of(s, REPLICATION_GROUP), "replication group(s)")),
    (3, "RDS with read replica", (RDS_INSTANCE,), _replicated_database),
    (3, "private S3 assets bucket", S3_TYPES, _assets_bucket),
    (4, "SQS queues with dead-letter queues", (QUEUE,), _queues_with_dlq),
    (5, "Managed Prometheus workspace", (AMP_WORKSPACE,),
     lambda s: _present(_of(s, AMP_WORKSPACE), "AMP workspace(s)")),
    (5, "Managed Grafana workspace", (GRAFANA_WORKSPACE,),
     lambda s: _present(_of(s, GRAFANA_WORKSPACE), "Grafana workspace(s)")),
    (5, "CloudWatch log groups", (LOG_GROUP,), lambda s: _present(_of(s, LOG_GROUP), "log group(s)")),
    (5, "SLO alarms", (METRIC_ALARM,), _slo_alarms),
    (6, "Auto Scaling group", (AUTOSCALING_GROUP,),
     lambda s: _present(_of(s, AUTOSCALING_GROUP), "Auto Scaling group(s)")),
    (6, "Application Load Balancer", (LOAD_BALANCER,), _albs),
    (6, "AWS Backup plan", (BACKUP_PLAN,), lambda s: _present(_of(s, BACKUP_PLAN), "backup plan(s)")),
)


def readiness(subjects: Sequence[Subject], unavailable: Iterable[Unavailable], phase: int) -> list[Component]:
    """Which components of phases 1..phase the account has; a component read from an unavailable service is
    "not evaluated", never present or missing."""
    gaps = {t: u for u in unavailable for t in u.types}
    out = []
    for number, name, types, judge in READINESS:
        if number > phase:
            continue
        gap = next((gaps[t] for t in types if t in gaps), None)
        if gap:
            out.append(Component(number, name, "not evaluated", f"{gap.service}: {gap.reason}"))
            continue
        ok, detail = judge(subjects)
        out.append(Component(number, name, "present" if ok else "missing", detail))
    return out


def run_audit(session: Any, controls: Iterable[Control], *, pack_config: Mapping[str, Any] | None = None,
              phase: int | None = None, clients: Mapping[str, Any] | None = None,
              progress: Callable[[str], None] | None = None) -> AuditResult:
    """Read the account behind `session`, evaluate `controls`, and (with `phase`) judge readiness."""
    account = caller_account(session)
    reader = Reader(session, account, session.region_name, dict(clients or {}))
    collection = collect(reader, progress)
    findings, evaluated, skipped = evaluate_collection(collection, controls, pack_config)
    ready = readiness(collection.subjects, collection.unavailable, phase) if phase else None
    return AuditResult(account, session.region_name, collection.subjects, findings, collection.unavailable, skipped,
                       evaluated, ready)
