"""The audit's collector for WAFv2 web ACLs (their default action and rules' actions) and their logging
configurations (WAF-01..02), in both scopes: REGIONAL in the audited region, CLOUDFRONT in us-east-1 (where AWS keeps
every CloudFront-scoped web ACL, whichever region is audited)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.reading import Collection, Reader, optional, subject

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
WAF_TYPES = (WEB_ACL, LOGGING)
CLOUDFRONT_REGION = "us-east-1"  # AWS WAF API reference: CLOUDFRONT scope must be called in US East (N. Virginia)
_LIMIT = 100  # the largest Limit ListWebACLs accepts (AWS WAF API reference, ListWebACLs)


def _action(action: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A rule or default action ({"Block": {...}}) as aws.wafv2.WebAcl takes it ({"block": {...}}); the controls
    read only which action it is, so the custom request or response settings are left out."""
    if not action:
        return None
    return {key[:1].lower() + key[1:]: {} for key in action}


def _managed_group(statement: Mapping[str, Any]) -> dict[str, Any]:
    """A managed rule group statement: which group, and the rule actions it overrides (ruleActionOverrides)."""
    overrides = [
        {"name": o.get("Name"), "actionToUse": _action(o.get("ActionToUse"))}
        for o in statement.get("RuleActionOverrides", [])
    ]
    shaped = {
        "vendorName": statement.get("VendorName"),
        "name": statement.get("Name"),
        "version": statement.get("Version"),
        "ruleActionOverrides": overrides or None,
    }
    return {key: value for key, value in shaped.items() if value is not None}


def _rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    statement = rule.get("Statement") or {}
    managed = statement.get("ManagedRuleGroupStatement")
    return {
        key: value
        for key, value in {
            "name": rule.get("Name"),
            "priority": rule.get("Priority"),
            "action": _action(rule.get("Action")),
            "overrideAction": _action(rule.get("OverrideAction")),
            # which kind of statement (managedRuleGroupStatement, rateBasedStatement...), for the reader of a finding
            "statementType": next((key[:1].lower() + key[1:] for key in statement), None),
            # a managed group's name and overrides (the known-bad-inputs controls read them); no control reads other
            # statements' matching conditions, which are left out
            "statement": {"managedRuleGroupStatement": _managed_group(managed)} if managed else None,
        }.items()
        if value is not None
    }


def normalize_web_acl(acl: Mapping[str, Any], scope: str) -> Subject:
    props = {
        "name": acl.get("Name"),
        "scope": scope,
        "description": acl.get("Description") or None,
        "defaultAction": _action(acl.get("DefaultAction")),
        "rules": [_rule(r) for r in sorted(acl.get("Rules", []), key=lambda r: r.get("Priority", 0))],
    }
    return subject(WEB_ACL, acl["Name"], acl["ARN"], props)


def normalize_logging(configuration: Mapping[str, Any], acl_name: str) -> Subject:
    acl_arn = configuration["ResourceArn"]
    props = {"resourceArn": acl_arn, "logDestinationConfigs": configuration.get("LogDestinationConfigs", [])}
    return subject(LOGGING, f"{acl_name}-logging", f"{acl_arn}#loggingConfiguration", props, {"resourceArn": [acl_arn]})


def _collect_scope(reader: Reader, out: Collection, scope: str, region: str | None) -> None:
    service = "wafv2" if scope == "REGIONAL" else f"wafv2 {scope} scope ({CLOUDFRONT_REGION})"
    with out.attempt(service, WAF_TYPES) as found:
        wafv2 = reader.client("wafv2", region)
        for summary in reader.marked(wafv2, "list_web_acls", "WebACLs", Scope=scope, Limit=_LIMIT):
            acl = wafv2.get_web_acl(Name=summary["Name"], Scope=scope, Id=summary["Id"])["WebACL"]
            found.append(normalize_web_acl(acl, scope))
            # One GetLoggingConfiguration per ACL rather than ListLoggingConfigurations: moto 5.2.5 lists no
            # CLOUDFRONT-scoped configuration, and an SME account has a handful of ACLs.
            logging = optional(wafv2.get_logging_configuration, "WAFNonexistentItemException", ResourceArn=acl["ARN"])
            if logging and logging.get("LoggingConfiguration"):
                found.append(normalize_logging(logging["LoggingConfiguration"], acl["Name"]))


def collect_wafv2(reader: Reader, out: Collection) -> None:
    _collect_scope(reader, out, "REGIONAL", None)
    _collect_scope(reader, out, "CLOUDFRONT", CLOUDFRONT_REGION)
