"""Preview, apply and destroy a phase through the Pulumi Automation API, with the project's own files.

The stack is opened with `LocalWorkspace` on the project directory and no project settings, so the CLI reads the
project's Pulumi.yaml (and its `stackConfigDir`) and the Automation API never rewrites it. Every preview and up
runs with the policy pack. Which phase an `up` may apply is decided by `phase_gate` (pure): one phase at a time.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rollout.errors import MissingToolError, UserError

INSTALL_URL = "https://www.pulumi.com/docs/install/"
OFFLINE_COMMANDS = "plan, check, cost, diff, diagram, prices, assess, audit"


def missing_cli_error() -> MissingToolError:
    return MissingToolError(
        "the Pulumi CLI (`pulumi`) is not on PATH: preview, up and destroy need it",
        f"install it: {INSTALL_URL} (e.g. `curl -fsSL https://get.pulumi.com | sh`), then log in with `pulumi login`",
        f"these commands work without it: rollout {OFFLINE_COMMANDS}",
    )


def require_cli() -> None:
    if shutil.which("pulumi") is None:
        raise missing_cli_error()


def phase_gate(deployed: int | None, target: int, *, force: bool = False) -> str | None:
    """Why applying `target` must be refused, or None. `deployed` is the stack's exported phase (0: empty stack).

    One phase at a time: the stack must be at N-1 (apply the next phase) or N (re-apply). Going down is allowed
    too only with --force, since it removes what the later phases built."""
    if force:
        return None
    if deployed is None:
        return (f"cannot tell which phase the stack is at (it has outputs but no `phase` output); "
                f"use --force to apply phase {target} anyway")
    if target in (deployed, deployed + 1):
        return None
    if target > deployed:
        return (f"the stack is at phase {deployed}: apply phase {deployed + 1} first "
                f"(phase {target} would skip {', '.join(str(p) for p in range(deployed + 1, target))}); "
                "--force overrides")
    return (f"the stack is at phase {deployed}: going back to phase {target} removes what phases "
            f"{target + 1}-{deployed} built; --force overrides")


def deployed_phase(outputs: dict[str, Any]) -> int | None:
    """The phase a stack is at, from its exported outputs: 0 for a stack never applied, None when unknown."""
    if not outputs:
        return 0
    value = outputs.get("phase")
    value = getattr(value, "value", value)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class Deployment:
    """One stack of one project directory, opened through the Automation API."""

    def __init__(self, program_dir: Path | str, stack: str, policy_pack: Path | str | None = None) -> None:
        from rollout.model.stackfile import load_stack

        self.directory = Path(program_dir).resolve()
        self.stack_file = load_stack(self.directory, stack)
        pack = Path(policy_pack) if policy_pack is not None else self.directory / "policies"
        pack = pack if pack.is_absolute() else self.directory / pack
        if not (pack / "PulumiPolicy.yaml").is_file():
            raise UserError(f"--policy-pack {pack}: no PulumiPolicy.yaml there; every preview and up runs with the "
                            "policy pack")
        self.policy_pack = pack
        self.stack_name = stack
        self._stack: Any = None

    @property
    def stack(self) -> Any:
        if self._stack is None:
            require_cli()
            from pulumi import automation

            try:
                self._stack = run_pulumi(lambda: automation.create_or_select_stack(
                    self.stack_name, work_dir=str(self.directory)), setup=True)
            except FileNotFoundError as error:
                if Path(str(error.filename or "")).name == "pulumi":
                    raise missing_cli_error() from None
                raise
        return self._stack

    def current_phase(self) -> int | None:
        return deployed_phase(run_pulumi(self.stack.outputs, setup=True))

    def set_phase(self, phase: int) -> None:
        from pulumi.automation import ConfigValue

        self.stack.set_config(f"{self.stack_file.project_name}:phase", ConfigValue(value=str(phase)))

    def preview(self, phase: int | None, on_output: Callable[[str], None]) -> Any:
        if phase is not None:
            self.set_phase(phase)
        return self.stack.preview(policy_packs=[str(self.policy_pack)], on_output=on_output)

    def up(self, phase: int, on_output: Callable[[str], None]) -> Any:
        self.set_phase(phase)
        return self.stack.up(policy_packs=[str(self.policy_pack)], on_output=on_output)

    def destroy(self, on_output: Callable[[str], None]) -> Any:
        return self.stack.destroy(on_output=on_output)


class PulumiFailed(Exception):
    """A Pulumi command ran and failed (exit 1); the message is Pulumi's own error line(s), once."""


class PulumiSetupFailed(UserError):
    """The Pulumi CLI could not even open the stack (not logged in, no access, no backend): exit 2, with a hint."""


def run_pulumi(operation: Any, *, setup: bool = False) -> Any:
    """Run one Automation API call, turning the SDK's CommandError into PulumiFailed, or PulumiSetupFailed when
    `setup` (selecting the stack or reading its outputs, before anything changes)."""
    from pulumi.automation import errors

    try:
        return operation()
    except errors.CommandError as error:
        message = pulumi_error_message(str(error))
        if setup:
            raise PulumiSetupFailed(f"pulumi: {message}",
                                    "nothing was changed; check `pulumi login` (or PULUMI_ACCESS_TOKEN) and the "
                                    "stack name with `pulumi stack ls`") from None
        raise PulumiFailed(message) from None


def pulumi_error_message(text: str) -> str:
    """The error lines of a failed Pulumi command, from the SDK's `code: N / stdout: ... / stderr: ...` text: its
    `error:` lines (without the prefix), else the last line of stderr, else of stdout. What Pulumi printed while it
    ran was already streamed, so it is not repeated."""
    stdout, _, stderr = text.partition("\n stderr: ")
    stdout = stdout.partition("\n stdout: ")[2]
    for part in (stderr, stdout):
        lines = [line.strip() for line in part.splitlines() if line.strip()]
        errors_ = [line.removeprefix("error:").strip() for line in lines if line.startswith("error:")]
        if errors_:
            return "; ".join(dict.fromkeys(errors_))
        if lines:
            return lines[-1]
    code = text.strip().splitlines()[0].strip() if text.strip() else "failed"
    return f"the command failed ({code})"
