"""Shop-safe WAF rules: managed groups count until enforced, uploads pass, rate limits count visitors."""

import pytest

from components.waf import (
    BODY_SIZE_LABEL,
    BODY_SIZE_RULE,
    BODY_SIZE_RULE_NAME,
    CDN_FORWARDED_HEADER,
    MANAGED_RULE_GROUPS,
    managed_rules,
    rate_limit_rule,
)


def test_managed_groups_count_by_default_and_block_when_enforced():
    """Regression: the managed rules blocked from the first minute."""
    counting = managed_rules()
    assert [r["name"] for r in counting] == [*MANAGED_RULE_GROUPS, BODY_SIZE_RULE_NAME]
    assert all(r["override_action"] == {"count": {}} for r in counting[:3])
    assert counting[-1]["action"] == {"count": {}}
    enforcing = managed_rules("enforce")
    assert all(r["override_action"] == {"none": {}} for r in enforcing[:3])
    assert enforcing[-1]["action"] == {"block": {}}


@pytest.mark.parametrize("mode", ["count", "enforce"])
def test_the_8kb_body_rule_only_labels_inside_the_group(mode):
    """Regression: SizeRestrictions_BODY blocked every body over 8 KB (uploads, large forms)."""
    (common,) = [r for r in managed_rules(mode) if r["name"] == "AWSManagedRulesCommonRuleSet"]
    overrides = common["statement"]["managed_rule_group_statement"]["rule_action_overrides"]
    assert overrides == [{"name": BODY_SIZE_RULE, "action_to_use": {"count": {}}}]


def test_body_size_rule_excludes_the_upload_paths():
    rule = managed_rules("enforce", ["/admin/upload", "/api/import"])[-1]
    statements = rule["statement"]["and_statement"]["statements"]
    assert statements[0] == {"label_match_statement": {"scope": "LABEL", "key": BODY_SIZE_LABEL}}
    excluded = [s["not_statement"]["statements"][0]["byte_match_statement"]["search_string"] for s in statements[1:]]
    assert excluded == ["/admin/upload", "/api/import"]
    assert rule["priority"] == len(MANAGED_RULE_GROUPS)
    assert managed_rules("enforce")[-1]["statement"] == statements[0]  # no paths: the label alone


def test_rate_limit_keys_on_the_forwarded_visitor_behind_a_cdn():
    """Regression: the ALB's per-IP limit counted CDN edge addresses, blocking a busy edge for everyone."""
    for provider, header in (("cloudfront", "X-Forwarded-For"), ("cloudflare", "CF-Connecting-IP")):
        statement = rate_limit_rule(3000, 300, 4, CDN_FORWARDED_HEADER[provider])["statement"]["rate_based_statement"]
        assert statement["aggregate_key_type"] == "FORWARDED_IP"
        assert statement["forwarded_ip_config"] == {"header_name": header, "fallback_behavior": "MATCH"}


def test_rate_limit_at_the_edge_keys_on_the_connecting_address():
    rule = rate_limit_rule(5, 60, 4)
    assert rule["statement"]["rate_based_statement"] == {"limit": 10, "evaluation_window_sec": 60,
                                                         "aggregate_key_type": "IP"}
    assert rule["action"] == {"block": {}} and rule["priority"] == 4
