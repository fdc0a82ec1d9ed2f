"""EC2 and VPC: security groups with inline and separate rules, names and descriptions, prefix lists
(APL-EC2-01..04)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items, known, of_type, refers_to, to_int
from policies.apply._rule import rule
from policies.core import Subject

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SEPARATE_RULES = ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
                  "aws:ec2/securityGroupRule:SecurityGroupRule")
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
PREFIX_LIST = "aws:ec2/managedPrefixList:ManagedPrefixList"
SG_DOCS = "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/securitygroup/"
EC2_API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"


def _direction(rule_: Subject) -> str:
    if rule_.type.endswith("IngressRule"):
        return "ingress"
    if rule_.type.endswith("EgressRule"):
        return "egress"
    return "ingress" if known(rule_.props, "type") == "ingress" else "egress"


def inline_and_separate_rules(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    """The provider documents that inline rules and separate rule resources for the same direction of one group
    fight: each apply removes the other's rules. (An inline block left unset is not managed, so inline ingress with
    separate egress rules is fine.)"""
    rules = of_type(subjects, *SEPARATE_RULES)

    def check(group: Subject) -> Iterator[str]:
        for direction in ("ingress", "egress"):
            if not items(get(group.props, direction)):
                continue
            separate = [r.name for r in rules
                        if _direction(r) == direction and refers_to(r, "securityGroupId", group, "id")]
            if separate:
                yield (f"inline {direction} rules and separate {direction} rule resources "
                       f"({', '.join(sorted(separate))}) on one group: each apply removes the other's rules")

    yield from each(subjects, (SECURITY_GROUP,), check)


def group_text(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    description = get(subject.props, "description")
    if isinstance(description, str):
        if len(description) > 255:
            yield f"description has {len(description)} characters; at most 255"
        if not re.fullmatch(r"[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]*", description):
            yield "description has characters EC2 refuses (allowed: a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*)"
    name = get(subject.props, "name")
    if isinstance(name, str):
        if name.lower().startswith("sg-"):
            yield f"name {name!r} starts with sg-, which EC2 reserves"
        if len(name) > 255:
            yield f"name has {len(name)} characters; at most 255"


def launch_template_name(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    name = get(subject.props, "name")
    if isinstance(name, str) and not re.fullmatch(r"[a-zA-Z0-9().\-/_]{3,128}", name):
        yield f"name {name!r}: 3-128 characters of a-z, A-Z, 0-9, ( ) . - / _"
    prefix = get(subject.props, "namePrefix")
    if isinstance(prefix, str) and len(prefix) > 102:
        yield f"namePrefix has {len(prefix)} characters; the provider appends 26 (128 at most)"


def prefix_list_entries(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    maximum = to_int(get(subject.props, "maxEntries"))
    entries = len(items(get(subject.props, "entries")))
    if maximum is not None and maximum < 1:
        yield f"maxEntries {maximum}; at least 1"
    if maximum is not None and entries > maximum:
        yield f"{entries} entries but maxEntries {maximum}"


CONTROLS = (
    rule("APL-EC2-01", "Security groups use inline rules or separate rules, not both", (SECURITY_GROUP,),
         inline_and_separate_rules, stack=True,
         description="Inline ingress/egress blocks and SecurityGroupIngressRule/EgressRule/SecurityGroupRule "
                     "resources on the same group conflict and overwrite each other.",
         remediation="Move the inline rules to separate rule resources (or the reverse).", sources=(SG_DOCS,)),
    rule("APL-EC2-02", "Security group names and descriptions are ones EC2 accepts", (SECURITY_GROUP,), group_text,
         description="Description up to 255 characters of EC2's allowed set; names do not start with sg-.",
         remediation="Shorten the description and use only the allowed characters.",
         sources=(EC2_API + "API_CreateSecurityGroup.html",)),
    rule("APL-EC2-03", "Launch template names are ones EC2 accepts", (LAUNCH_TEMPLATE,), launch_template_name,
         description="3-128 characters of letters, digits and ( ) . - / _.", remediation="Rename the template.",
         sources=(EC2_API + "API_CreateLaunchTemplate.html",)),
    rule("APL-EC2-04", "Managed prefix lists hold their entries", (PREFIX_LIST,), prefix_list_entries,
         description="maxEntries is at least 1 and at least the number of entries.",
         remediation="Raise maxEntries.", sources=(EC2_API + "API_CreateManagedPrefixList.html",)),
)
