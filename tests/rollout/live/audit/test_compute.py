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
    assert added == {("LT-01", "shop-web"), ("LT-03", "shop-web"), ("LT-04", "shop-web")}
