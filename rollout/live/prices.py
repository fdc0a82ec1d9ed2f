"""Rebuild catalog prices from AWS's public bulk price-list offer files (the AWS Price List Bulk API).

Offer files are large (the EC2 regional file is about 350 MB), so they are streamed with ijson: products are kept
only when a rule below maps them to a catalog key, then their on-demand terms are read. Filters the offer files
need: only tier rows with beginRange 0, no ExtendedSupport* surcharge SKUs (but RDS Extended Support's own rates),
no $0 "reserved instance applied" dimensions. Every price keeps the offer's version and publicationDate; the catalog
is written atomically.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin

from rollout.errors import UserError

DEFAULT_URL = "https://pricing.us-east-1.amazonaws.com"
"""The public price-list endpoint; no credentials are needed. The layout (AWS Billing user guide, "Getting price list
files using the AWS Price List Bulk API", "Reading the service index file" and "Service Region index file for AWS
services", docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/): /offers/v1.0/aws/index.json lists the services;
/offers/v1.0/aws/<offerCode>/current/region_index.json maps each region code to its `currentVersionUrl`, the relative
URL of that region's offer file (products, then terms.OnDemand with priceDimensions)."""


@dataclass(frozen=True)
class Rule:
    """Maps products of one offer and product family to a catalog key (None = not this rule's product)."""

    offer: str
    family: str | None  # None: any product family of the offer
    offer_unit: str | tuple[str, ...]  # the offer file's unit spelling(s) for this price
    unit: str
    key: Callable[[Mapping[str, str]], str | tuple[str, ...] | None]  # a tuple: one price, several catalog keys
    scale: float = 1.0  # catalog price = offer price x scale (e.g. per request -> per 1M requests)
    tiers: Mapping[str, str] | None = None  # a tiered price: the row's range bound -> key suffix ("" = the key)
    tier_by: str = "beginRange"  # which bound of a row names its tier (beginRange or endRange)
    digits: int = 10  # decimals kept of the catalog price


def _ends(attributes: Mapping[str, str], suffix: str) -> bool:
    return attributes.get("usagetype", "").endswith(suffix)


def _ec2_instance(a: Mapping[str, str]) -> str | None:
    wanted = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}
    if all(a.get(k) == v for k, v in wanted.items()) and "BoxUsage" in a.get("usagetype", ""):
        return f"ec2:instance:{a['instanceType']}"
    return None


_RDS_ENGINES = {"PostgreSQL": "postgres", "MySQL": "mysql", "MariaDB": "mariadb"}
_RDS_DEPLOYMENTS = {"Single-AZ": "single-az", "Multi-AZ": "multi-az"}  # not "Multi-AZ (readable standbys)": clusters
_RDS_VOLUMES = {"General Purpose-GP3": "gp3", "General Purpose": "gp2", "Provisioned IOPS": "io1"}
# RDS usage types, as the price list and the Cost and Usage Report spell them: <region>-InstanceUsage:<class> and
# <region>-Multi-AZUsage:<class> for instance hours (not the Aurora InstanceUsageIOOptimized:), <region>-RDS:PIOPS and
# <region>-RDS:Multi-AZ-PIOPS for io1 IOPS-months ("$0.20 per IOPS-month of Multi-AZ Provisioned IOPS"), and
# <region>-ExtendedSupport:Yr1-Yr2:<Engine><major> / ...:Yr3:... for Extended Support, per vCPU-hour, on SKUs without a
# product family ("USD 0.10 per hour per vCPU running RDS Extended Support for ... in Year 1, Year 2").
_RDS_HOURS = ("InstanceUsage:", "Multi-AZUsage:")
_RDS_EXTENDED_SUPPORT = {"ExtendedSupport:Yr1-Yr2:": "year1", "ExtendedSupport:Yr3:": "year3"}


def _rds_instance(a: Mapping[str, str]) -> str | None:
    engine, az = _RDS_ENGINES.get(a.get("databaseEngine", "")), _RDS_DEPLOYMENTS.get(a.get("deploymentOption", ""))
    usage = a.get("usagetype", "")
    hours = any(part in usage for part in _RDS_HOURS) and "IOOptimized" not in usage
    if engine and az and a.get("instanceType") and hours:
        return f"rds:instance:{engine}:{a['instanceType']}:{az}"
    return None


def _rds_storage(a: Mapping[str, str]) -> str | None:
    volume, az = _RDS_VOLUMES.get(a.get("volumeType", "")), _RDS_DEPLOYMENTS.get(a.get("deploymentOption", ""))
    engine = a.get("databaseEngine", "Any")
    return f"rds:storage:{volume}:{az}" if volume and az and engine in ("Any", "PostgreSQL") else None


def _rds_iops(a: Mapping[str, str]) -> str | None:
    usage = a.get("usagetype", "")
    if usage.endswith("RDS:Multi-AZ-PIOPS"):
        return "rds:iops:io1:multi-az"
    return "rds:iops:io1:single-az" if usage.endswith("RDS:PIOPS") else None


