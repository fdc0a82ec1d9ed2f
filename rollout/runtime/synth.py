"""The offline runtime: run any Pulumi Python program in-process under Pulumi mocks and record an Inventory.

No Pulumi CLI, provider plugin or cloud credentials are needed. A recording mock monitor captures what the engine
would see on each RegisterResource (inputs, parent, protect, dependencies, provider) with engine-style URNs, and
mocks return plausible computed outputs (ids, ARNs, endpoints) so that resources wired to each other keep their
dependencies. Several programs, stacks or phases can run in one process: the SDK's global state is reset before
each run and a program's own modules are reloaded when a different program runs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import runpy
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rollout.errors import OfflineLimitError, ProgramError, UserError
from rollout.model.inventory import UNKNOWN, Inventory, Resource, Secret
from rollout.model.stackfile import SECURE_PLACEHOLDER, StackFile, display_path, load_stack
from rollout.runtime.sandbox import RunTimeout, discard_event_loop, program_output_to_stderr, time_limit_from_env
from rollout.runtime.sandbox import time_limit as sandbox_time_limit

ACCOUNT_ID = "123456789012"
ELB_ACCOUNT_ID = "000000000000"
"""Offline stand-in for the region's Elastic Load Balancing account (the real one comes from the data source)."""
PHASE_MODULE = "phases"
"""A component of type `<package>:phases:<Name>` with a `phase` input marks its descendants' phase."""

_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
_ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
_ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
_UNKNOWNS = {
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
}

_loaded_program: Path | None = None
_program_modules: set[str] = set()


def synthesize(
    program_dir: Path | str,
    stack: str,
    *,
    phase: int | None = None,
    stack_file: StackFile | None = None,
    time_limit: float | None = None,
) -> Inventory:
    """Run the program of `program_dir` for `stack` (optionally forcing `<project>:phase`) and record it. A run
    longer than `time_limit` seconds (None: ROLLOUT_TIMEOUT or DEFAULT_TIME_LIMIT; 0: no limit) is stopped and
    reported as a ProgramError."""
    stack_file = stack_file or load_stack(program_dir, stack)
    overrides = {f"{stack_file.project_name}:phase": phase} if phase is not None else {}
    return _run(stack_file, overrides, time_limit)


# ---------------------------------------------------------------------------------------------------------------
# Running a program


def _run(stack_file: StackFile, overrides: Mapping[str, Any], time_limit: float | None) -> Inventory:
    config, secret_keys = stack_file.engine_config(overrides)
    main = stack_file.project.main
    program = _program_label(stack_file)
    try:
        limit = time_limit_from_env() if time_limit is None else time_limit
    except ValueError as error:
        raise UserError(str(error)) from None
    limits: list[str] = []

    def run_main() -> None:
        # SystemExit and RunTimeout are BaseExceptions: raised out of the SDK's task they would escape the event
        # loop with the task's exception never retrieved; as an Exception they come back through the future.
        try:
            runpy.run_path(str(main), run_name="__main__")
        except (SystemExit, RunTimeout) as error:
            raise _Stopped(error) from error

    try:
        with _program_environment(stack_file.project.directory), program_output_to_stderr(), sandbox_time_limit(limit):
            resources, outputs = _record(
                run_main,
                project=stack_file.project_name,
                stack=stack_file.stack,
                config=config,
                secret_keys=secret_keys,
                region=stack_file.region,
                stack_references=stack_file.settings.stack_references,
                limits=limits,
            )
    except UserError:
        raise
    except ProgramError as error:
        raise ProgramError(f"program {program}: {error}") from None
    except (RunTimeout, _Stopped) as error:
        cause = error.cause if isinstance(error, _Stopped) else error
        discard_event_loop()
        if isinstance(cause, RunTimeout):
            raise ProgramError(
                f"program {program} for stack {stack_file.stack}: {cause} (--timeout SECONDS or "
                f"ROLLOUT_TIMEOUT=SECONDS raises the limit; 0 means none)"
            ) from None
        raise ProgramError(
            f"program {program} for stack {stack_file.stack} called sys.exit({cause.code!s}) "
            f"before it finished{_exit_location(cause, stack_file)}"
        ) from None
    except Exception as error:  # noqa: BLE001 - any failure of the program is reported, naming it
        raise _program_failure(error, stack_file, limits) from None
    return Inventory(
        project=stack_file.project_name,
        stack=stack_file.stack,
        phase=_configured_phase(stack_file, overrides),
        resources=resources,
        outputs=outputs,
    )


