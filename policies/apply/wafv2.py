"""WAFv2 scope vs CloudFront (APL-WAF-01..03)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items, known, of_type, refers_to, to_int
from policies.apply._rule import rule
from policies.core import Subject

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
DOC = "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html"


def cloudfront_scope_region(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    """The region is the resource's own `region` input (pulumi-aws v7) or its provider's."""
    region = get(subject.props, "region") or (subject.provider or {}).get("region")
    if get(subject.props, "scope") == "CLOUDFRONT" and isinstance(region, str) and region != "us-east-1":
        yield f"scope CLOUDFRONT in {region}; CloudFront web ACLs exist only in us-east-1"


def association_target(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    target = get(subject.props, "resourceArn")
    if isinstance(target, str) and ":cloudfront::" in target:
        yield "a WebAclAssociation cannot target a CloudFront distribution; set the distribution's webAclId"


def distribution_acl_scope(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    acls = of_type(subjects, WEB_ACL)

    def check(distribution: Subject) -> Iterator[str]:
        for acl in acls:
            if refers_to(distribution, "webAclId", acl, "arn") and known(acl.props, "scope") == "REGIONAL":
                yield f"webAclId is the REGIONAL web ACL {acl.name}; a distribution needs scope CLOUDFRONT"

    yield from each(subjects, (DISTRIBUTION,), check)


def rules(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    listed = items(get(subject.props, "rules"))
    priorities = [to_int(get(r, "priority")) for r in listed]
    duplicates = sorted({p for p in priorities if p is not None and priorities.count(p) > 1})
    if duplicates:
        yield f"rule priorities {duplicates} are used more than once; each rule needs its own"
    for rule_ in listed:
        rate = get(rule_, "statement", "rateBasedStatement")
        if not rate:
            continue
        limit, window = to_int(get(rate, "limit")), to_int(get(rate, "evaluationWindowSec"))
        if limit is not None and not 10 <= limit <= 2_000_000_000:
            yield f"rule {get(rule_, 'name')}: rate limit {limit} is outside 10-2000000000"
        if window is not None and window not in (60, 120, 300, 600):
            yield f"rule {get(rule_, 'name')}: evaluationWindowSec {window}; use 60, 120, 300 or 600"


CONTROLS = (
    rule("APL-WAF-01", "CloudFront web ACLs are created in us-east-1", (WEB_ACL,), cloudfront_scope_region,
         description="A web ACL with scope CLOUDFRONT must be created through the us-east-1 endpoint.",
         remediation="Use a us-east-1 provider (or region) for the web ACL.", sources=(DOC,)),
    rule("APL-WAF-02", "Web ACL associations do not target CloudFront", (ASSOCIATION,), association_target,
         description="CloudFront takes its web ACL in the distribution's webAclId, not through AssociateWebACL.",
         remediation="Remove the association; set webAclId on the distribution.",
         sources=("https://docs.aws.amazon.com/waf/latest/APIReference/API_AssociateWebACL.html",)),
    rule("APL-WAF-03", "Distributions use a CLOUDFRONT-scoped web ACL", (DISTRIBUTION,), distribution_acl_scope,
         stack=True, description="A REGIONAL web ACL cannot protect a distribution.",
         remediation="Create the web ACL with scope CLOUDFRONT in us-east-1.", sources=(DOC,)),
    rule("APL-WAF-04", "Web ACL rules have unique priorities and valid rate limits", (WEB_ACL,), rules,
         description="Each rule's priority is unique; a rate-based limit is 10-2,000,000,000 requests over a 60, "
                     "120, 300 or 600 s window.", remediation="Renumber the rules; use an allowed limit and window.",
         sources=("https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html", DOC)),
)
