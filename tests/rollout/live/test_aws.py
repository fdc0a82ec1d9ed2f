"""Sessions and failures for the live commands, against moto and botocore errors."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from rollout.errors import UserError
from rollout.live.aws import AwsFailure, aws_failures, client, reachable_session
from tests.rollout.audit_fixtures import fake_aws_environment


def test_a_reachable_session_with_accepted_credentials(monkeypatch):
    fake_aws_environment(monkeypatch)
    with mock_aws():
        session = reachable_session("ap-southeast-1", None)
        assert session.region_name == "ap-southeast-1"
        assert client(session, "s3").meta.config.retries["mode"] == "standard"


def test_no_credentials_is_bad_input(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(UserError, match="no AWS credentials"):
        reachable_session("ap-southeast-1", None)


def test_botocore_errors_become_one_line_failures():
    error = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeReplicationTasks")
    with pytest.raises(AwsFailure, match="^reading the task: ") as raised:
        with aws_failures("reading the task"):
            raise error
    assert "\n" not in str(raised.value)
    with aws_failures("nothing fails"):
        boto3.__name__
