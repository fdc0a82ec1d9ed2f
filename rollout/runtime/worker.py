"""A forking worker that keeps the provider SDKs imported, so a run after the first pays for the program, not for
importing pulumi_aws and pulumi_cloudflare again.

The worker never runs a program itself: for each request it forks, and the child (a copy of a process that has only
imported the SDKs) runs the program once under the offline runtime, answers, and exits. No state can leak from one
run to the next, and a changed file is always read afresh (there is nothing cached here; that is
rollout.runtime.cache's job). The worker listens on a Unix socket under the user's cache folder, named after the
tool's code, the installed distributions and the Python executable, so a changed checkout or environment gets a new
worker; it stops by itself after IDLE_SECONDS without a request.

When it is used: ROLLOUT_WORKER=1 always, ROLLOUT_WORKER=0 never, unset only when standard input is a terminal (a
person iterating on a stack file), so CI and scripts never leave a process behind. A call that finds no worker runs
the program in-process as before and starts one in the background for the next call.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from rollout.errors import OfflineLimitError, ProgramError, UserError
from rollout.model.inventory import Inventory
from rollout.model.stackfile import StackFile

IDLE_SECONDS = 15 * 60
CONNECT_SECONDS = 0.5
PRELOAD = ("pulumi", "pulumi.runtime", "pulumi.runtime.mocks", "pulumi_aws", "rollout.runtime.synth")
"""Imported when the worker starts; the provider modules that programs used are added as they are seen."""


def wanted() -> bool:
    setting = os.environ.get("ROLLOUT_WORKER", "").strip()
    if setting in ("0", "1"):
        return setting == "1"
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def socket_path() -> Path:
    """One socket per tool version, environment and interpreter (a changed checkout gets a new worker). Unix
    socket paths are limited to about 100 bytes, hence a short name."""
    from rollout.runtime.cache import _distributions_digest, _tool_digest, cache_folder

    digest = hashlib.sha256(f"{_tool_digest()}|{_distributions_digest()}|{sys.executable}".encode()).hexdigest()
    folder = cache_folder()
    path = folder / f"w-{digest[:16]}.sock"
    if len(str(path)) > 100:
        path = Path(tempfile.gettempdir()) / f"rollout-{os.getuid()}-{digest[:16]}.sock"
    return path


# ---------------------------------------------------------------------------------------------------------------
# Client


def run_in_worker(stack_file: StackFile, phase: int | None, *, timeout: float | None = None) -> Inventory | None:
    """The inventory of one run done by the worker, or None when there is no worker to ask (the caller runs the
    program itself). The program's own errors come back as the same UserError / ProgramError as in-process."""
    path = socket_path()
    connection = _connect(path)
    if connection is None:
        _start(path)
        return None
    from rollout.runtime.sandbox import time_limit_from_env

    try:
        limit = time_limit_from_env()  # the command's --timeout, ROLLOUT_TIMEOUT or the default: the child keeps it
    except ValueError as error:
        raise UserError(str(error)) from None
    request = {"program": str(stack_file.project.directory.resolve()), "stack": stack_file.stack, "phase": phase,
               "cwd": os.getcwd(), "env": dict(os.environ), "path": list(sys.path), "time_limit": limit}
    child = None
    try:
        connection.settimeout(timeout)
        with connection, connection.makefile("rwb") as stream:
            stream.write(json.dumps(request).encode() + b"\n")
            stream.flush()
            started = stream.readline()
            if not started:
                return None  # the worker went away between connect and fork: run here
            child = json.loads(started).get("child")
            line = stream.readline()
            child = None
        answer = json.loads(line) if line else {"error": "program", "message": "the worker's run ended without an "
                                                                                "answer"}
    except (OSError, ValueError):
        return None
    except BaseException:
        if child:  # Ctrl-C or a time limit: the child must not run on
            _kill(child)
        raise
    if answer.get("output"):
        sys.stderr.write(answer["output"])
    if "inventory" in answer:
        return Inventory.from_json(answer["inventory"])
    if answer.get("error") == "user":
        raise UserError(*(answer.get("problems") or [answer.get("message", "")]))
    if answer.get("error") == "offline":  # a limit of the offline runtime keeps its own exit code through the worker
        raise OfflineLimitError(answer.get("message", "the offline runtime cannot answer the program"))
    raise ProgramError(answer.get("message", "the program failed"))


def _connect(path: Path) -> socket.socket | None:
    if not path.exists():
        return None
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(CONNECT_SECONDS)
    try:
        client.connect(str(path))
        return client
    except OSError:
        client.close()
        return None


