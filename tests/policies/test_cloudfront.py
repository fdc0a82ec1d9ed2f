from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB

from policies.cloudfront import DISTRIBUTION, RESPONSE_HEADERS_POLICY
from policies.core import UNKNOWN_STRING_VALUE as U

GOOD = {
    "defaultRootObject": "index.html",
    "webAclId": "arn:aws:wafv2:us-east-1:1:global/webacl/x/1",
    "loggingConfig": {"bucket": "logs.s3.amazonaws.com"},
    "viewerCertificate": {
        "acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/x",
        "minimumProtocolVersion": "TLSv1.2_2021",
        "sslSupportMethod": "sni-only",
    },
    "defaultCacheBehavior": {"viewerProtocolPolicy": "redirect-to-https", "responseHeadersPolicyId": "rhp-1"},
    "orderedCacheBehaviors": [
        {"pathPattern": "/static/*", "viewerProtocolPolicy": "https-only", "responseHeadersPolicyId": "rhp-1"}
    ],
    "origins": [
        {
            "originId": "web",
            "domainName": "origin.example.vn",
            "customOriginConfig": {
                "httpPort": 80,
                "httpsPort": 443,
                "originProtocolPolicy": "https-only",
                "originSslProtocols": ["TLSv1.2"],
            },
        },
        {
            "originId": "assets",
            "domainName": "assets.s3.ap-southeast-1.amazonaws.com",
            "originAccessControlId": "oac-1",
        },
    ],
}


def dist(res, variant, name, changes=None, deps=None):
    return res(DISTRIBUTION, name, variant(GOOD, changes or {}), deps)


def test_cfd01_viewer_https(res, variant, assert_exact):
    assert_exact(
        "CFD-01",
        {
            "pass_https": dist(res, variant, "a"),
            "fail_default_allow_all": dist(
                res, variant, "b", {"defaultCacheBehavior.viewerProtocolPolicy": "allow-all"}
            ),
            "fail_ordered_allow_all": dist(
                res, variant, "c", {"orderedCacheBehaviors.0.viewerProtocolPolicy": "allow-all"}
            ),
            "unknown_policy": dist(res, variant, "d", {"defaultCacheBehavior.viewerProtocolPolicy": U}),
        },
    )


def test_cfd02_viewer_tls(res, variant, assert_exact):
    assert_exact(
        "CFD-02",
        {
            "pass_modern": dist(res, variant, "a"),
            "pass_tls13": dist(res, variant, "a2", {"viewerCertificate.minimumProtocolVersion": "TLSv1.3_2025"}),
            "fail_default_certificate": dist(
                res, variant, "b", {"viewerCertificate": {"cloudfrontDefaultCertificate": True}}
            ),
            "fail_old_protocol": dist(res, variant, "c", {"viewerCertificate.minimumProtocolVersion": "TLSv1.1_2016"}),
            "fail_vip": dist(res, variant, "d", {"viewerCertificate.sslSupportMethod": "vip"}),
            "unknown_default_certificate": dist(
                res, variant, "e", {"viewerCertificate.cloudfrontDefaultCertificate": UB}
            ),
        },
    )


def test_cfd03_origin_tls(res, variant, assert_exact):
    assert_exact(
        "CFD-03",
        {
            "pass_https_only": dist(res, variant, "a"),
            "fail_match_viewer": dist(
                res, variant, "b", {"origins.0.customOriginConfig.originProtocolPolicy": "match-viewer"}
            ),
            "fail_old_ssl_protocols": dist(
                res, variant, "c", {"origins.0.customOriginConfig.originSslProtocols": ["TLSv1.1", "TLSv1.2"]}
            ),
            "unknown_protocols": dist(res, variant, "d", {"origins.0.customOriginConfig.originSslProtocols": U}),
        },
    )


def test_cfd04_origin_access_control(res, variant, assert_exact):
    assert_exact("CFD-04", {
        "pass_oac": dist(res, variant, "a"),
        "pass_only_custom": dist(res, variant, "a2", {"origins": [GOOD["origins"][0]]}),
        "fail_s3_without_oac": dist(res, variant, "b", {"origins.1.originAccessControlId": variant.DELETE}),
        "fail_legacy_oai": dist(res, variant, "c", {"origins.1": {"originId": "s3", "domainName": "b.s3.amazonaws.com",
                                                                   "s3OriginConfig": {"originAccessIdentity": "oai"}}}),
        "unknown_domain": dist(res, variant, "d", {"origins.1": {"originId": "s3", "domainName": U}}),
    })


def test_cfd05_waf(res, variant, assert_exact):
    assert_exact("CFD-05", {
        "pass_waf": dist(res, variant, "a"),
        "fail_no_waf": dist(res, variant, "b", {"webAclId": variant.DELETE}),
        "unknown_waf": dist(res, variant, "c", {"webAclId": U}),
    })


def test_cfd06_logs(res, variant, assert_exact):
    assert_exact("CFD-06", {
        "pass_logs": dist(res, variant, "a"),
        "fail_no_logs": dist(res, variant, "b", {"loggingConfig": variant.DELETE}),
        "unknown_bucket": dist(res, variant, "c", {"loggingConfig.bucket": U}),
    })


