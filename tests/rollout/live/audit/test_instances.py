"""The instances collector: EC2 instances (metadata, public IP, disks, user data, security groups) and the EBS
volumes that are data of their own (encryption, backup coverage)."""

from __future__ import annotations

import base64

from policies._helpers import plain
from rollout.live.audit import instances
from tests.rollout import audit_fixtures as fx

# What an instance launched by hand carries: every value a control reads, compliant.
SECURE = dict(
    ImageId="ami-12c6146b",
    MinCount=1,
    MaxCount=1,
    InstanceType="t4g.small",
    MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"},
    Monitoring={"Enabled": True},  # EC2-02
    BlockDeviceMappings=[
        {"DeviceName": "/dev/sda1", "Ebs": {"Encrypted": True, "VolumeSize": 20, "DeleteOnTermination": True}}
    ],
    UserData="#!/bin/sh\nDB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id shop/db --query SecretString)\n",
)


def _subnet(account):
    ec2 = account.client("ec2")
    return next(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == account.vpc_id)


def _device(name, **ebs):
    """A block device deleted with its instance (its own disk), 8 GiB unless said otherwise."""
    return {"DeviceName": name, "Ebs": {"VolumeSize": 8, "DeleteOnTermination": True, **ebs}}


def _profile(account):
    """An instance profile for the instance's role, created once per account."""
    iam = account.client("iam")
    profiles = iam.list_instance_profiles()["InstanceProfiles"]
    if profiles:
        return profiles[0]["Arn"]
    return iam.create_instance_profile(InstanceProfileName="shop-worker")["InstanceProfile"]["Arn"]


def _launch(account, name, **overrides):
    placement = {} if "NetworkInterfaces" in overrides else {"SubnetId": _subnet(account)}
    arguments = {
        **SECURE,
        **placement,
        "IamInstanceProfile": {"Arn": _profile(account)},  # EC2-04
        **overrides,
        "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}],
    }
    return account.client("ec2").run_instances(**arguments)["Instances"][0]["InstanceId"]


def _deny(client, operation, code):
    """Answer `operation` on `client` with an access error, as AWS does without the permission (a before-call
    handler short-circuits the request, as botocore's Stubber does, while every other call goes to moto)."""
    from botocore.awsrequest import AWSResponse

    def deny(**_):
        return AWSResponse("https://ec2", 403, {}, None), {
            "Error": {"Code": code, "Message": "You are not authorized to perform this operation."},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }

    client.meta.events.register(f"before-call.{client.meta.service_model.service_name}.{operation}", deny)


def test_a_compliant_instance_and_its_disks_pass(aws):
    def drift(account):
        _launch(account, "worker")

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    assert added == set()


def test_an_imdsv1_public_unencrypted_instance_with_secrets_in_user_data_is_found(aws):
    found = {}

    def drift(account):
        found["id"] = _launch(
            account,
            "legacy",
            MetadataOptions={"HttpTokens": "optional", "HttpPutResponseHopLimit": 3},
            NetworkInterfaces=[{"DeviceIndex": 0, "AssociatePublicIpAddress": True, "SubnetId": _subnet(account)}],
            BlockDeviceMappings=[_device("/dev/sda1", Encrypted=False), _device("/dev/sdb", VolumeSize=5)],
            UserData="#!/bin/sh\nexport DB_PASSWORD=s3cr3t-hunter2\n",
        )

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    name = f"legacy ({found['id']})"
    # LT-02 (hop limit 3) is advisory, still a violation; LT-04 names the root and the second device
    assert added == {("LT-01", name), ("LT-02", name), ("LT-03", name), ("LT-04", name), ("EC2-01", name)}


def test_instance_findings_name_the_device_and_the_secret(aws):
    account = fx.account_with(fx.build_web_tier)
    instance = _launch(
        account,
        "legacy",
        UserData="aws_secret_access_key = " + "A" * 40,
        BlockDeviceMappings=[_device("/dev/sda1", Encrypted=True), _device("/dev/sdb", VolumeSize=5)],
    )
    result = fx.run()
    messages = {(f.control, f.message) for f in result.findings if f.name == f"legacy ({instance})"}
    assert ("LT-04", "ebsBlockDevices[/dev/sdb].encrypted is not true") in messages
    assert any(c == "EC2-01" and "an AWS secret access key" in m for c, m in messages)


