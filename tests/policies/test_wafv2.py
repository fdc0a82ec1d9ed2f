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
    assert_exact("WAF-01", {
        "pass_managed_and_rate": acl(res, "a", [MANAGED, RATE]),
        "pass_empty_but_blocks_by_default": acl(res, "a2", [], {"block": {}}),
        "pass_one_blocking_among_counting": acl(res, "a3", [{**MANAGED, "overrideAction": {"count": {}}}, RATE]),
        "fail_empty": acl(res, "b", []),
        "fail_all_count": acl(res, "c", [{**MANAGED, "overrideAction": {"count": {}}}, {**RATE, "action": {"count": {}}}]),
        "fail_rule_json_count_only": acl(res, "d", [], ruleJson=rule_json),
        "unknown_rules": acl(res, "e", U),
    })


def test_waf02_logging(res, assert_exact):
    logged = acl(res, "a", [MANAGED])
    assert_exact("WAF-02", {
        "pass_logging": [logged, res(LOGGING, "a-log", {"resourceArn": "mock", "logDestinationConfigs": ["arn:logs"]},
                                     {"resourceArn": [logged.urn]})],
        "fail_no_logging": [acl(res, "b", [MANAGED])],
    })
