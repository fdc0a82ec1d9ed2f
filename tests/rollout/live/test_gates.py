"""The switches' gates against moto (target health, bucket contents, certificate) and a DNS server on 127.0.0.1."""

from __future__ import annotations

import hashlib

import boto3
import pytest
from moto import mock_aws

from rollout.live.gates import (
    certificate_check,
    dns_gate,
    expected_answers,
    export_checks,
    read_manifest,
    static_content_gate,
    static_gate,
    targets_gate,
)
from tests.rollout.dns_server import serve_zone

ZONE = """$ORIGIN example.com.vn.
$TTL 3600
@       IN SOA ns1.host.vn. admin.example.com.vn. 1 7200 3600 1209600 300
@       IN NS  ns1.host.vn.
@       IN MX  10 mail.example.com.vn.
@       IN TXT "v=spf1 include:_spf.google.com ~all"
shop    IN A   203.0.113.10
origin  IN A   203.0.113.10
mail    IN A   203.0.113.25
_sip._tcp IN SRV 10 5 5060 sip.example.com.vn.
@       IN CAA 0 issue "amazon.com"
"""
EXPECTED = expected_answers(ZONE, "example.com.vn", ["shop.example.com.vn"])


def test_expected_answers_leave_the_site_records_to_the_site_record():
    expected = EXPECTED
    assert ("shop.example.com.vn", "A") not in expected
    assert expected[("example.com.vn", "MX")] == {"10 mail.example.com.vn"}
    assert expected[("example.com.vn", "TXT")] == {"v=spf1 include:_spf.google.com ~all"}
    assert expected[("_sip._tcp.example.com.vn", "SRV")] == {"10 5 5060 sip.example.com.vn"}
    assert expected[("example.com.vn", "CAA")] == {"0 issue amazon.com"}
    assert not [k for k in expected if k[1] in ("SOA", "NS")]  # the new host's own


def test_a_broken_zone_file_is_bad_input():
    from rollout.errors import UserError

    with pytest.raises(UserError, match="not a BIND zone file"):
        expected_answers("@ IN A not-an-address\n", "example.com.vn")


def test_dns_gate_holds_when_the_new_zone_answers_every_record():
    with serve_zone(ZONE, "example.com.vn") as (host, port):
        result = dns_gate(EXPECTED, host, port=port, timeout=1)
    assert result.ok, result.failures
    assert len(result.checks) == len(EXPECTED)


def test_dns_gate_fails_naming_the_missing_mail_record():
    without_mail = ZONE.replace("@       IN MX  10 mail.example.com.vn.\n", "").replace(
        '@       IN TXT "v=spf1 include:_spf.google.com ~all"', '@       IN TXT "v=spf1 -all"')
    with serve_zone(without_mail, "example.com.vn") as (host, port):
        result = dns_gate(EXPECTED, host, port=port, timeout=1)
    failed = {c.name: c.detail for c in result.failures}
    assert set(failed) == {"example.com.vn MX", "example.com.vn TXT"}
    assert "missing ['10 mail.example.com.vn']" in failed["example.com.vn MX"]
    assert not result.ok


def test_dns_gate_fails_when_nobody_answers():
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        first = dict([next(iter(EXPECTED.items()))])
        result = dns_gate(first, "127.0.0.1", port=silent.getsockname()[1], timeout=0.2)
    assert not result.ok and "did not answer" in result.checks[0].detail


def test_manifest_paths_become_keys_under_the_static_path():
    text = "# from the old server\n/static/css/app.css\nstatic/js/app.js\nimg/logo.png\n\n"
    assert read_manifest(text, "/static/*") == ["static/css/app.css", "static/js/app.js", "static/img/logo.png"]


