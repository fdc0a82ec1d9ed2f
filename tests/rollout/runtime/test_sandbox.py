"""The fence around a program run: its output kept off stdout, a time limit that really stops it."""

from __future__ import annotations

import os
import sys
import time

import pytest

from rollout.runtime import sandbox
from rollout.runtime.sandbox import RunTimeout, program_output_to_stderr, time_limit, time_limit_from_env


def test_program_output_goes_to_stderr(capsys) -> None:
    with program_output_to_stderr():
        print("from the program")
    print("from the tool")
    captured = capsys.readouterr()
    assert captured.out == "from the tool\n" and captured.err == "from the program\n"


def test_the_time_limit_stops_a_sleep_and_a_busy_loop() -> None:
    started = time.monotonic()
    with pytest.raises(RunTimeout, match="did not finish within 0.2 s"):
        with time_limit(0.2):
            time.sleep(30)
    with pytest.raises(RunTimeout):
        with time_limit(0.2):
            while True:
                try:
                    pass
                except Exception:  # noqa: BLE001 - a program swallowing errors does not swallow the limit
                    pass
    assert time.monotonic() - started < 20


def test_no_limit_and_a_run_within_the_limit_leave_no_timer() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    with time_limit(0):
        time.sleep(0.01)
    with time_limit(5):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


@pytest.mark.parametrize(("value", "expected"), [("", 300.0), ("12.5", 12.5), ("0", 0.0)])
def test_time_limit_from_the_environment(monkeypatch, value, expected) -> None:
    monkeypatch.setenv("ROLLOUT_TIMEOUT", value)
    assert time_limit_from_env() == expected


@pytest.mark.parametrize("value", ["soon", "-1"])
def test_bad_time_limit_in_the_environment(monkeypatch, value) -> None:
    monkeypatch.setenv("ROLLOUT_TIMEOUT", value)
    with pytest.raises(ValueError, match=f"ROLLOUT_TIMEOUT={value}"):
        time_limit_from_env()


def test_a_run_that_does_not_unwind_ends_the_process(tmp_path) -> None:
    """The last resort, in a child process: RunTimeout swallowed by a bare except, the grace period then ends it."""
    import subprocess

    script = tmp_path / "stubborn.py"
    script.write_text(
        "import time\nfrom rollout.runtime import sandbox\nsandbox.GRACE_SECONDS = 0.5\n"
        "with sandbox.time_limit(0.3):\n    while True:\n        try:\n            time.sleep(10)\n"
        "        except BaseException:\n            pass\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(sandbox.__file__).rsplit("/rollout/", 1)[0]})
    assert result.returncode == 2
    assert "did not finish within 0.3 s (--timeout) and could not be stopped cleanly" in result.stderr