class _Stopped(Exception):  # noqa: N818 - carries the program's sys.exit or the time limit
    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _program_label(stack_file: StackFile) -> str:
    """`shop` for the program in the current folder, `shop (at path/to/it)` elsewhere."""
    where = display_path(stack_file.project.directory)
    return stack_file.project_name if where == "." else f"{stack_file.project_name} (at {where})"


def synthesize_function(
    program: Callable[[], Any],
    *,
    project: str = "test",
    stack: str = "test",
    config: Mapping[str, Any] | None = None,
    region: str = "ap-southeast-1",
) -> Inventory:
    """Run a Python callable as the program (for tests of components): every output awaited, state reset first."""
    engine_config = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()}
    resources, outputs = _record(
        program, project=project, stack=stack, config=engine_config, secret_keys=[], region=region
    )
    return Inventory(project=project, stack=stack, phase=None, resources=resources, outputs=outputs)


def _record(
    program: Callable[[], Any],
    *,
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: list[str],
    region: str,
    stack_references: Mapping[str, Mapping[str, Any]] | None = None,
    limits: list[str] | None = None,
) -> tuple[tuple[Resource, ...], dict[str, Any]]:
    """Reset the SDK's global state, run `program` under the recording mocks, await everything it started.

    `stack_references` answers StackReference outputs (stack name -> outputs); `limits` collects what the offline
    runtime could not answer (data sources without a declared result type), to explain a failure."""
    from rollout.runtime import lazy_sdk

    lazy_sdk.install()
    from pulumi.runtime import mocks as pulumi_mocks
    from pulumi.runtime import settings as pulumi_settings
    from pulumi.runtime.config import set_all_config
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    _ensure_event_loop()
    diagnostics = _DiagnosticsLog()
    # A preview, as `pulumi preview` runs a program: what the mocks return is known, every other output stays
    # unknown and the program's callbacks on it do not run (the SDK's mocks support it: set_mocks(preview=True)).
    pulumi_settings.reset_options(project=project, stack=stack, preview=True)
    set_all_config(config, secret_keys)
    monitor = _recording_monitor_class()(_ProgramMocks(region, stack_references or {}))
    pulumi_mocks.set_mocks(
        monitor.mocks, project=project, stack=stack, preview=True, monitor=monitor, logger=diagnostics.logger
    )
    if limits is not None:
        monitor.mocks.limits = limits
    _sync_await(run_pulumi_func(program))
    root = pulumi_settings.get_root_resource()
    outputs = _sync_await(_resolve_outputs(getattr(root, "outputs", {})))
    if monitor.duplicates:
        raise ProgramError(
            f"duplicate URNs (the engine would reject them): {', '.join(sorted(set(monitor.duplicates)))}"
        )
    if diagnostics.errors:
        raise ProgramError("the program logged errors: " + "; ".join(diagnostics.errors))
    return tuple(_in_tree_order(_with_phases(monitor.records))), outputs


def _ensure_event_loop() -> None:
    """The SDK registers resources on the current event loop: give this thread one if an earlier `asyncio.run`
    (an HTTP client, another tool) left it with none or a closed one."""
    import asyncio

    _track_event_loops()
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        loop = None
    if loop is None or loop.is_closed():
        asyncio.set_event_loop(asyncio.new_event_loop())


# --- event loops: closed at exit ---------------------------------------------------------------------------------
# The SDK awaits RPCs with `run_in_executor`, and in each executor thread its `_sync_await` creates an event loop
# that nobody closes. Garbage-collected during interpreter shutdown, after their self-pipe sockets were finalized,
# such loops print "Exception ignored in BaseEventLoop.__del__ ... Invalid file descriptor: -1" on stderr (about
# one run in 25). So every loop created once the runtime is used is recorded, and closed at exit (atexit runs
# after the executor threads were joined and before finalization). Loops are never closed between runs: a worker
# thread would keep its closed loop as its current one.

_event_loops: Any = None  # a WeakSet of the loops created since the runtime was first used


def _track_event_loops() -> None:
    """Install (once) an event-loop policy that records the loops it creates, and the exit-time cleanup."""
    global _event_loops
    if _event_loops is not None:
        return
    import asyncio
    import atexit
    import weakref

    _event_loops = weakref.WeakSet()
    loops = _event_loops

    class _RecordingPolicy(type(asyncio.get_event_loop_policy())):  # type: ignore[misc]
        def new_event_loop(self):  # noqa: ANN202 - the policy's signature
            loop = super().new_event_loop()
            loops.add(loop)
            return loop

    previous = asyncio.get_event_loop_policy()
    current = getattr(getattr(previous, "_local", None), "_loop", None)  # this thread's loop, if it has one
    policy = _RecordingPolicy()
    asyncio.set_event_loop_policy(policy)
    if current is not None and not current.is_closed():
        loops.add(current)
        policy.set_event_loop(current)
    atexit.register(close_event_loops)


