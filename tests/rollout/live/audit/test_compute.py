"""The compute collector: launch templates (their default version) and Auto Scaling groups."""

from __future__ import annotations

from tests.rollout import audit_fixtures as fx


def test_a_weakened_launch_template_version_is_found(aws):
    def drift(account):
        ec2 = account.client("ec2")
        version = ec2.create_launch_template_version(LaunchTemplateId=account.launch_template_id, LaunchTemplateData={
            "ImageId": "ami-12c6146b", "MetadataOptions": {"HttpTokens": "optional", "HttpPutResponseHopLimit": 1},
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}],
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": False, "VolumeSize": 20}}],
        })["LaunchTemplateVersion"]["VersionNumber"]
        ec2.modify_launch_template(LaunchTemplateId=account.launch_template_id, DefaultVersion=str(version))

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    # the new version also drops the template's detailed monitoring and instance profile (EC2-02, EC2-04)
    assert added == {("LT-01", "shop-web"), ("LT-03", "shop-web"), ("LT-04", "shop-web"), ("EC2-02", "shop-web"),
                     ("EC2-04", "shop-web")}


def test_group_tags_and_template_profile_are_read():
    from policies.core import evaluate
    from policies.registry import BY_ID
    from rollout.live.audit import compute

    def group(name, tags):
        return compute.normalize_autoscaling_group({
            "AutoScalingGroupName": name, "AutoScalingGroupARN": f"arn:aws:autoscaling:r:1:asg/{name}",
            "LaunchTemplate": {"LaunchTemplateId": "lt-1", "Version": "$Default"}, "Tags": tags}, "1", "r")

    groups = [group("tagged", [{"Key": "Service", "Value": "web", "PropagateAtLaunch": True}]),
              group("kept", [{"Key": "Service", "Value": "web", "PropagateAtLaunch": False}]), group("bare", [])]
    assert {f.name for f in evaluate([BY_ID["ASG-03"]], groups)} == {"kept", "bare"}
    templates = [compute.normalize_launch_template({"LaunchTemplateName": name, "LaunchTemplateId": f"lt-{name}"},
                                                   data, "1", "r")
                 for name, data in (("profiled", {"IamInstanceProfile": {"Arn": "arn:aws:iam::1:instance-profile/w"},
                                                  "Monitoring": {"Enabled": True}}), ("bare", {}))]
    assert {(f.control, f.name) for f in evaluate([BY_ID["EC2-02"], BY_ID["EC2-04"]], templates)} == {
        ("EC2-02", "bare"), ("EC2-04", "bare")}
