"""The audit's collector for Application load balancers, their listeners, listener rules and target groups, and
their WAF associations (ALB-01..06, TG-01, SG-03)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.network import security_group_arn
from rollout.live.audit.reading import Collection, Reader, subject

LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
ELBV2_TYPES = (LOAD_BALANCER, LISTENER, LISTENER_RULE, TARGET_GROUP)


def normalize_load_balancer(lb: Mapping[str, Any], attributes: Iterable[Mapping[str, str]]) -> Subject:
    attrs = {a["Key"]: a["Value"] for a in attributes}
    props = {
        "name": lb["LoadBalancerName"],
        "loadBalancerType": lb.get("Type"),
        "internal": lb.get("Scheme") == "internal",
        "enableDeletionProtection": attrs.get("deletion_protection.enabled") == "true",
        "dropInvalidHeaderFields": attrs.get("routing.http.drop_invalid_header_fields.enabled") == "true",
        "desyncMitigationMode": attrs.get("routing.http.desync_mitigation_mode"),
        "accessLogs": {"enabled": attrs.get("access_logs.s3.enabled") == "true",
                       "bucket": attrs.get("access_logs.s3.bucket") or None,
                       "prefix": attrs.get("access_logs.s3.prefix") or None},
        "subnets": [z["SubnetId"] for z in lb.get("AvailabilityZones", []) if "SubnetId" in z],
        "securityGroups": lb.get("SecurityGroups", []),
    }
    if lb.get("Type") in ("network", "gateway"):
        # ELBv2 attribute load_balancing.cross_zone.enabled: false by default on network and gateway load
        # balancers (an ALB always balances across zones), pulumi-aws enableCrossZoneLoadBalancing
        props["enableCrossZoneLoadBalancing"] = attrs.get("load_balancing.cross_zone.enabled") == "true"
    _, _, _, region, account, _ = lb["LoadBalancerArn"].split(":", 5)
    groups = [security_group_arn(region, account, g) for g in lb.get("SecurityGroups", [])]
    return subject(LOAD_BALANCER, lb["LoadBalancerName"], lb["LoadBalancerArn"], props,
                    {"securityGroups": groups} if groups else None)


def _targets(actions: Iterable[Mapping[str, Any]]) -> list[str]:
    """The target groups forward actions send to: TargetGroupArn, or ForwardConfig's weighted target groups."""
    found = []
    for action in actions:
        if action.get("TargetGroupArn"):
            found.append(action["TargetGroupArn"])
        found += [t["TargetGroupArn"] for t in (action.get("ForwardConfig") or {}).get("TargetGroups", [])
                  if t.get("TargetGroupArn")]
    return sorted(set(found))


