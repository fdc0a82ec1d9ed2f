"""Reads a Pulumi project and one of its stack files the way the Pulumi CLI does, without the CLI.

The CLI merges `Pulumi.yaml` config defaults with the stack file (found through `stackConfigDir`) before it starts
a program; the offline runtime must do that merge itself. `secure:` values cannot be decrypted offline: they are
kept as secrets of unknown value.
"""

from __future__ import annotations

import json
import os
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
        return display_path(self.path)

    @property
    def source_uri(self) -> str:
        """The stack file as a URI relative to the repository root (the nearest folder with `.git`), else to the
        project: what SARIF consumers such as code scanning resolve against the checkout."""
        from urllib.parse import quote

        path = self.path.resolve()
        root = next((folder for folder in path.parents if (folder / ".git").exists()), self.project.directory)
        try:
            return quote(path.relative_to(root.resolve()).as_posix())
        except ValueError:
            return quote(path.as_posix())

    @property
    def phase(self) -> int | None:
        return whole_number(self.config.get(f"{self.project.name}:phase"))

    @property
    def region(self) -> str:
        """Where the program's AWS resources are priced and mocked (see `region_source`)."""
        return self._region[0]

    @property
    def region_source(self) -> str | None:
        """Where `region` came from: a config key, an environment variable, or None for the offline default."""
        return self._region[1]

    @cached_property
    def _region(self) -> tuple[str, str | None]:
        """The program's own region key if it has one, else `aws:region`, else AWS_REGION / AWS_DEFAULT_REGION as
        pulumi-aws reads them (pulumi_aws/config/vars.py), else the default (Singapore), which the tool then says."""
        for key in (f"{self.project.name}:region", "aws:region"):
            value = self.config.get(key)
            if isinstance(value, str) and value:
                return value, key
        for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            if os.environ.get(variable):
                return os.environ[variable], variable
        return DEFAULT_REGION, None

    @property
    def region_warning(self) -> str | None:
        """A warning when no config key or environment variable gave the region, so it was assumed."""
        if self.region_source is not None:
            return None
        return (f"{self.display_path}: no aws:region (nor AWS_REGION): priced and mocked in {DEFAULT_REGION}, "
                f"the offline default; set aws:region to the region `pulumi up` will use")

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


def display_path(path: Path | str) -> str:
    """A path as errors show it: relative to the current directory when under it, else absolute."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) if path.is_absolute() else str(path)
    except (ValueError, OSError):
        return str(path)


def whole_number(value: Any) -> int | None:
    """An int, or a string of digits as `pulumi config set KEY 6` writes it ("6"); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load that rejects a key given twice in one mapping, as the Pulumi CLI's YAML parser does (the later
    value would silently win)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key: the base constructor reports it
            continue
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key} is given twice (first on line {first})", key_node.start_mark)
        seen[key] = line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _read_yaml(path: Path) -> Any:
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{shown}: file not found") from None
    except OSError as error:
        raise UserError(f"{shown}: cannot read: {error.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise UserError(f"{shown}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
                        f"save the file as UTF-8") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise UserError(f"{shown}{where}: invalid YAML: {problem}") from None


def find_project_file(directory: Path | str = ".") -> Path:
    """Pulumi.yaml (or Pulumi.yml) in `directory` or the nearest parent folder that has one, as the Pulumi CLI
    looks for it."""
    start = Path(directory).resolve()
    if not start.is_dir():
        raise UserError(f"{display_path(directory)}: no such directory")
    for folder in (start, *start.parents):
        for name in ("Pulumi.yaml", "Pulumi.yml"):
            if (folder / name).is_file():
                return folder / name
    raise UserError(f"{display_path(directory)}: no Pulumi.yaml here or in a parent folder "
                    f"(not a Pulumi project; use --program DIR)")


def load_project(directory: Path | str = ".") -> Project:
    """Read Pulumi.yaml (or Pulumi.yml) of a Python project, found in `directory` or a parent folder."""
    path = find_project_file(directory)
    directory = path.parent
    shown = display_path(path)
    document = _read_yaml(path)
    if not isinstance(document, Mapping) or not isinstance(document.get("name"), str):
        raise UserError(f"{shown}: name: is required")
    runtime = document.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, Mapping) else runtime
    if runtime_name != "python":
        what = "is missing" if runtime_name is None else f"{runtime_name} is not supported offline"
        raise UserError(f"{shown}: runtime: {what} (only python programs run in-process)")
    main = directory / str(document.get("main") or "")
    if main.is_dir() or not str(document.get("main") or ""):
        main = main / "__main__.py"
    if not main.is_file():
        raise UserError(f"{shown}: main: {display_path(main)} not found")
    config_dir = directory / str(document.get("stackConfigDir") or ".")
    return Project(directory, document["name"], main, config_dir,
                   _project_defaults(document.get("config") or {}, document["name"], path))


def _project_defaults(section: Any, project: str, path: Path) -> dict[str, Any]:
    """Pulumi.yaml `config:` entries: a plain value, or {type, default|value, description, secret}."""
    if not isinstance(section, Mapping):
        raise UserError(f"{display_path(path)}: config: must be a mapping")
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


def _without_secure_values(value: Any) -> tuple[Any, bool]:
    """A `{secure: ...}` value, at the top or nested in a section (Pulumi allows both), becomes the placeholder;
    the key is then secret, as the engine marks a whole structured value secret when any part of it is."""
    if isinstance(value, Mapping) and set(value) == {"secure"}:
        return SECURE_PLACEHOLDER, True
    if isinstance(value, Mapping):
        items = {k: _without_secure_values(v) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, any(secret for _, secret in items.values())
    if isinstance(value, list):
        items_list = [_without_secure_values(v) for v in value]
        return [v for v, _ in items_list], any(secret for _, secret in items_list)
    return value, False


def _tool_read_problems(config: Mapping[str, Any], project: str) -> list[tuple[str, str]]:
    """The keys the tool itself reads from any program's config must have the right type, or they would be
    silently ignored (a wrong region prices nothing; a wrong phase compares nothing)."""
    problems = []
    for key in (f"{project}:region", "aws:region"):
        value = config.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.append((key, "must be a region name such as ap-southeast-1"))
    phase = config.get(f"{project}:phase")
    if phase is not None and whole_number(phase) is None:
        problems.append((f"{project}:phase", "must be a whole number"))
    return problems


def load_stack(program_dir: Path | str, stack: str) -> StackFile:
    """The stack's config merged over the project's defaults, as `pulumi up` would see it."""
    project = load_project(program_dir)
    if not stack or "/" in stack or stack.startswith("."):
        raise UserError(f"--stack: '{stack}' is not a valid stack name")
    path = project.stack_path(stack)
    shown = display_path(path)
    if not path.is_file():
        known = ", ".join(project.stacks()) or "none"
        raise UserError(f"{shown}: stack file not found (stacks here: {known})")
    document = _read_yaml(path) or {}
    if not isinstance(document, Mapping):
        raise UserError(f"{shown}: must be a mapping with a config: section")
    section = document.get("config") or {}
    if not isinstance(section, Mapping):
        raise UserError(f"{shown}: config: must be a mapping")
    config = dict(project.config_defaults)
    secure: set[str] = set()
    for key, value in section.items():
        full_key = key if ":" in str(key) else f"{project.name}:{key}"
        value, has_secret = _without_secure_values(value)
        if has_secret:
            secure.add(full_key)
        config[full_key] = value
    problems = [f"{shown}: {key}: {message}" for key, message in _tool_read_problems(config, project.name)]
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
