import json

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.wafv2 import LOGGING, WEB_ACL

VISIBILITY = {"cloudwatchMetricsEnabled": True, "metricName": "m", "sampledRequestsEnabled": True}
MANAGED = {"name": "common", "priority": 0, "overrideAction": {"none": {}}, "visibilityConfig": VISIBILITY,
           "statement": {"managedRuleGroupStatement": {"name": "AWSManagedRulesCommonRuleSet", "vendorName": "AWS"}}}
RATE = {"name": "rate", "priority": 1, "action": {"block": {}}, "visibilityConfig": VISIBILITY,
        "statement": {"rateBasedStatement": {"limit": 2000, "aggregateKeyType": "IP"}}}


def acl(res, name, rules, default=None, **props):
    return res(WEB_ACL, name, {"scope": "REGIONAL", "defaultAction": default or {"allow": {}}, "rules": rules,
                               "visibilityConfig": VISIBILITY, **props})


def test_waf01_rules_act(res, assert_exact):
    rule_json = json.dumps([{"Name": "rate", "Priority": 0, "Action": {"Count": {}},
                             "Statement": {"RateBasedStatement": {"Limit": 100, "AggregateKeyType": "IP"}}}])
    assert_exact(
        "WAF-01",
        {
            "pass_managed_and_rate": acl(res, "a", [MANAGED, RATE]),
            "pass_empty_but_blocks_by_default": acl(res, "a2", [], {"block": {}}),
            "pass_one_blocking_among_counting": acl(res, "a3", [{**MANAGED, "overrideAction": {"count": {}}}, RATE]),
            "fail_empty": acl(res, "b", []),
            "fail_all_count": acl(
                res, "c", [{**MANAGED, "overrideAction": {"count": {}}}, {**RATE, "action": {"count": {}}}]
            ),
            "fail_rule_json_count_only": acl(res, "d", [], ruleJson=rule_json),
            "fail_rule_without_action": acl(res, "d2", [{k: v for k, v in RATE.items() if k != "action"}]),
            "pass_blocking_beside_actionless": acl(res, "a4", [{k: v for k, v in RATE.items() if k != "action"},
                                                               MANAGED]),
            "unknown_rules": acl(res, "e", U),
        },
    )


def test_waf02_logging(res, assert_exact):
    logged = acl(res, "a", [MANAGED])
    assert_exact("WAF-02", {
        "pass_logging": [logged, res(LOGGING, "a-log", {"resourceArn": "mock", "logDestinationConfigs": ["arn:logs"]},
                                     {"resourceArn": [logged.urn]})],
        "fail_no_logging": [acl(res, "b", [MANAGED])],
    })


def bad_inputs(override=None, rule_overrides=None):
    statement = {"name": "AWSManagedRulesKnownBadInputsRuleSet", "vendorName": "AWS"}
    if rule_overrides:
        statement["ruleActionOverrides"] = rule_overrides
    return {"name": "bad-inputs", "priority": 2, "overrideAction": override or {"none": {}},
            "visibilityConfig": VISIBILITY, "statement": {"managedRuleGroupStatement": statement}}


def test_waf03_log4j_blocked(res, assert_exact):
    rule_json = json.dumps([{"Name": "bad", "Priority": 0, "OverrideAction": {"None": {}},
                             "Statement": {"ManagedRuleGroupStatement": {
                                 "Name": "AWSManagedRulesKnownBadInputsRuleSet", "VendorName": "AWS"}}}])
    assert_exact("WAF-03", {
        "pass_blocking": acl(res, "a", [MANAGED, bad_inputs(), RATE]),
        "pass_rule_json": res(WEB_ACL, "a2", {"scope": "CLOUDFRONT", "defaultAction": {"allow": {}},
                                              "ruleJson": rule_json}),
        "pass_other_rule_counted": acl(res, "a3", [bad_inputs(rule_overrides=[
            {"name": "Host_localhost_HEADER", "actionToUse": {"count": {}}}])]),
        "fail_missing": acl(res, "b", [MANAGED, RATE]),
        "fail_count_mode": acl(res, "c", [bad_inputs({"count": {}})]),
        "fail_log4j_rule_counted": acl(res, "d", [bad_inputs(rule_overrides=[
            {"name": "Log4JRCE_HEADER", "actionToUse": {"count": {}}}])]),
        "unknown_rules": acl(res, "e", U),
    })