def _rds_extended_support(a: Mapping[str, str]) -> str | None:
    """RDS for PostgreSQL and MySQL Extended Support (one rate per region and year for every engine version); the
    Aurora and Aurora Serverless v2 (ASv2, per ACU) surcharges are other prices."""
    usage = a.get("usagetype", "")
    for marker, year in _RDS_EXTENDED_SUPPORT.items():
        engine = usage.partition(marker)[2]
        if marker in usage and engine.startswith(("PostgreSQL", "MySQL")) and "ASv2" not in usage:
            return f"rds:extended-support:{year}"
    return None


def _cache_node(a: Mapping[str, str]) -> str | None:
    """Node-based cache hours: <region>-NodeUsage:<node type>. Not the Multi-AZ synchronous-durability add-on on
    the same node type (<region>-SyncDurability-NodeUsage:...), which would otherwise read as a second price for
    the node (vantage-sh/ec2instances.info issue 909: Valkey cache.r7g.large in ap-southeast-1, $0.2104 node-hour
    and a $0.0379 SyncDurability SKU)."""
    engine, usage = a.get("cacheEngine", ""), a.get("usagetype", "")
    node_hours = "NodeUsage:cache." in usage and "SyncDurability" not in usage
    if engine in ("Redis", "Valkey") and a.get("instanceType") and node_hours:
        return f"elasticache:node:{engine.lower()}:{a['instanceType']}"
    return None


def _sqs(a: Mapping[str, str]) -> str | None:
    kind = a.get("queueType", "")
    return "sqs:requests:fifo" if kind.startswith("FIFO") else "sqs:requests:standard" if kind == "Standard" else None


RULES: tuple[Rule, ...] = (
    Rule("AmazonEC2", "Compute Instance", "Hrs", "hour", _ec2_instance),
    Rule(
        "AmazonEC2",
        "Storage",
        "GB-Mo",
        "GB-month",
        lambda a: f"ec2:ebs:{a['volumeApiName']}" if a.get("volumeApiName") else None,
    ),
    Rule(
        "AmazonEC2",
        "IP Address",
        "Hrs",
        "hour",
        lambda a: "ec2:public-ipv4" if _ends(a, "PublicIPv4:InUseAddress") else None,
    ),
    Rule(
        "AmazonEC2",
        "NAT Gateway",
        "Hrs",
        "hour",
        lambda a: "vpc:nat-gateway:hour" if _ends(a, "NatGateway-Hours") else None,
    ),
    Rule(
        "AmazonEC2", "NAT Gateway", "GB", "GB", lambda a: "vpc:nat-gateway:gb" if _ends(a, "NatGateway-Bytes") else None
    ),
    Rule("AmazonRDS", "Database Instance", "Hrs", "hour", _rds_instance),
    Rule("AmazonRDS", "Database Storage", "GB-Mo", "GB-month", _rds_storage),
    Rule("AmazonRDS", None, "IOPS-Mo", "IOPS-month", _rds_iops),
    Rule("AmazonRDS", None, "vCPU-hour", "vCPU-hour", _rds_extended_support),
    Rule(
        "AmazonRDS",
        "Storage Snapshot",
        "GB-Mo",
        "GB-month",
        lambda a: "rds:backup" if _ends(a, "ChargedBackupUsage") else None,
    ),
    Rule("AmazonElastiCache", "Cache Instance", "Hrs", "node-hour", _cache_node),
    Rule(
        "AWSELB",
        "Load Balancer-Application",
        "Hrs",
        "hour",
        lambda a: "elb:alb:hour" if _ends(a, "LoadBalancerUsage") else None,
    ),
    Rule(
        "AWSELB",
        "Load Balancer-Application",
        "LCU-Hrs",
        "LCU-hour",
        lambda a: "elb:alb:lcu" if _ends(a, "LCUUsage") else None,
    ),
    Rule("AWSQueueService", "API Request", "Requests", "1M requests", _sqs, scale=1e6),
    Rule(
        "AmazonCloudWatch",
        "Alarm",
        "Alarms",
        "month",
        lambda a: "cloudwatch:alarm:standard" if _ends(a, "CW:AlarmMonitorUsage") else None,
    ),
    Rule(
        "AmazonCloudWatch",
        "Metric",
        "Metrics",
        "month",
        lambda a: "cloudwatch:metric" if _ends(a, "CW:MetricMonitorUsage") else None,
    ),
    Rule(
        "AmazonCloudWatch",
        "Dashboard",
        "Dashboards",
        "month",
        lambda a: "cloudwatch:dashboard" if _ends(a, "DashboardsUsageHour") else None,
    ),
    Rule(
        "AmazonCloudWatch",
        "Data Payload",
        "GB",
        "GB",
        lambda a: "cloudwatch:logs:ingest" if _ends(a, "DataProcessing-Bytes") else None,
    ),
    Rule(
        "AmazonCloudWatch",
        "Storage Snapshot",
        "GB-Mo",
        "GB-month",
        lambda a: "cloudwatch:logs:storage" if _ends(a, "TimedStorage-ByteHrs") else None,
    ),
)
# Rules for the services the newer pricers use. Product families and usage types follow Infracost's price filters
# (infracost/infracost internal/resources/aws/*.go); the unit spellings accept the forms AWS offer files use, and a
# row in any other unit is skipped and counted, never guessed.
_HOURS = ("Hrs", "Hours", "hours", "hrs")
_GB_MONTH = ("GB-Mo", "GB-Month", "GB-month")
_REQUESTS = ("Requests", "requests", "Request")