def _start(path: Path) -> None:
    """Start a worker in its own session, detached from this terminal and its pipes."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        subprocess.Popen([sys.executable, "-m", "rollout.runtime.worker", str(path)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         close_fds=True)
    except OSError:
        pass


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


# ---------------------------------------------------------------------------------------------------------------
# Worker


def serve(path: Path, idle_seconds: float = IDLE_SECONDS) -> None:
    """Listen on `path` until idle for `idle_seconds`; fork a child per request. Only one worker owns a socket."""
    import importlib

    for module in PRELOAD:
        importlib.import_module(module)
    seen_modules = path.with_suffix(".modules")
    _preload_seen(seen_modules)
    _freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    previous = os.umask(0o077)
    try:
        server.bind(str(temporary))
    finally:
        os.umask(previous)
    server.listen(8)
    if _connect(path) is not None:  # another worker won the race
        temporary.unlink(missing_ok=True)
        return
    inode = os.stat(temporary).st_ino
    os.replace(temporary, path)
    server.settimeout(idle_seconds)
    try:
        while True:
            try:
                connection, _ = server.accept()
            except TimeoutError:
                break
            if os.fork() == 0:
                server.close()
                _child(connection, seen_modules)
            connection.close()
            _preload_seen(seen_modules)
            _freeze()
    finally:
        try:
            if os.stat(path).st_ino == inode:  # still ours: a newer worker may have taken the name
                path.unlink()
        except OSError:
            pass
        server.close()


def _freeze() -> None:
    """Move everything imported so far out of the garbage collector's reach: a forked child's collections would
    otherwise walk (and so copy, page by page) the whole SDK heap it shares with the worker."""
    import gc

    gc.collect()
    gc.freeze()


def _preload_seen(seen_modules: Path) -> None:
    """Import, in the worker, the provider modules an earlier child's program used (they are then shared)."""
    import importlib

    try:
        names = json.loads(seen_modules.read_text())
    except (OSError, ValueError):
        return
    for name in names:
        try:
            # Any attribute but the introspection ones makes a lazily imported service module load for real.
            getattr(importlib.import_module(name), "_rollout_preload_", None)
        except Exception:  # noqa: BLE001 - a module that fails to import here is simply not preloaded
            pass


def _child(connection: socket.socket, seen_modules: Path) -> None:
    """Run one request and exit; never returns."""
    code = 0
    try:
        with connection, connection.makefile("rwb") as stream:
            request = json.loads(stream.readline())
            stream.write(json.dumps({"child": os.getpid()}).encode() + b"\n")
            stream.flush()
            answer = _answer(request)
            _record_modules(seen_modules)
            stream.write(json.dumps(answer, default=str).encode() + b"\n")
            stream.flush()
    except BaseException:  # noqa: BLE001 - a child must exit whatever happened
        code = 1
    os._exit(code)


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    from rollout.model.stackfile import load_stack
    from rollout.runtime.synth import synthesize

    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[:] = request["path"]
    output = tempfile.TemporaryFile()
    saved = os.dup(1), os.dup(2)
    os.dup2(output.fileno(), 1)
    os.dup2(output.fileno(), 2)
    try:
        stack_file = load_stack(request["program"], request["stack"])
        inventory = synthesize(request["program"], request["stack"], phase=request["phase"], stack_file=stack_file,
                               time_limit=request.get("time_limit"))
        answer: dict[str, Any] = {"inventory": inventory.to_json(reveal_secrets=True)}
    except UserError as error:
        answer = {"error": "user", "message": str(error), "problems": getattr(error, "problems", None)}
    except OfflineLimitError as error:
        answer = {"error": "offline", "message": str(error)}
    except ProgramError as error:
        answer = {"error": "program", "message": str(error)}
    except Exception as error:  # noqa: BLE001 - reported to the client like any program failure
        answer = {"error": "program", "message": f"{type(error).__name__}: {error}"}
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
    output.seek(0)
    answer["output"] = output.read().decode("utf-8", "replace")
    return answer


def _lazy_module_classes() -> list[type]:
    """The classes a lazily imported module has until its first use (the SDK's own, and importlib's)."""
    import importlib.util

    classes: list[type] = [importlib.util._LazyModule]
    try:
        from pulumi._utils import _LazyModule

        classes.append(_LazyModule)
    except ImportError:
        pass
    return classes


def _record_modules(seen_modules: Path) -> None:
    """Note the provider packages and service modules this child's program really loaded (not the SDKs' lazy
    stubs for every service), for the worker to preload."""
    lazy = tuple(_lazy_module_classes())
    names = sorted(name for name, module in list(sys.modules.items())
                   if name.startswith(("pulumi_", "pulumiverse_")) and name.count(".") <= 1
                   and not name.split(".")[-1].startswith("_") and module is not None
                   and not isinstance(module, lazy))
    try:
        previous = set(json.loads(seen_modules.read_text()))
    except (OSError, ValueError):
        previous = set()
    if not set(names) <= previous:
        from rollout.files import write_atomically

        try:
            write_atomically(seen_modules, json.dumps(sorted(previous | set(names))))
        except OSError:
            pass


if __name__ == "__main__":  # pragma: no cover - started by _start in its own session
    serve(Path(sys.argv[1]))
