"""Reads a Pulumi project and one of its stack files the way the Pulumi CLI does, without the CLI.

The CLI merges `Pulumi.yaml` config defaults with the stack file (found through `stackConfigDir`) before it starts
a program; the offline runtime must do that merge itself. `secure:` values cannot be decrypted offline: they are
kept as secrets of unknown value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from rollout.errors import UserError
from rollout.model.settings import NAMESPACE as ROLLOUT_NAMESPACE
from rollout.model.settings import RolloutSettings, load_settings

DEFAULT_REGION = "ap-southeast-1"
SECURE_PLACEHOLDER = "[secure value: not decrypted offline]"


@dataclass(frozen=True)
class Project:
    """A Pulumi project directory and its Pulumi.yaml."""

    directory: Path
    name: str
    main: Path
    stack_config_dir: Path
    config_defaults: Mapping[str, Any] = field(default_factory=dict)

    def stack_path(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"

    def stacks(self) -> list[str]:
        return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in self.stack_config_dir.glob("Pulumi.*.yaml"))


@dataclass(frozen=True)
class StackFile:
    """One stack's merged configuration: `config` maps full keys (`ns:key`) to plain Python values."""

    project: Project
    stack: str
    path: Path
    config: Mapping[str, Any]
    secure_keys: frozenset[str]

    @property
    def project_name(self) -> str:
        return self.project.name

    def namespace(self, name: str) -> dict[str, Any]:
        """The keys of one namespace, without the `name:` prefix."""
        prefix = f"{name}:"
        return {k[len(prefix):]: v for k, v in self.config.items() if k.startswith(prefix)}

    @cached_property
    def settings(self) -> RolloutSettings:
        secure = sorted(k for k in self.secure_keys if k.startswith(f"{ROLLOUT_NAMESPACE}:"))
        if secure:
            raise UserError(*(f"{self.display_path}: {k}: must be a plain value, not secure" for k in secure))
        return load_settings(self.namespace(ROLLOUT_NAMESPACE), self.display_path)

    @property
    def display_path(self) -> str:
        try:
            return str(self.path.relative_to(Path.cwd()))
        except ValueError:
            return str(self.path)

    @property
    def phase(self) -> int | None:
        value = self.config.get(f"{self.project.name}:phase")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def region(self) -> str:
        """The program's own region key if it has one, else `aws:region`, else the default (Singapore)."""
        for key in (f"{self.project.name}:region", "aws:region"):
            value = self.config.get(key)
            if isinstance(value, str) and value:
                return value
        return DEFAULT_REGION

    @property
    def offline_values(self) -> dict[str, Any]:
        """`rollout:offlineValues` by full config key (`key` alone means this project's `project:key`), limited to
        the keys that are secure in this stack."""
        given = {k if ":" in k else f"{self.project.name}:{k}": v for k, v in self.settings.offline_values.items()}
        return {k: v for k, v in given.items() if k in self.secure_keys}

    def engine_config(self, overrides: Mapping[str, Any] | None = None) -> tuple[dict[str, str], list[str]]:
        """Config as the engine hands it to a program: every value a string (objects as JSON), plus secret keys.
        A `secure:` value is its `rollout:offlineValues` stand-in, else SECURE_PLACEHOLDER."""
        merged = {**self.config, **self.offline_values, **(overrides or {})}
        return {key: _engine_string(value) for key, value in merged.items()}, sorted(self.secure_keys)


def _engine_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, default=str)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise UserError(f"{path}{where}: invalid YAML: {problem}") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror}") from None