def _usage(suffix: str, key: str) -> Callable[[Mapping[str, str]], str | None]:
    return lambda a: key if _ends(a, suffix) else None


def _contains(part: str, key: str) -> Callable[[Mapping[str, str]], str | None]:
    return lambda a: key if part in a.get("usagetype", "") else None


def _lambda_duration(a: Mapping[str, str]) -> str | None:
    usage = a.get("usagetype", "")
    if usage.endswith("Lambda-GB-Second-ARM"):
        return "lambda:duration:arm64"
    return "lambda:duration:x86_64" if usage.endswith("Lambda-GB-Second") else None


def _lambda_requests(a: Mapping[str, str]) -> str | None:
    usage = a.get("usagetype", "")
    return "lambda:requests" if usage.endswith("Request") and "ARM" not in usage and "Edge" not in usage else None


def _dms_instance(a: Mapping[str, str]) -> str | None:
    """DMS replication instances, by the attributes Infracost filters on (instanceType t3.small, availabilityZone
    Single/Multiple); DMS's product family names are not documented, so the rules match any family."""
    az = {"Single": "single-az", "Multiple": "multi-az"}.get(a.get("availabilityZone", ""))
    return (
        f"dms:instance:{a['instanceType']}:{az}" if az and a.get("instanceType") and not a.get("storageMedia") else None
    )


def _dms_storage(a: Mapping[str, str]) -> str | None:
    az = {"Single": "single-az", "Multiple": "multi-az"}.get(a.get("availabilityZone", ""))
    return f"dms:storage:gp2:{az}" if az and a.get("storageMedia") == "SSD" else None


RULES += (
    Rule("AWSDatabaseMigrationSvc", None, _HOURS, "hour", _dms_instance),
    Rule("AWSDatabaseMigrationSvc", None, _GB_MONTH, "GB-month", _dms_storage),
    Rule(
        "AmazonECS", "Compute", _HOURS, "vCPU-hour", _contains("Fargate-vCPU-Hours:perCPU", "ecs:fargate:x86_64:vcpu")
    ),
    Rule("AmazonECS", "Compute", _HOURS, "GB-hour", _contains("Fargate-GB-Hours", "ecs:fargate:x86_64:gb")),
    Rule("AmazonEKS", "Compute", _HOURS, "hour", _contains("AmazonEKS-Hours:perCluster", "eks:cluster")),
    Rule("AWSLambda", "Serverless", ("Lambda-GB-Second", "seconds", "GB-Seconds"), "GB-second", _lambda_duration),
    Rule("AWSLambda", "Serverless", _REQUESTS, "1M requests", _lambda_requests, scale=1e6),
    Rule(
        "AmazonApiGateway",
        "API Calls",
        _REQUESTS,
        "1M requests",
        lambda a: (
            "apigateway:http:requests"
            if _ends(a, "ApiGatewayHttpRequest")
            else "apigateway:rest:requests"
            if _ends(a, "ApiGatewayRequest")
            else None
        ),
        scale=1e6,
    ),
    Rule(
        "AmazonDynamoDB",
        "Database Storage",
        _GB_MONTH,
        "GB-month",
        lambda a: (
            "dynamodb:storage" if _ends(a, "TimedStorage-ByteHrs") and "IA-" not in a.get("usagetype", "") else None
        ),
    ),
    Rule(
        "AmazonDynamoDB",
        "Amazon DynamoDB PayPerRequest Throughput",
        ("WriteRequestUnits", "ReadRequestUnits"),
        "1M requests",
        lambda a: {"DDB-WriteUnits": "dynamodb:ondemand:write", "DDB-ReadUnits": "dynamodb:ondemand:read"}.get(
            a.get("group", "")
        ),
        scale=1e6,
    ),
    Rule(
        "AmazonKinesis",
        "Kinesis Streams",
        ("ShardHour", "Hrs", "shard-hours"),
        "shard-hour",
        _usage("Storage-ShardHour", "kinesis:shard"),
    ),
    Rule(
        "AmazonRedshift",
        "Compute Instance",
        _HOURS,
        "hour",
        lambda a: (
            f"redshift:node:{a['instanceType']}"
            if a.get("instanceType") and "Node:" in a.get("usagetype", "")
            else None
        ),
    ),
    Rule(
        "AmazonRedshift",
        "Redshift Managed Storage",
        _GB_MONTH,
        "GB-month",
        _contains("RMS:", "redshift:managed-storage"),
    ),
    Rule(
        "AmazonSNS",
        "API Request",
        _REQUESTS,
        "1M requests",
        _usage("Requests-Tier1", "sns:requests:standard"),
        scale=1e6,
    ),
    Rule("AmazonECR", "EC2 Container Registry", _GB_MONTH, "GB-month", _usage("TimedStorage-ByteHrs", "ecr:storage")),
    Rule("AmazonEFS", "Storage", _GB_MONTH, "GB-month", _usage("TimedStorage-ByteHrs", "efs:storage:standard")),
    Rule(
        "AmazonStates",
        "AWS Step Functions",
        ("StateTransitions", "Transitions", "transitions"),
        "1k transitions",
        _contains("StateTransition", "sfn:standard:transitions"),
        scale=1e3,
    ),
    Rule("AmazonVPC", "Transit Gateway", _HOURS, "hour", _contains("TransitGateway-Hours", "vpc:tgw:attachment")),
    Rule("AmazonVPC", "Transit Gateway", ("GB",), "GB", _contains("TransitGateway-Bytes", "vpc:tgw:gb")),
    Rule("AmazonVPC", "VpcEndpoint", _HOURS, "hour", _usage("VpcEndpoint-Hours", "vpc:endpoint:interface:hour")),
    Rule("AmazonVPC", "VpcEndpoint", ("GB",), "GB", _usage("VpcEndpoint-Bytes", "vpc:endpoint:interface:gb")),
)

