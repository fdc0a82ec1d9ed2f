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



def test_secrets_in_a_launch_template_s_user_data_are_found(aws):
    import base64

    def drift(account):
        ec2 = account.client("ec2")
        script = b"#!/bin/sh\ncat > /etc/app.env <<EOF\nAPI_TOKEN=tok_live_8f2b9c1d7e\nEOF\n"
        data = ec2.describe_launch_template_versions(LaunchTemplateId=account.launch_template_id, Versions=["1"])[
            "LaunchTemplateVersions"][0]["LaunchTemplateData"]  # moto's SourceVersion copies nothing: copy by hand
        version = ec2.create_launch_template_version(
            LaunchTemplateId=account.launch_template_id,
            LaunchTemplateData={**data, "UserData": base64.b64encode(script).decode()},
        )["LaunchTemplateVersion"]["VersionNumber"]
        ec2.modify_launch_template(LaunchTemplateId=account.launch_template_id, DefaultVersion=str(version))

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    assert added == {("EC2-01", "shop-web")}


def test_a_launch_template_s_interface_groups_are_joined_to_the_groups():
    from policies._helpers import plain
    from rollout.live.audit import compute

    template = compute.normalize_launch_template(
        {"LaunchTemplateId": "lt-1", "LaunchTemplateName": "web"},
        {"NetworkInterfaces": [{"DeviceIndex": 0, "Groups": ["sg-1"], "AssociatePublicIpAddress": False}],
         "SecurityGroupIds": ["sg-2"], "UserData": "IyEvYmluL3NoCg=="}, "123456789012", "ap-southeast-1")
    arn = "arn:aws:ec2:ap-southeast-1:123456789012:security-group/"
    assert template.property_dependencies == {"networkInterfaces": [f"{arn}sg-1"],
                                              "vpcSecurityGroupIds": [f"{arn}sg-2"]}
    assert plain(template.props["networkInterfaces"])[0]["securityGroups"] == ["sg-1"]
    assert template.props["userData"] == "IyEvYmluL3NoCg=="


def test_a_hand_made_group_from_a_launch_configuration_is_found(aws):
    """legacy-web: launched from a launch configuration (ASG-01), EC2 health checks behind a target group in one
    zone (ASG-02), no tags (ASG-03); legacy-batch's template asks for a previous-generation type (EC2-03)."""
    def drift(account):
        autoscaling, ec2 = account.client("autoscaling"), account.client("ec2")
        group = account.client("elbv2").describe_target_groups()["TargetGroups"][0]["TargetGroupArn"]
        subnet = next(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == account.vpc_id)
        autoscaling.create_launch_configuration(LaunchConfigurationName="legacy-web", ImageId="ami-12c6146b",
                                                InstanceType="t4g.small")
        autoscaling.create_auto_scaling_group(AutoScalingGroupName="legacy-web", LaunchConfigurationName="legacy-web",
                                              MinSize=0, MaxSize=1, DesiredCapacity=0, VPCZoneIdentifier=subnet,
                                              TargetGroupARNs=[group], HealthCheckType="EC2")
        ec2.create_launch_template(LaunchTemplateName="legacy-batch", LaunchTemplateData={
            "ImageId": "ami-12c6146b", "InstanceType": "m3.medium", "Monitoring": {"Enabled": True},
            "IamInstanceProfile": {"Name": "shop-web"},
            "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"},
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": False}],
            "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {"Encrypted": True, "VolumeSize": 20}}]})

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    assert added == {("ASG-01", "legacy-web"), ("ASG-02", "legacy-web"), ("ASG-03", "legacy-web"),
                     ("EC2-03", "legacy-batch")}
