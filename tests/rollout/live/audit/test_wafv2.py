"""The WAFv2 collector: web ACLs of both scopes with their rules' actions, and their logging configurations."""

from __future__ import annotations

from policies._helpers import plain
from rollout.live.audit import wafv2
from rollout.live.audit.reading import Reader
from tests.rollout import audit_fixtures as fx


def _acl(account, name, scope="REGIONAL", rules=(), default="Allow"):
    region = "us-east-1" if scope == "CLOUDFRONT" else fx.REGION
    client = account.session.client("wafv2", region_name=region)
    return client, client.create_web_acl(
        Name=name, Scope=scope, DefaultAction={default: {}}, Rules=list(rules), VisibilityConfig=fx._visibility(name)
    )["Summary"]


def test_web_acls_that_block_nothing_or_do_not_log_are_found_in_both_scopes(aws):
    def drift(account):
        counting = [{**rule, "Action": {"Count": {}}} if "Action" in rule else rule for rule in fx.web_acl_rules()]
        _acl(account, "shop-empty")  # no rules, allows by default
        _acl(account, "shop-edge-count", scope="CLOUDFRONT", rules=counting)  # every rule only counts
        _acl(account, "shop-closed", default="Block")  # blocks by default: acts without rules
        # the managed groups enforced (override action none): Log4Shell is blocked, no WAF-03
        enforced = [{**rule, "OverrideAction": {"None": {}}} if "OverrideAction" in rule else rule
                    for rule in fx.web_acl_rules()]
        client, summary = _acl(account, "shop-logged", rules=enforced)
        client.put_logging_configuration(
            LoggingConfiguration={
                "ResourceArn": summary["ARN"],
                "LogDestinationConfigs": [f"arn:aws:logs:{fx.REGION}:{fx.ACCOUNT}:log-group:aws-waf-logs-shop"],
            }
        )

    added, _ = fx.drift_adds((fx.build_cdn, fx.build_web_tier), drift)
    assert added == {
        ("WAF-01", "shop-empty"),
        ("WAF-01", "shop-edge-count"),
        ("WAF-02", "shop-empty"),
        ("WAF-02", "shop-edge-count"),
        ("WAF-02", "shop-closed"),
        # no known-bad-inputs group (empty, closed) or one that only counts (edge-count)
        ("WAF-03", "shop-empty"),
        ("WAF-03", "shop-closed"),
        ("WAF-03", "shop-edge-count"),
    }


def test_rules_keep_their_action_and_override_action_as_pulumi_spells_them(aws):
    fx.account_with(fx.build_cdn)
    acl = next(s for s in fx.run().subjects if s.type == wafv2.WEB_ACL and s.name == "shop-cdn")
    assert acl.urn.startswith("arn:aws:wafv2:us-east-1:") and acl.props["scope"] == "CLOUDFRONT"
    assert plain(acl.props["defaultAction"]) == {"allow": {}}
    assert plain(acl.props["rules"]) == [
        {
            "name": "AWSManagedRulesCommonRuleSet",
            "priority": 0,
            "overrideAction": {"count": {}},
            "statementType": "managedRuleGroupStatement",
            "statement": {"managedRuleGroupStatement": {"vendorName": "AWS", "name": "AWSManagedRulesCommonRuleSet"}},
        },
        {
            "name": "AWSManagedRulesKnownBadInputsRuleSet",
            "priority": 1,
            "overrideAction": {"count": {}},
            "statementType": "managedRuleGroupStatement",
            "statement": {
                "managedRuleGroupStatement": {"vendorName": "AWS", "name": "AWSManagedRulesKnownBadInputsRuleSet"}
            },
        },
        {
            "name": "rate-limit-per-visitor",
            "priority": 2,
            "action": {"block": {}},
            "statementType": "rateBasedStatement",
        },
    ]
    logging = next(s for s in fx.run().subjects if s.type == wafv2.LOGGING)
    assert logging.property_dependencies == {"resourceArn": [acl.urn]}


def test_a_managed_group_keeps_its_rule_action_overrides():
    acl = wafv2.normalize_web_acl(
        {
            "Name": "a",
            "ARN": "arn:a",
            "DefaultAction": {"Allow": {}},
            "Rules": [
                {
                    "Name": "bad-inputs",
                    "Priority": 0,
                    "OverrideAction": {"None": {}},
                    "Statement": {
                        "ManagedRuleGroupStatement": {
                            "VendorName": "AWS",
                            "Name": "AWSManagedRulesKnownBadInputsRuleSet",
                            "RuleActionOverrides": [
                                {"Name": "Log4JRCE_HEADER", "ActionToUse": {"Count": {"CustomRequestHandling": {}}}}
                            ],
                        }
                    },
                }
            ],
        },
        "REGIONAL",
    )
    assert plain(acl.props["rules"])[0]["statement"] == {
        "managedRuleGroupStatement": {
            "vendorName": "AWS",
            "name": "AWSManagedRulesKnownBadInputsRuleSet",
            "ruleActionOverrides": [{"name": "Log4JRCE_HEADER", "actionToUse": {"count": {}}}],
        }
    }
    assert plain(acl.props["rules"])[0]["overrideAction"] == {"none": {}}


def test_listing_follows_next_marker_and_stops_on_a_repeated_or_empty_page():
    class Pages:
        def __init__(self, pages):
            self.pages, self.calls = pages, []

        def list_web_acls(self, **params):
            self.calls.append(params.get("NextMarker"))
            return self.pages[len(self.calls) - 1]

    # WAFv2 can return a NextMarker on its last page (boto/boto3#3715)
    client = Pages(
        [
            {"WebACLs": [{"Name": "a"}], "NextMarker": "m1"},
            {"WebACLs": [{"Name": "b"}], "NextMarker": "m2"},
            {"WebACLs": [], "NextMarker": "m3"},
        ]
    )
    reader = Reader(session=None, account=fx.ACCOUNT, region=fx.REGION)
    assert [a["Name"] for a in reader.marked(client, "list_web_acls", "WebACLs", Scope="REGIONAL")] == ["a", "b"]
    assert client.calls == [None, "m1", "m2"]
    looping = Pages([{"WebACLs": [{"Name": "a"}], "NextMarker": "m"}, {"WebACLs": [{"Name": "b"}], "NextMarker": "m"}])
    assert [a["Name"] for a in reader.marked(looping, "list_web_acls", "WebACLs")] == ["a", "b"]


def test_access_denied_in_the_cloudfront_scope_skips_the_waf_controls(aws):
    from botocore.stub import Stubber

    from rollout.live.session import open_session

    fx.account_with(fx.build_web_tier)
    session = open_session()
    edge = session.client("wafv2", region_name=wafv2.CLOUDFRONT_REGION)
    stub = Stubber(edge)
    stub.add_client_error(
        "list_web_acls",
        service_error_code="AccessDeniedException",
        service_message="not authorized to perform wafv2:ListWebACLs",
        http_status_code=400,
    )
    with stub:
        result = fx.run(session, clients={f"wafv2@{wafv2.CLOUDFRONT_REGION}": edge})
    gap = next(u for u in result.unavailable if u.service.startswith("wafv2 CLOUDFRONT"))
    assert gap.reason.startswith("access denied (AccessDeniedException)")
    assert {"WAF-01", "WAF-02"} <= set(result.skipped_controls)
    assert not any(f.control.startswith("WAF-") for f in result.findings)
