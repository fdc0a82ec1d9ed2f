"""rollout.live.canary: the service and image checks, and the refresh status read with boto3 (stubbed)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from rollout.errors import UserError
from rollout.live.canary import check_image, service_index, status, status_lines, with_image

CONFIG = {"sme-rollout:services": [{"name": "web", "image": "1.0.0"}, {"name": "api", "image": "1.0.0"}]}


def test_service_index_and_unknown_service():
    assert service_index(CONFIG, "sme-rollout", "api", "stacks/Pulumi.x.yaml") == 1
    with pytest.raises(UserError, match="no service 'shop' \\(services: web, api\\)"):
        service_index(CONFIG, "sme-rollout", "shop", "stacks/Pulumi.x.yaml")


@pytest.mark.parametrize("image, ok", [("1.4.2", True), ("sha256:" + "a" * 64, True), ("latest", False),
                                       ("1.0; rm", False), ("", False)])
def test_images_must_be_pinned(image, ok):
    if ok:
        assert check_image(image) == image
    else:
        with pytest.raises(UserError):
            check_image(image)


def test_with_image_changes_one_service_only():
    changed = with_image(CONFIG, "sme-rollout", 0, "1.1.0")
    assert [s["image"] for s in changed["sme-rollout:services"]] == ["1.1.0", "1.0.0"]
    assert CONFIG["sme-rollout:services"][0]["image"] == "1.0.0"


def _clients():
    autoscaling = boto3.client("autoscaling", region_name="ap-southeast-1", aws_access_key_id="x",
                               aws_secret_access_key="y")
    cloudwatch = boto3.client("cloudwatch", region_name="ap-southeast-1", aws_access_key_id="x",
                              aws_secret_access_key="y")
    return autoscaling, cloudwatch


def test_status_reads_the_refresh_and_its_alarms():
    autoscaling, cloudwatch = _clients()
    with Stubber(autoscaling) as asg, Stubber(cloudwatch) as cw:
        asg.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [{
            "AutoScalingGroupName": "web-web-123", "MinSize": 2, "MaxSize": 4, "DesiredCapacity": 2,
            "DefaultCooldown": 300, "AvailabilityZones": ["ap-southeast-1a"], "HealthCheckType": "ELB",
            "CreatedTime": "2026-01-01T00:00:00Z",
            "Instances": [{"InstanceId": "i-1", "AvailabilityZone": "ap-southeast-1a", "LifecycleState": "InService",
                           "HealthStatus": "Healthy", "ProtectedFromScaleIn": False}]}]},
            {"Filters": [{"Name": "tag:Stack", "Values": ["dev"]}, {"Name": "tag:Service", "Values": ["web"]}]})
        asg.add_response("describe_instance_refreshes", {"InstanceRefreshes": [{
            "InstanceRefreshId": "r-1", "AutoScalingGroupName": "web-web-123", "Status": "RollbackInProgress",
            "StatusReason": "alarm web-web-5xx in ALARM", "PercentageComplete": 50,
            "Preferences": {"AlarmSpecification": {"Alarms": ["web-web-5xx", "web-web-p95"]}}}]},
            {"AutoScalingGroupName": "web-web-123", "MaxRecords": 3})
        cw.add_response("describe_alarms", {"MetricAlarms": [
            {"AlarmName": "web-web-5xx", "StateValue": "ALARM"}, {"AlarmName": "web-web-p95", "StateValue": "OK"}]},
            {"AlarmNames": ["web-web-5xx", "web-web-p95"]})
        result = status(autoscaling, cloudwatch, "dev", "web")
    assert result.rolling_back and result.in_service == 1 and result.alarms == {"web-web-5xx": "ALARM",
                                                                                 "web-web-p95": "OK"}
    assert status_lines(result) == ["web-web-123: 1 in service of 2 desired",
                                     "refresh r-1: RollbackInProgress 50% (alarm web-web-5xx in ALARM)",
                                     "alarm web-web-5xx: ALARM", "alarm web-web-p95: OK"]
    assert result.to_json()["refreshes"][0]["alarms"] == ["web-web-5xx", "web-web-p95"]


def test_no_group_is_a_clear_error():
    autoscaling, cloudwatch = _clients()
    with Stubber(autoscaling) as asg:
        asg.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": []})
        with pytest.raises(UserError, match="no autoscaling group tagged Stack=dev, Service=web"):
            status(autoscaling, cloudwatch, "dev", "web")
