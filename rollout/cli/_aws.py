"""A boto3 session for the commands that talk to AWS: bad profile, no region, no credentials or no route to AWS
are bad input (one line, exit 2), never a traceback."""

from __future__ import annotations

from typing import Any


def reachable_session(region: str | None, profile: str | None) -> Any:
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

    from rollout.errors import UserError
    from rollout.live.audit import caller_account, open_session

    session = open_session(region, profile)
    try:
        caller_account(session)
    except (EndpointConnectionError, ConnectTimeoutError) as error:
        raise UserError(f"cannot reach AWS in region {session.region_name} ({error}): check --region and the "
                        "network") from None
    return session
