"""AWS sessions for the live commands: region and profile resolution, credentials, and failure lines."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from rollout.errors import UserError
from rollout.live import session as aws_session
from tests.rollout import audit_fixtures as fx


def test_no_credentials_is_one_clear_error(aws, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(UserError, match="no AWS credentials found"):
        aws_session.caller_account(aws_session.open_session())


def test_the_caller_account_comes_from_sts(aws):
    assert aws_session.caller_account(aws_session.open_session()) == fx.ACCOUNT


def test_region_and_profile_resolution(aws, monkeypatch, tmp_path):
    config = tmp_path / "config"
    config.write_text("[profile shop]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert aws_session.open_session(profile="shop").region_name == fx.REGION  # AWS_DEFAULT_REGION beats the file
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert aws_session.open_session(profile="shop").region_name == "eu-west-1"
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    assert aws_session.open_session(profile="shop").region_name == "us-west-2"
    assert aws_session.open_session(region="ap-northeast-1", profile="shop").region_name == "ap-northeast-1"
    with pytest.raises(UserError, match="'nope' is not in the shared config"):
        aws_session.open_session(profile="nope")
    monkeypatch.delenv("AWS_REGION")
    with pytest.raises(UserError, match="no AWS region"):
        aws_session.open_session()


@pytest.mark.parametrize(("error", "line"), [
    (ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "X"),
     "access denied (AccessDenied): no (grant the actions in rollout/data/audit-policy.json)"),
    (ClientError({"Error": {"Code": "Throttling", "Message": "slow"}}, "X"),
     f"throttled (Throttling) after {aws_session.RETRY_ATTEMPTS} attempts with backoff; try again later"),
    (ClientError({"Error": {"Code": "InvalidAction", "Message": "nope"}}, "X"),
     "not supported by this endpoint (InvalidAction: nope)"),
    (ClientError({"Error": {"Code": "Weird", "Message": "odd"}}, "X"), "Weird: odd"),
    (NotImplementedError("grafana"), "not supported by this endpoint (grafana)"),
    (EndpointConnectionError(endpoint_url="https://x"), 'endpoint unreachable: Could not connect to the endpoint URL: "https://x"'),
])
def test_every_failure_is_one_line_saying_what_to_do(error, line):
    assert aws_session.describe_failure(error) == line


def test_clients_retry_in_standard_mode_with_bounded_timeouts():
    config = aws_session.client_config()
    assert config.retries == {"mode": "standard", "max_attempts": aws_session.RETRY_ATTEMPTS}
    assert (config.connect_timeout, config.read_timeout) == (5, 30)
