"""EC2 instances, launch templates and launch configurations, EBS volumes, Elastic IPs: IMDSv2, hop limit, no
public IP, encrypted EBS (LT-01..04), no secrets in user data (EC2-01), detailed monitoring (EC2-02), EBS-optimized
types (EC2-03), an instance profile (EC2-04), no idle Elastic IP (EC2-05).

Property shapes differ per type (pulumi-aws v7): a launch template nests `networkInterfaces[]` and
`blockDeviceMappings[].ebs` (whose `encrypted` is a string); an instance and a launch configuration have
`associatePublicIpAddress`, `rootBlockDevice` and `ebsBlockDevices[]` at the top; a volume has `encrypted`."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, explicitly_false, get, items, known, of_type, to_int, truthy
from policies.core import Control, Enforcement, Severity, Subject

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"
VOLUME = "aws:ebs/volume:Volume"
EIP = "aws:ec2/eip:Eip"
EIP_ASSOCIATION = "aws:ec2/eipAssociation:EipAssociation"
NAT_GATEWAYS = ("aws:ec2/natGateway:NatGateway",)
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
TRANSFER_SERVER = "aws:transfer/server:Server"


def imdsv2(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if get(subject.props, "metadataOptions", "httpEndpoint") == "disabled":
        return  # no metadata service at all
    tokens = get(subject.props, "metadataOptions", "httpTokens")
    if tokens != "required":
        yield f"metadataOptions.httpTokens is {tokens!r}; use required (IMDSv2)"


def hop_limit(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    maximum = int(cfg.get("maxHopLimit", 1))
    limit = to_int(get(subject.props, "metadataOptions", "httpPutResponseHopLimit"))
    if limit is None:
        return  # the EC2 default is 1
    if limit > maximum:
        yield f"metadataOptions.httpPutResponseHopLimit is {limit}; use at most {maximum}"


def no_public_ip(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type in (INSTANCE, LAUNCH_CONFIGURATION):
        if truthy(get(subject.props, "associatePublicIpAddress")):
            yield "associatePublicIpAddress is true"
        return
    for index, interface in enumerate(items(get(subject.props, "networkInterfaces"))):
        if truthy(get(interface, "associatePublicIpAddress")):
            yield f"networkInterfaces[{index}].associatePublicIpAddress is true"


def _device_encrypted(where: str, device: Any, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(get(device, "encrypted")):
        if get(device, "snapshotId"):
            return  # a volume from a snapshot inherits the snapshot's encryption
        yield f"{where}.encrypted is not true"
    elif cfg.get("requireKmsKey") and not get(device, "kmsKeyId"):
        yield f"{where}.kmsKeyId is not set (policy config requireKmsKey)"


def encrypted_volumes(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == VOLUME:
        yield from _device_encrypted("volume", subject.props, cfg)
        return
    if subject.type in (INSTANCE, LAUNCH_CONFIGURATION):
        root = get(subject.props, "rootBlockDevice")
        if root is None:
            yield ("rootBlockDevice is not set (the root volume is encrypted only if the account's EBS encryption "
                   "by default is on); set rootBlockDevice.encrypted=true")
        else:
            yield from _device_encrypted("rootBlockDevice", root, cfg)
        for device in items(get(subject.props, "ebsBlockDevices")):
            yield from _device_encrypted(f"ebsBlockDevices[{get(device, 'deviceName', default='?')}]", device, cfg)
        return
    for index, mapping in enumerate(items(get(subject.props, "blockDeviceMappings"))):
        ebs = get(mapping, "ebs")
        if ebs is None:
            continue
        device = get(mapping, "deviceName", default=str(index))
        if not truthy(get(ebs, "encrypted")):
            yield f"blockDeviceMappings[{device}].ebs.encrypted is not true"
        elif cfg.get("requireKmsKey") and not get(ebs, "kmsKeyId"):
            yield f"blockDeviceMappings[{device}].ebs.kmsKeyId is not set (policy config requireKmsKey)"


# Credentials that must never sit in user data (readable by anyone with ec2:DescribeInstanceAttribute and by every
# process on the instance through IMDS): AWS access keys, private keys, and password/secret/token assignments with
# a literal value (not a $VARIABLE or a Secrets Manager / SSM reference).
_SECRET_PATTERNS = (
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b")),
    ("an AWS secret access key", re.compile(r"aws_secret_access_key\s*[=:]\s*['\"]?[A-Za-z0-9/+=]{40}", re.I)),
    ("a private key", re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----")),
    ("a literal password or token", re.compile(
        # not a service name inside an ARN or an IAM action (arn:aws:secretsmanager:..., secretsmanager:Get...)
        r"(?<![:/])\b(?!secretsmanager\b)[A-Za-z_]*(?:password|passwd|secret|token|api_?key)[A-Za-z_]*\s*[=:]\s*"
        r"['\"]?(?![$'\"{\s]|arn:|"
        r"resolve:|/aws/reference/)[^\s'\"]{8,}", re.I)),
)


def _user_data_texts(subject: Subject) -> list[tuple[str, str]]:
    texts = []
    for prop in ("userData", "userDataBase64"):
        value = get(subject.props, prop)
        if value is None:
            continue
        text = str(value)
        # launch templates and userDataBase64 carry base64; a plain script is read as it is
        if subject.type == LAUNCH_TEMPLATE or prop == "userDataBase64":
            try:
                text = base64.b64decode(text, validate=True).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                pass
        texts.append((prop, text))
    return texts


def no_secrets_in_user_data(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    for prop, text in _user_data_texts(subject):
        for what, pattern in _SECRET_PATTERNS:
            if pattern.search(text):
                yield f"{prop} contains {what}; read it at boot from Secrets Manager or SSM Parameter Store"


def detailed_monitoring(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == LAUNCH_CONFIGURATION:
        # enable_monitoring "is enabled by default" (pulumi-aws LaunchConfiguration)
        if explicitly_false(get(subject.props, "enableMonitoring")):
            yield "enableMonitoring is false (metrics every 5 minutes); leave it on for 1-minute metrics"
        return
    if subject.type == INSTANCE:
        if get(subject.props, "launchTemplate") is not None and get(subject.props, "monitoring") is None:
            return  # launched from a template, which decides (and is judged itself)
        if not truthy(get(subject.props, "monitoring")):
            yield "monitoring is not true (metrics every 5 minutes); set monitoring=True for 1-minute metrics"
        return
    if not truthy(get(subject.props, "monitoring", "enabled")):
        yield "monitoring.enabled is not true (metrics every 5 minutes); set monitoring={enabled: True}"


# Instance families that can be EBS-optimized but are not by default (an hourly fee applies), and the ones that
# cannot be at all: the previous generation of the EC2 user guide's "Amazon EBS-optimized instance types" (every
# current-generation family, T3/T3a/T4g and Nitro included, is EBS-optimized by default, where setting ebsOptimized
# has no effect).
_OPTIONAL_EBS_OPTIMIZED = ("c1", "c3", "g2", "i2", "m1", "m2", "m3", "r3")
_NO_EBS_OPTIMIZATION = ("t1", "t2")


def ebs_optimized(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if truthy(get(subject.props, "ebsOptimized")):
        return
    instance_type = get(subject.props, "instanceType")
    if instance_type is None:
        return  # set elsewhere (an Auto Scaling group's overrides, an instance's launch template)
    family = str(instance_type).split(".", 1)[0].lower()
    if family in _NO_EBS_OPTIMIZATION:
        yield (f"instanceType {instance_type} cannot be EBS-optimized (volume I/O shares the network); use a "
               "current-generation type such as t3 or t4g, EBS-optimized by default")
    elif family in _OPTIONAL_EBS_OPTIMIZED:
        yield f"instanceType {instance_type} is not EBS-optimized by default; set ebsOptimized or use a current type"


def instance_profile(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == LAUNCH_TEMPLATE:
        profile = get(subject.props, "iamInstanceProfile")
        if not (get(profile, "arn") or get(profile, "name")):
            yield "iamInstanceProfile has neither arn nor name; give the instances a role"
        return
    if subject.type == INSTANCE and get(subject.props, "launchTemplate") is not None:
        if get(subject.props, "iamInstanceProfile") is None:
            return  # the template's profile applies (and the template is judged itself)
    if not get(subject.props, "iamInstanceProfile"):
        yield "iamInstanceProfile is not set; give the instance a role instead of keys"


def _set(subject: Subject, prop: str) -> bool:
    """Whether a property is given: computed from another resource, or a known non-empty value."""
    return bool(subject.property_dependencies.get(prop)) or bool(known(subject.props, prop))


def _eip_used(eip: Subject, subjects: Sequence[Subject]) -> bool:
    if _set(eip, "instance") or _set(eip, "networkInterface"):
        return True

    def uses(subject: Subject, prop: str) -> bool:
        return eip.urn in subject.property_dependencies.get(prop, ())

    if any(uses(a, "allocationId") and (_set(a, "instanceId") or _set(a, "networkInterfaceId"))
           for a in of_type(subjects, EIP_ASSOCIATION)):
        return True
    if any(uses(n, "allocationId") or uses(n, "secondaryAllocationIds") for n in of_type(subjects, *NAT_GATEWAYS)):
        return True
    if any(uses(lb, "subnetMappings") for lb in of_type(subjects, *LOAD_BALANCERS)):
        return True  # a network load balancer's static address (subnetMappings[].allocationId)
    return any(uses(t, "endpointDetails") for t in of_type(subjects, TRANSFER_SERVER))


def eips_attached(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    def check(eip: Subject) -> Iterator[str]:
        if not _eip_used(eip, subjects):
            yield ("is attached to nothing (no instance, networkInterface, EipAssociation, NAT gateway or network "
                   "load balancer uses it): an idle public IPv4 address is billed by the hour")

    yield from each(subjects, [EIP], check)


_TYPES = (LAUNCH_TEMPLATE, INSTANCE, LAUNCH_CONFIGURATION)
CONTROLS = (
    Control(
        id="LT-01", title="Instances and launch templates require IMDSv2", severity=Severity.HIGH,
        resource_types=_TYPES, check=imdsv2,
        description="IMDSv1 lets SSRF bugs steal the instance role's credentials; session tokens must be required "
                    "(or the metadata endpoint disabled). Read on launch templates, instances and launch "
                    "configurations.",
        remediation="Set metadataOptions.httpTokens=required.",
        sources=("FSBP EC2.8", "FSBP AutoScaling.3", "CIS 5.7", "CKV_AWS_79", "Control Tower CT.EC2.PR.1"),
    ),
    Control(
        id="LT-02", title="Instances and launch templates limit the metadata hop count", severity=Severity.MEDIUM,
        resource_types=_TYPES, check=hop_limit, config_defaults={"maxHopLimit": 1},
        description="A hop limit above maxHopLimit (1; 2 for containers) lets containers reach instance credentials.",
        remediation="Set metadataOptions.httpPutResponseHopLimit=1.",
        sources=("FSBP AutoScaling.4", "CKV_AWS_341"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="LT-03", title="Instances and launch templates assign no public IP", severity=Severity.HIGH,
        resource_types=_TYPES, check=no_public_ip,
        description="Instances of the web tier live in private subnets behind the load balancer "
                    "(networkInterfaces[].associatePublicIpAddress on templates, associatePublicIpAddress on "
                    "instances and launch configurations).",
        remediation="Set networkInterfaces[].associatePublicIpAddress=false (or leave it unset in private subnets).",
        sources=("FSBP EC2.25", "FSBP AutoScaling.5", "CKV_AWS_88", "CKV_AWS_389", "compliance-policies "
                                                                    "ec2-launchtemplate-disallow-public-ip"),
    ),
    Control(
        id="LT-04", title="EBS volumes are encrypted", severity=Severity.HIGH, resource_types=(*_TYPES, VOLUME),
        check=encrypted_volumes, config_defaults={"requireKmsKey": False},
        description="Every EBS block device mapping of a launch template, the root and EBS block devices of an "
                    "instance or launch configuration (rootBlockDevice must be given), and every aws.ebs.Volume is "
                    "encrypted; a device restored from a snapshot inherits the snapshot's encryption (config "
                    "requireKmsKey demands a CMK). Checkov CKV2_AWS_2 judges only volumes an aws_volume_attachment "
                    "attaches; an unattached unencrypted volume fails here too (it is attached later, outside the "
                    "program, or its data is copied from it).",
        remediation="Set blockDeviceMappings[].ebs.encrypted='true' (a string in pulumi-aws v7).",
        sources=("FSBP EC2.3", "FSBP EC2.7", "CIS 5.1.1", "CKV_AWS_8", "CKV_AWS_3", "CKV2_AWS_2",
                 "CKV_AWS_189 (requireKmsKey)",
                 "AwsSolutions-EC26",
                 "compliance-policies ec2-launchtemplate-disallow-unencrypted-block-device"),
    ),
    Control(
        id="EC2-01", title="No secrets in EC2 user data", severity=Severity.CRITICAL, resource_types=_TYPES,
        check=no_secrets_in_user_data,
        description="User data (userData, userDataBase64; base64 on launch templates) is readable through "
                    "ec2:DescribeInstanceAttribute and by every process on the instance: no AWS access keys, private "
                    "keys or literal password/secret/token assignments. Checkov CKV_AWS_46 looks for AWS keys only.",
        remediation="Give the instance a role and read secrets at boot (aws secretsmanager get-secret-value, or SSM "
                    "parameters); pass only their names in user data.",
        sources=("CKV_AWS_46",),
    ),
    Control(
        id="EC2-02", title="Instances have detailed monitoring", severity=Severity.LOW, resource_types=_TYPES,
        check=detailed_monitoring, enforcement=Enforcement.ADVISORY,
        description="1-minute CloudWatch metrics let scaling policies and alarms react within minutes, not after "
                    "three 5-minute periods: monitoring on instances, monitoring.enabled on launch templates, "
                    "enableMonitoring (on by default) on launch configurations. An instance launched from a template "
                    "without its own setting is left to the template. Advisory: detailed monitoring is billed per "
                    "metric.",
        remediation="Set monitoring={'enabled': True} on the launch template (monitoring=True on an instance).",
        sources=("CKV_AWS_126",),
    ),
    Control(
        id="EC2-03", title="Instances use EBS-optimized types", severity=Severity.LOW, resource_types=_TYPES,
        check=ebs_optimized, enforcement=Enforcement.ADVISORY,
        description="Volume I/O gets its own bandwidth on an EBS-optimized instance. Every current-generation type "
                    "(T3, T3a, T4g, M5 and later, Graviton) is EBS-optimized by default, where ebsOptimized has no "
                    "effect; fails t1/t2 (which cannot be) and the previous-generation families that need "
                    "ebsOptimized=true (c1, c3, g2, i2, m1, m2, m3, r3). Checkov CKV_AWS_135 fails every instance "
                    "without ebs_optimized=true, whatever its type; an instance type given elsewhere (a launch "
                    "template, an Auto Scaling override) is not judged here.",
        remediation="Use a current-generation instance type (t4g, m7g...), or set ebsOptimized=True on an older one.",
        sources=("CKV_AWS_135",),
    ),
    Control(
        id="EC2-04", title="Instances have an instance profile", severity=Severity.MEDIUM, resource_types=_TYPES,
        check=instance_profile,
        description="An instance without a role gets its AWS credentials from somewhere else: keys in user data, "
                    "files or environment variables, which leak and never rotate; a role also lets SSM Session "
                    "Manager replace SSH. Read on instances (unless launched from a template, which decides), "
                    "launch templates (iamInstanceProfile.arn or name) and launch configurations.",
        remediation="Create an aws.iam.InstanceProfile for a least-privilege role and set iamInstanceProfile.",
        sources=("CKV2_AWS_41",),
    ),
    Control(
        id="EC2-05", title="Elastic IPs are attached", severity=Severity.LOW, resource_types=(
            EIP, EIP_ASSOCIATION, INSTANCE, *NAT_GATEWAYS, *LOAD_BALANCERS, TRANSFER_SERVER),
        check=eips_attached, stack=True, enforcement=Enforcement.ADVISORY,
        description="An Elastic IP nothing uses is billed by the hour and, once released, its address can be "
                    "allocated by another account while DNS still points at it. Attached means an instance or "
                    "networkInterface on the EIP, an EipAssociation with an instance or interface, a NAT gateway's "
                    "allocationId, a network load balancer's subnetMappings or a Transfer server's endpointDetails "
                    "computed from it. Checkov CKV2_AWS_19 does not count network load balancers.",
        remediation="Attach the address (a NAT gateway, an EipAssociation) or remove the aws.ec2.Eip.",
        sources=("CKV2_AWS_19", "FSBP EC2.12"),
    ),
)
