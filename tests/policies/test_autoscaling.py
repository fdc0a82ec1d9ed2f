from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE as UA

from policies.autoscaling import ATTACHMENT, GROUP
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
