"""`rollout env`: the connection settings of one business flow, as environment variables.

The program exports, per flow, what an application needs (`flows` stack output: writer/reader endpoint, cache
TTL or none, queue URL, role and secret ARNs). This module runs the program offline (`rollout.runtime.synth`), reads that
output and renders it as dotenv, shell or JSON. Secrets are only ever references (Secrets Manager ARNs the app
resolves at runtime); a value the program marked secret is refused rather than printed.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping

from rollout.errors import UserError
from rollout.model.inventory import UNKNOWN, Inventory, Secret

FORMATS = ("dotenv", "json", "shell")
_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


def flow_settings(inventory: Inventory, flow: str) -> dict[str, str]:
    """The environment of `flow` from an inventory's `flows` output; UserError naming the known flows otherwise."""
    flows = inventory.outputs.get("flows")
    if not isinstance(flows, Mapping) or not flows:
        at = f" (phase {inventory.phase})" if inventory.phase is not None else ""
        raise UserError(f"stack {inventory.stack}{at} exports no per-flow settings (no `flows` output): declare "
                        f"sme-rollout:flows and build phase 4 or later")
    if flow not in flows:
        raise UserError(f"unknown flow {flow!r} in stack {inventory.stack}; known flows: {', '.join(sorted(flows))}")
    settings: dict[str, str] = {}
    for name, value in flows[flow].items():
        if isinstance(value, Secret):
            raise UserError(f"flow {flow}: {name} is a secret value; export a Secrets Manager ARN instead")
        if not _NAME.fullmatch(name):
            raise UserError(f"flow {flow}: {name!r} is not an environment variable name")
        settings[name] = "" if value is None or value is UNKNOWN else str(value)
    return settings


def render(settings: Mapping[str, str], output: str) -> str:
    """dotenv (KEY="value"), shell (export KEY='value') or one JSON object."""
    if output == "json":
        return json.dumps(dict(settings), indent=2, sort_keys=True)
    if output == "shell":
        return "\n".join(f"export {key}={shlex.quote(value)}" for key, value in sorted(settings.items()))
    if output == "dotenv":
        return "\n".join(f"{key}={json.dumps(value)}" for key, value in sorted(settings.items()))
    raise UserError(f"--format: {output!r} is not one of {', '.join(FORMATS)}")
