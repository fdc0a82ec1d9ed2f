"""Pricing rules of rollout.analysis.cost.pricers.ec2 on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.model.inventory import UNKNOWN
from tests.rollout.analysis.cost.builders import US, line, price, res


def _web_tier(spec: dict, deps: dict | None = None):
    template = res(
        "aws:ec2/launchTemplate:LaunchTemplate",
        "web-lt",
        {
            "name": "web-lt-1234",
            "instanceType": "t4g.small",
            "blockDeviceMappings": [
                {"deviceName": "/dev/xvda", "ebs": {"volumeSize": 8, "volumeType": "gp3", "encrypted": "true"}}
            ],
        },
    )
    group = res(
        "aws:autoscaling/group:Group",
        "web-asg",
        {"desiredCapacity": 2, "minSize": 1, "maxSize": 4, "launchTemplate": spec},
        property_dependencies=deps or {},
    )
    return template, group


def test_autoscaling_group_at_desired_capacity_with_min_max_range():
    template, group = _web_tier(
        {"id": UNKNOWN, "version": "$Latest"},
        {"launchTemplate": ("urn:pulumi:test::proj::aws:ec2/launchTemplate:LaunchTemplate::web-lt",)},
    )
    report = price(template, group)
    asg = report.resources[0]
    # 2 x 730 x 0.0212 = 30.952; 2 x 8 GB x 0.096 = 1.536 => 32.488
    assert asg.monthly == pytest.approx(32.488)
    # one instance = 15.476 + 0.768 = 16.244; min 1 => 16.244, max 4 => 64.976
    assert asg.monthly_range == pytest.approx((16.244, 64.976))
    assert asg.note.startswith("desired 2 (min 1 - max 4)")
    assert report.free_types == {"aws:ec2/launchTemplate:LaunchTemplate": 1}


def test_autoscaling_group_finds_its_template_by_name():
    template, group = _web_tier({"name": "web-lt-1234"})
    assert price(template, group).total_monthly == pytest.approx(32.488)


def test_autoscaling_group_without_a_template_in_the_inventory_is_unknown():
    _, group = _web_tier({"id": "lt-0abc"})
    component = price(group).resources[0].components[0]
    assert not component.price_known
    assert "launch template not found" in component.note


def test_ec2_instance_with_root_volume_and_public_ip():
    report = price(
        res(
            "aws:ec2/instance:Instance",
            "vm",
            {
                "instanceType": "t3.micro",
                "associatePublicIpAddress": True,
                "rootBlockDevice": {"volumeSize": 8, "volumeType": "gp3"},
            },
        )
    )
    # 730 x 0.0132 (sourced since issue 18) = 9.636; 8 x 0.096 = 0.768; 730 x 0.005 = 3.65 => 14.054
    assert report.total_monthly == pytest.approx(14.054)
    assert not line(report, "Instance usage").derived


def test_eip_is_public_ipv4_hours():
    # 730 x 0.005 = 3.65
    assert price(res("aws:ec2/eip:Eip", "ip")).total_monthly == pytest.approx(3.65)


def test_mixed_instances_group_by_weighted_capacity_and_spot_share():
    template = res("aws:ec2/launchTemplate:LaunchTemplate", "lt", {"name": "lt-1", "instanceType": "t3.large"})
    mixed = {
        "launchTemplate": {
            "launchTemplateSpecification": {"launchTemplateName": "lt-1"},
            "overrides": [
                {"instanceType": "m5.xlarge", "weightedCapacity": "2"},
                {"instanceType": "m5.large", "weightedCapacity": "1"},
            ],
        },
        "instancesDistribution": {"onDemandBaseCapacity": 1, "onDemandPercentageAboveBaseCapacity": 50},
    }
    group = res(
        "aws:autoscaling/group:Group",
        "web",
        {"desiredCapacity": 8, "minSize": 2, "maxSize": 12, "mixedInstancesPolicy": mixed},
    )
    report = price(template, group, region=US)
    resource = next(r for r in report.resources if r.name == "web")
    # capacity 8 units / weight 2 = 4 x m5.xlarge: base 1 on-demand + 50 % of the other 3 (rounded up) = 3
    # on-demand x 730 x 0.192 = 420.48; 1 spot instance: price unknown
    assert [(c.name, c.quantity, c.monthly) for c in resource.components] == [
        ("Instance usage (Linux, on-demand, m5.xlarge)", 2190, pytest.approx(420.48)),
        ("Spot instance usage (m5.xlarge) x 1", 730, None),
    ]
    assert "weighted capacity: 4 x m5.xlarge (weight 2)" in resource.note
    # min 2 / 2 = 1 instance, max 12 / 2 = 6 instances, at 140.16 each
    assert resource.monthly_range == pytest.approx((140.16, 840.96))


def test_instance_from_a_launch_template_takes_its_type_volumes_and_public_ip():
    template = res(
        "aws:ec2/launchTemplate:LaunchTemplate",
        "lt",
        {
            "name": "app-lt",
            "instanceType": "c7g.large",
            "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeSize": 20, "volumeType": "gp3"}}],
            "networkInterfaces": [{"associatePublicIpAddress": "true"}],
        },
    )
    vm = res("aws:ec2/instance:Instance", "vm", {"launchTemplate": {"name": "app-lt", "version": "$Latest"}})
    report = price(template, vm)
    resource = next(r for r in report.resources if r.name == "vm")
    # 730 x 0.0833 = 60.809; 20 GB x 0.096 = 1.92; 730 x 0.005 = 3.65 => 66.379
    assert [(c.name, round(c.monthly, 3)) for c in resource.components] == [
        ("Instance usage (Linux, on-demand, c7g.large)", 60.809),
        ("Storage (gp3)", 1.92),
        ("Public IPv4 address", 3.65),
    ]
    assert resource.note == "launch template lt"
    # the instance's own instanceType wins over the template's
    own = res("aws:ec2/instance:Instance", "vm", {"instanceType": "t4g.small", "launchTemplate": {"name": "app-lt"}})
    assert line(price(template, own), "Instance usage").price_key == "ec2:instance:t4g.small"
    missing = price(res("aws:ec2/instance:Instance", "vm", {"launchTemplate": {"id": "lt-0abc"}}))
    assert not missing.resources[0].components[0].price_known
    assert "launch template not found" in missing.resources[0].note
