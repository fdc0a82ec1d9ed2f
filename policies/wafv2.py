"""WAFv2 web ACLs: rules that act (not empty, not count-only), and logging (WAF-01..02)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items, of_type, plain
from policies.core import Control, Enforcement, Severity, Subject

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"


def _rules(subject: Subject) -> list[Any]:
    """The rules of a web ACL: `rules`, or `ruleJson` (a JSON array in the WAFv2 API's PascalCase shape)."""
    rules = items(get(subject.props, "rules"))
    text = get(subject.props, "ruleJson")
    if not rules and text:
        try:
            parsed = json.loads(str(text))
        except json.JSONDecodeError:
            return []
        rules = [_camel(r) for r in parsed if isinstance(r, Mapping)] if isinstance(parsed, list) else []
    return rules


def _camel(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key[:1].lower() + key[1:]: _camel(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _counts_only(rule: Any) -> bool:
    """A rule that only counts: action count, or a rule group whose overrideAction is count."""
    action = plain(get(rule, "action")) or {}
    override = plain(get(rule, "overrideAction")) or {}
    if action:
        return set(action) <= {"count"}
    return "count" in override


def rules_act(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    rules = _rules(subject)
    blocks_by_default = "block" in (plain(get(subject.props, "defaultAction")) or {})
    if not rules:
        if not blocks_by_default:
            yield "has no rules and allows by default (the WAF inspects nothing)"
        return
    if all(_counts_only(rule) for rule in rules) and not blocks_by_default:
        yield f"all {len(rules)} rules only count (override action or action count); nothing is ever blocked"


def logging_on(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    loggings = of_type(subjects, LOGGING)

    def check(acl: Subject) -> Iterator[str]:
        if not any(acl.urn in c.property_dependencies.get("resourceArn", ()) for c in loggings):
            yield "has no aws.wafv2.WebAclLoggingConfiguration (resource_arn=acl.arn)"

    yield from each(subjects, [WEB_ACL], check)


CONTROLS = (
    Control(
        id="WAF-01", title="Web ACLs have rules that block", severity=Severity.HIGH, resource_types=(WEB_ACL,),
        check=rules_act,
        description="A web ACL with no rules, or whose rules all only count, protects nothing unless its default "
                    "action is block (rules or ruleJson). Checkov CKV_AWS_175 only asks for at least one rule.",
        remediation="Add AWS managed rule groups with override_action none (e.g. AWSManagedRulesCommonRuleSet) and "
                    "a rate-based rule with action block.",
        sources=("FSBP WAF.10", "CKV_AWS_175", "CKV_AWS_342"),
    ),
    Control(
        id="WAF-02", title="Web ACLs log requests", severity=Severity.MEDIUM, resource_types=(WEB_ACL, LOGGING),
        check=logging_on, stack=True,
        description="A WebAclLoggingConfiguration whose resourceArn depends on the ACL sends blocked and allowed "
                    "requests to CloudWatch Logs, S3 or Firehose. Advisory: log ingestion is billed per request.",
        remediation="Add aws.wafv2.WebAclLoggingConfiguration(resource_arn=acl.arn, log_destination_configs=[...]) "
                    "with a log group named aws-waf-logs-*.",
        sources=("FSBP WAF.11", "CKV2_AWS_31"),
        enforcement=Enforcement.ADVISORY,
    ),
)