def close_event_loops() -> int:
    """Close every recorded loop that is not running; returns how many were closed."""
    closed = 0
    for loop in list(_event_loops or ()):
        if not loop.is_running() and not loop.is_closed():
            loop.close()
            closed += 1
    return closed


def open_event_loops() -> int:
    """How many recorded loops are still open (for tests)."""
    return sum(1 for loop in list(_event_loops or ()) if not loop.is_closed())


def _configured_phase(stack_file: StackFile, overrides: Mapping[str, Any]) -> int | None:
    value = overrides.get(f"{stack_file.project_name}:phase", stack_file.phase)
    return value if isinstance(value, int) else None


async def _resolve_outputs(outputs: Mapping[str, Any]) -> dict[str, Any]:
    import pulumi

    resolved = {}
    for name, value in outputs.items():
        output = pulumi.Output.from_input(value)
        plain = await output.future() if await output.is_known() else UNKNOWN
        resolved[name] = Secret(_plain(plain)) if await output.is_secret() else _plain(plain)
    return resolved


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or value is UNKNOWN or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


class _program_environment:
    """cwd, sys.path and module cache as `pulumi up` would give the program (its own directory first)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> None:
        global _loaded_program
        if _loaded_program is not None and _loaded_program != self.directory:
            for name in _program_modules:
                sys.modules.pop(name, None)
            _program_modules.clear()
        _loaded_program = self.directory
        self.cwd = os.getcwd()
        # the program's own file wins over a module of the same name already imported here (its secrets.py over the
        # standard library's, which pydantic imports), as it does under `pulumi up`, its folder first on sys.path
        shadowed = _shadowed_modules(self.directory)
        self.shadowed = {name: sys.modules.pop(name) for name in list(sys.modules)
                         if name.partition(".")[0] in shadowed}
        self.modules_before = set(sys.modules)
        sys.path.insert(0, str(self.directory))
        os.chdir(self.directory)

    def __exit__(self, *exc: object) -> None:
        os.chdir(self.cwd)
        if sys.path and sys.path[0] == str(self.directory):
            sys.path.pop(0)
        if self.shadowed:
            tops = {name.partition(".")[0] for name in self.shadowed}
            for loaded in [n for n in sys.modules if n.partition(".")[0] in tops]:
                del sys.modules[loaded]
            sys.modules.update(self.shadowed)
        prefix = str(self.directory) + os.sep
        for name in set(sys.modules) - self.modules_before:
            file = getattr(sys.modules.get(name), "__file__", None) or ""
            if file.startswith(prefix) and not _installed(file):
                _program_modules.add(name)


_RUNTIME_PACKAGES = ("pulumi", "grpc", "google", "rollout")
"""Packages the offline runtime itself runs on while the program runs: never shadowed."""


def _shadowed_modules(directory: Path) -> list[str]:
    """Top-level modules the program's folder provides (name.py or a package) that a module from elsewhere already
    holds in sys.modules."""
    own = {p.stem for p in directory.glob("*.py")} | {p.parent.name for p in directory.glob("*/__init__.py")}
    prefix = str(directory) + os.sep
    return sorted(
        name for name in own - {"__main__"}
        if name in sys.modules and not name.startswith(_RUNTIME_PACKAGES)
        and not (getattr(sys.modules[name], "__file__", None) or "").startswith(prefix)
    )


def _installed(file: str) -> bool:
    """A module from an installed distribution (a virtualenv inside the project counts) is not the program's own:
    reloading it would re-register provider packages and cost seconds."""
    return f"{os.sep}site-packages{os.sep}" in file or f"{os.sep}dist-packages{os.sep}" in file


def _program_failure(error: BaseException, stack_file: StackFile, limits: list[str] | None = None) -> Exception:
    """A program's own exception, named after the program; config problems become key-path lines (exit 2).

    When the run hit a limit of the offline runtime (a data source it cannot answer, a `secure:` value it cannot
    decrypt), the failure is an OfflineLimitError naming that limit (exit 3): the program may well be right."""
    problems = getattr(error, "problems", None)
    if isinstance(problems, list) and all(isinstance(p, str) for p in problems) and problems:
        return UserError(*(f"{stack_file.display_path}: {p}" for p in problems))
    where = _exit_location(error, stack_file)
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    failure = f"{type(error).__name__}: {message}{where}"
    program = _program_label(stack_file)
    undecrypted = sorted(k for k in stack_file.secure_keys if k not in stack_file.offline_values)
    if limits:
        return OfflineLimitError(
            f"program {program}, stack {stack_file.stack}: the offline runtime cannot answer "
            f"{'; '.join(sorted(set(limits)))}; the program then failed: {failure}"
        )
    if type(error).__module__.startswith("botocore") and "credentials" in message.lower():
        # a program that calls AWS itself (boto3 at import time) needs what `pulumi preview` would have: credentials
        return OfflineLimitError(
            f"program {program}, stack {stack_file.stack}: the program calls AWS itself (boto3) and no AWS "
            f"credentials are set; offline runs make no AWS calls of their own (run with credentials, or make the "
            f"program take those values from config): {failure}"
        )
    if _network_failure(error):
        return OfflineLimitError(
            f"program {program}, stack {stack_file.stack}: the program reaches the network itself and the "
            f"connection failed (run where it can connect, as `pulumi preview` would need): {failure}"
        )
    if undecrypted and SECURE_PLACEHOLDER in str(error):
        return OfflineLimitError(
            f"program {program}, stack {stack_file.stack}: secure value(s) {', '.join(undecrypted)} cannot be "
            f"decrypted offline (give stand-ins in rollout:offlineValues); the program then failed: {failure}"
        )
    hint = _missing_module_hint(error, stack_file) or _sdk_version_hint(error)
    if undecrypted:
        hint += (f" (secure value(s) {', '.join(undecrypted)} are placeholders offline: give stand-ins in "
                 f"rollout:offlineValues)")
    return ProgramError(f"program {program} failed for stack {stack_file.stack}: {failure}{hint}")


def _network_failure(error: BaseException) -> bool:
    """A connection the program itself opened failed (a name that does not resolve, a refused or timed-out
    connection), through the standard library, requests/urllib3 or httpx."""
    import socket
    import urllib.error

    if isinstance(error, (ConnectionError, socket.gaierror, socket.timeout, urllib.error.URLError)):
        return True
    return type(error).__name__ in {"ConnectionError", "ConnectError", "ConnectTimeout", "NameResolutionError",
                                    "MaxRetryError", "NewConnectionError"}


def _missing_module_hint(error: BaseException, stack_file: StackFile) -> str:
    """The program runs inside rollout's own Python, not in the program's virtualenv: say where its packages go."""
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return ""
    requirements = Path(stack_file.project.directory) / "requirements.txt"
    pip = Path(sys.executable).parent / "pip"
    what = f"-r {display_path(requirements)}" if requirements.is_file() else f"<the package providing {error.name}>"
    return f" (the program runs in rollout's Python, {sys.prefix}: install its packages there, `{pip} install {what}`)"


def _sdk_version_hint(error: BaseException) -> str:
    """An argument or a name the installed provider SDK does not have (pulumi-aws 7 removed `Eip(vpc=...)` and the
    top-level `aws.get_ami`): the program was written for another major version; name the one rollout runs."""
    if isinstance(error, TypeError) and "unexpected keyword argument" in str(error):
        frames = traceback.extract_tb(error.__traceback__)
        packages = [part for frame in frames for part in Path(frame.filename).parts if part.startswith("pulumi_")]
    elif isinstance(error, AttributeError) and (named := re.match(r"module '(pulumi_\w+)[.']", str(error))):
        packages = [named.group(1)]
    else:
        return ""
    if not packages:
        return ""
    from importlib import metadata

    distribution = packages[-1].replace("_", "-")
    try:
        version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""
    return f" (rollout runs {distribution} {version}: the program may be written for another major version)"


def _exit_location(error: BaseException, stack_file: StackFile) -> str:
    """` (at file.py:LINE)` for the innermost frame of the program's own code, else nothing."""
    program = stack_file.project.directory
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.startswith(str(program) + os.sep) and not _installed(frame.filename):
            return f" (at {os.path.relpath(frame.filename, program)}:{frame.lineno})"
    return ""


