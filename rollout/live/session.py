"""AWS sessions and errors for the live commands (audit, drill): region and profile resolution, the caller's
account, botocore client settings, and one line saying why a call failed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rollout.errors import UserError

#: botocore client settings: standard retry mode (exponential backoff with jitter on throttling and transient
#: errors), bounded timeouts so that an unreachable endpoint fails one service quickly.
RETRY_ATTEMPTS = 6
_ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
                  "UnauthorizedException", "Forbidden"}
_THROTTLED = {"Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
              "RequestLimitExceeded", "SlowDown", "RequestThrottled", "RequestThrottledException"}
_NOT_SUPPORTED = {"NotImplemented", "InvalidAction", "UnknownOperationException", "404", "501"}


def client_config() -> Any:
    from botocore.config import Config

    return Config(retries={"mode": "standard", "max_attempts": RETRY_ATTEMPTS}, connect_timeout=5,
                  read_timeout=30, user_agent_extra="sme-rollout-audit")


def open_session(region: str | None = None, profile: str | None = None) -> Any:
    """A boto3 session honouring AWS_PROFILE, AWS_REGION/AWS_DEFAULT_REGION and the shared config files; the
    arguments override them. Bad profile or no region → UserError (exit 2)."""
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        session = boto3.Session(profile_name=profile or None)
    except ProfileNotFound as error:
        raise UserError(f"AWS profile {error.kwargs.get('profile', profile)!r} is not in the "
                        f"shared config files") from None
    chosen = region or os.environ.get("AWS_REGION") or session.region_name
    if not chosen:
        raise UserError("no AWS region: pass --region or set AWS_REGION (or a region in the profile)")
    return boto3.Session(profile_name=profile or None, region_name=chosen)


def caller_account(session: Any) -> str:
    """The account id of the credentials, or UserError when there are none or they are rejected."""
    from botocore.exceptions import ClientError, NoCredentialsError, PartialCredentialsError

    if session.get_credentials() is None:
        raise UserError("no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or "
                        "run `aws configure` / `aws sso login`")
    try:
        return session.client("sts", config=client_config()).get_caller_identity()["Account"]
    except (NoCredentialsError, PartialCredentialsError) as error:
        raise UserError(f"AWS credentials are incomplete: {error}") from None
    except ClientError as error:
        raise UserError(f"AWS rejected the credentials ({error_code(error)}): {error_message(error)}") from None


def error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", "")) or type(error).__name__


def error_message(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Message", "")) or str(error)


def describe_failure(error: Exception) -> str:
    """One line saying why a service could not be read, and what to do about it."""
    from botocore.exceptions import EndpointConnectionError, NoCredentialsError

    if isinstance(error, NotImplementedError):
        return f"not supported by this endpoint ({error})"
    if isinstance(error, EndpointConnectionError):
        return f"endpoint unreachable: {error}"
    if isinstance(error, NoCredentialsError):
        return "no credentials"
    code = error_code(error)
    message = error_message(error)
    if code in _ACCESS_DENIED:
        return f"access denied ({code}): {message} (grant the actions in rollout/data/audit-policy.json)"
    if code in _THROTTLED:
        return f"throttled ({code}) after {RETRY_ATTEMPTS} attempts with backoff; try again later"
    if code in _NOT_SUPPORTED or "not yet implemented" in message.lower():
        return f"not supported by this endpoint ({code}: {message})"
    return f"{code}: {message}"


def read_errors() -> tuple[type[BaseException], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (ClientError, BotoCoreError, NotImplementedError)


@contextmanager
def unreachable_endpoint_is_bad_input(session: Any) -> Iterator[None]:
    """No route to AWS at all (an unknown --region, no network): one line and exit 2, not a traceback."""
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

    try:
        yield
    except (EndpointConnectionError, ConnectTimeoutError) as error:
        raise UserError(f"cannot reach AWS in region {session.region_name} ({error}): check --region and the "
                        "network") from None