# Rules for issue 18's network, CDN, storage, DNS and monitoring prices. Attributes and usage types follow Infracost's
# price filters (internal/resources/aws: data_transfer, cloudfront_distribution, route53_record, route53_zone,
# route53_health_check, cloudwatch_metric_alarm, lb, vpn_connection, ssm_parameter, s3_*_storage_class) and rows of
# real offer files seen in the search corpus; tiered prices keep every tier the catalog has a key for.
_INTERNET_OUT_TIERS = {"10240": "", "51200": "next-40tb", "153600": "next-100tb", "Inf": "over-150tb"}
"""AWSDataTransfer rows to the internet by endRange in GB (Infracost data_transfer: 10240, 51200, 153600, Inf); the
$0 row of the free allowance ends elsewhere and is not kept."""
_CLOUDFRONT_TIERS = {
    "0": "",
    "10240": "next-40tb",
    "51200": "next-100tb",
    "153600": "next-350tb",
    "512000": "next-524tb",
    "1048576": "next-4pb",
    "5242880": "over-5pb",
}
"""CloudFront Outbound rows by beginRange in GB (Infracost cloudfront_distribution tierStarts)."""
_EDGE_GROUPS = {"Asia Pacific": "asia", "United States": "us"}
"""CloudFront price-list locations of the catalog's edge groups (Infracost: 'Hong Kong, Philippines, Asia Pacific'
is priceRegion 'Asia Pacific'; 'US, Mexico, Canada' is 'United States')."""
_QUERY_TIERS = {"0": "", "1000000000": "over-1b"}
_HEALTH_CHECK_UNITS = ("Health-Checks", "Health Checks", "Mo", "Count")
_QUERY_KINDS = {"DNS-Queries": "standard", "LBR-Queries": "latency", "Geo-Queries": "geo"}
_S3_STORAGE = {
    "TimedStorage-SIA-ByteHrs": "s3:storage:standard-ia",
    "TimedStorage-ZIA-ByteHrs": "s3:storage:one-zone-ia",
    "TimedStorage-GIR-ByteHrs": "s3:storage:glacier-ir",
    "TimedStorage-GlacierByteHrs": "s3:storage:glacier",
    "TimedStorage-INT-FA-ByteHrs": "s3:storage:intelligent-tiering:frequent",
    "TimedStorage-INT-IA-ByteHrs": "s3:storage:intelligent-tiering:infrequent",
    "TimedStorage-INT-AA-ByteHrs": "s3:storage:intelligent-tiering:archive",
    "TimedStorage-INT-DAA-ByteHrs": "s3:storage:intelligent-tiering:deep-archive",
}


def _suffix_after_region(a: Mapping[str, str]) -> str:
    """The usage type without its region prefix (APS1-TimedStorage-SIA-ByteHrs -> TimedStorage-SIA-ByteHrs)."""
    usage = a.get("usagetype", "")
    return (
        usage.split("-", 1)[1]
        if "-" in usage and usage.split("-", 1)[0].isalnum() and usage.split("-", 1)[0].isupper()
        else usage
    )


def _internet_out(a: Mapping[str, str]) -> str | None:
    return (
        "transfer:out:internet"
        if a.get("transferType") == "AWS Outbound" and a.get("usagetype", "").endswith("DataTransfer-Out-Bytes")
        else None
    )


def _cloudfront_out(a: Mapping[str, str]) -> str | None:
    group = _EDGE_GROUPS.get(a.get("fromLocation", ""))
    return f"cloudfront:data-out:{group}" if group and a.get("transferType") == "CloudFront Outbound" else None


def _cloudfront_requests(a: Mapping[str, str]) -> str | None:
    group = _EDGE_GROUPS.get(a.get("location", ""))
    kind = {"CloudFront-Request-HTTPS-Proxy": "https", "CloudFront-Request-HTTP-Proxy": "http"}.get(
        a.get("requestType", "")
    )
    return f"cloudfront:requests-{kind}:{group}" if group and kind else None


