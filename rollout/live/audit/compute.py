"""The audit's collector for EC2 launch templates (their default version: metadata, interfaces and their security
groups, disks, user data) and Auto Scaling groups (LT-01..04, EC2-01, ASG-01..02)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.network import security_group_arn
from rollout.live.audit.reading import Collection, Reader, arn_of, subject

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"


def normalize_launch_template(template: Mapping[str, Any], data: Mapping[str, Any], account: str,
                              region: str) -> Subject:
    metadata = data.get("MetadataOptions") or {}
    props = {
        "name": template["LaunchTemplateName"],
        "imageId": data.get("ImageId"),
        "instanceType": data.get("InstanceType"),
        # EC2-02, EC2-04: detailed monitoring (off when absent) and the instance profile
        "monitoring": {"enabled": bool((data.get("Monitoring") or {}).get("Enabled", False))},
        "iamInstanceProfile": {key: value for key, value in {
            "arn": (data.get("IamInstanceProfile") or {}).get("Arn"),
            "name": (data.get("IamInstanceProfile") or {}).get("Name")}.items() if value},
        "ebsOptimized": str(data["EbsOptimized"]).lower() if "EbsOptimized" in data else None,
        "metadataOptions": {key: value for key, value in {
            "httpEndpoint": metadata.get("HttpEndpoint"),
            "httpTokens": metadata.get("HttpTokens", "optional"),
            "httpPutResponseHopLimit": metadata.get("HttpPutResponseHopLimit"),
            "instanceMetadataTags": metadata.get("InstanceMetadataTags"),
        }.items() if value is not None},
        "networkInterfaces": [{key: value for key, value in {
            "associatePublicIpAddress": n.get("AssociatePublicIpAddress"), "deviceIndex": n.get("DeviceIndex"),
            "subnetId": n.get("SubnetId"), "securityGroups": n.get("Groups") or None}.items() if value is not None}
            for n in data.get("NetworkInterfaces", [])],
        "vpcSecurityGroupIds": data.get("SecurityGroupIds") or None,
        # base64, as LaunchTemplateData returns it and aws.ec2.LaunchTemplate takes it (EC2-01 decodes it)
        "userData": data.get("UserData") or None,
        # pulumi-aws v7 passes a launch template's EBS `encrypted` as a string.
        "blockDeviceMappings": [
            {"deviceName": b.get("DeviceName"),
             "ebs": {"encrypted": str(b["Ebs"].get("Encrypted", False)).lower(), "kmsKeyId": b["Ebs"].get("KmsKeyId"),
                     "volumeSize": b["Ebs"].get("VolumeSize"), "volumeType": b["Ebs"].get("VolumeType")}}
            for b in data.get("BlockDeviceMappings", []) if "Ebs" in b],
    }
    arn = arn_of("ec2", region, account, f"launch-template/{template['LaunchTemplateId']}")
    # The groups instances launched from the template carry, joined to the groups' subjects (NET-01/02 read them).
    interface_groups = [g for n in data.get("NetworkInterfaces", []) for g in n.get("Groups") or []]
    deps = {prop: [security_group_arn(region, account, g) for g in groups] for prop, groups in (
        ("networkInterfaces", interface_groups), ("vpcSecurityGroupIds", data.get("SecurityGroupIds") or [])) if groups}
    return subject(LAUNCH_TEMPLATE, template["LaunchTemplateName"], arn, props, deps)


def _template_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": spec.get("LaunchTemplateId"), "name": spec.get("LaunchTemplateName"), "version": spec.get("Version")}


def normalize_autoscaling_group(group: Mapping[str, Any], account: str, region: str) -> Subject:
    template = group.get("LaunchTemplate")
    mixed = group.get("MixedInstancesPolicy")
    spec = template or ((mixed or {}).get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
    props = {
        "name": group["AutoScalingGroupName"],
        "launchTemplate": _template_spec(template) if template else None,
        "mixedInstancesPolicy": {"launchTemplate": {"launchTemplateSpecification": {
            "launchTemplateId": spec.get("LaunchTemplateId"), "launchTemplateName": spec.get("LaunchTemplateName"),
            "version": spec.get("Version")}}} if mixed and spec else None,
        "launchConfiguration": group.get("LaunchConfigurationName"),
        "healthCheckType": group.get("HealthCheckType"),
        "healthCheckGracePeriod": group.get("HealthCheckGracePeriod"),
        "targetGroupArns": group.get("TargetGroupARNs", []),
        "vpcZoneIdentifiers": [s for s in (group.get("VPCZoneIdentifier") or "").split(",") if s],
        "minSize": group.get("MinSize"),
        "maxSize": group.get("MaxSize"),
        "desiredCapacity": group.get("DesiredCapacity"),
        "tags": [{"key": t.get("Key"), "value": t.get("Value"), "propagateAtLaunch": bool(t.get("PropagateAtLaunch"))}
                 for t in group.get("Tags", [])],
    }
    deps = {}
    if spec and spec.get("LaunchTemplateId"):
        key = "launchTemplate" if template else "mixedInstancesPolicy"
        deps[key] = [arn_of("ec2", region, account, f"launch-template/{spec['LaunchTemplateId']}")]
    return subject(AUTOSCALING_GROUP, group["AutoScalingGroupName"], group["AutoScalingGroupARN"], props, deps)


def collect_compute(reader: Reader, out: Collection) -> None:
    with out.attempt("ec2 launch templates", (LAUNCH_TEMPLATE,)) as found:
        ec2 = reader.client("ec2")
        for template in reader.items("ec2", "describe_launch_templates", "LaunchTemplates[]"):
            versions = ec2.describe_launch_template_versions(LaunchTemplateId=template["LaunchTemplateId"],
                                                             Versions=["$Default"])["LaunchTemplateVersions"]
            data = versions[0].get("LaunchTemplateData", {}) if versions else {}
            found.append(normalize_launch_template(template, data, reader.account, reader.region))
    with out.attempt("autoscaling", (AUTOSCALING_GROUP,)) as found:
        for group in reader.items("autoscaling", "describe_auto_scaling_groups", "AutoScalingGroups[]"):
            found.append(normalize_autoscaling_group(group, reader.account, reader.region))