def test_waf04_front_door_rules(res, assert_exact):
    from policies.wafv2 import API_STAGE, ASSOCIATION, DISTRIBUTION, GRAPHQL_API

    def behind(door_type, name, rules, props=None, via="association"):
        web_acl = acl(res, f"{name}-acl", rules)
        if via == "webAclId":
            return [res(door_type, name, {**(props or {}), "webAclId": U}, {"webAclId": [web_acl.urn]}), web_acl]
        door = res(door_type, name, props or {})
        return [door, web_acl, res(ASSOCIATION, f"{name}-assoc", {"resourceArn": U, "webAclArn": U},
                                   {"resourceArn": [door.urn], "webAclArn": [web_acl.urn]})]

    lb = "aws:lb/loadBalancer:LoadBalancer"
    assert_exact("WAF-04", {
        "pass_alb": behind(lb, "a", [MANAGED, bad_inputs({"count": {}})], {"internal": False}),
        "pass_distribution": behind(DISTRIBUTION, "a2", [bad_inputs()], via="webAclId"),
        "pass_no_web_acl": res(lb, "a3", {"internal": False}),
        "pass_internal_alb": behind(lb, "a4", [MANAGED], {"internal": True}),
        "fail_alb": behind(lb, "b", [MANAGED, RATE], {"internal": False}),
        "fail_distribution": behind(DISTRIBUTION, "b2", [MANAGED], via="webAclId"),
        "fail_api_stage": behind(API_STAGE, "b3", [RATE], {"stageName": "prod"}),
        "fail_appsync": behind(GRAPHQL_API, "b4", [MANAGED], {"authenticationType": "API_KEY"}),
        "unknown_rules": behind(lb, "c", U, {"internal": False}),
    })
    # the config names more groups (Checkov's AnonymousIpList)
    anonymous = {**MANAGED, "statement": {"managedRuleGroupStatement": {"name": "AWSManagedRulesAnonymousIpList",
                                                                        "vendorName": "AWS"}}}
    assert_exact("WAF-04", {
        "pass_both": behind(lb, "d", [bad_inputs(), anonymous]),
        "fail_bad_inputs_only": behind(lb, "e", [bad_inputs()]),
    }, {"requiredRuleGroups": ["AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAnonymousIpList"]})


def test_waf05_apis_protected(res, assert_exact):
    from policies.wafv2 import API_STAGE, ASSOCIATION, GRAPHQL_API, REST_API

    def stage(name, endpoint=None, associate=False):
        api = res(REST_API, f"{name}-api", {"name": name, **({"endpointConfiguration": {"types": endpoint}}
                                                             if endpoint else {})})
        st = res(API_STAGE, name, {"stageName": "prod", "restApi": U}, {"restApi": [api.urn]})
        out = [st, api]
        if associate:
            out.append(res(ASSOCIATION, f"{name}-assoc", {"resourceArn": U, "webAclArn": "arn:acl"},
                           {"resourceArn": [st.urn]}))
        return out

    graphql = res(GRAPHQL_API, "g", {"authenticationType": "API_KEY"})
    assert_exact("WAF-05", {
        "pass_associated_stage": stage("a", "REGIONAL", associate=True),
        "pass_private": stage("a2", "PRIVATE"),
        "pass_associated_graphql": [graphql, res(ASSOCIATION, "g-assoc", {"resourceArn": U},
                                                 {"resourceArn": [graphql.urn]})],
        "fail_edge_default": stage("b"),
        "fail_regional": stage("b2", "REGIONAL"),
        "fail_graphql": res(GRAPHQL_API, "b3", {"authenticationType": "AMAZON_COGNITO_USER_POOLS"}),
        "unknown_endpoint": stage("c", U),
    })