def _route53_queries(a: Mapping[str, str]) -> str | None:
    kind = _QUERY_KINDS.get(a.get("usagetype", ""))
    return f"route53:queries:{kind}" if kind else None


def _route53_health_check(a: Mapping[str, str]) -> str | None:
    usage = a.get("usagetype", "")
    for suffix, key in (
        ("Health-Check-Option-Non-AWS", "route53:health-check-feature:non-aws"),
        ("Health-Check-Option-AWS", "route53:health-check-feature:aws"),
        ("Health-Check-Non-AWS", "route53:health-check:non-aws"),
        ("Health-Check-AWS", "route53:health-check:aws"),
    ):
        if usage.endswith(suffix):
            return key
    return None


def _s3_storage(a: Mapping[str, str]) -> str | None:
    usage = _suffix_after_region(a)
    if usage == "TimedStorage-ByteHrs":
        return "s3:storage:standard"
    return _S3_STORAGE.get(usage)


def _s3_requests(a: Mapping[str, str]) -> str | tuple[str, ...] | None:
    usage, operation = _suffix_after_region(a), a.get("operation", "")
    if usage == "Requests-Tier1":
        return "s3:requests:put"
    if usage == "Requests-Tier2":
        return "s3:requests:get"
    if usage == "Requests-Tier4" and not operation:
        # One row, the transition into Standard-IA, One Zone-IA and Intelligent-Tiering (Infracost prices all three
        # on Requests-Tier4 with no operation).
        return ("s3:transition:standard-ia", "s3:transition:one-zone-ia", "s3:transition:intelligent-tiering")
    if usage == "Requests-Tier3" and operation == "S3-GlacierTransition":
        return "s3:transition:glacier"
    if usage == "Requests-Tier3" and operation == "S3-GDATransition":
        return "s3:transition:deep-archive"
    return None


def _alarm(a: Mapping[str, str]) -> str | None:
    if not a.get("usagetype", "").endswith("AlarmMonitorUsage"):
        return None
    kind = a.get("alarmType", "Standard")
    return {"Standard": "cloudwatch:alarm:standard", "High Resolution": "cloudwatch:alarm:high-resolution"}.get(kind)


RULES = tuple(rule for rule in RULES if rule.family != "Alarm")  # replaced by _alarm: keyed by alarmType
RULES += (
    Rule("AmazonCloudWatch", "Alarm", ("Alarms", "Alarm", "alarms"), "month", _alarm),
    Rule(
        "AWSDataTransfer", "Data Transfer", ("GB",), "GB", _internet_out, tiers=_INTERNET_OUT_TIERS, tier_by="endRange"
    ),
    Rule("AmazonCloudFront", None, ("GB",), "GB", _cloudfront_out, tiers=_CLOUDFRONT_TIERS),
    Rule("AmazonCloudFront", None, _REQUESTS, "10k requests", _cloudfront_requests, scale=1e4),
    Rule(
        "AmazonRoute53",
        "DNS Query",
        ("Queries", "queries", "Query"),
        "1M queries",
        _route53_queries,
        scale=1e6,
        tiers=_QUERY_TIERS,
    ),
    Rule(
        "AmazonRoute53",
        "DNS Zone",
        ("HostedZone", "Hosted Zone", "Mo"),
        "month",
        lambda a: "route53:zone" if a.get("usagetype") == "HostedZone" else None,
    ),
    # An AWS-endpoint health check's first 50 are free: its priced row starts at 50 (Infracost StartUsageAmount 50);
    # the other health-check rows and the optional features start at 0.
    Rule(
        "AmazonRoute53",
        "DNS Health Check",
        _HEALTH_CHECK_UNITS,
        "month",
        lambda a: "route53:health-check:aws" if _route53_health_check(a) == "route53:health-check:aws" else None,
        tiers={"50": ""},
    ),
    Rule("AmazonRoute53", "DNS Health Check", _HEALTH_CHECK_UNITS, "month", _route53_health_check),
    Rule("AmazonS3", "Storage", _GB_MONTH, "GB-month", _s3_storage),
    Rule("AmazonS3", None, _REQUESTS, "1k requests", _s3_requests, scale=1e3),
    Rule(
        "AmazonS3",
        None,
        ("ObjectCount", "Objects", "objects"),
        "1k objects",
        _contains("Monitoring-Automation-INT", "s3:intelligent-tiering:monitoring"),
        scale=1e3,
    ),
    Rule(
        "AmazonS3GlacierDeepArchive",
        "Storage",
        _GB_MONTH,
        "GB-month",
        _usage("TimedStorage-GDA-ByteHrs", "s3:storage:deep-archive"),
    ),
    Rule("AWSELB", "Load Balancer-Network", _HOURS, "hour", _usage("LoadBalancerUsage", "elb:network:hour")),
    Rule(
        "AWSELB",
        "Load Balancer-Network",
        ("LCU-Hrs", "NLCU-Hrs", "LCU-Hours"),
        "LCU-hour",
        _usage("LCUUsage", "elb:network:lcu"),
    ),
    Rule("AmazonVPC", "VpcEndpoint", _HOURS, "hour", _usage("VpcEndpoint-GWLBE-Hours", "vpc:endpoint:gwlb:hour")),
    Rule("AmazonVPC", "Cloud Connectivity", _HOURS, "hour", _usage("VPN-Usage-Hours:ipsec.1", "vpc:vpn:connection")),
    Rule("AmazonVPC", None, _HOURS, "hour", _usage("PublicIPv4:InUseAddress", "ec2:public-ipv4")),
    # Advanced parameters are billed per parameter-hour, $0.05 a month prorated (Infracost prices 730 hours; the
    # catalog keeps the month): hour price x 730.
    Rule(
        "AWSSystemsManager",
        "AWS Systems Manager",
        _HOURS + ("Hour",),
        "month",
        _contains("PS-Advanced-Param-Tier1", "ssm:parameter:advanced"),
        scale=730,
        digits=4,  # the offer's hourly price is itself rounded (0.05 / 730 = 0.0000684932): x 730 = 0.050000036
    ),
    Rule(
        "AWSSystemsManager",
        "API Request",
        _REQUESTS,
        "10k requests",
        _contains("PS-Param-Processed-Tier2", "ssm:api:higher-throughput"),
        scale=1e4,
    ),
)

