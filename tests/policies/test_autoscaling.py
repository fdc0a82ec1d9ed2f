from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE as UA

from policies.autoscaling import ATTACHMENT, CLASSIC_ELB, GROUP, TARGET_GROUPS
from policies.core import UNKNOWN_STRING_VALUE as U

GOOD = {"launchTemplate": {"id": "lt-1", "version": "$Latest"}, "minSize": 2, "maxSize": 6,
        "healthCheckType": "ELB", "targetGroupArns": ["arn:tg"], "vpcZoneIdentifiers": ["subnet-a", "subnet-b"]}


def asg(res, variant, name, changes=None):
    return res(GROUP, name, variant(GOOD, changes or {}))


def test_asg01_launch_template(res, variant, assert_exact):
    assert_exact(
        "ASG-01",
        {
            "pass_launch_template": asg(res, variant, "a"),
            "pass_mixed_instances": asg(
                res, variant, "a2", {"launchTemplate": variant.DELETE, "mixedInstancesPolicy": {"launchTemplate": {}}}
            ),
            "fail_launch_configuration": asg(
                res, variant, "b", {"launchTemplate": variant.DELETE, "launchConfiguration": "lc"}
            ),
            "fail_nothing": asg(res, variant, "c", {"launchTemplate": variant.DELETE}),
            "unknown_configuration": asg(res, variant, "d", {"launchConfiguration": U}),
        },
    )


def test_asg02_health_and_zones(res, variant, assert_exact):
    assert_exact(
        "ASG-02",
        {
            "pass_elb_two_subnets": asg(res, variant, "a"),
            "pass_no_target_groups_ec2": asg(res, variant, "a2", {"targetGroupArns": [], "healthCheckType": "EC2"}),
            "fail_ec2_health_behind_lb": asg(res, variant, "b", {"healthCheckType": "EC2"}),
            "fail_one_subnet": asg(res, variant, "c", {"vpcZoneIdentifiers": ["subnet-a"]}),
            "unknown_subnets": asg(res, variant, "d", {"vpcZoneIdentifiers": UA}),
            "fail_attached_by_resource_with_ec2_health": attached(
                res, variant, "e", {"targetGroupArns": [], "healthCheckType": "EC2"}
            ),
            "pass_attached_by_resource_with_elb_health": attached(res, variant, "f", {"targetGroupArns": []}),
            "fail_attached_by_name_with_default_health": [
                asg(res, variant, "g", {"name": "web", "targetGroupArns": [], "healthCheckType": variant.DELETE}),
                res(ATTACHMENT, "g-att", {"autoscalingGroupName": "web", "lbTargetGroupArn": "arn:tg"}),
            ],
            "fail_classic_elbs_with_ec2_health": asg(
                res, variant, "h", {"targetGroupArns": [], "loadBalancers": ["shop-elb"], "healthCheckType": "EC2"}
            ),
        },
    )


def test_asg02_balancers_declare_health_checks(res, assert_exact):
    check = {"path": "/healthz", "matcher": "200"}

    def behind_group(name, health_check):
        group_props = {"protocol": "HTTP", "port": 80}
        if health_check is not None:
            group_props["healthCheck"] = health_check
        target = res(TARGET_GROUPS[0], f"{name}-tg", group_props)
        return [res(GROUP, name, GOOD, {"targetGroupArns": [target.urn]}), target]

    def behind_elb(name, health_check):
        elb = res(CLASSIC_ELB, f"{name}-elb", {"listeners": [], **({} if health_check is None else
                                                                   {"healthCheck": health_check})})
        group = res(GROUP, name, {**GOOD, "targetGroupArns": []})
        return [group, elb, res(ATTACHMENT, f"{name}-att", {"autoscalingGroupName": "mock", "elb": "mock"},
                                {"autoscalingGroupName": [group.urn], "elb": [elb.urn]})]

    assert_exact("ASG-02", {
        "pass_target_group_declares_check": behind_group("a", check),
        "pass_target_group_outside_stack": res(GROUP, "a2", GOOD),
        "pass_elb_declares_check": behind_elb("a3", {"target": "HTTP:8000/healthz", "interval": 30,
                                                      "healthyThreshold": 2, "unhealthyThreshold": 2, "timeout": 5}),
        "fail_target_group_default_check": behind_group("b", None),
        "fail_classic_elb_default_tcp_check": behind_elb("c", None),
        "unknown_check": behind_group("d", U),
    })


def attached(res, variant, name, changes):
    group = asg(res, variant, name, changes)
    return [group, res(ATTACHMENT, f"{name}-att", {"autoscalingGroupName": "mock", "lbTargetGroupArn": "arn:tg"},
                       {"autoscalingGroupName": [group.urn]})]


def test_asg03_tags_propagate(res, assert_exact):
    tag = {"key": "Service", "value": "web", "propagateAtLaunch": True}
    assert_exact("ASG-03", {
        "pass_propagated": res(GROUP, "a", {**GOOD, "tags": [tag]}),
        "pass_one_of_several": res(GROUP, "a2", {**GOOD, "tags": [{**tag, "propagateAtLaunch": False}, tag]}),
        "fail_no_tags": res(GROUP, "b", GOOD),
        "fail_none_propagates": res(GROUP, "c", {**GOOD, "tags": [{**tag, "propagateAtLaunch": False}]}),
        "unknown_tags": res(GROUP, "d", {**GOOD, "tags": UA}),
    })
