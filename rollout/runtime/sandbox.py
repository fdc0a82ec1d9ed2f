"""What the offline runtime puts around a program run: its output kept off stdout, and a time limit.

`rollout --format json` promises exactly one document on stdout, so what the program prints (print(), a
subprocess) goes to stderr instead. A program that never ends is stopped after `time_limit` seconds: a `RunTimeout`
is raised in the main thread (it derives from BaseException so that a program's `except Exception` cannot swallow
it); if the run still has not unwound `GRACE_SECONDS` later (the Pulumi SDK waits for outstanding RPCs before it
re-raises, and a hung callback may never finish), the process ends with exit code 2 and one line saying why.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import signal
import sys
import threading
from collections.abc import Iterator

DEFAULT_TIME_LIMIT = 300.0
"""Seconds one offline run may take (`--timeout`, ROLLOUT_TIMEOUT). The largest sample stack at phase 6 takes
8-30 s on a loaded two-core machine; five minutes leaves room for slow machines and large programs."""
GRACE_SECONDS = 10.0
TIMEOUT_EXIT_CODE = 2


class RunTimeout(BaseException):  # noqa: N818 - it is raised into the program, like KeyboardInterrupt
    """The program ran past its time limit."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"did not finish within {seconds:g} s")


_CHOSEN_LIMIT: contextvars.ContextVar[float | None] = contextvars.ContextVar("rollout_time_limit", default=None)


@contextlib.contextmanager
def runs_limited_to(seconds: float | None) -> Iterator[None]:
    """Every program run inside takes at most `seconds` (the `--timeout` a command was given; None: the default)."""
    token = _CHOSEN_LIMIT.set(seconds)
    try:
        yield
    finally:
        _CHOSEN_LIMIT.reset(token)


def time_limit_from_env(default: float = DEFAULT_TIME_LIMIT) -> float:
    """The limit chosen with `runs_limited_to` (a command's --timeout), else ROLLOUT_TIMEOUT if set (seconds; 0
    means no limit), else the default. Raises ValueError naming the variable."""
    chosen = _CHOSEN_LIMIT.get()
    if chosen is not None:
        return chosen
    raw = os.environ.get("ROLLOUT_TIMEOUT", "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"ROLLOUT_TIMEOUT={raw}: must be a number of seconds") from None
    if value < 0:
        raise ValueError(f"ROLLOUT_TIMEOUT={raw}: must be 0 (no limit) or more seconds")
    return value


@contextlib.contextmanager
def program_output_to_stderr() -> Iterator[None]:
    """sys.stdout is stderr while the program runs; so is file descriptor 1 when stdout is the process's own (a
    subprocess or C extension writes there, not through sys.stdout)."""
    real_fd = _real_stdout_fd()
    saved_fd = None
    if real_fd is not None:
        sys.stdout.flush()
        saved_fd = os.dup(real_fd)
        os.dup2(sys.stderr.fileno(), real_fd)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stderr.flush()
        if saved_fd is not None:
            os.dup2(saved_fd, real_fd)
            os.close(saved_fd)


def _real_stdout_fd() -> int | None:
    try:
        if sys.stdout is sys.__stdout__ and sys.stdout.fileno() == 1 and sys.stderr.fileno() == 2:
            return 1
    except (AttributeError, OSError, ValueError):
        pass
    return None


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise RunTimeout in this (main) thread after `seconds`; then end the process if it does not unwind. No
    limit when `seconds` is falsy or this is not the main thread (signals are delivered to the main thread only)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    fired = threading.Event()

    def expire(_signum: int, _frame: object) -> None:
        if fired.is_set():
            return
        fired.set()
        raise RunTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    grace = threading.Timer(seconds + GRACE_SECONDS, _hard_stop, args=(seconds,))
    grace.daemon = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    grace.start()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        grace.cancel()
        signal.signal(signal.SIGALRM, previous)


def _hard_stop(seconds: float) -> None:
    """The run did not unwind after RunTimeout (a callback that never returns): end the process, saying why."""
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    os.write(2, f"error: the program did not finish within {seconds:g} s (--timeout) and could not be "
                f"stopped cleanly; ended\n".encode())
    os._exit(TIMEOUT_EXIT_CODE)


def discard_event_loop() -> None:
    """After an interrupted run the loop holds tasks that will never finish: cancel them and close the loop, so
    that neither "Task was destroyed but it is pending!" nor a half-run program reaches the next run."""
    import asyncio

    with contextlib.suppress(Exception):
        loop = asyncio.get_event_loop_policy().get_event_loop()
        if loop.is_running():
            return
        for task in asyncio.all_tasks(loop):
            task.cancel()
            task._log_destroy_pending = False  # type: ignore[attr-defined]
        loop.close()
        asyncio.set_event_loop(asyncio.new_event_loop())