class _DiagnosticsLog:
    """Collects the engine log (pulumi.log / pulumi.warn / pulumi.error) of one run."""

    def __init__(self) -> None:
        self.records: list[logging.LogRecord] = []
        self.logger = logging.getLogger(f"rollout.runtime.synth.{id(self)}")
        self.logger.propagate = False
        self.logger.setLevel(logging.WARNING)
        handler = logging.Handler()
        handler.emit = self.records.append  # type: ignore[method-assign]
        self.logger.handlers = [handler]

    @property
    def errors(self) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= logging.ERROR]


# ---------------------------------------------------------------------------------------------------------------
# Recording what the engine would see


def _recording_monitor_class() -> type:
    from pulumi.runtime.mocks import MockMonitor

    class RecordingMonitor(MockMonitor):
        """A MockMonitor that records each registration (with engine-style URNs) and flags duplicate URNs."""

        def __init__(self, mocks: _ProgramMocks) -> None:
            super().__init__(mocks)
            self.records: list[Resource] = []
            self.seen: set[str] = set()
            self.duplicates: list[str] = []

        def make_urn(self, parent: str, type_: str, name: str) -> str:
            from pulumi.runtime.settings import get_project, get_stack

            if parent:
                parent_types = parent.split("::")[2]
                if parent_types != "pulumi:pulumi:Stack":
                    type_ = f"{parent_types}${type_}"
            return f"urn:pulumi:{get_stack()}::{get_project()}::{type_}::{name}"

        def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
            """MockMonitor.RegisterResource, but resource references in the inputs reach the mocks as URNs: the
            SDK would rebuild Resource objects on this executor thread, whose event loop is not the program's
            ("Future attached to a different loop", pulumi/pulumi#6561). Remote components get no outputs."""
            from pulumi.runtime import rpc
            from pulumi.runtime.mocks import MockMonitor, MockResourceArgs, _ensure_event_loop, _resolve_callbacks
            from pulumi.runtime.proto import resource_pb2
            from pulumi.runtime.sync_await import _sync_await

            urn = self.make_urn(request.parent, request.type, request.name)
            if request.type == "pulumi:pulumi:Stack":
                return resource_pb2.RegisterResourceResponse(urn=urn)
            _ensure_event_loop()
            inputs = rpc.deserialize_properties(_references_as_urns(request.object))
            if request.remote:
                # A multi-language component: its provider would construct children and outputs; offline there
                # is none, so it has no outputs (unknown under preview) rather than its inputs echoed back.
                resource_id, state = "", {}
            else:
                resource_id, state = self.mocks.new_resource(
                    MockResourceArgs(
                        typ=request.type,
                        name=request.name,
                        inputs=inputs,
                        provider=request.provider,
                        resource_id=request.importId,
                        custom=request.custom or False,
                        transforms=_resolve_callbacks(request.transforms),
                    )
                )
            obj_proto = _sync_await(rpc.serialize_properties(state, {}))
            self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id, state)
            response = resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=obj_proto)
            if urn in self.seen:
                self.duplicates.append(urn)
            self.seen.add(urn)
            self.records.append(
                Resource(
                    urn=urn,
                    type=request.type,
                    name=request.name,
                    custom=bool(request.custom),
                    parent=request.parent
                    if request.parent and "::pulumi:pulumi:Stack::" not in request.parent
                    else None,
                    inputs=_decode_struct(request.object),
                    protect=bool(request.protect),
                    retain_on_delete=bool(request.retainOnDelete),
                    dependencies=tuple(request.dependencies),
                    property_dependencies={k: tuple(v.urns) for k, v in request.propertyDependencies.items()},
                    provider=_provider_urn(request.provider),
                    ignore_changes=tuple(request.ignoreChanges),
                    import_id=request.importId or None,
                    remote=bool(request.remote),
                    delete_before_replace=bool(request.deleteBeforeReplace),
                )
            )
            return response

        def Invoke(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
            """MockMonitor.Invoke with resource references in the arguments kept as URNs (see RegisterResource)."""
            request.args.CopyFrom(_references_as_urns(request.args))
            return super().Invoke(request)

    return RecordingMonitor


def _references_as_urns(struct: Any) -> Any:
    """A copy of a protobuf Struct with every resource reference replaced by its URN string."""
    from google.protobuf import struct_pb2

    copy = struct_pb2.Struct()
    copy.CopyFrom(struct)

    def walk(value: Any) -> None:
        kind = value.WhichOneof("kind")
        if kind == "struct_value":
            fields = value.struct_value.fields
            if _SIG in fields and fields[_SIG].string_value == _RESOURCE_SIG:
                value.string_value = fields["urn"].string_value if "urn" in fields else ""
                return
            for item in fields.values():
                walk(item)
        elif kind == "list_value":
            for item in value.list_value.values:
                walk(item)

    for item in copy.fields.values():
        walk(item)
    return copy


def _provider_urn(reference: str) -> str | None:
    """A provider reference is `<provider URN>::<provider id>`; the inventory keeps the URN."""
    return reference.rsplit("::", 1)[0] if reference else None


def _decode_struct(struct: Any) -> dict[str, Any]:
    """A protobuf Struct → plain values, walked directly (a quarter faster than json_format.MessageToDict)."""
    return _decode({key: _plain_value(value) for key, value in struct.fields.items()})


def _plain_value(value: Any) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "number_value":
        return value.number_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return {key: _plain_value(v) for key, v in value.struct_value.fields.items()}
    if kind == "list_value":
        return [_plain_value(v) for v in value.list_value.values]
    return None


def _decode(value: Any) -> Any:
    """Engine wire values → plain values, UNKNOWN and Secret (resource references become their URN)."""
    if isinstance(value, str):
        if value in _UNKNOWNS:
            return UNKNOWN
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            inner = _decode(value.get("value"))
            return Secret(UNKNOWN if inner == SECURE_PLACEHOLDER else inner)
        if sig == _RESOURCE_SIG:
            return value.get("urn")
        if sig == _OUTPUT_SIG:
            inner = _decode(value.get("value", UNKNOWN)) if "value" in value else UNKNOWN
            return Secret(inner) if value.get("secret") else inner
        if sig in (_ASSET_SIG, _ARCHIVE_SIG):
            return {k: _decode(v) for k, v in value.items() if k != _SIG}
        return {k: _decode(v) for k, v in value.items()}
    return value


def _with_phases(records: list[Resource]) -> list[Resource]:
    """Give each resource the phase of its nearest `*:phases:*` ancestor component (None if it has none)."""
    by_urn = {r.urn: r for r in records}
    phase_of: dict[str, int | None] = {}

    def phase(urn: str | None) -> int | None:
        if urn is None or urn not in by_urn:
            return None
        if urn not in phase_of:
            record = by_urn[urn]
            own = record.inputs.get("phase") if _is_phase_component(record) else None
            phase_of[urn] = own if isinstance(own, int) else phase(record.parent)
        return phase_of[urn]

    from dataclasses import replace

    return [replace(r, phase=phase(r.urn)) for r in records]


def _in_tree_order(records: list[Resource]) -> list[Resource]:
    """Registration order depends on thread scheduling: give a stable one (parents first, siblings by URN)."""
    known = {r.urn for r in records}
    children: dict[str | None, list[Resource]] = {}
    for record in records:
        children.setdefault(record.parent if record.parent in known else None, []).append(record)
    ordered: list[Resource] = []
    stack = sorted(children.get(None, []), key=lambda r: r.urn, reverse=True)
    while stack:
        record = stack.pop()
        ordered.append(record)
        stack.extend(sorted(children.get(record.urn, []), key=lambda r: r.urn, reverse=True))
    return ordered


def _is_phase_component(record: Resource) -> bool:
    parts = record.type.split(":")
    return not record.custom and len(parts) == 3 and parts[1] == PHASE_MODULE


# ---------------------------------------------------------------------------------------------------------------
# Mocks: plausible computed outputs, so wiring between resources survives


def _mocks_base() -> type:
    from pulumi.runtime.mocks import Mocks

    return Mocks


class _ProgramMocks(_mocks_base()):  # type: ignore[misc]
    """Returns the inputs plus the computed outputs programs commonly read (id, arn, name, endpoints), typed
    placeholders for the identifier-like outputs the SDK class declares, and data-source results of the declared
    result type. `limits` collects what cannot be answered offline."""

    def __init__(self, region: str, stack_references: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.region = region
        self.stack_references = dict(stack_references or {})
        self.limits: list[str] = []

    def new_resource(self, args: Any) -> tuple[str, dict[str, Any]]:
        if args.typ.startswith("pulumi:providers:"):
            return f"{args.name}-provider-id", dict(args.inputs)
        if args.typ == "pulumi:pulumi:StackReference":
            return self._stack_reference(args)
        resource_id, outputs = _computed_outputs(args.typ, args.name, dict(args.inputs), self.region)
        from rollout.runtime.placeholders import resource_placeholders

        return resource_id, {**resource_placeholders(args.typ, args.name, outputs, self.region), **outputs}

    def _stack_reference(self, args: Any) -> tuple[str, dict[str, Any]]:
        """Outputs from rollout:stackReferences when the stack is listed; otherwise none, so that they are unknown
        (the referenced stack was never read) and get_output / require_output stay unknown too."""
        name = str(args.inputs.get("name") or args.resource_id or args.name)
        if name not in self.stack_references:
            return name, {"name": name}
        return name, {"name": name, "outputs": dict(self.stack_references[name]), "secretOutputNames": []}

    def call(self, args: Any) -> dict[str, Any]:
        result = _invoke_result(args.token, dict(args.args), self.region)
        if result is None:
            self.limits.append(f"data source {args.token} (no result type declared by an installed SDK)")
            return dict(args.args)
        return result


def _suffix(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:7]


def _computed_outputs(type_: str, name: str, inputs: dict[str, Any], region: str) -> tuple[str, dict[str, Any]]:
    package, module, _ = (type_.split(":") + ["", ""])[:3]
    service = module.split("/")[0] or package
    physical = (
        inputs.get("name")
        or inputs.get("bucket")
        or inputs.get("identifier")
        or inputs.get("replicationGroupId")
        or f"{name}-{_suffix(type_, name)}"
    )
    physical = physical if isinstance(physical, str) else f"{name}-{_suffix(type_, name)}"
    resource_id = (
        physical
        if service in {"s3", "sqs", "rds", "elasticache", "iam", "lb"}
        else f"{name}-{_suffix(type_, name, 'id')}"
    )
    host = f"{physical}.{_suffix(type_, name, 'host')}.{region}.example.internal"
    arn = f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{physical}"
    if service == "sqs":
        arn = f"arn:aws:sqs:{region}:{ACCOUNT_ID}:{physical}"
    elif service == "s3":
        arn = f"arn:aws:s3:::{physical}"
    elif service == "iam":
        arn = f"arn:aws:iam::{ACCOUNT_ID}:{'role' if module.startswith('iam/role') else 'policy'}/{physical}"
    computed: dict[str, Any] = {
        "id": resource_id,
        "arn": arn,
        "name": physical,
        "identifier": physical if service in {"rds", "neptune", "docdb"} else None,
        "endpoint": f"{host}:443",
        "address": host,
        "url": f"https://{host}/"
        if service != "sqs"
        else f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{physical}",
        "dnsName": host,
        "domainName": host,
        "hostedZoneId": "Z1MOCKZONE",
        "zoneId": f"zone{_suffix(type_, name, 'zone')}",
        "bucket": physical if service == "s3" else inputs.get("bucket"),
        "bucketDomainName": f"{physical}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{physical}.s3.{region}.amazonaws.com",
        "primaryEndpointAddress": f"master.{host}",
        "readerEndpointAddress": f"replica.{host}",
        "keyId": f"{_suffix(type_, name, 'key')}-key",
        "arnSuffix": f"app/{physical}/{_suffix(type_, name, 'lb')}",
        "resourceId": f"db-{_suffix(type_, name, 'res').upper()}",
        "masterUserSecrets": [
            {
                "secretArn": f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:rds!{physical}",
                "kmsKeyId": "",
                "secretStatus": "active",
            }
        ],
        "latestVersion": 1,
        "prometheusEndpoint": f"https://aps-workspaces.{region}.amazonaws.com/workspaces/{physical}/",
        "workspaceId": f"ws-{_suffix(type_, name, 'ws')}",
        # DMS names its ARNs per resource kind (rep, endpoint, task, cert); NAT gateways have a public address.
        "replicationInstanceArn": f"arn:aws:dms:{region}:{ACCOUNT_ID}:rep:{physical}",
        "endpointArn": f"arn:aws:dms:{region}:{ACCOUNT_ID}:endpoint:{physical}",
        "replicationTaskArn": f"arn:aws:dms:{region}:{ACCOUNT_ID}:task:{physical}",
        "certificateArn": f"arn:aws:dms:{region}:{ACCOUNT_ID}:cert:{physical}",
        "publicIp": "203.0.113." + str(int(_suffix(type_, name, "ip"), 16) % 250 + 1),
    }
    computed = {k: v for k, v in computed.items() if v is not None and service in _SERVICE_OUTPUTS.get(k, (service,))}
    computed.update(_type_outputs(type_, name, inputs))
    return resource_id, {**computed, **inputs}


def _type_outputs(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Outputs only one resource type computes, that programs wire further (validation records, nameservers, a
    generated secret): without them the wiring silently vanishes offline."""
    if type_ == "aws:acm/certificate:Certificate":
        domains = [
            inputs.get("domainName") or f"{name}.example.internal",
            *(inputs.get("subjectAlternativeNames") or []),
        ]
        return {
            "domainValidationOptions": [
                {
                    "domainName": domain,
                    "resourceRecordName": f"_{_suffix(name, domain)}.{domain.removeprefix('*.')}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": f"_{_suffix(name, domain, 'value')}.mock.acm-validations.aws.",
                }
                for domain in domains
            ]
        }
    if type_ == "aws:route53/record:Record":
        return {"fqdn": str(inputs.get("name") or name).rstrip(".")}
    if type_ == "cloudflare:index/zone:Zone":
        return {"nameServers": [f"{word}.ns.cloudflare.com" for word in ("ada", "bob")], "status": "pending"}
    if type_ == "random:index/randomPassword:RandomPassword":
        length = int(inputs.get("length") or 16)
        return {"result": (hashlib.sha256(name.encode()).hexdigest() * 4)[:length]}
    return {}


_SERVICE_OUTPUTS: dict[str, tuple[str, ...]] = {
    "replicationInstanceArn": ("dms",),
    "endpointArn": ("dms",),
    "replicationTaskArn": ("dms",),
    "certificateArn": ("dms",),
    "publicIp": ("ec2",),
    "bucketDomainName": ("s3",),
    "bucketRegionalDomainName": ("s3",),
    "primaryEndpointAddress": ("elasticache",),
    "readerEndpointAddress": ("elasticache",),
    "masterUserSecrets": ("rds",),
    "resourceId": ("rds",),
    "arnSuffix": ("lb", "alb"),
    "keyId": ("kms",),
    "prometheusEndpoint": ("amp",),
    "latestVersion": ("ec2",),
}
"""Computed outputs that only one service's resources have: the SDK serializes every output a mock returns (about
a third of a resource's registration cost), so other services do not get them."""


def _invoke_result(token: str, args: dict[str, Any], region: str) -> dict[str, Any] | None:
    """Answers for the data sources programs commonly call; others from the SDK's declared result type (typed
    placeholders, the arguments coerced, always an id); None when no installed SDK declares one."""
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        names = [f"{region}{z}" for z in "abc"]
        return {"names": names, "zoneIds": [f"{region[:3]}-az{i}" for i in range(1, 4)], "id": region}
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {
            "accountId": ACCOUNT_ID,
            "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/offline",
            "userId": "OFFLINE",
            "id": ACCOUNT_ID,
        }
    if token in ("aws:index/getRegion:getRegion", "aws:index/region:getRegion"):
        return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com"}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
    if token == "aws:elb/getServiceAccount:getServiceAccount":
        return {"arn": f"arn:aws:iam::{ELB_ACCOUNT_ID}:root", "id": ELB_ACCOUNT_ID}
    from rollout.runtime.placeholders import data_source_result

    if token == "aws:ec2/getAmi:getAmi":
        typed = data_source_result(token, args, region) or dict(args)
        return {**typed, "id": "ami-0123456789abcdef0", "imageId": "ami-0123456789abcdef0", "architecture": "arm64"}
    if token == "aws:ec2/getManagedPrefixList:getManagedPrefixList":
        typed = data_source_result(token, args, region) or dict(args)
        return {
            **typed,
            "id": f"pl-{_suffix(token, str(args.get('name')))}",
            "name": args.get("name"),
            "addressFamily": "IPv4",
            "maxEntries": 55,
        }
    if token == "cloudflare:index/getZone:getZone":
        typed = data_source_result(token, args, region) or dict(args)
        return {
            **typed,
            "id": args.get("zoneId"),
            "zoneId": args.get("zoneId"),
            "status": "active",
            "nameServers": ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
        }
    if token == "aws:iam/getPolicyDocument:getPolicyDocument":
        return {"json": _policy_document_json(args), "id": "policy-document"}
    return data_source_result(token, args, region)


def _policy_document_json(args: dict[str, Any]) -> str:
    """Render aws.iam.get_policy_document's arguments as the IAM JSON it would return."""
    import json

    statements = []
    for statement in args.get("statements") or []:
        rendered: dict[str, Any] = {"Effect": statement.get("effect", "Allow")}
        if statement.get("sid"):
            rendered["Sid"] = statement["sid"]
        for key, out in (
            ("actions", "Action"),
            ("notActions", "NotAction"),
            ("resources", "Resource"),
            ("notResources", "NotResource"),
        ):
            if statement.get(key):
                rendered[out] = statement[key]
        for key, out in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if statement.get(key):
                rendered[out] = {p["type"]: p["identifiers"] for p in statement[key]}
        if statement.get("conditions"):
            condition: dict[str, dict[str, Any]] = {}
            for c in statement["conditions"]:
                condition.setdefault(c["test"], {})[c["variable"]] = c["values"]
            rendered["Condition"] = condition
        statements.append(rendered)
    return json.dumps({"Version": args.get("version") or "2012-10-17", "Statement": statements})
