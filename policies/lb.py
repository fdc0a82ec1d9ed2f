"""Application load balancers and listeners: HTTPS redirect, modern TLS, header hygiene, logs, deletion
protection, WAF, cross-zone balancing (ALB-01..07); target groups: TLS to targets, health checks (TG-01..02).
The aws:alb/* aliases of the aws:lb/* types are checked the same way."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, explicitly_false, get, items, of_type, truthy
from policies.core import Control, Enforcement, Severity, Subject

LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
CLASSIC = "aws:elb/loadBalancer:LoadBalancer"
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
DEFAULT_TLS_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
]


def _protocol(props: Mapping[str, Any]) -> str:
    """A listener's protocol; a Gateway Load Balancer listener has neither protocol nor port (GENEVE)."""
    if get(props, "protocol") is None and get(props, "port") is None:
        return "GENEVE"
    return str(get(props, "protocol", default="HTTP")).upper()


def _classic_listeners(subject: Subject) -> list[tuple[str, Any]]:
    return [(f"listeners[{get(listener, 'lbPort', default=i)}]", listener)
            for i, listener in enumerate(items(get(subject.props, "listeners")))]


def http_redirects(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == CLASSIC:
        if truthy(get(subject.props, "internal")):
            return
        for where, listener in _classic_listeners(subject):
            protocol = str(get(listener, "lbProtocol", default="")).upper()
            if protocol in ("HTTP", "TCP"):
                yield (f"classic ELB {where} accepts plain {protocol} and cannot redirect it to HTTPS; use an ALB "
                       "with an HTTP->HTTPS redirect")
        return
    if _protocol(subject.props) != "HTTP":
        return
    actions = items(get(subject.props, "defaultActions"))
    if len(actions) != 1:
        yield f"HTTP listener has {len(actions)} default actions; use exactly one redirect to HTTPS"
        return
    action = actions[0]
    if get(action, "type") != "redirect" or str(get(action, "redirect", "protocol", default="")).upper() != "HTTPS":
        yield "HTTP listener's default action is not a redirect to HTTPS"


def modern_tls(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if _protocol(subject.props) not in {"HTTPS", "TLS"}:
        return
    policy = get(subject.props, "sslPolicy")
    allowed = list(cfg.get("allowedPolicies") or DEFAULT_TLS_POLICIES)
    if policy not in allowed:
        yield f"sslPolicy is {policy!r} (unset means ELBSecurityPolicy-2016-08, TLS 1.0); use a TLS 1.2+/1.3 policy"


def _is_application(props: Mapping[str, Any]) -> bool:
    return get(props, "loadBalancerType", default="application") == "application"


def header_hygiene(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == CLASSIC:  # classic load balancers have desync mitigation but no header dropping
        mode = get(subject.props, "desyncMitigationMode", default="defensive")
        if mode not in {"defensive", "strictest"}:
            yield f"desyncMitigationMode is {mode!r}; use defensive or strictest"
        return
    if not _is_application(subject.props):
        return
    if not truthy(get(subject.props, "dropInvalidHeaderFields")):
        yield "dropInvalidHeaderFields is not true"
    mode = get(subject.props, "desyncMitigationMode", default="defensive")
    if mode not in {"defensive", "strictest"}:
        yield f"desyncMitigationMode is {mode!r}; use defensive or strictest"


def access_logs(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    logs = get(subject.props, "accessLogs")
    # a classic ELB's access_logs block is enabled unless it says otherwise (aws_elb access_logs.enabled default true)
    enabled = get(logs, "enabled", default=subject.type == CLASSIC and logs is not None)
    if not truthy(enabled) or not get(logs, "bucket"):
        yield "accessLogs are not enabled with a bucket"


def deletion_protection(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(get(subject.props, "enableDeletionProtection")):
        yield "enableDeletionProtection is not true"


def _forwards_to(actions: Any, holder: Subject, prop: str, group: Subject) -> bool:
    """A forward action of `holder` whose target group came from `group` (through the holder's property deps)."""
    return any(get(action, "type") == "forward" for action in items(actions)) \
        and group.urn in holder.property_dependencies.get(prop, ())


def tls_to_targets(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    listeners = of_type(subjects, *LISTENERS)
    rules = of_type(subjects, *LISTENER_RULES)

    def check(group: Subject) -> Iterator[str]:
        if get(group.props, "targetType") in ("lambda", "alb"):
            return  # no protocol of their own
        if str(get(group.props, "protocol", default="")).upper() != "HTTP":
            return
        front = [listener for listener in listeners if _forwards_to(get(listener.props, "defaultActions"), listener,
                                                                    "defaultActions", group)]
        front += [listener for rule in rules if _forwards_to(get(rule.props, "actions"), rule, "actions", group)
                  for listener in listeners if listener.urn in rule.property_dependencies.get("listenerArn", ())]
        if not front:
            yield "HTTP target group that no HTTPS listener forwards to (plain HTTP from the client to the target)"
        for listener in front:
            if _protocol(listener.props) == "HTTP":
                yield f"HTTP target group behind the plain-HTTP listener {listener.name} (no TLS anywhere on the path)"

    def check_classic(balancer: Subject) -> Iterator[str]:
        for where, listener in _classic_listeners(balancer):
            front = str(get(listener, "lbProtocol", default="")).upper()
            back = str(get(listener, "instanceProtocol", default="")).upper()
            if front in ("HTTP", "TCP") and back in ("HTTP", "TCP"):
                yield f"classic ELB {where} carries plain {front} from clients to instances"

    yield from each(subjects, TARGET_GROUPS, check)
    yield from each(subjects, [CLASSIC], check_classic)


def waf_association(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    associations = of_type(subjects, WEB_ACL_ASSOCIATION)

    def check(balancer: Subject) -> Iterator[str]:
        if truthy(get(balancer.props, "internal")) or not _is_application(balancer.props):
            return
        if not any(balancer.urn in a.property_dependencies.get("resourceArn", ()) for a in associations):
            yield "internet-facing ALB has no WAFv2 WebAclAssociation"

    yield from each(subjects, LOAD_BALANCERS, check)


def cross_zone(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == CLASSIC:
        # aws_elb cross_zone_load_balancing defaults to true (pulumi-aws elb.LoadBalancer)
        if explicitly_false(get(subject.props, "crossZoneLoadBalancing")):
            yield "crossZoneLoadBalancing is false: each zone's instances take only their zone's share of traffic"
        return
    kind = get(subject.props, "loadBalancerType", default="application")
    if kind == "application":
        return  # always cross-zone on an ALB
    if not truthy(get(subject.props, "enableCrossZoneLoadBalancing")):
        yield (f"{kind} load balancer without enableCrossZoneLoadBalancing (off by default): a zone with fewer "
               "healthy targets is overloaded, and a zone with none drops its share")


def health_check(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    protocol = str(get(subject.props, "protocol", default="")).upper()
    if protocol not in ("HTTP", "HTTPS"):
        return  # TCP/UDP/TLS/GENEVE groups and Lambda targets have no HTTP health check path
    check = get(subject.props, "healthCheck")
    if explicitly_false(get(check, "enabled")):
        yield "healthCheck.enabled is false: unhealthy targets keep receiving requests"
    elif not get(check, "path"):
        yield ("healthCheck.path is not set (AWS then requests /, the home page: slow, cached or passing while the "
               "app's dependencies are down); point it at a health endpoint")


CONTROLS = (
    Control(
        id="ALB-01", title="HTTP listeners only redirect to HTTPS", severity=Severity.HIGH,
        resource_types=LISTENERS + (CLASSIC,), check=http_redirects,
        description="A plain-HTTP listener must have exactly one default action: a redirect to HTTPS. An "
                    "internet-facing classic ELB cannot redirect, so any HTTP or TCP listener on it fails (Checkov "
                    "CKV_AWS_127 fails any classic listener without an ACM certificate, internal ones too).",
        remediation="defaultActions=[{type: redirect, redirect: {protocol: HTTPS, port: '443', "
                    "statusCode: HTTP_301}}].",
        sources=("FSBP ELB.1", "FSBP ELB.3", "CKV2_AWS_20", "CKV_AWS_2", "CKV_AWS_127",
                 "awsguard alb-http-to-https-redirection"),
    ),
    Control(
        id="ALB-02", title="HTTPS listeners use a TLS 1.2+ policy", severity=Severity.HIGH, resource_types=LISTENERS,
        check=modern_tls, config_defaults={"allowedPolicies": DEFAULT_TLS_POLICIES},
        description="HTTPS/TLS listeners must use a security policy from the TLS 1.2+/1.3 allowlist. A listener with "
                    "neither protocol nor port is read as a Gateway Load Balancer listener and not judged (Checkov "
                    "CKV_AWS_103 looks up the load balancer's type).",
        remediation="Set sslPolicy=ELBSecurityPolicy-TLS13-1-2-2021-06.",
        sources=("CKV_AWS_103", "CKV2_AWS_74", "compliance-policies lb-listener-configure-secure-tls"),
    ),
    Control(
        id="ALB-03", title="ALBs drop invalid headers and mitigate desync", severity=Severity.MEDIUM,
        resource_types=LOAD_BALANCERS + (CLASSIC,), check=header_hygiene,
        description="Dropping invalid header fields and desync mitigation block HTTP request smuggling.",
        remediation="Set dropInvalidHeaderFields=true; keep desyncMitigationMode defensive or strictest.",
        sources=("FSBP ELB.4", "FSBP ELB.12", "CKV_AWS_131", "CKV_AWS_328"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="ALB-04", title="Load balancer access logs are on", severity=Severity.MEDIUM,
        resource_types=LOAD_BALANCERS + (CLASSIC,), check=access_logs,
        description="Access logs record every request for incident analysis.",
        remediation="Set accessLogs={enabled: true, bucket: log_bucket.id}.",
        sources=("FSBP ELB.5", "CKV_AWS_91", "CKV_AWS_92", "AwsSolutions-ELB2", "awsguard elb-logging-enabled"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="ALB-05", title="Load balancers have deletion protection", severity=Severity.MEDIUM,
        resource_types=LOAD_BALANCERS, check=deletion_protection,
        description="Deleting the load balancer takes the site down.",
        remediation="Set enableDeletionProtection=true.",
        sources=("FSBP ELB.6", "CKV_AWS_150", "awsguard elb-deletion-protection-enabled"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="ALB-06", title="Internet-facing ALBs have a WAF", severity=Severity.MEDIUM,
        resource_types=LOAD_BALANCERS + (WEB_ACL_ASSOCIATION,), check=waf_association, stack=True,
        description="An internet-facing application load balancer needs a WAFv2 WebAclAssociation whose resourceArn "
                    "depends on it; a WAF Classic (wafregional) association does not count, where Checkov "
                    "CKV2_AWS_28 accepts it (WAF Classic reached end of support in September 2025).",
        remediation="Add aws.wafv2.WebAclAssociation(resource_arn=alb.arn, web_acl_arn=acl.arn).",
        sources=("FSBP ELB.16", "CKV2_AWS_28"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="TG-01", title="Plain-HTTP targets only behind HTTPS listeners", severity=Severity.MEDIUM,
        resource_types=TARGET_GROUPS + LISTENERS + LISTENER_RULES + (CLASSIC,), check=tls_to_targets, stack=True,
        description="An HTTP target group must be reached only through HTTPS listeners (TLS ends at the load "
                    "balancer, inside the VPC): a plain-HTTP listener forwarding to it, or no HTTPS listener at all, "
                    "carries client traffic unencrypted end to end; joined through the forward actions' "
                    "targetGroupArn and listener rules' listenerArn. Classic ELB listeners with HTTP/TCP on both "
                    "sides fail too. Checkov CKV_AWS_378 reads the same join; CKV_AWS_376 fails every classic "
                    "listener with a plain instanceProtocol, even behind an HTTPS front.",
        remediation="Forward to the target group from the HTTPS listener only, and make the HTTP listener a redirect "
                    "(ALB-01); for end-to-end TLS use protocol HTTPS on the target group.",
        sources=("CKV_AWS_378", "CKV_AWS_376"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="ALB-07", title="Load balancers balance across zones", severity=Severity.MEDIUM,
        resource_types=LOAD_BALANCERS + (CLASSIC,), check=cross_zone, enforcement=Enforcement.ADVISORY,
        description="Network and gateway load balancers need enableCrossZoneLoadBalancing (off by default) and a "
                    "classic ELB must keep crossZoneLoadBalancing (on by default), so that every healthy target "
                    "shares the load whatever its zone; an application load balancer always balances across zones. "
                    "Advisory: an NLB bills the traffic it sends to another zone.",
        remediation="Set enableCrossZoneLoadBalancing=True on network and gateway load balancers.",
        sources=("CKV_AWS_152", "CKV_AWS_138", "FSBP ELB.9"),
    ),
    Control(
        id="TG-02", title="HTTP target groups check a health path", severity=Severity.MEDIUM,
        resource_types=TARGET_GROUPS, check=health_check, enforcement=Enforcement.ADVISORY,
        description="An HTTP or HTTPS target group needs healthCheck.path on an endpoint that answers only when the "
                    "app can serve (the Auto Scaling group replaces instances on it with ELB health checks), and "
                    "the health check must not be disabled (Checkov CKV_AWS_261 passes a disabled check that names a "
                    "path). Groups of other protocols and Lambda targets are not judged.",
        remediation="Set healthCheck={path: '/healthz', matcher: '200-399', interval: 15, healthyThreshold: 2}.",
        sources=("CKV_AWS_261",),
    ),
)