HSTS = {"securityHeadersConfig": {"strictTransportSecurity": {
    "override": True, "accessControlMaxAgeSec": 31536000, "includeSubdomains": True, "preload": True}}}


def test_cfd07_hsts(res, variant, assert_exact):
    def stack(name, policy_changes=None, dist_changes=None, linked=True):
        policy = res(RESPONSE_HEADERS_POLICY, f"{name}-rhp", variant(HSTS, policy_changes or {}))
        deps = {"defaultCacheBehavior": [policy.urn], "orderedCacheBehaviors": [policy.urn]} if linked else {}
        return [dist(res, variant, name, dist_changes, deps), policy]

    assert_exact(
        "CFD-07",
        {
            "pass_hsts": stack("a"),
            "fail_no_policy_id": stack(
                "b", dist_changes={"orderedCacheBehaviors.0.responseHeadersPolicyId": variant.DELETE}
            ),
            "fail_policy_outside_stack": stack("c", linked=False),
            "fail_no_override": stack("d", {"securityHeadersConfig.strictTransportSecurity.override": False}),
            "fail_short_max_age": stack(
                "e", {"securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec": 86400}
            ),
            "fail_no_subdomains": stack(
                "f", {"securityHeadersConfig.strictTransportSecurity.includeSubdomains": False}
            ),
            "unknown_max_age": stack("g", {"securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec": U}),
        },
    )


def test_cfd08_default_root_object(res, variant, assert_exact):
    assert_exact("CFD-08", {
        "pass_root": dist(res, variant, "a"),
        "pass_dynamic_origin_without_root": dist(res, variant, "a2", {"defaultRootObject": variant.DELETE,
                                                                     "defaultCacheBehavior.targetOriginId": "web"}),
        "fail_no_root": dist(res, variant, "b", {"defaultRootObject": variant.DELETE,
                                                 "defaultCacheBehavior.targetOriginId": "assets"}),
        "unknown_root": dist(res, variant, "c", {"defaultRootObject": U}),
    })


def test_cfd09_enabled(res, assert_exact):
    assert_exact("CFD-09", {
        "pass_enabled": res(DISTRIBUTION, "a", {**GOOD, "enabled": True}),
        "fail_disabled": res(DISTRIBUTION, "b", {**GOOD, "enabled": False}),
        "unknown_enabled": res(DISTRIBUTION, "c", {**GOOD, "enabled": UB}),
    })


def test_cfd10_origin_failover(res, assert_exact):
    group = {"originId": "assets", "failoverCriteria": {"statusCodes": [500, 502, 503, 504]},
             "members": [{"originId": "primary"}, {"originId": "replica"}]}
    targeted = {"viewerProtocolPolicy": "redirect-to-https", "targetOriginId": "assets"}

    def dist(name, groups, behavior=None):
        return res(DISTRIBUTION, name, {**GOOD, "originGroups": groups,
                                        "defaultCacheBehavior": behavior or {**GOOD["defaultCacheBehavior"],
                                                                             "targetOriginId": "web"},
                                        "orderedCacheBehaviors": [{**targeted, "pathPattern": "/static/*"}]})

    assert_exact("CFD-10", {
        "pass_group_targeted_by_a_path": dist("a", [group]),
        "pass_default_targets_group": dist("a2", [group], targeted),
        "fail_no_group": res(DISTRIBUTION, "b", GOOD),
        "fail_one_member": dist("c", [{**group, "members": [{"originId": "primary"}]}]),
        "fail_no_criteria": dist("d", [{**group, "failoverCriteria": {"statusCodes": []}}]),
        "fail_group_not_targeted": res(DISTRIBUTION, "e", {**GOOD, "originGroups": [group]}),
        "unknown_groups": res(DISTRIBUTION, "f", {**GOOD, "originGroups": U}),
    })


def test_cfd11_geo_restriction(res, assert_exact):
    def dist(name, kind, locations=()):
        return res(DISTRIBUTION, name, {**GOOD, "restrictions": {"geoRestriction": {
            "restrictionType": kind, "locations": list(locations)}}})

    assert_exact("CFD-11", {
        "pass_blacklist": dist("a", "blacklist", ["KP"]),
        "pass_whitelist": dist("a2", "whitelist", ["VN", "SG"]),
        "fail_none": dist("b", "none"),
        "fail_no_restrictions": res(DISTRIBUTION, "b2", GOOD),
        "unknown_type": dist("c", U),
    })
    assert_exact("CFD-11", {
        "pass_blocks_them": dist("d", "blacklist", ["KP", "IR"]),
        "pass_whitelist_without_them": dist("d2", "whitelist", ["VN"]),
        "fail_blacklist_misses_one": dist("e", "blacklist", ["KP"]),
        "fail_whitelist_allows_one": dist("e2", "whitelist", ["VN", "ir"]),
        "fail_none": dist("e3", "none"),
    }, {"blockedCountries": ["kp", "IR"]})