@mock_aws
def test_static_gate_holds_only_when_every_file_is_in_the_bucket():
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    s3.create_bucket(Bucket="assets", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    keys = ["static/css/app.css", "static/js/app.js"]
    empty = static_gate(s3, "assets", keys)
    assert not empty.ok and "2 of 2 missing" in empty.checks[0].detail  # regression: the empty bucket served 403s
    s3.put_object(Bucket="assets", Key=keys[0], Body=b"body{}")
    assert "1 of 2 missing, e.g. static/js/app.js" in static_gate(s3, "assets", keys).checks[0].detail
    s3.put_object(Bucket="assets", Key=keys[1], Body=b"//")
    assert static_gate(s3, "assets", keys).ok
    assert not static_gate(s3, "assets", []).ok  # an empty manifest checks nothing


@mock_aws
def test_static_content_gate_compares_the_old_servers_folder_with_the_bucket(tmp_path):
    from rollout.live.sync import sync_static

    s3 = boto3.client("s3", region_name="ap-southeast-1")
    s3.create_bucket(Bucket="assets", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    (folder / "css" / "app.css").write_text("body{}")
    (folder / "app.js").write_text("//v2")
    empty = static_content_gate(s3, "assets", folder, "/static/*")
    assert [c.ok for c in empty.checks] == [False, True] and "2 of 2 missing" in empty.checks[0].detail
    sync_static(s3, "assets", folder, "static/")
    assert static_content_gate(s3, "assets", folder, "/static/*").ok
    # an old copy with the same size is a different file, and an upload without a checksum cannot be compared
    s3.put_object(Bucket="assets", Key="static/app.js", Body=b"//v1",
                  Metadata={"sha256": hashlib.sha256(b"//v1").hexdigest()})
    stale = static_content_gate(s3, "assets", folder, "/static/*")
    assert not stale.ok and "1 differ, e.g. static/app.js" in stale.checks[1].detail
    s3.put_object(Bucket="assets", Key="static/css/app.css", Body=b"body[]")  # same size, ETag differs
    assert "1 cannot be compared" in static_content_gate(s3, "assets", folder, "/static/*").checks[1].detail
    nothing = tmp_path / "empty"
    nothing.mkdir()
    assert not static_content_gate(s3, "assets", nothing, "/static/*").ok  # an empty folder checks nothing


def _load_balancer(register: bool):
    ec2 = boto3.client("ec2", region_name="ap-southeast-1")
    elbv2 = boto3.client("elbv2", region_name="ap-southeast-1")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=f"ap-southeast-1{z}")
               ["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
    balancer = elbv2.create_load_balancer(Name="web-alb", Subnets=subnets, Type="application")["LoadBalancers"][0]
    group = elbv2.create_target_group(Name="web-web", Protocol="HTTP", Port=8080, VpcId=vpc,
                                      TargetType="instance")["TargetGroups"][0]
    elbv2.create_listener(LoadBalancerArn=balancer["LoadBalancerArn"], Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}])
    if register:
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        instances = ec2.run_instances(ImageId=image, MinCount=2, MaxCount=2, SubnetId=subnets[0])["Instances"]
        elbv2.register_targets(TargetGroupArn=group["TargetGroupArn"],
                               Targets=[{"Id": i["InstanceId"], "Port": 8080} for i in instances])
    return elbv2, balancer, instances if register else []


@mock_aws
def test_targets_gate_fails_without_targets():
    elbv2, balancer, _ = _load_balancer(register=False)
    result = targets_gate(elbv2, "web-alb")
    assert not result.ok and result.checks[0].detail == "no targets registered"


@mock_aws
def test_targets_gate_holds_when_every_target_is_healthy_and_fails_on_one_stopped():
    elbv2, balancer, instances = _load_balancer(register=True)
    result = targets_gate(elbv2, balancer["LoadBalancerArn"])
    assert result.ok, result.failures
    assert result.checks[0].detail == "all 2 targets healthy"
    boto3.client("ec2", region_name="ap-southeast-1").stop_instances(InstanceIds=[instances[0]["InstanceId"]])
    stopped = targets_gate(elbv2, "web-alb")
    assert not stopped.ok and instances[0]["InstanceId"] in stopped.checks[0].detail


@mock_aws
def test_certificate_check_needs_issued():
    acm = boto3.client("acm", region_name="us-east-1")
    arn = acm.request_certificate(DomainName="shop.example.com.vn", ValidationMethod="DNS")["CertificateArn"]
    check = certificate_check(acm, arn)
    status = acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"]
    assert check.ok is (status == "ISSUED")
    missing = certificate_check(acm, arn.replace(arn[-4:], "0000"))
    assert not missing.ok and "cannot be read" in missing.detail


def test_export_checks_catch_a_stale_zone_file():
    """The export must be the current DNS: the apex, www, mail and the site answered as in the file."""
    full = expected_answers(ZONE, "example.com.vn")
    with serve_zone(ZONE, "example.com.vn") as (host, port):
        current = export_checks(full, host, "example.com.vn", "shop.example.com.vn", port=port, timeout=1)
    assert current and all(c.ok for c in current)
    assert {c.name.removeprefix("zone file current: ") for c in current} == {
        "example.com.vn MX", "example.com.vn TXT", "example.com.vn CAA", "shop.example.com.vn A",
        "mail.example.com.vn A"}
    moved = ZONE.replace("shop    IN A   203.0.113.10", "shop    IN A   203.0.113.99")
    with serve_zone(moved, "example.com.vn") as (host, port):
        stale = export_checks(full, host, "example.com.vn", "shop.example.com.vn", port=port, timeout=1)
    (failed,) = [c for c in stale if not c.ok]
    assert failed.name.endswith("shop.example.com.vn A") and "export it again" in failed.detail
