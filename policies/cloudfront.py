"""CloudFront distributions: HTTPS to viewers and origins, modern TLS, OAC, WAF, logs, HSTS, root object
(CFD-01..08); enabled, origin failover, geo restriction (CFD-09..11)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, explicitly_false, get, items, of_type, refers_to, truthy
from policies.core import Control, Enforcement, Severity, Subject

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
RESPONSE_HEADERS_POLICY = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
_SECURE_VIEWER_POLICIES = {"redirect-to-https", "https-only"}
_MODERN_TLS = re.compile(r"^TLSv1\.(2|3)_\d{4}$")
_S3_DOMAIN = re.compile(r"\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?$")
ONE_YEAR = 31536000


def _behaviors(props: Mapping[str, Any]) -> list[tuple[str, Any]]:
    named = [("defaultCacheBehavior", get(props, "defaultCacheBehavior", default={}))]
    for index, behavior in enumerate(items(get(props, "orderedCacheBehaviors"))):
        named.append((f"orderedCacheBehaviors[{index}] ({get(behavior, 'pathPattern', default='?')})", behavior))
    return named


def viewer_https(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    for where, behavior in _behaviors(subject.props):
        policy = get(behavior, "viewerProtocolPolicy")
        if policy not in _SECURE_VIEWER_POLICIES:
            yield f"{where}.viewerProtocolPolicy is {policy!r}; use redirect-to-https or https-only"


def viewer_tls(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    certificate = get(subject.props, "viewerCertificate", default={})
    if truthy(get(certificate, "cloudfrontDefaultCertificate")):
        yield "viewerCertificate uses the CloudFront default certificate, which allows TLS 1.0; use an ACM certificate"
        return
    version = get(certificate, "minimumProtocolVersion")
    if not isinstance(version, str) or not _MODERN_TLS.match(version):
        yield f"viewerCertificate.minimumProtocolVersion is {version!r}; use TLSv1.2_2021 or newer"
    method = get(certificate, "sslSupportMethod")
    if method != "sni-only":
        yield f"viewerCertificate.sslSupportMethod is {method!r}; use sni-only"


def _is_s3_origin(origin: Any) -> bool:
    if get(origin, "customOriginConfig") is not None:
        return False
    if get(origin, "s3OriginConfig") is not None or get(origin, "originAccessControlId") is not None:
        return True
    return bool(_S3_DOMAIN.search(str(get(origin, "domainName", default=""))))


def origin_tls(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    for index, origin in enumerate(items(get(subject.props, "origins"))):
        custom = get(origin, "customOriginConfig")
        if custom is None:
            continue
        where = f"origins[{index}] ({get(origin, 'originId', default='?')})"
        policy = get(custom, "originProtocolPolicy")
        if policy != "https-only":
            yield f"{where}.customOriginConfig.originProtocolPolicy is {policy!r}; use https-only"
        protocols = [str(p) for p in items(get(custom, "originSslProtocols"))]
        if protocols != ["TLSv1.2"]:
            yield f"{where}.customOriginConfig.originSslProtocols is {protocols}; use ['TLSv1.2'] only"


def s3_origin_access_control(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    for index, origin in enumerate(items(get(subject.props, "origins"))):
        if _is_s3_origin(origin) and not get(origin, "originAccessControlId"):
            yield (f"origins[{index}] ({get(origin, 'originId', default='?')}) is an S3 origin without "
                   "originAccessControlId; use origin access control")


def waf(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not get(subject.props, "webAclId"):
        yield "webAclId is not set; associate a WAFv2 web ACL (scope CLOUDFRONT)"


def access_logs(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not get(subject.props, "loggingConfig", "bucket"):
        yield "loggingConfig.bucket is not set; enable standard access logs"


def default_root_object(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    """Only where / reaches a bucket: a dynamic origin renders its own home page, and a root object there would
    make CloudFront ask it for /index.html instead (a 404 on the home page of most shops)."""
    if get(subject.props, "defaultRootObject"):
        return
    origins = list(items(get(subject.props, "origins")))
    buckets = [o for o in origins if _is_s3_origin(o)]
    if not buckets:
        return
    if len(buckets) < len(origins):  # mixed: which one serves / decides (unknown until the target is known)
        target = get(subject.props, "defaultCacheBehavior", "targetOriginId")
        if not any(get(o, "originId") == target for o in buckets):
            return
    yield "defaultRootObject is not set and / is served from an S3 origin (a request for / would list or 403)"


def _hsts_problem(policy: Subject, min_age: int) -> str | None:
    hsts = get(policy.props, "securityHeadersConfig", "strictTransportSecurity")
    if hsts is None:
        return "has no securityHeadersConfig.strictTransportSecurity"
    problems = []
    if not truthy(get(hsts, "override")):
        problems.append("override is not true")
    age = get(hsts, "accessControlMaxAgeSec", default=0)
    if not isinstance(age, (int, float)) or age < min_age:
        problems.append(f"accessControlMaxAgeSec {age} < {min_age}")
    if not truthy(get(hsts, "includeSubdomains")):
        problems.append("includeSubdomains is not true")
    return "HSTS " + ", ".join(problems) if problems else None


def hsts_headers(subjects: Sequence[Subject], cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    policies = of_type(subjects, RESPONSE_HEADERS_POLICY)
    min_age = int(cfg.get("minMaxAgeSec", ONE_YEAR))

    def check(distribution: Subject) -> Iterator[str]:
        for where, behavior in _behaviors(distribution.props):
            prop = "defaultCacheBehavior" if where == "defaultCacheBehavior" else "orderedCacheBehaviors"
            policy_id = get(behavior, "responseHeadersPolicyId")
            if not policy_id:
                yield f"{where} has no responseHeadersPolicyId (no HSTS header)"
                continue
            linked = [p for p in policies if refers_to(distribution, prop, p)]
            if not linked:
                yield f"{where}.responseHeadersPolicyId refers to a policy outside this stack; HSTS cannot be verified"
                continue
            for policy in linked:
                problem = _hsts_problem(policy, min_age)
                if problem:
                    yield f"{where}: response headers policy {policy.name} {problem}"

    yield from each(subjects, [DISTRIBUTION], check)


def enabled(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if explicitly_false(get(subject.props, "enabled")):
        yield "enabled is false: the distribution answers no request, and DNS names pointing at it fail"


def origin_failover(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    groups = items(get(subject.props, "originGroups"))
    if not groups:
        yield "has no originGroups: when the origin fails, visitors get errors instead of a secondary origin"
        return
    for group in groups:
        where = f"originGroups {get(group, 'originId', default='?')}"
        if not items(get(group, "failoverCriteria", "statusCodes")):
            yield f"{where} has no failoverCriteria.statusCodes"
        if len(items(get(group, "members"))) < 2:
            yield f"{where} has fewer than 2 members"
    group_ids = {get(group, "originId") for group in groups}
    if not any(get(behavior, "targetOriginId") in group_ids for _, behavior in _behaviors(subject.props)):
        yield "no cache behavior targets an origin group (targetOriginId), so failover never happens"


def geo_restriction(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    blocked = sorted({str(c).upper() for c in (cfg.get("blockedCountries") or [])})
    restriction = get(subject.props, "restrictions", "geoRestriction")
    kind = str(get(restriction, "restrictionType", default="none"))
    locations = {str(c).upper() for c in items(get(restriction, "locations"))}
    if kind == "none":
        if blocked:
            yield f"restrictions.geoRestriction is none; config blockedCountries asks to block {', '.join(blocked)}"
        else:
            yield "restrictions.geoRestriction.restrictionType is none (every country reaches the site)"
        return
    if kind == "blacklist":
        missing = [c for c in blocked if c not in locations]
        if missing:
            yield f"geoRestriction blacklist does not block {', '.join(missing)} (config blockedCountries)"
    elif kind == "whitelist":
        allowed = [c for c in blocked if c in locations]
        if allowed:
            yield f"geoRestriction whitelist allows {', '.join(allowed)}, which config blockedCountries blocks"


_TYPES = (DISTRIBUTION,)
CONTROLS = (
    Control(
        id="CFD-01", title="CloudFront viewers use HTTPS", severity=Severity.HIGH, resource_types=_TYPES,
        check=viewer_https,
        description="Every cache behavior must redirect HTTP to HTTPS or serve HTTPS only.",
        remediation="Set viewerProtocolPolicy to redirect-to-https on the default and ordered cache behaviors.",
        sources=("FSBP CloudFront.3", "CKV_AWS_34", "compliance-policies "
                                                    "cloudfront-distribution-disallow-unencrypted-traffic"),
    ),
    Control(
        id="CFD-02", title="CloudFront uses a custom certificate with TLS 1.2+ and SNI", severity=Severity.HIGH,
        resource_types=_TYPES, check=viewer_tls,
        description="The default *.cloudfront.net certificate allows TLS 1.0; a custom certificate must set a "
                    "TLSv1.2_* (or 1.3) minimum protocol version and SNI. cloudfrontDefaultCertificate counts "
                    "only when true (Checkov CKV2_AWS_42 reads any value there, even a string, as the default "
                    "certificate).",
        remediation="Use an ACM certificate with minimumProtocolVersion TLSv1.2_2021 and sslSupportMethod sni-only.",
        sources=("FSBP CloudFront.7", "FSBP CloudFront.8", "CKV_AWS_174", "CKV2_AWS_42", "AwsSolutions-CFR4"),
    ),
    Control(
        id="CFD-03", title="CloudFront talks to custom origins over TLS 1.2 only", severity=Severity.HIGH,
        resource_types=_TYPES, check=origin_tls,
        description="Custom origins must be reached with https-only and TLSv1.2 as the only SSL protocol. Checkov "
                    "CKV2_AWS_54 fails only SSLv3 (TLSv1 and TLSv1.1 fail here too); CKV2_AWS_72 asks https-only "
                    "of load balancer, MediaStore and MediaPackage origins only, and never of a disabled "
                    "distribution, where every custom origin is judged here.",
        remediation="Set customOriginConfig.originProtocolPolicy=https-only and originSslProtocols=['TLSv1.2'].",
        sources=("FSBP CloudFront.9", "FSBP CloudFront.10", "CKV2_AWS_72", "CKV2_AWS_54", "AwsSolutions-CFR5"),
    ),
    Control(
        id="CFD-04", title="S3 origins use origin access control", severity=Severity.MEDIUM, resource_types=_TYPES,
        check=s3_origin_access_control,
        description="An S3 origin must be private and read through origin access control (OAC), not public. A "
                    "legacy origin access identity (s3OriginConfig) fails, as FSBP CloudFront.13 asks for OAC "
                    "(Checkov CKV2_AWS_46 accepts it); an origin whose domainName is no S3 domain (a bucket's "
                    "bucketRegionalDomainName is one) is not known to be S3 and is not judged.",
        remediation="Create an aws.cloudfront.OriginAccessControl and set originAccessControlId on the S3 origin.",
        sources=("FSBP CloudFront.13", "CKV2_AWS_46", "AwsSolutions-CFR7", "FSBP CloudFront.2 (legacy OAI)"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="CFD-05", title="CloudFront has a WAF web ACL", severity=Severity.MEDIUM, resource_types=_TYPES,
        check=waf,
        description="A WAFv2 web ACL filters common exploits and floods before they reach the origin.",
        remediation="Create an aws.wafv2.WebAcl with scope CLOUDFRONT and set webAclId to its ARN.",
        sources=("FSBP CloudFront.6", "CKV_AWS_68", "AwsSolutions-CFR2", "compliance-policies "
                                                                         "cloudfront-distribution-configure-waf"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="CFD-06", title="CloudFront access logs are on", severity=Severity.MEDIUM, resource_types=_TYPES,
        check=access_logs,
        description="Access logs are needed to investigate incidents and measure cache behaviour.",
        remediation="Set loggingConfig.bucket to a log bucket (with ACLs enabled for CloudFront log delivery).",
        sources=("FSBP CloudFront.5", "CKV_AWS_86", "AwsSolutions-CFR3", "compliance-policies "
                                                                         "cloudfront-distribution-enable-access-logging"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="CFD-07", title="Every CloudFront behavior sends a strong HSTS header", severity=Severity.MEDIUM,
        resource_types=(DISTRIBUTION, RESPONSE_HEADERS_POLICY), check=hsts_headers, stack=True,
        config_defaults={"minMaxAgeSec": ONE_YEAR},
        description="Each cache behavior needs a response headers policy whose Strict-Transport-Security overrides "
                    "the origin, lasts at least a year and includes subdomains (joined through "
                    "responseHeadersPolicyId).",
        remediation="Create an aws.cloudfront.ResponseHeadersPolicy with securityHeadersConfig.strictTransportSecurity "
                    "{override: true, accessControlMaxAgeSec: 31536000, includeSubdomains: true} and reference it "
                    "from every behavior.",
        sources=("CKV2_AWS_32", "CKV_AWS_259"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="CFD-08", title="CloudFront serving / from S3 has a default root object", severity=Severity.LOW,
        resource_types=_TYPES, check=default_root_object,
        description="When the default behavior targets an S3 origin, a request for / without a default root object "
                    "asks the bucket for its root. A dynamic (custom) origin serves / itself and needs none: unlike "
                    "CKV_AWS_305, which requires one on every distribution, a distribution whose / reaches a "
                    "custom origin passes (a root object there makes CloudFront ask the shop for /index.html).",
        remediation="Set defaultRootObject (e.g. index.html) on distributions whose default origin is a bucket.",
        sources=("FSBP CloudFront.1", "CKV_AWS_305"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="CFD-09", title="CloudFront distributions are enabled", severity=Severity.LOW, resource_types=_TYPES,
        check=enabled, enforcement=Enforcement.ADVISORY,
        description="A distribution with enabled=false serves nothing; a DNS name still pointing at it fails for "
                    "every visitor. Disabling is a step before deleting a distribution (advisory).",
        remediation="Set enabled=True, or remove the distribution and the records pointing at it.",
        sources=("CKV_AWS_216",),
    ),
    Control(
        id="CFD-10", title="CloudFront fails over to a second origin", severity=Severity.LOW, resource_types=_TYPES,
        check=origin_failover, enforcement=Enforcement.ADVISORY,
        description="Origin groups with failoverCriteria.statusCodes and two members, targeted by a cache "
                    "behavior, let CloudFront retry a second origin (a replica bucket in another region, a standby "
                    "server) when the first answers 5xx or times out. Not a default this project forces: a shop "
                    "with one server has no second origin, and CloudFront does not fail over POST requests. "
                    "Advisory and low severity; set CFD-10 to disabled in the policy config when there is no "
                    "second origin. Checkov CKV_AWS_310 does not ask for a behavior targeting the group.",
        remediation="Add originGroups=[{originId: 'assets', failoverCriteria: {statusCodes: [500, 502, 503, 504]}, "
                    "members: [{originId: 'primary'}, {originId: 'replica'}]}] and target it from the behavior.",
        sources=("CKV_AWS_310", "FSBP CloudFront.4"),
    ),
    Control(
        id="CFD-11", title="CloudFront restricts countries", severity=Severity.LOW, resource_types=_TYPES,
        check=geo_restriction, config_defaults={"blockedCountries": []}, enforcement=Enforcement.ADVISORY,
        description="restrictions.geoRestriction limits where the site can be reached from. Not a default this "
                    "project forces: a shop selling abroad, or to travellers, loses customers, and a VPN walks "
                    "around it. Config blockedCountries (ISO 3166-1 alpha-2 codes, e.g. where fraud or sanctions "
                    "come from) makes the control check that those are blocked (a blacklist naming them, or a "
                    "whitelist without them); with the default empty list it fails restrictionType none, as Checkov "
                    "CKV_AWS_374 does. Advisory and low severity.",
        remediation="Set restrictions={geoRestriction: {restrictionType: 'blacklist', locations: [...]}} (or a "
                    "whitelist of the countries the shop sells to).",
        sources=("CKV_AWS_374",),
    ),
)