def _glue(group: str, operation: str, key: str) -> Callable[[Mapping[str, str]], str | None]:
    return lambda a: key if a.get("group") == group and a.get("operation") == operation else None


# AWS Glue (offer code AWSGlue; product family "AWS Glue"). The attributes are those of the offer rows (group,
# operation, usagetype such as APE1-Crawler-DPU-Hour or ILC1-Catalog-Request, units DPU-Hour and Request) and of
# Infracost's filters (internal/resources/aws/glue_*.go: group "ETL Job run" + operation JobRun, operation
# CrawlerRun, group "Data catalog requests"). Not refreshed: Data Catalog storage (usage type <region>-Catalog-Storage,
# priced per object-month, but its offer unit spelling is not verified here) and AppSync (AWSAppSync), whose attribute
# spellings are not verified either; their catalog prices are kept by hand with their sources.
RULES += (
    Rule("AWSGlue", "AWS Glue", "DPU-Hour", "DPU-hour", _glue("ETL Job run", "JobRun", "glue:job:dpu")),
    Rule("AWSGlue", "AWS Glue", "DPU-Hour", "DPU-hour", _glue("Data catalog crawler run", "CrawlerRun",
                                                               "glue:crawler:dpu")),
    Rule("AWSGlue", "AWS Glue", _REQUESTS, "1M requests", _glue("Data catalog requests", "Request",
                                                                  "glue:catalog:requests"), scale=1e6),
)
_COGNITO_TIERS = {"CognitoLiteMAU": "lite", "CognitoEssentialsMAU": "essentials", "CognitoPlusMAU": "plus"}


def _cognito_mau(a: Mapping[str, str]) -> str | None:
    """Cognito user pools per monthly active user, by feature plan: <region>-CognitoEssentialsMAU and
    <region>-CognitoPlusMAU in unit CognitoUserPoolsMAU (Singapore rows as aadk979/SPOH_2027's fetch-prices.mjs read
    them from the AmazonCognito offer, 2026-09-11); <region>-CognitoLiteMAU is tiered, its first tier kept. The free
    allowance is another usage type (Global-CognitoFreeTierMAU), not matched."""
    return next((f"cognito:mau:{plan}" for suffix, plan in _COGNITO_TIERS.items() if _ends(a, suffix)), None)


# Fargate on Graviton: <region>-Fargate-ARM-vCPU-Hours:perCPU and <region>-Fargate-ARM-GB-Hours, unit "hours" (the
# AmazonECS offer rows fetch-prices.mjs read for Singapore); the x86 rules above do not match them (no ARM- part).
RULES += (
    Rule("AmazonCognito", None, ("CognitoUserPoolsMAU", "MAU"), "MAU", _cognito_mau),
    Rule("AmazonECS", None, _HOURS, "vCPU-hour", _contains("Fargate-ARM-vCPU-Hours:perCPU", "ecs:fargate:arm64:vcpu")),
    Rule("AmazonECS", None, _HOURS, "GB-hour", _contains("Fargate-ARM-GB-Hours", "ecs:fargate:arm64:gb")),
    # KMS keys: <region code>-KMS-Keys (ap-southeast-1-KMS-Keys, unit Keys, "$1 per customer managed KMS key version
    # in Asia Pacific (Singapore)" as fetch-prices.mjs read the awskms offer; Infracost's filter is /KMS-Keys/). A
    # region's row goes to its own prices; the catalog's every-region key rate stays as AWS's page gives it.
    Rule("awskms", None, ("Keys", "Key"), "month", _usage("-KMS-Keys", "kms:key")),
)
OFFERS: tuple[str, ...] = tuple(dict.fromkeys(rule.offer for rule in RULES))
GLOBAL_OFFERS = frozenset({"AmazonCloudFront", "AmazonRoute53"})
"""Offers of global services, whose edge prices the catalog keeps in `global`."""


