"""EC2 launch templates: IMDSv2, hop limit, no public IP, encrypted EBS (LT-01..04)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, items, to_int, truthy
from policies.core import Control, Enforcement, Severity, Subject

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def imdsv2(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
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
    for index, interface in enumerate(items(get(subject.props, "networkInterfaces"))):
        if truthy(get(interface, "associatePublicIpAddress")):
            yield f"networkInterfaces[{index}].associatePublicIpAddress is true"


def encrypted_volumes(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    for index, mapping in enumerate(items(get(subject.props, "blockDeviceMappings"))):
        ebs = get(mapping, "ebs")
        if ebs is None:
            continue
        device = get(mapping, "deviceName", default=str(index))
        if not truthy(get(ebs, "encrypted")):
            yield f"blockDeviceMappings[{device}].ebs.encrypted is not true"
        elif cfg.get("requireKmsKey") and not get(ebs, "kmsKeyId"):
            yield f"blockDeviceMappings[{device}].ebs.kmsKeyId is not set (policy config requireKmsKey)"


_TYPES = (LAUNCH_TEMPLATE,)
CONTROLS = (
    Control(
        id="LT-01", title="Launch templates require IMDSv2", severity=Severity.HIGH, resource_types=_TYPES,
        check=imdsv2,
        description="IMDSv1 lets SSRF bugs steal the instance role's credentials; session tokens must be required.",
        remediation="Set metadataOptions.httpTokens=required.",
        sources=("FSBP EC2.8", "FSBP AutoScaling.3", "CIS 5.7", "CKV_AWS_79", "Control Tower CT.EC2.PR.1"),
    ),
    Control(
        id="LT-02", title="Launch templates limit the metadata hop count", severity=Severity.MEDIUM,
        resource_types=_TYPES, check=hop_limit, config_defaults={"maxHopLimit": 1},
        description="A hop limit above maxHopLimit (1; 2 for containers) lets containers reach instance credentials.",
        remediation="Set metadataOptions.httpPutResponseHopLimit=1.",
        sources=("FSBP AutoScaling.4", "CKV_AWS_341"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="LT-03", title="Launch templates assign no public IP", severity=Severity.HIGH, resource_types=_TYPES,
        check=no_public_ip,
        description="Instances of the web tier live in private subnets behind the load balancer.",
        remediation="Set networkInterfaces[].associatePublicIpAddress=false (or leave it unset in private subnets).",
        sources=("FSBP EC2.25", "FSBP AutoScaling.5", "CKV_AWS_88", "compliance-policies "
                                                                    "ec2-launchtemplate-disallow-public-ip"),
    ),
    Control(
        id="LT-04", title="Launch template volumes are encrypted", severity=Severity.HIGH, resource_types=_TYPES,
        check=encrypted_volumes, config_defaults={"requireKmsKey": False},
        description="Every EBS block device mapping is encrypted (config requireKmsKey demands a CMK).",
        remediation="Set blockDeviceMappings[].ebs.encrypted='true' (a string in pulumi-aws v7).",
        sources=("FSBP EC2.3", "CIS 5.1.1", "CKV_AWS_8", "AwsSolutions-EC26",
                 "compliance-policies ec2-launchtemplate-disallow-unencrypted-block-device"),
    ),
)
