"""The audit's collector for CloudFront distributions and response headers policies (CFD-01..11)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.reading import Collection, Reader, subject

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
RESPONSE_HEADERS_POLICY = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"


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


def _origin_group(group: Mapping[str, Any]) -> dict[str, Any]:
    return {"originId": group.get("Id"),
            "failoverCriteria": {"statusCodes": _items((group.get("FailoverCriteria") or {}).get("StatusCodes"))},
            "members": [{"originId": m.get("OriginId")} for m in _items(group.get("Members"))]}


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
        "originGroups": [_origin_group(g) for g in _items(config.get("OriginGroups"))],
        "restrictions": {"geoRestriction": {
            "restrictionType": ((config.get("Restrictions") or {}).get("GeoRestriction") or {}).get(
                "RestrictionType", "none"),
            "locations": _items((config.get("Restrictions") or {}).get("GeoRestriction"))}},
        "loggingConfig": {"bucket": logging.get("Bucket"), "prefix": logging.get("Prefix"),
                          "includeCookies": logging.get("IncludeCookies")} if logging.get("Enabled") else None,
    }
    deps = {}
    web_acl = config.get("WebACLId") or ""
    if web_acl.startswith("arn:"):  # a WAFv2 web ACL is named by its ARN (WAF Classic by a bare id)
        deps["webAclId"] = [web_acl]
    if default.get("responseHeadersPolicyId"):
        deps["defaultCacheBehavior"] = [rhp_arn(account, default["responseHeadersPolicyId"])]
    ordered_ids = sorted({b["responseHeadersPolicyId"] for b in ordered if b.get("responseHeadersPolicyId")})
    if ordered_ids:
        deps["orderedCacheBehaviors"] = [rhp_arn(account, i) for i in ordered_ids]
    return subject(DISTRIBUTION, distribution_id, arn, props, deps)


def normalize_response_headers_policy(policy: Mapping[str, Any], account: str) -> Subject:
    config = policy["ResponseHeadersPolicyConfig"]
    hsts = (config.get("SecurityHeadersConfig") or {}).get("StrictTransportSecurity")
    security = {}
    if hsts:
        security["strictTransportSecurity"] = {
            "override": hsts.get("Override"), "accessControlMaxAgeSec": hsts.get("AccessControlMaxAgeSec"),
            "includeSubdomains": hsts.get("IncludeSubdomains", False), "preload": hsts.get("Preload", False)}
    props = {"name": config.get("Name"), "securityHeadersConfig": security}
    return subject(RESPONSE_HEADERS_POLICY, config.get("Name") or policy["Id"], rhp_arn(account, policy["Id"]), props)


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
