"""EC2 instances, launch templates and launch configurations, EBS volumes: IMDSv2, hop limit, no public IP,
encrypted EBS (LT-01..04), no secrets in user data (EC2-01).

Property shapes differ per type (pulumi-aws v7): a launch template nests `networkInterfaces[]` and
`blockDeviceMappings[].ebs` (whose `encrypted` is a string); an instance and a launch configuration have
`associatePublicIpAddress`, `rootBlockDevice` and `ebsBlockDevices[]` at the top; a volume has `encrypted`."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, items, to_int, truthy
from policies.core import Control, Enforcement, Severity, Subject

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"
VOLUME = "aws:ebs/volume:Volume"


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
        r"\b[A-Za-z_]*(?:password|passwd|secret|token|api_?key)[A-Za-z_]*\s*[=:]\s*['\"]?(?![$'\"{\s]|arn:|"
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
        sources=("FSBP EC2.25", "FSBP AutoScaling.5", "CKV_AWS_88", "compliance-policies ec2-launchtemplate-disallow-public-ip"),
    ),
    Control(
        id="LT-04", title="EBS volumes are encrypted", severity=Severity.HIGH, resource_types=(*_TYPES, VOLUME),
        check=encrypted_volumes, config_defaults={"requireKmsKey": False},
        description="Every EBS block device mapping of a launch template, the root and EBS block devices of an "
                    "instance or launch configuration (rootBlockDevice must be given), and every aws.ebs.Volume is "
                    "encrypted; a device restored from a snapshot inherits the snapshot's encryption (config "
                    "requireKmsKey demands a CMK).",
        remediation="Set blockDeviceMappings[].ebs.encrypted='true' (a string in pulumi-aws v7).",
        sources=("FSBP EC2.3", "FSBP EC2.7", "CIS 5.1.1", "CKV_AWS_8", "CKV_AWS_3", "CKV_AWS_189 (requireKmsKey)",
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
)
