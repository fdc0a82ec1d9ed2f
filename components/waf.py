"""WAFv2 rules shared by CloudFront's web ACL (phase 2) and the load balancer's (phase 6), made so that a shop keeps
selling on the day they arrive.

- Managed rule groups start in count mode (`override_action: count`): they label and count what they would block,
  and `mode="enforce"` (config `waf.mode`) lets them block once the sampled requests show no false positives.
- `SizeRestrictions_BODY` of the common rule set blocks every body over 8 KB (uploads, large forms). It is always
  overridden to count, and a rule of ours blocks on its label except under the configured upload paths (the
  documented way to exclude a managed rule by request: label match plus a scope, AWS WAF developer guide, "Label
  match rule statement"; label `awswaf:managed:aws:core-rule-set:SizeRestrictions_Body` from the baseline rule
  groups reference).
- Rate limits count visitors, not CDN edges: at the edge (CloudFront's ACL) WAF sees the viewer's address
  (`IP`); behind a CDN (the load balancer's ACL) every request comes from a few edge addresses, so the limit is
  keyed on the address the CDN forwards (`FORWARDED_IP`: `X-Forwarded-For` behind CloudFront, whose first entry
  is the viewer's unless the viewer sent one itself, and `CF-Connecting-IP` behind Cloudflare). A request without
  the header is counted under the header's absence (`fallback_behavior: MATCH`). Carrier-grade NAT puts many
  Vietnamese mobile visitors behind one address: keep the per-minute limit generous (hundreds, not tens).
"""

from __future__ import annotations

from typing import Any, Literal

Mode = Literal["count", "enforce"]
CDN_FORWARDED_HEADER = {"cloudfront": "X-Forwarded-For", "cloudflare": "CF-Connecting-IP"}
"""The header carrying the visitor's address behind each CDN."""
COMMON_RULE_SET = "AWSManagedRulesCommonRuleSet"
MANAGED_RULE_GROUPS = (COMMON_RULE_SET, "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList")
BODY_SIZE_RULE = "SizeRestrictions_BODY"
BODY_SIZE_LABEL = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"
BODY_SIZE_RULE_NAME = "body-size-outside-upload-paths"


def visibility(metric: str) -> dict[str, Any]:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


def managed_rules(mode: Mode = "count", upload_paths: list[str] | tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The managed rule groups (priorities 0..2) and the body-size rule (3) that honours the upload paths."""
    rules: list[dict[str, Any]] = []
    for priority, group in enumerate(MANAGED_RULE_GROUPS):
        statement: dict[str, Any] = {"name": group, "vendor_name": "AWS"}
        if group == COMMON_RULE_SET:
            statement["rule_action_overrides"] = [{"name": BODY_SIZE_RULE, "action_to_use": {"count": {}}}]
        rules.append(
            {
                "name": group,
                "priority": priority,
                "override_action": {"none": {}} if mode == "enforce" else {"count": {}},
                "statement": {"managed_rule_group_statement": statement},
                "visibility_config": visibility(group),
            }
        )
    label = {"label_match_statement": {"scope": "LABEL", "key": BODY_SIZE_LABEL}}
    if upload_paths:
        outside = [
            {
                "not_statement": {
                    "statements": [
                        {
                            "byte_match_statement": {
                                "field_to_match": {"uri_path": {}},
                                "positional_constraint": "STARTS_WITH",
                                "search_string": path,
                                "text_transformations": [{"priority": 0, "type": "NONE"}],
                            }
                        }
                    ]
                }
            }
            for path in upload_paths
        ]
        statement = {"and_statement": {"statements": [label, *outside]}}
    else:
        statement = label
    rules.append(
        {
            "name": BODY_SIZE_RULE_NAME,
            "priority": len(MANAGED_RULE_GROUPS),
            "action": {"block": {}} if mode == "enforce" else {"count": {}},
            "statement": statement,
            "visibility_config": visibility(BODY_SIZE_RULE_NAME),
        }
    )
    return rules


def rate_limit_rule(
    limit: int, window_seconds: int, priority: int, forwarded_header: str | None = None
) -> dict[str, Any]:
    """Block a visitor above `limit` requests per window: keyed on `forwarded_header` behind a CDN, else on the
    connecting address. WAF's minimum limit is 10 per window (AWS WAF rate-based statement, `Limit`)."""
    statement: dict[str, Any] = {"limit": max(10, limit), "evaluation_window_sec": window_seconds}
    if forwarded_header:
        statement["aggregate_key_type"] = "FORWARDED_IP"
        statement["forwarded_ip_config"] = {"header_name": forwarded_header, "fallback_behavior": "MATCH"}
    else:
        statement["aggregate_key_type"] = "IP"
    return {
        "name": "rate-limit-per-visitor",
        "priority": priority,
        "action": {"block": {}},
        "statement": {"rate_based_statement": statement},
        "visibility_config": visibility("rate-limit-per-visitor"),
    }
