"""WAFv2 web ACLs: rules that act (not empty, not count-only), logging, Log4Shell blocked (WAF-01..03); the web
ACL of each front door (load balancer, CloudFront, API Gateway stage, AppSync API) carries the known-bad-inputs
rules (WAF-04), and public APIs have one (WAF-05)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items, of_type, plain, truthy
from policies.core import Control, Enforcement, Severity, Subject

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
API_STAGE = "aws:apigateway/stage:Stage"
REST_API = "aws:apigateway/restApi:RestApi"
GRAPHQL_API = "aws:appsync/graphQLApi:GraphQLApi"
KNOWN_BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"
# The rules of the known-bad-inputs group that match Log4j lookups (CVE-2021-44228) are named Log4JRCE and, since
# the group's 2022 versions, Log4JRCE_<part> (AWS WAF developer guide, "Known bad inputs managed rule group").
_LOG4J_RULE_PREFIX = "log4jrce"


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
    """A rule that blocks nothing: action count, a rule group whose overrideAction is count, or a rule with neither
    action nor overrideAction (the WAFv2 API needs one of them: Rule.Action for a rule's own statement,
    Rule.OverrideAction for a rule group; such a rule never takes effect)."""
    action = plain(get(rule, "action")) or {}
    override = plain(get(rule, "overrideAction")) or {}
    if action:
        return set(action) <= {"count"}
    return "count" in override or not override


def rules_act(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    rules = _rules(subject)
    blocks_by_default = "block" in (plain(get(subject.props, "defaultAction")) or {})
    if not rules:
        if not blocks_by_default:
            yield "has no rules and allows by default (the WAF inspects nothing)"
        return
    if all(_counts_only(rule) for rule in rules) and not blocks_by_default:
        yield (f"all {len(rules)} rules only count (override action or action count) or have no action; nothing "
               "is ever blocked")


def logging_on(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    loggings = of_type(subjects, LOGGING)

    def check(acl: Subject) -> Iterator[str]:
        if not any(acl.urn in c.property_dependencies.get("resourceArn", ()) for c in loggings):
            yield "has no aws.wafv2.WebAclLoggingConfiguration (resource_arn=acl.arn)"

    yield from each(subjects, [WEB_ACL], check)


def _managed_group(rule: Any) -> str | None:
    return get(rule, "statement", "managedRuleGroupStatement", "name")


def log4j_blocked(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    groups = [rule for rule in _rules(subject) if _managed_group(rule) == KNOWN_BAD_INPUTS]
    if not groups:
        yield (f"has no {KNOWN_BAD_INPUTS} rule: Log4Shell lookups (CVE-2021-44228) and other known exploit inputs "
               "reach the application")
        return
    for rule in groups:
        where = f"rule {get(rule, 'name', default='?')}"
        if "count" in (plain(get(rule, "overrideAction")) or {}):
            yield f"{where} runs the group with overrideAction count: Log4Shell requests are only counted"
            continue
        overrides = items(get(rule, "statement", "managedRuleGroupStatement", "ruleActionOverrides"))
        for override in overrides:
            name = str(get(override, "name", default=""))
            action = plain(get(override, "actionToUse")) or {}
            if name.lower().startswith(_LOG4J_RULE_PREFIX) and "block" not in action:
                yield f"{where} overrides {name} to {', '.join(sorted(action)) or 'nothing'}: it no longer blocks"


def _associated_acls(door: Subject, subjects: Sequence[Subject]) -> list[Subject]:
    """The stack's web ACLs in front of a resource: through an association, or a distribution's webAclId."""
    acls = of_type(subjects, WEB_ACL)
    if door.type == DISTRIBUTION:
        urns = set(door.property_dependencies.get("webAclId", ()))
        return [acl for acl in acls if acl.urn in urns]
    linked = {urn for a in of_type(subjects, ASSOCIATION) if door.urn in a.property_dependencies.get("resourceArn", ())
              for urn in a.property_dependencies.get("webAclArn", ())}
    return [acl for acl in acls if acl.urn in linked]


def front_door_rules(subjects: Sequence[Subject], cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    required = [str(g) for g in (cfg.get("requiredRuleGroups") or [KNOWN_BAD_INPUTS])]

    def check(door: Subject) -> Iterator[str]:
        if door.type in LOAD_BALANCERS and truthy(get(door.props, "internal")):
            return  # not reachable from the internet
        for acl in _associated_acls(door, subjects):
            present = {_managed_group(rule) for rule in _rules(acl)}
            missing = [g for g in required if g not in present]
            if missing:
                yield f"web ACL {acl.name} has no {', '.join(missing)} rule group (Log4Shell and known exploit inputs)"

    yield from each(subjects, [*LOAD_BALANCERS, DISTRIBUTION, API_STAGE, GRAPHQL_API], check)


def _endpoint_types(api: Subject) -> list[str]:
    types = get(api.props, "endpointConfiguration", "types")
    return [str(t).upper() for t in (items(types) if not isinstance(types, str) else [types])] or ["EDGE"]


def apis_protected(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    associations = of_type(subjects, ASSOCIATION)
    apis = of_type(subjects, REST_API)

    def check(api: Subject) -> Iterator[str]:
        if api.type == API_STAGE:
            parents = [a for a in apis if a.urn in api.property_dependencies.get("restApi", ())]
            if parents and all(_endpoint_types(a) == ["PRIVATE"] for a in parents):
                return  # reachable only from VPC endpoints
        if not any(api.urn in a.property_dependencies.get("resourceArn", ()) for a in associations):
            what = "REST API stage" if api.type == API_STAGE else "AppSync GraphQL API"
            yield f"public {what} has no WAFv2 WebAclAssociation (resource_arn computed from it)"

    yield from each(subjects, [API_STAGE, GRAPHQL_API], check)


CONTROLS = (
    Control(
        id="WAF-01", title="Web ACLs have rules that block", severity=Severity.HIGH, resource_types=(WEB_ACL,),
        check=rules_act,
        description="A web ACL with no rules, or whose rules all only count, protects nothing unless its default "
                    "action is block (rules or ruleJson); a rule with neither action nor overrideAction counts as "
                    "not blocking: the WAFv2 API rejects it (\"you must specify either this OverrideAction setting "
                    "or the rule Action setting\", API Rule). Checkov CKV_AWS_342 fails such a rule too, but passes "
                    "a managed rule group rule without overrideAction, which fails here; CKV_AWS_175 only asks for "
                    "at least one rule.",
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
    Control(
        id="WAF-03", title="Web ACLs block Log4Shell", severity=Severity.HIGH, resource_types=(WEB_ACL,),
        check=log4j_blocked, enforcement=Enforcement.ADVISORY,
        description=f"A web ACL runs the AWS {KNOWN_BAD_INPUTS} managed group (rules or ruleJson) with "
                    "overrideAction none, and no ruleActionOverrides entry turns its Log4JRCE rules into anything "
                    "but block: those rules stop Log4j message lookups (CVE-2021-44228). Advisory: this project's "
                    "web ACLs start in count mode (config waf.mode: enforce makes them block once the sampled "
                    "requests show no false positives), so a new stack reports it until then. An excluded_rule "
                    "(Checkov CKV_AWS_192's fixture) is gone from pulumi-aws 7: the WAFv2 API documents it as an "
                    "override to count, which a ruleActionOverrides entry with actionToUse count now says.",
        remediation=f"Add {KNOWN_BAD_INPUTS} (vendor AWS) with override_action none, and set waf.mode=enforce.",
        sources=("CKV_AWS_192",),
    ),
    Control(
        id="WAF-04", title="Front doors' web ACLs carry the known-bad-inputs rules", severity=Severity.HIGH,
        resource_types=(*LOAD_BALANCERS, DISTRIBUTION, API_STAGE, GRAPHQL_API, ASSOCIATION, WEB_ACL),
        check=front_door_rules, stack=True, config_defaults={"requiredRuleGroups": [KNOWN_BAD_INPUTS]},
        description="Each web ACL of the stack in front of an internet-facing load balancer, a CloudFront "
                    "distribution (webAclId), a REST API stage or an AppSync API (a WebAclAssociation) includes "
                    f"the managed rule groups of config requiredRuleGroups ({KNOWN_BAD_INPUTS}: Log4Shell, "
                    "Spring4Shell, exploitable paths). Checkov CKV2_AWS_76/47/77/78 also require "
                    "AWSManagedRulesAnonymousIpList, which blocks VPN and hosting-provider visitors, a business "
                    "choice (add it to requiredRuleGroups); CKV2_AWS_47 also fails a distribution without any web "
                    "ACL (CFD-05 reports that), and CKV2_AWS_77's HTTP APIs cannot have a WAF at all. A web ACL "
                    "outside the program is not judged.",
        remediation=f"Add a rule with managed_rule_group_statement {{name: {KNOWN_BAD_INPUTS}, vendor_name: AWS}} to "
                    "the web ACL.",
        sources=("CKV2_AWS_76", "CKV2_AWS_47", "CKV2_AWS_77", "CKV2_AWS_78"),
    ),
    Control(
        id="WAF-05", title="Public APIs have a WAF", severity=Severity.MEDIUM,
        resource_types=(API_STAGE, REST_API, GRAPHQL_API, ASSOCIATION), check=apis_protected, stack=True,
        enforcement=Enforcement.ADVISORY,
        description="An API Gateway REST API stage (unless its REST API, joined through restApi, is PRIVATE) and "
                    "an AppSync GraphQL API need a WAFv2 WebAclAssociation whose resourceArn depends on them. "
                    "HTTP APIs (apigatewayv2) cannot be associated with a web ACL; put CloudFront with a web ACL "
                    "in front of them. A WAF Classic association does not count (AWS ended WAF Classic support on 30 "
                    "September 2025), where Checkov CKV2_AWS_29 accepts one on a regional API; a stage whose REST "
                    "API is not in the program is taken as public (EDGE, the default endpoint type), where "
                    "CKV2_AWS_29 passes it.",
        remediation="Add aws.wafv2.WebAclAssociation(resource_arn=stage.arn, web_acl_arn=acl.arn).",
        sources=("CKV2_AWS_29", "CKV2_AWS_33", "FSBP APIGateway.4"),
    ),
)
