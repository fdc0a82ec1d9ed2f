from policies.apply.wafv2 import ASSOCIATION, DISTRIBUTION, WEB_ACL


def test_apl_waf_01_cloudfront_scope_region(res, assert_exact):
    assert_exact("APL-WAF-01", {"pass_us_east_1": res(WEB_ACL, "a", {"scope": "CLOUDFRONT", "region": "us-east-1"}),
                                "pass_regional": res(WEB_ACL, "b", {"scope": "REGIONAL", "region": "ap-southeast-1"}),
                                "fail_singapore": res(WEB_ACL, "c", {"scope": "CLOUDFRONT", "region": "ap-southeast-1"})})


def test_apl_waf_02_association_target(res, assert_exact):
    assert_exact("APL-WAF-02", {
        "pass_alb": res(ASSOCIATION, "a", {"resourceArn": "arn:aws:elasticloadbalancing:x:1:loadbalancer/app/w"}),
        "fail_distribution": res(ASSOCIATION, "b", {"resourceArn": "arn:aws:cloudfront::1:distribution/E1"})})


def test_apl_waf_03_distribution_acl_scope(res, assert_exact):
    regional = res(WEB_ACL, "r", {"scope": "REGIONAL", "arn": "arn:r"})
    edge = res(WEB_ACL, "e", {"scope": "CLOUDFRONT", "arn": "arn:e"})
    assert_exact("APL-WAF-03", {"pass_cloudfront_acl": [res(DISTRIBUTION, "a", {"webAclId": "arn:e"}), edge],
                                "fail_regional_acl": [res(DISTRIBUTION, "b", {"webAclId": "arn:r"}), regional]})


def test_apl_waf_04_rules(res, assert_exact):
    def acl(limit=100, window=60, priorities=(0, 1)):
        rules = [{"name": f"r{p}", "priority": p} for p in priorities[:-1]]
        rules.append({"name": "rate", "priority": priorities[-1], "statement": {"rateBasedStatement": {
            "limit": limit, "evaluationWindowSec": window, "aggregateKeyType": "IP"}}})
        return {"scope": "REGIONAL", "rules": rules}
    assert_exact("APL-WAF-04", {
        "pass_rules": res(WEB_ACL, "a", acl()),
        "fail_limit": res(WEB_ACL, "b", acl(limit=5)),
        "fail_window": res(WEB_ACL, "c", acl(window=90)),
        "fail_duplicate_priority": res(WEB_ACL, "d", acl(priorities=(1, 1))),
    })


def test_apl_waf_01_reads_the_provider_region(assert_exact):
    from policies.core import Subject
    from tests.policies.conftest import urn_of

    def acl(name, region):
        return Subject.of(WEB_ACL, name, urn_of(WEB_ACL, name), {"scope": "CLOUDFRONT"}, provider={"region": region})
    assert_exact("APL-WAF-01", {"pass_us_east_1_provider": acl("a", "us-east-1"),
                                "fail_singapore_provider": acl("b", "ap-southeast-1")})
