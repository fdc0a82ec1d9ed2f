"""The SDK floor: run a Pulumi Python program under plain Pulumi mocks that record nothing, in this process.

This is what any Pulumi unit test pays to register the program's resources (imports of pulumi and the provider
SDKs included); `rollout plan/check/cost` cannot be faster than this, so the benchmark reports their ratio to it.
Only what the SDK needs to run the program at all is set up: the project, stack and config (as the CLI would pass
them), and mocks that echo the inputs back. Usage:

    .venv/bin/python bench/floor.py PROGRAM_DIR STACK [PHASE ...]
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from pathlib import Path

import pulumi
import yaml
from pulumi.runtime import mocks, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await


class EchoMocks(pulumi.runtime.Mocks):
    """Every resource gets `<name>_id` and its inputs back; every invoke returns its arguments."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        return f"{args.name}_id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return args.args


def stack_config(program_dir: Path, stack: str) -> tuple[str, dict[str, str]]:
    """The project name and the config the CLI would pass: Pulumi.yaml defaults, then the stack file (found
    through stackConfigDir); `secure:` values become a placeholder string (they cannot be decrypted offline)."""
    project_doc = yaml.safe_load((program_dir / "Pulumi.yaml").read_text())
    project = project_doc["name"]
    config: dict[str, object] = {}
    for key, spec in (project_doc.get("config") or {}).items():
        if isinstance(spec, dict) and ("default" in spec or "value" in spec):
            config[key if ":" in key else f"{project}:{key}"] = spec.get("value", spec.get("default"))
    stack_path = program_dir / project_doc.get("stackConfigDir", ".") / f"Pulumi.{stack}.yaml"
    for key, value in ((yaml.safe_load(stack_path.read_text()) or {}).get("config") or {}).items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            value = "secure-placeholder"
        config[key if ":" in key else f"{project}:{key}"] = value
    return project, {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}


def run(program_dir: Path, stack: str, phase: int | None = None, computed_outputs: bool = False) -> int:
    """Register every resource of the program once; returns how many the mock monitor saw. `computed_outputs`
    swaps the echo mocks for rollout's (ids, ARNs, endpoints), for programs that read such outputs."""
    project, config = stack_config(program_dir, stack)
    if phase is not None:
        config[f"{project}:phase"] = str(phase)
    settings.reset_options(project=project, stack=stack, preview=False)
    set_all_config(config)
    if computed_outputs:
        from rollout.runtime.synth import _ProgramMocks

        monitor = mocks.MockMonitor(_ProgramMocks(config.get(f"{project}:region", "ap-southeast-1")))
    else:
        monitor = mocks.MockMonitor(EchoMocks())
    mocks.set_mocks(monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor)
    if sys.path[0] != str(program_dir):
        sys.path.insert(0, str(program_dir))
    os.chdir(program_dir)
    _sync_await(run_pulumi_func(lambda: runpy.run_path(str(program_dir / "__main__.py"), run_name="__main__")))
    return len(monitor.resources)


if __name__ == "__main__":
    # PROGRAM_DIR STACK [PHASE ...]: several phases run one after another in this process (as `rollout plan`
    # runs phases N and N-1), the program's modules staying imported.
    # --computed-outputs: rollout's mocks (plain ones echo inputs only, which programs reading ids/ARNs fail on).
    arguments = [a for a in sys.argv[1:] if a != "--computed-outputs"]
    computed = len(arguments) < len(sys.argv) - 1
    program, stack_name, *phases = arguments
    counts = [run(Path(program).resolve(), stack_name, int(p) if p else None, computed) for p in phases or [None]]
    print(json.dumps({"resources": counts}))