def test_a_data_volume_is_judged_on_its_own_for_encryption_and_backup(aws):
    found = {}

    def drift(account):
        ec2 = account.client("ec2")
        instance = _launch(account, "files")
        data = ec2.create_volume(
            AvailabilityZone=f"{fx.REGION}a",
            Size=50,
            TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "uploads"}]}],
        )["VolumeId"]
        ec2.attach_volume(VolumeId=data, InstanceId=instance, Device="/dev/sdf")  # outlives the instance
        spare = ec2.create_volume(AvailabilityZone=f"{fx.REGION}a", Size=10, Encrypted=True)["VolumeId"]
        found.update(data=data, spare=spare)

    added, account = fx.drift_adds((fx.build_web_tier,), drift)
    # the unencrypted data volume (LT-04); neither is in a backup plan (this account has none: BAK-03)
    uploads = f"uploads ({found['data']})"
    assert added == {("LT-04", uploads), ("BAK-03", uploads), ("BAK-03", found["spare"])}
    volumes = {s.name for s in fx.run().subjects if s.type == instances.VOLUME}
    assert volumes == {uploads, found["spare"]}  # root volumes stay their instance's


def test_an_instance_is_shaped_as_aws_ec2_instance():
    instance = {
        "InstanceId": "i-1",
        "ImageId": "ami-1",
        "InstanceType": "t4g.small",
        "RootDeviceName": "/dev/xvda",
        "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
        "PublicIpAddress": "203.0.113.9",
        "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web"}],
        "Tags": [{"Key": "Name", "Value": "web"}],
        "BlockDeviceMappings": [
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeId": "vol-root", "DeleteOnTermination": True}},
            {"DeviceName": "/dev/sdb", "Ebs": {"VolumeId": "vol-scratch", "DeleteOnTermination": True}},
            {"DeviceName": "/dev/sdf", "Ebs": {"VolumeId": "vol-data", "DeleteOnTermination": False}},
        ],
    }
    volumes = {
        "vol-root": {"VolumeId": "vol-root", "Encrypted": True, "KmsKeyId": "arn:key", "Size": 20},
        "vol-scratch": {"VolumeId": "vol-scratch", "Encrypted": False, "Size": 5},
        "vol-data": {
            "VolumeId": "vol-data",
            "Encrypted": True,
            "Size": 50,
            "Attachments": [{"InstanceId": "i-1", "Device": "/dev/sdf"}],
        },
    }
    user_data = base64.b64encode(b"#!/bin/sh\n").decode()
    shaped = instances.normalize_instance(instance, volumes, user_data, "123456789012", "ap-southeast-1")
    props = plain(shaped.props)
    assert props["rootBlockDevice"] == {"encrypted": True, "kmsKeyId": "arn:key", "volumeSize": 20}
    assert props["ebsBlockDevices"] == [{"deviceName": "/dev/sdb", "encrypted": False, "volumeSize": 5}]
    assert props["associatePublicIpAddress"] is True and props["userDataBase64"] == user_data
    assert props["metadataOptions"] == {"httpEndpoint": "enabled", "httpTokens": "required"}
    assert shaped.property_dependencies == {
        "vpcSecurityGroupIds": ["arn:aws:ec2:ap-southeast-1:123456789012:security-group/sg-1"]
    }
    assert (shaped.name, shaped.urn) == ("web (i-1)", "arn:aws:ec2:ap-southeast-1:123456789012:instance/i-1")
    assert [v["VolumeId"] for v in instances.data_volumes(volumes.values(), [instance])] == ["vol-data"]
    assert props["monitoring"] is False and props.get("launchTemplate") is None


