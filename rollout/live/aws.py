"""Shared by the commands that act on a live account: a reachable boto3 session, and AWS failures as one line.

Command modules (rollout/cli) never import boto3 or botocore: they get a session from `reachable_session` and
catch `AwsFailure`, which `aws_failures()` raises for any botocore error with the reason `describe_failure` gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rollout.errors import UserError


class AwsFailure(Exception):
    """An AWS call failed while acting on the account (not bad input): reported in one line, exit code 1."""


def reachable_session(region: str | None, profile: str | None) -> Any:
    """A session with credentials that AWS accepts; bad profile, no region, no credentials or no route to AWS are
    UserError (exit 2)."""
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

    from rollout.live.audit import caller_account, open_session

    session = open_session(region, profile)
    try:
        caller_account(session)
    except (EndpointConnectionError, ConnectTimeoutError) as error:
        raise UserError(f"cannot reach AWS in region {session.region_name} ({error}): check --region and the "
                        "network") from None
    return session


def client(session: Any, service: str) -> Any:
    from rollout.live.audit import client_config

    return session.client(service, config=client_config())


@contextmanager
def aws_failures(what: str) -> Iterator[None]:
    from botocore.exceptions import BotoCoreError, ClientError

    from rollout.live.audit import describe_failure

    try:
        yield
    except (ClientError, BotoCoreError) as error:
        raise AwsFailure(f"{what}: {describe_failure(error)}") from None
