"""The shared base of every component's `XArgs`: frozen (args never change after a component read them) and
strict (`extra="forbid"`: a misspelt argument is an error, not a silently ignored default)."""

from __future__ import annotations

from typing import Union

import pulumi
from pydantic import BaseModel, ConfigDict, InstanceOf

StrInput = Union[str, InstanceOf[pulumi.Output]]
"""A plain string or a Pulumi Output of one (an id or ARN of another component's resource)."""


class Args(BaseModel):
    """Base for component arguments: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")