def load_project(directory: Path | str = ".") -> Project:
    """Read Pulumi.yaml (or Pulumi.yml) of a Python project."""
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise UserError(f"{directory}: no such directory")
    candidates = [directory / "Pulumi.yaml", directory / "Pulumi.yml"]
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        raise UserError(f"{directory}: no Pulumi.yaml here (not a Pulumi project; use --program DIR)")
    document = _read_yaml(path)
    if not isinstance(document, Mapping) or not isinstance(document.get("name"), str):
        raise UserError(f"{path}: name: is required")
    runtime = document.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, Mapping) else runtime
    if runtime_name != "python":
        raise UserError(f"{path}: runtime: {runtime_name!r} is not supported offline (only python programs run in-process)")
    main = directory / str(document.get("main") or "")
    if main.is_dir() or not str(document.get("main") or ""):
        main = main / "__main__.py"
    if not main.is_file():
        raise UserError(f"{path}: main: {main} not found")
    config_dir = directory / str(document.get("stackConfigDir") or ".")
    return Project(directory, document["name"], main, config_dir,
                   _project_defaults(document.get("config") or {}, document["name"], path))


def _project_defaults(section: Any, project: str, path: Path) -> dict[str, Any]:
    """Pulumi.yaml `config:` entries: a plain value, or {type, default|value, description, secret}."""
    if not isinstance(section, Mapping):
        raise UserError(f"{path}: config: must be a mapping")
    defaults: dict[str, Any] = {}
    for key, spec in section.items():
        full_key = key if ":" in key else f"{project}:{key}"
        if isinstance(spec, Mapping) and ({"type", "default", "value", "description", "secret", "items"} >= set(spec)):
            if "value" in spec:
                defaults[full_key] = spec["value"]
            elif "default" in spec:
                defaults[full_key] = spec["default"]
        else:
            defaults[full_key] = spec
    return defaults


def _tool_read_problems(config: Mapping[str, Any], project: str) -> list[tuple[str, str]]:
    """The keys the tool itself reads from any program's config must have the right type, or they would be
    silently ignored (a wrong region prices nothing; a wrong phase compares nothing)."""
    problems = []
    for key in (f"{project}:region", "aws:region"):
        value = config.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.append((key, "must be a region name such as ap-southeast-1"))
    phase = config.get(f"{project}:phase")
    if phase is not None and (isinstance(phase, bool) or not isinstance(phase, int)):
        problems.append((f"{project}:phase", "must be a whole number"))
    return problems


def load_stack(program_dir: Path | str, stack: str) -> StackFile:
    """The stack's config merged over the project's defaults, as `pulumi up` would see it."""
    project = load_project(program_dir)
    if not stack or "/" in stack or stack.startswith("."):
        raise UserError(f"--stack: {stack!r} is not a valid stack name")
    path = project.stack_path(stack)
    if not path.is_file():
        known = ", ".join(project.stacks()) or "none"
        raise UserError(f"{path}: stack file not found (stacks here: {known})")
    document = _read_yaml(path) or {}
    if not isinstance(document, Mapping):
        raise UserError(f"{path}: must be a mapping with a config: section")
    section = document.get("config") or {}
    if not isinstance(section, Mapping):
        raise UserError(f"{path}: config: must be a mapping")
    config = dict(project.config_defaults)
    secure: set[str] = set()
    for key, value in section.items():
        full_key = key if ":" in str(key) else f"{project.name}:{key}"
        if isinstance(value, Mapping) and set(value) == {"secure"}:
            secure.add(full_key)
            value = SECURE_PLACEHOLDER
        config[full_key] = value
    problems = [f"{path}: {key}: {message}" for key, message in _tool_read_problems(config, project.name)]
    if problems:
        raise UserError(*problems)
    stack_file = StackFile(project, stack, path, config, frozenset(secure))
    stack_file.settings  # validate the tool's own settings up front: a typo there is bad input too
    stray = sorted(set(stack_file.settings.offline_values) - {k.split(":", 1)[1] if k.startswith(f"{project.name}:")
                                                               else k for k in secure} - secure)
    if stray:
        raise UserError(*(f"{path}: rollout:offlineValues.{k}: not a secure value of this stack (only secure: values "
                          f"need an offline stand-in)" for k in stray))
    return stack_file
