from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UN

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.ec2 import LAUNCH_TEMPLATE

GOOD = {
    "imageId": "ami-1", "instanceType": "t4g.small",
    "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1, "httpEndpoint": "enabled"},
    "networkInterfaces": [{"associatePublicIpAddress": "false", "securityGroups": ["sg-1"]}],
    "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "volumeSize": 20,
                                                               "kmsKeyId": "arn:aws:kms:k"}}],
}


def lt(res, variant, name, changes=None):
    return res(LAUNCH_TEMPLATE, name, variant(GOOD, changes or {}))


def test_lt01_imdsv2(res, variant, assert_exact):
    assert_exact("LT-01", {
        "pass_required": lt(res, variant, "a"),
        "fail_optional": lt(res, variant, "b", {"metadataOptions.httpTokens": "optional"}),
        "fail_unset": lt(res, variant, "c", {"metadataOptions": variant.DELETE}),
        "unknown_tokens": lt(res, variant, "d", {"metadataOptions.httpTokens": U}),
    })


def test_lt02_hop_limit(res, variant, assert_exact):
    assert_exact("LT-02", {
        "pass_one": lt(res, variant, "a"),
        "pass_default": lt(res, variant, "a2", {"metadataOptions.httpPutResponseHopLimit": variant.DELETE}),
        "fail_two": lt(res, variant, "b", {"metadataOptions.httpPutResponseHopLimit": 2}),
        "unknown_limit": lt(res, variant, "c", {"metadataOptions.httpPutResponseHopLimit": UN}),
    })
    assert_exact(
        "LT-02",
        {
            "pass_two_for_containers": lt(res, variant, "a", {"metadataOptions.httpPutResponseHopLimit": 2}),
            "fail_three": lt(res, variant, "b", {"metadataOptions.httpPutResponseHopLimit": 3}),
        },
        {"maxHopLimit": 2},
    )


def test_lt03_no_public_ip(res, variant, assert_exact):
    assert_exact("LT-03", {
        "pass_private": lt(res, variant, "a"),
        "pass_no_interfaces": lt(res, variant, "a2", {"networkInterfaces": variant.DELETE}),
        "fail_public_string": lt(res, variant, "b", {"networkInterfaces.0.associatePublicIpAddress": "true"}),
        "fail_public_bool": lt(res, variant, "c", {"networkInterfaces.0.associatePublicIpAddress": True}),
        "unknown_public": lt(res, variant, "d", {"networkInterfaces.0.associatePublicIpAddress": U}),
    })


def test_lt04_encrypted_volumes(res, variant, assert_exact):
    assert_exact("LT-04", {
        "pass_encrypted": lt(res, variant, "a"),
        "fail_unencrypted": lt(res, variant, "b", {"blockDeviceMappings.0.ebs.encrypted": "false"}),
        "fail_encryption_unset": lt(res, variant, "c", {"blockDeviceMappings.0.ebs.encrypted": variant.DELETE}),
        "unknown_encrypted": lt(res, variant, "d", {"blockDeviceMappings.0.ebs.encrypted": U}),
    })
    assert_exact(
        "LT-04",
        {
            "pass_cmk": lt(res, variant, "a"),
            "fail_no_cmk": lt(res, variant, "b", {"blockDeviceMappings.0.ebs.kmsKeyId": variant.DELETE}),
        },
        {"requireKmsKey": True},
    )