@dataclass
class RefreshResult:
    """What a refresh found: prices per catalog key, the offers read, and how many rows each filter dropped."""

    region: str
    prices: dict[str, dict[str, Any]] = field(default_factory=dict)
    offers: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: Counter = field(default_factory=Counter)
    ambiguous: set[str] = field(default_factory=set)


# ---------------------------------------------------------------------------------------------------------------
# Streaming an offer file


def _build(first: tuple[str, str, Any], events: Iterator[tuple[str, str, Any]]) -> Any:
    """Assemble the JSON value that starts with event `first` from the remaining parser events."""
    import ijson

    builder = ijson.ObjectBuilder()
    depth = 0
    event: tuple[str, str, Any] | None = first
    while event is not None:
        _, kind, value = event
        builder.event(kind, value)
        depth += kind in ("start_map", "start_array")
        depth -= kind in ("end_map", "end_array")
        if depth == 0:
            return builder.value
        event = next(events)
    return None


def read_offer(stream: IO[bytes], region: str, result: RefreshResult, source: str) -> None:
    """Stream one offer file into `result`: match products, then read their on-demand price dimensions."""
    import ijson

    events = iter(ijson.parse(stream))
    meta: dict[str, str] = {}
    matched: dict[str, tuple[tuple[str, ...], Rule]] = {}
    seen_products = False
    try:
        for prefix, kind, value in events:
            if prefix in ("offerCode", "version", "publicationDate") and kind == "string":
                meta[prefix] = value
            elif prefix == "products" and kind == "map_key":
                seen_products = True
                product = _build(next(events), events)
                _match_product(value, product, meta.get("offerCode", ""), region, matched, result)
            elif prefix == "terms.OnDemand" and kind == "map_key":
                if not seen_products:
                    raise UserError(f"{source}: terms come before products; not an AWS offer file layout")
                term = _build(next(events), events)
                if value in matched:
                    _read_term(value, term, matched[value], meta, result)
    except ijson.JSONError as error:
        reason = " ".join(str(error).split())  # the parser's message spans several lines
        raise UserError(f"{source}: not valid JSON ({reason})") from None
    except (AttributeError, TypeError, ValueError, KeyError) as error:
        raise UserError(f"{source}: not an AWS offer file (unexpected product or term layout: {error})") from None
    if not seen_products:
        result.skipped["files without products"] += 1
        return
    result.offers[meta.get("offerCode", source)] = {
        "version": meta.get("version", ""),
        "publicationDate": meta.get("publicationDate", ""),
    }


def _match_product(
    sku: str,
    product: Mapping[str, Any],
    offer: str,
    region: str,
    matched: dict[str, tuple[tuple[str, ...], Rule]],
    result: RefreshResult,
) -> None:
    attributes = product.get("attributes") or {}
    if attributes.get("regionCode", attributes.get("fromRegionCode", region)) != region:
        result.skipped["other regions"] += 1
        return
    extended_support = "ExtendedSupport" in attributes.get("usagetype", "")
    for rule in RULES:
        # an Extended Support surcharge SKU names the instance class it is billed with: only its own rule reads it
        if extended_support and rule.key is not _rds_extended_support:
            continue
        if rule.offer == offer and rule.family in (None, product.get("productFamily")):
            key = rule.key(attributes)
            if key:
                matched[sku] = ((key,) if isinstance(key, str) else tuple(key), rule)
                return
    if extended_support:
        result.skipped["ExtendedSupport surcharge SKUs"] += 1


def _read_term(
    sku: str,
    term: Mapping[str, Any],
    match: tuple[tuple[str, ...], Rule],
    meta: Mapping[str, str],
    result: RefreshResult,
) -> None:
    keys, rule = match
    for offer_term in term.values():
        for dimension in (offer_term.get("priceDimensions") or {}).values():
            usd = float(str((dimension.get("pricePerUnit") or {}).get("USD", "0")))
            suffix = _tier_suffix(rule, dimension)
            if suffix is None:
                result.skipped[
                    "tiered rows beyond the first" if rule.tiers is None else "tier rows not in the catalog"
                ] += 1
            elif usd == 0 and "reserved" in str(dimension.get("description", "")).lower():
                result.skipped["$0 reserved-instance-applied rows"] += 1
            elif dimension.get("unit") not in (
                (rule.offer_unit,) if isinstance(rule.offer_unit, str) else rule.offer_unit
            ):
                result.skipped["rows in another unit"] += 1
            else:
                for key in keys:
                    _record(f"{key}:{suffix}" if suffix else key, rule, usd * rule.scale, sku, meta, result)


def _tier_suffix(rule: Rule, dimension: Mapping[str, Any]) -> str | None:
    """The catalog key suffix of a price row: "" for an untiered rule's first-tier row (beginRange 0), the mapped
    suffix of a tiered rule's row, None for a row the catalog does not keep."""
    if rule.tiers is None:
        return "" if str(dimension.get("beginRange", "0")) == "0" else None
    return rule.tiers.get(str(dimension.get(rule.tier_by, "")))


