"""The audit's collector for EC2 instances, EBS volumes and Elastic IPs: IMDSv2, hop limit, public IP, encrypted
disks, secrets in user data (LT-01..04, EC2-01 on instances), data volumes for encryption and backup coverage (LT-04,
BAK-03), and which Elastic IPs are associated.

A running instance is shaped as the aws.ec2.Instance that would have launched it: `metadataOptions`,
`associatePublicIpAddress`, `rootBlockDevice` and `ebsBlockDevices[]` (encryption read from DescribeVolumes, since
DescribeInstances names only the volume ids), `userDataBase64` (DescribeInstanceAttribute returns user data base64
encoded), `vpcSecurityGroupIds` joined to the groups' subjects. A volume is the instance's own block device when it
is the root device or is deleted with the instance (DeleteOnTermination, as Pulumi's ebsBlockDevices default to);
every other volume (unattached, or attached to outlive its instance) is data of its own, an aws.ebs.Volume, which
BAK-03 asks to be backed up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.network import security_group_arn
from rollout.live.audit.reading import Collection, Reader, arn_of, subject, tags

INSTANCE = "aws:ec2/instance:Instance"
VOLUME = "aws:ebs/volume:Volume"
EIP = "aws:ec2/eip:Eip"
# Instances that no longer run anything (DescribeInstances lists terminated ones for about an hour).
_GONE = ("shutting-down", "terminated")


def volume_arn(region: str, account: str, volume_id: str) -> str:
    return arn_of("ec2", region, account, f"volume/{volume_id}")


def _device(volume: Mapping[str, Any] | None) -> dict[str, Any]:
    """A volume's encryption as an instance block device. A volume DescribeVolumes did not return (deleted since)
    is read as not encrypted: nothing shows that it is."""
    volume = volume or {}
    return {
        key: value
        for key, value in {
            "encrypted": bool(volume.get("Encrypted", False)),
            "kmsKeyId": volume.get("KmsKeyId"),
            "volumeSize": volume.get("Size"),
            "volumeType": volume.get("VolumeType"),
        }.items()
        if value is not None
    }


def owned_by_instance(instance: Mapping[str, Any], mapping: Mapping[str, Any]) -> bool:
    ebs = mapping.get("Ebs") or {}
    return mapping.get("DeviceName") == instance.get("RootDeviceName") or bool(ebs.get("DeleteOnTermination"))


def normalize_instance(
    instance: Mapping[str, Any],
    volumes: Mapping[str, Mapping[str, Any]],
    user_data: str | None,
    account: str,
    region: str,
) -> Subject:
    metadata = instance.get("MetadataOptions") or {}
    root, devices = None, []
    for mapping in instance.get("BlockDeviceMappings", []):
        ebs = mapping.get("Ebs")
        if not ebs or not owned_by_instance(instance, mapping):
            continue
        device = _device(volumes.get(ebs.get("VolumeId")))
        if mapping.get("DeviceName") == instance.get("RootDeviceName"):
            root = device
        else:
            devices.append({"deviceName": mapping.get("DeviceName"), **device})
    groups = [g["GroupId"] for g in instance.get("SecurityGroups", []) if g.get("GroupId")]
    instance_tags = tags(instance.get("Tags"))
    # AWS tags an instance launched from a template with the template's id and version
    template = (
        {"id": instance_tags["aws:ec2launchtemplate:id"], "version": instance_tags.get("aws:ec2launchtemplate:version")}
        if "aws:ec2launchtemplate:id" in instance_tags
        else None
    )
    monitoring = (instance.get("Monitoring") or {}).get("State") in ("enabled", "pending")
    props = {
        "ami": instance.get("ImageId"),
        "instanceType": instance.get("InstanceType"),
        "subnetId": instance.get("SubnetId"),
        # An instance launched from a template without monitoring or a profile got them from the template, which
        # is judged itself (unset here, as on an aws.ec2.Instance with launchTemplate that leaves them to it).
        "monitoring": monitoring or (None if template else False),
        "ebsOptimized": instance.get("EbsOptimized"),
        "iamInstanceProfile": (instance.get("IamInstanceProfile") or {}).get("Arn"),
        "launchTemplate": template,
        "metadataOptions": {
            key: value
            for key, value in {
                "httpEndpoint": metadata.get("HttpEndpoint"),
                "httpTokens": metadata.get("HttpTokens", "optional"),
                "httpPutResponseHopLimit": metadata.get("HttpPutResponseHopLimit"),
                "instanceMetadataTags": metadata.get("InstanceMetadataTags"),
            }.items()
            if value is not None
        },
        # Any public address (auto-assigned or an Elastic IP) makes the instance reachable from the internet.
        "associatePublicIpAddress": bool(instance.get("PublicIpAddress")),
        "rootBlockDevice": root,
        "ebsBlockDevices": devices,
        "userDataBase64": user_data or None,
        "vpcSecurityGroupIds": groups,
        "tags": instance_tags,
    }
    deps = {"vpcSecurityGroupIds": [security_group_arn(region, account, g) for g in groups]} if groups else None
    name = instance_tags.get("Name")
    label = f"{name} ({instance['InstanceId']})" if name else instance["InstanceId"]
    arn = arn_of("ec2", region, account, f"instance/{instance['InstanceId']}")
    return subject(INSTANCE, label, arn, props, deps)


def normalize_volume(volume: Mapping[str, Any], account: str, region: str) -> Subject:
    volume_tags = tags(volume.get("Tags"))
    props = {
        "availabilityZone": volume.get("AvailabilityZone"),
        "size": volume.get("Size"),
        "type": volume.get("VolumeType"),
        "encrypted": bool(volume.get("Encrypted", False)),
        "kmsKeyId": volume.get("KmsKeyId"),
        "tags": volume_tags,
    }
    name = volume_tags.get("Name")
    label = f"{name} ({volume['VolumeId']})" if name else volume["VolumeId"]
    return subject(VOLUME, label, volume_arn(region, account, volume["VolumeId"]), props)


def data_volumes(
    volumes: Iterable[Mapping[str, Any]], instances: Iterable[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The volumes that are not an instance's own block device, by the instances' mappings and the volumes'
    attachments (a volume attached at an instance's root device, or deleted with it, is the instance's)."""
    instances = list(instances)
    roots = {i["InstanceId"]: i.get("RootDeviceName") for i in instances}
    owned = {
        (m.get("Ebs") or {}).get("VolumeId")
        for i in instances
        for m in i.get("BlockDeviceMappings", [])
        if m.get("Ebs") and owned_by_instance(i, m)
    }

    def attached_as_own(volume: Mapping[str, Any]) -> bool:
        return any(
            a.get("DeleteOnTermination") or (a.get("InstanceId") in roots and a.get("Device") == roots[a["InstanceId"]])
            for a in volume.get("Attachments", [])
        )

    return [v for v in volumes if v["VolumeId"] not in owned and not attached_as_own(v)]