def _action(action: Mapping[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {"type": action["Type"]}
    if action.get("TargetGroupArn"):
        shaped["targetGroupArn"] = action["TargetGroupArn"]
    forward = action.get("ForwardConfig")
    if forward and forward.get("TargetGroups"):
        shaped["forward"] = {"targetGroups": [{"arn": t.get("TargetGroupArn"), "weight": t.get("Weight")}
                                              for t in forward["TargetGroups"]]}
    redirect = action.get("RedirectConfig")
    if redirect:
        shaped["redirect"] = {"protocol": redirect.get("Protocol"), "port": redirect.get("Port"),
                              "host": redirect.get("Host"), "path": redirect.get("Path"),
                              "query": redirect.get("Query"), "statusCode": redirect.get("StatusCode")}
    fixed = action.get("FixedResponseConfig")
    if fixed:
        shaped["fixedResponse"] = {"statusCode": fixed.get("StatusCode"), "contentType": fixed.get("ContentType")}
    return shaped


def normalize_listener(listener: Mapping[str, Any], lb_name: str) -> Subject:
    certificates = listener.get("Certificates") or []
    props = {
        "loadBalancerArn": listener["LoadBalancerArn"],
        "port": listener.get("Port"),
        "protocol": listener.get("Protocol"),
        "sslPolicy": listener.get("SslPolicy"),
        "certificateArn": certificates[0].get("CertificateArn") if certificates else None,
        "defaultActions": [_action(a) for a in sorted(listener.get("DefaultActions", []),
                                                       key=lambda a: a.get("Order", 0))],
    }
    name = f"{lb_name}:{listener.get('Protocol')}:{listener.get('Port')}"
    deps = {"loadBalancerArn": [listener["LoadBalancerArn"]]}
    targets = _targets(listener.get("DefaultActions", []))
    if targets:
        deps["defaultActions"] = targets
    return subject(LISTENER, name, listener["ListenerArn"], props, deps)


def normalize_listener_rule(rule: Mapping[str, Any], listener_arn: str, listener_name: str) -> Subject:
    """A listener's rule (not its default rule, which is the listener's defaultActions), joined to the listener
    through `listenerArn` and to the target groups its forward actions name through `actions`."""
    actions = sorted(rule.get("Actions", []), key=lambda a: a.get("Order", 0))
    props = {"listenerArn": listener_arn, "priority": rule.get("Priority"), "actions": [_action(a) for a in actions],
             "conditions": [{"field": c.get("Field"), "values": c.get("Values")} for c in rule.get("Conditions", [])]}
    deps = {"listenerArn": [listener_arn]}
    targets = _targets(actions)
    if targets:
        deps["actions"] = targets
    return subject(LISTENER_RULE, f"{listener_name}:rule-{rule.get('Priority')}", rule["RuleArn"], props, deps)


def normalize_target_group(group: Mapping[str, Any]) -> Subject:
    props = {"name": group["TargetGroupName"], "protocol": group.get("Protocol"), "port": group.get("Port"),
             "targetType": group.get("TargetType"), "vpcId": group.get("VpcId"),
             "protocolVersion": group.get("ProtocolVersion"),
             "healthCheck": {key: value for key, value in {
                 "enabled": group.get("HealthCheckEnabled"), "path": group.get("HealthCheckPath"),
                 "port": group.get("HealthCheckPort"), "protocol": group.get("HealthCheckProtocol"),
                 "matcher": (group.get("Matcher") or {}).get("HttpCode"),
                 "interval": group.get("HealthCheckIntervalSeconds"), "timeout": group.get("HealthCheckTimeoutSeconds"),
                 "healthyThreshold": group.get("HealthyThresholdCount"),
                 "unhealthyThreshold": group.get("UnhealthyThresholdCount")}.items() if value is not None}}
    return subject(TARGET_GROUP, group["TargetGroupName"], group["TargetGroupArn"], props)


def normalize_web_acl_association(resource_arn: str, resource_name: str, web_acl: Mapping[str, Any]) -> Subject:
    props = {"resourceArn": resource_arn, "webAclArn": web_acl["ARN"]}
    urn = f"{resource_arn}#webAclAssociation"
    return subject(WAF_ASSOCIATION, f"{resource_name}:{web_acl['Name']}", urn, props,
                    {"resourceArn": [resource_arn], "webAclArn": [web_acl["ARN"]]})


def collect_load_balancers(reader: Reader, out: Collection) -> None:
    public: list[Subject] = []
    with out.attempt("elbv2", ELBV2_TYPES) as found:
        elbv2 = reader.client("elbv2")
        for lb in reader.items("elbv2", "describe_load_balancers", "LoadBalancers[]"):
            attributes = elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]
            subject = normalize_load_balancer(lb, attributes)
            found.append(subject)
            if lb.get("Scheme") != "internal" and lb.get("Type") == "application":
                public.append(subject)  # WAFv2 attaches to application load balancers only
            for listener in reader.items("elbv2", "describe_listeners", "Listeners[]",
                                         LoadBalancerArn=lb["LoadBalancerArn"]):
                found.append(normalize_listener(listener, lb["LoadBalancerName"]))
                name = found[-1].name
                found.extend(normalize_listener_rule(rule, listener["ListenerArn"], name) for rule in reader.items(
                    "elbv2", "describe_rules", "Rules[]", ListenerArn=listener["ListenerArn"])
                    if not rule.get("IsDefault"))
        # A target group no load balancer uses carries no traffic: only those in use are judged (TG-01).
        found.extend(normalize_target_group(g) for g in reader.items("elbv2", "describe_target_groups",
                                                                       "TargetGroups[]") if g.get("LoadBalancerArns"))
    if not public:
        return
    with out.attempt("wafv2", (WAF_ASSOCIATION,)) as found:
        wafv2 = reader.client("wafv2")
        for lb in public:
            web_acl = wafv2.get_web_acl_for_resource(ResourceArn=lb.urn).get("WebACL")
            if web_acl:
                found.append(normalize_web_acl_association(lb.urn, lb.name, web_acl))