def test_an_instance_from_a_template_leaves_unset_monitoring_and_profile_to_the_template():
    instance = {"InstanceId": "i-2", "Monitoring": {"State": "disabled"}, "EbsOptimized": True,
                "Tags": [{"Key": "aws:ec2launchtemplate:id", "Value": "lt-1"},
                         {"Key": "aws:ec2launchtemplate:version", "Value": "3"}]}
    props = plain(instances.normalize_instance(instance, {}, None, "123456789012", "ap-southeast-1").props)
    assert props["launchTemplate"] == {"id": "lt-1", "version": "3"}
    assert "monitoring" not in props and "iamInstanceProfile" not in props and props["ebsOptimized"] is True
    profiled = {**instance, "Monitoring": {"State": "enabled"}, "IamInstanceProfile": {"Arn": "arn:profile"}}
    props = plain(instances.normalize_instance(profiled, {}, None, "123456789012", "ap-southeast-1").props)
    assert (props["monitoring"], props["iamInstanceProfile"]) == (True, "arn:profile")


def test_access_denied_on_instances_skips_their_controls_and_reads_the_rest(aws):
    from rollout.live.session import open_session

    fx.account_with(fx.build_web_tier)
    session = open_session()
    ec2 = session.client("ec2", region_name=fx.REGION)
    _deny(ec2, "DescribeVolumes", "UnauthorizedOperation")
    result = fx.run(session, clients={"ec2": ec2})
    gap = next(u for u in result.unavailable if u.service == "ec2 instances")
    assert gap.reason.startswith("access denied (UnauthorizedOperation)")
    assert set(gap.types) == {instances.INSTANCE, instances.VOLUME}
    # every control that reads instances or volumes is skipped, never passed; the launch templates are still read
    assert {"LT-01", "LT-03", "LT-04", "EC2-01", "BAK-03", "NET-01"} <= set(result.skipped_controls)
    assert not any(s.type == instances.INSTANCE for s in result.subjects)
    assert any(s.type == "aws:ec2/launchTemplate:LaunchTemplate" for s in result.subjects)


def test_elastic_ips_say_what_they_are_associated_with(aws):
    account = fx.account_with(fx.build_web_tier)
    ec2 = account.client("ec2")
    instance = _launch(account, "mail")
    used = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=used["AllocationId"], InstanceId=instance)
    idle = ec2.allocate_address(Domain="vpc")
    addresses = {s.props["publicIp"]: plain(s.props) for s in fx.run().subjects if s.type == instances.EIP}
    assert addresses[used["PublicIp"]]["instance"] == instance
    assert "instance" not in addresses[idle["PublicIp"]] and "networkInterface" not in addresses[idle["PublicIp"]]


def test_an_instance_without_monitoring_or_a_role_is_found_unless_its_template_decides(aws):
    found = {}

    def drift(account):
        found["id"] = _launch(account, "bare", Monitoring={"Enabled": False}, IamInstanceProfile={})

    added, account = fx.drift_adds((fx.build_web_tier,), drift)
    assert added == {("EC2-02", f"bare ({found['id']})"), ("EC2-04", f"bare ({found['id']})")}
    # the Auto Scaling group's instances (launched from the template, which has both) are left to the template
    asg = {i["InstanceId"] for i in fx.group_instances(account, "shop-web")}
    assert asg and not any(f.name.endswith(f"({i})") for f in fx.run().findings for i in asg if f.status == "violation")


def test_an_idle_elastic_ip_is_found(aws):
    found = {}

    def drift(account):
        ec2 = account.client("ec2")
        used = ec2.allocate_address(Domain="vpc")
        found["mail"] = _launch(account, "mail")
        ec2.associate_address(AllocationId=used["AllocationId"], InstanceId=found["mail"])
        found["idle"] = ec2.allocate_address(Domain="vpc")["PublicIp"]

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    # the associated address is used (no EC2-05), and it makes its instance public (LT-03)
    assert added == {("EC2-05", found["idle"]), ("LT-03", f"mail ({found['mail']})")}