def _record(key: str, rule: Rule, usd: float, sku: str, meta: Mapping[str, str], result: RefreshResult) -> None:
    usd = round(usd, rule.digits)
    previous = result.prices.get(key)
    if previous is not None and previous["usd"] != usd:
        result.ambiguous.add(key)
        return
    result.prices[key] = {
        "usd": usd,
        "unit": rule.unit,
        "derived": False,
        "source": f"AWS offer file {meta.get('offerCode', rule.offer)} version {meta.get('version', '?')} (SKU {sku})",
        "as_of": meta.get("publicationDate", "")[:10],
        "offer_version": meta.get("version", ""),
        "publication_date": meta.get("publicationDate", ""),
    }


# ---------------------------------------------------------------------------------------------------------------
# Sources: a directory of offer files, or the price-list URL layout


def refresh(region: str, source: str) -> RefreshResult:
    """Read every offer file for `region` from a directory or an http(s) base URL."""
    result = RefreshResult(region)
    if source.startswith(("http://", "https://")):
        _refresh_from_url(region, source, result)
    else:
        directory = Path(source)
        if not directory.is_dir():
            raise UserError(f"--from {source}: not a directory or http(s) URL")
        for path in sorted(directory.rglob("*.json")):
            with path.open("rb") as stream:
                read_offer(stream, region, result, str(path))
    for key in result.ambiguous:
        result.prices.pop(key, None)
    if not result.prices:
        raise UserError(f"--from {source}: no on-demand prices for region {region} in the offer files")
    return result


class _ChunkReader:
    """A read() over an iterator of byte chunks, so ijson can stream an HTTP body."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes read(0) to tell bytes from text
            return b""
        for chunk in self._chunks:
            if chunk:  # an empty chunk mid-stream is not the end
                return chunk
        return b""


def _refresh_from_url(region: str, base: str, result: RefreshResult) -> None:
    """The bulk API's index: /offers/v1.0/aws/<offer>/current/region_index.json -> the region's currentVersionUrl."""
    import httpx

    base = base.rstrip("/") + "/"
    try:
        with httpx.Client(timeout=60, follow_redirects=True) as client:
            for offer in OFFERS:
                index_url = urljoin(base, f"offers/v1.0/aws/{offer}/current/region_index.json")
                response = client.get(index_url)
                if response.status_code == 404:
                    result.skipped[f"offers not published ({offer})"] += 1
                    continue
                response.raise_for_status()
                entry = (response.json().get("regions") or {}).get(region)
                if entry:
                    url = urljoin(base, entry["currentVersionUrl"].lstrip("/"))
                elif offer in GLOBAL_OFFERS:
                    # A global service's prices are not per region: its whole current offer file (the bulk API's
                    # /offers/v1.0/aws/<offerCode>/current/index.json), filtered by the rules as any other.
                    url = urljoin(base, f"offers/v1.0/aws/{offer}/current/index.json")
                else:
                    result.skipped[f"offers without {region} ({offer})"] += 1
                    continue
                with client.stream("GET", url) as body:
                    body.raise_for_status()
                    read_offer(_ChunkReader(body.iter_bytes()), region, result, url)
    except httpx.HTTPStatusError as error:
        raise UserError(f"{error.request.url}: HTTP {error.response.status_code}") from None
    except httpx.HTTPError as error:
        raise UserError(f"{base}: {error.__class__.__name__}: {error}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UserError(f"{base}: unexpected region index ({error})") from None


# ---------------------------------------------------------------------------------------------------------------
# Writing the catalog


def merge(catalog: dict[str, Any], result: RefreshResult) -> dict[str, Any]:
    """The catalog with the region's refreshed prices replaced (other keys and regions untouched)."""
    merged = json.loads(json.dumps(catalog))
    region = merged.setdefault("regions", {}).setdefault(result.region, {"prices": {}})
    prices = region.setdefault("prices", {})
    edge = merged.get("global", {})
    # Edge prices (CloudFront, Route 53) live in `global`: one price wherever the stack is; a refresh updates them
    # there, whichever region it reads. A global rate for every region (public IPv4) is never replaced by one.
    edge_keys = {key for key, entry in edge.items() if not entry.get("every_region")} - set(prices)
    prices.update({key: entry for key, entry in result.prices.items() if key not in edge_keys})
    edge.update({key: entry for key, entry in result.prices.items() if key in edge_keys})
    if edge:
        merged["global"] = dict(sorted(edge.items()))
    region["prices"] = dict(sorted(prices.items()))  # sorted keys: a refresh diff shows only what changed
    region["refreshed"] = result.offers
    dates = [offer["publicationDate"][:10] for offer in result.offers.values() if offer["publicationDate"]]
    merged["catalog_date"] = max([merged.get("catalog_date", ""), *dates])
    return merged


def write_catalog(path: Path, catalog: Mapping[str, Any]) -> None:
    """Write atomically, so a failed run leaves the old file."""
    from rollout.files import write_atomically

    write_atomically(path, json.dumps(catalog, indent=1) + "\n")
