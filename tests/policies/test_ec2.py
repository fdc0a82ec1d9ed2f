import base64

from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UN

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.ec2 import INSTANCE, LAUNCH_CONFIGURATION, LAUNCH_TEMPLATE, VOLUME

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


INSTANCE_OK = {
    "ami": "ami-1", "instanceType": "t4g.small", "subnetId": "subnet-1",
    "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
    "associatePublicIpAddress": False, "rootBlockDevice": {"encrypted": True, "volumeSize": 20},
    "ebsBlockDevices": [{"deviceName": "/dev/sdf", "encrypted": True, "volumeSize": 50}],
}


def inst(res, variant, name, changes=None, kind=INSTANCE):
    return res(kind, name, variant(INSTANCE_OK, changes or {}))


def test_instances_and_launch_configurations(res, variant, assert_exact):
    assert_exact("LT-01", {
        "pass_instance_required": inst(res, variant, "a"),
        "pass_endpoint_disabled": inst(res, variant, "a2", {"metadataOptions": {"httpEndpoint": "disabled"}}),
        "pass_launch_configuration_required": inst(res, variant, "a3", kind=LAUNCH_CONFIGURATION),
        "fail_instance_default": inst(res, variant, "b", {"metadataOptions": variant.DELETE}),
        "fail_launch_configuration_optional": inst(res, variant, "c", {"metadataOptions.httpTokens": "optional"},
                                                   kind=LAUNCH_CONFIGURATION),
        "unknown_instance_tokens": inst(res, variant, "d", {"metadataOptions.httpTokens": U}),
    })
    assert_exact("LT-03", {
        "pass_instance_private": inst(res, variant, "a"),
        "pass_instance_unset": inst(res, variant, "a2", {"associatePublicIpAddress": variant.DELETE}),
        "fail_instance_public": inst(res, variant, "b", {"associatePublicIpAddress": True}),
        "fail_launch_configuration_public": inst(res, variant, "c", {"associatePublicIpAddress": True},
                                                 kind=LAUNCH_CONFIGURATION),
    })
    assert_exact(
        "LT-04",
        {
            "pass_instance_encrypted": inst(res, variant, "a"),
            "pass_volume_encrypted": res(
                VOLUME, "a2", {"availabilityZone": "ap-southeast-1a", "size": 10, "encrypted": True}
            ),
            "pass_device_from_snapshot": inst(
                res,
                variant,
                "a3",
                {"ebsBlockDevices.0.encrypted": variant.DELETE, "ebsBlockDevices.0.snapshotId": "snap-1"},
            ),
            "fail_instance_root_default": inst(res, variant, "b", {"rootBlockDevice": variant.DELETE}),
            "fail_instance_root_unencrypted": inst(res, variant, "c", {"rootBlockDevice.encrypted": False}),
            "fail_instance_data_unencrypted": inst(res, variant, "d", {"ebsBlockDevices.0.encrypted": False}),
            "fail_launch_configuration_unencrypted": inst(
                res, variant, "e", {"rootBlockDevice.encrypted": False}, kind=LAUNCH_CONFIGURATION
            ),
            "fail_volume_unencrypted": res(VOLUME, "f", {"availabilityZone": "ap-southeast-1a", "size": 10}),
            "unknown_volume": res(VOLUME, "g", {"availabilityZone": "ap-southeast-1a", "size": 10, "encrypted": UB}),
        },
    )


def test_ec201_no_secrets_in_user_data(res, variant, assert_exact):
    key_script = "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
    encoded = base64.b64encode(key_script.encode()).decode()
    assert_exact("EC2-01", {
        "pass_reads_secret_at_boot": inst(res, variant, "a", {"userData": "#!/bin/bash\nDB_PASSWORD=$(aws "
                                                                          "secretsmanager "
                                                                           "get-secret-value --secret-id shop/db)\n"}),
        "pass_no_user_data": inst(res, variant, "a2"),
        "pass_secret_arn": inst(res, variant, "a4", {"userData": "#!/bin/bash\nSECRET_ARN="
                                "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:db-AbCdEf\naws "
                                "secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:ap-southeast-1:"
                                "123456789012:secret:db-AbCdEf\n"}),
        "pass_template_clean": lt(res, variant, "a3", {"userData": base64.b64encode(b"#!/bin/bash\nyum -y "
                                                                                    b"update\n").decode()}),
        "fail_access_key": inst(res, variant, "b", {"userData": key_script}),
        "fail_template_base64_key": lt(res, variant, "c", {"userData": encoded}),
        "fail_instance_base64_key": inst(res, variant, "d", {"userDataBase64": encoded}),
        "fail_private_key": inst(res, variant, "e", {"userData": "cat > k <<EOF\n-----BEGIN RSA PRIVATE "
                                                                 "KEY-----\nMIIE\nEOF"}),
        "fail_literal_password": inst(res, variant, "f", {"userData": "#!/bin/sh\nDB_PASSWORD=Sup3rSecret!\n"},
                                      kind=LAUNCH_CONFIGURATION),
        "fail_secret_key": inst(res, variant, "g", {"userData": "aws_secret_access_key = "
                                                                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}),
        "unknown_user_data": inst(res, variant, "h", {"userData": U}),
    })