def normalize_address(address: Mapping[str, Any], account: str, region: str) -> Subject:
    """An Elastic IP as aws.ec2.Eip: `instance` or `networkInterface` when it is associated (a NAT gateway's or a
    network load balancer's address is associated with their network interface)."""
    allocation = address.get("AllocationId") or address["PublicIp"]
    props = {
        "domain": address.get("Domain"),
        "publicIp": address.get("PublicIp"),
        "instance": address.get("InstanceId") or None,
        "networkInterface": address.get("NetworkInterfaceId") or None,
        "tags": tags(address.get("Tags")),
    }
    name = tags(address.get("Tags")).get("Name")
    label = f"{name} ({address.get('PublicIp')})" if name else str(address.get("PublicIp") or allocation)
    return subject(EIP, label, arn_of("ec2", region, account, f"elastic-ip/{allocation}"), props)


def collect_instances(reader: Reader, out: Collection) -> None:
    with out.attempt("ec2 instances", (INSTANCE, VOLUME)) as found:
        ec2 = reader.client("ec2")
        volumes = {v["VolumeId"]: v for v in reader.items("ec2", "describe_volumes", "Volumes[]")}
        instances = [
            i
            for i in reader.items("ec2", "describe_instances", "Reservations[].Instances[]")
            if (i.get("State") or {}).get("Name") not in _GONE
        ]
        for instance in instances:
            attribute = ec2.describe_instance_attribute(InstanceId=instance["InstanceId"], Attribute="userData")
            user_data = (attribute.get("UserData") or {}).get("Value")
            found.append(normalize_instance(instance, volumes, user_data, reader.account, reader.region))
        found.extend(
            normalize_volume(v, reader.account, reader.region) for v in data_volumes(volumes.values(), instances)
        )
    with out.attempt("ec2 addresses", (EIP,)) as found:
        found.extend(
            normalize_address(a, reader.account, reader.region)
            for a in reader.items("ec2", "describe_addresses", "Addresses[]")
        )