def test_ec202_detailed_monitoring(res, assert_exact):
    assert_exact("EC2-02", {
        "pass_template_monitored": res(LAUNCH_TEMPLATE, "a", {"monitoring": {"enabled": True}}),
        "fail_template_unmonitored": res(LAUNCH_TEMPLATE, "b", {}),
        "fail_template_monitoring_off": res(LAUNCH_TEMPLATE, "b2", {"monitoring": {"enabled": False}}),
        "pass_instance_monitored": res(INSTANCE, "c", {"instanceType": "t4g.small", "monitoring": True}),
        "fail_instance_default": res(INSTANCE, "d", {"instanceType": "t4g.small"}),
        "pass_instance_from_template": res(INSTANCE, "d2", {"launchTemplate": {"id": "lt-1"}}),
        "pass_launch_configuration_default_on": res(LAUNCH_CONFIGURATION, "e", {"instanceType": "t3.micro"}),
        "fail_launch_configuration_off": res(LAUNCH_CONFIGURATION, "f", {"enableMonitoring": False}),
        "unknown_template": res(LAUNCH_TEMPLATE, "g", {"monitoring": {"enabled": UB}}),
    })


def test_ec203_ebs_optimized(res, assert_exact):
    assert_exact("EC2-03", {
        "pass_current_generation": res(INSTANCE, "a", {"instanceType": "t4g.small"}),
        "pass_nitro_unset": res(LAUNCH_TEMPLATE, "a2", {"instanceType": "m7g.large"}),
        "pass_old_type_optimized": res(INSTANCE, "b", {"instanceType": "m3.xlarge", "ebsOptimized": True}),
        "pass_template_string_true": res(LAUNCH_TEMPLATE, "b2", {"instanceType": "c3.large", "ebsOptimized": "true"}),
        "fail_old_type_not_optimized": res(INSTANCE, "c", {"instanceType": "m3.xlarge"}),
        "fail_t2_cannot_be": res(LAUNCH_CONFIGURATION, "c2", {"instanceType": "t2.micro"}),
        "pass_type_elsewhere": res(LAUNCH_TEMPLATE, "d", {}),
        "unknown_type": res(INSTANCE, "e", {"instanceType": U}),
    })


def test_ec204_instance_profile(res, assert_exact):
    assert_exact("EC2-04", {
        "pass_template_arn": res(LAUNCH_TEMPLATE, "a", {"iamInstanceProfile": {
            "arn": "arn:aws:iam::1:instance-profile/w"}}),
        "pass_template_name": res(LAUNCH_TEMPLATE, "a2", {"iamInstanceProfile": {"name": "web"}}),
        "fail_template_none": res(LAUNCH_TEMPLATE, "b", {}),
        "fail_template_empty": res(LAUNCH_TEMPLATE, "b2", {"iamInstanceProfile": {}}),
        "pass_instance": res(INSTANCE, "c", {"instanceType": "t4g.small", "iamInstanceProfile": "web"}),
        "fail_instance": res(INSTANCE, "d", {"instanceType": "t4g.small"}),
        "pass_instance_from_template": res(INSTANCE, "d2", {"launchTemplate": {"id": "lt-1"}}),
        "pass_launch_configuration": res(LAUNCH_CONFIGURATION, "e", {"iamInstanceProfile": "web"}),
        "fail_launch_configuration": res(LAUNCH_CONFIGURATION, "f", {}),
        "unknown_instance": res(INSTANCE, "g", {"iamInstanceProfile": U}),
    })


def test_ec205_eips_attached(res, assert_exact):
    from policies.ec2 import EIP, EIP_ASSOCIATION

    nat_eip = res(EIP, "nat", {"domain": "vpc"})
    assoc_eip = res(EIP, "assoc", {"domain": "vpc"})
    nlb_eip = res(EIP, "nlb", {"domain": "vpc"})
    idle_assoc_eip = res(EIP, "idle-assoc", {"domain": "vpc"})
    instance = res(INSTANCE, "box", {"instanceType": "t4g.small"})
    assert_exact("EC2-05", {
        "pass_on_instance": res(EIP, "a", {"domain": "vpc", "instance": "i-0123"}),
        "pass_on_new_instance": [res(EIP, "a2", {"domain": "vpc", "instance": U}, {"instance": [instance.urn]}),
                                 instance],
        "pass_nat_gateway": [nat_eip, res("aws:ec2/natGateway:NatGateway", "nat", {"allocationId": "eipalloc-1"},
                                          {"allocationId": [nat_eip.urn]})],
        "pass_association": [assoc_eip, res(EIP_ASSOCIATION, "assoc", {"allocationId": "eipalloc-2", "instanceId": U},
                                            {"allocationId": [assoc_eip.urn], "instanceId": [instance.urn]})],
        "pass_network_load_balancer": [nlb_eip, res("aws:lb/loadBalancer:LoadBalancer", "nlb", {
            "loadBalancerType": "network", "subnetMappings": [{"subnetId": "subnet-1", "allocationId": U}]},
            {"subnetMappings": [nlb_eip.urn]})],
        "fail_idle": res(EIP, "b", {"domain": "vpc"}),
        "fail_association_without_target": [idle_assoc_eip, res(EIP_ASSOCIATION, "x", {"allocationId": "eipalloc-3"},
                                                                 {"allocationId": [idle_assoc_eip.urn]})],
    })
