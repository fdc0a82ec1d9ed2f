"""The forking worker: a fresh child per run gives the same inventory as an in-process run, sees every change,
reports the program's errors as in-process runs do, and stops by itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rollout.errors import OfflineLimitError, ProgramError, UserError
from rollout.model.stackfile import load_stack
from rollout.runtime import worker
from rollout.runtime.synth import synthesize
from tests.rollout.programs import write_program

MAIN = '''
import pulumi
import pulumi_aws as aws

print("hello from the program")
bucket = aws.s3.Bucket("assets", tags={"team": pulumi.Config().get("team") or "shop"})
pulumi.export("bucket", bucket.bucket)
'''


def wait_for(path: Path, present: bool = True, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while path.exists() != present:
        assert time.monotonic() < deadline, f"{path} {'never appeared' if present else 'stayed'}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory):
    """A worker on a socket in a temporary cache folder, stopped after the module's tests."""
    folder = tmp_path_factory.mktemp("cache")
    os.environ["ROLLOUT_CACHE_DIR"] = str(folder)
    path = worker.socket_path()
    process = subprocess.Popen([sys.executable, "-m", "rollout.runtime.worker", str(path)], start_new_session=True)
    try:
        wait_for(path)
        yield path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        os.environ.pop("ROLLOUT_CACHE_DIR", None)


@pytest.fixture
def program(tmp_path: Path) -> Path:
    return write_program(tmp_path / "shop", MAIN, stacks={"dev": "config:\n  aws:region: ap-southeast-1\n"})


def test_a_run_in_the_worker_equals_a_run_in_process(running, program, capsys) -> None:
    stack_file = load_stack(program, "dev")
    remote = worker.run_in_worker(stack_file, None)
    assert remote is not None
    assert "hello from the program" in capsys.readouterr().err  # the program's output, shown on stderr
    assert remote == synthesize(program, "dev", stack_file=stack_file)


def test_every_run_reads_the_program_afresh(running, program) -> None:
    first = worker.run_in_worker(load_stack(program, "dev"), None)
    (program / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  aws:region: ap-southeast-1\n  shopfront:team: ops\n")
    second = worker.run_in_worker(load_stack(program, "dev"), None)
    tags = [[r.inputs["tags"] for r in inventory if r.name == "assets"] for inventory in (first, second)]
    assert tags == [[{"team": "shop"}], [{"team": "ops"}]]


def test_errors_come_back_as_in_process(running, program) -> None:
    (program / "__main__.py").write_text("raise ValueError('broken on purpose')\n")
    with pytest.raises(ProgramError, match="ValueError: broken on purpose"):
        worker.run_in_worker(load_stack(program, "dev"), None)
    (program / "__main__.py").write_text(
        "class Bad(Exception):\n    problems = ['sme-rollout:phase: must be between 1 and 6']\nraise Bad()\n")
    with pytest.raises(UserError) as remote:
        worker.run_in_worker(load_stack(program, "dev"), None)
    with pytest.raises(UserError) as local:
        synthesize(program, "dev")
    assert remote.value.problems == local.value.problems
    assert remote.value.problems[0].endswith("Pulumi.dev.yaml: sme-rollout:phase: must be between 1 and 6")
    (program / "__main__.py").write_text(
        "import pulumi\npulumi.runtime.invoke('acme:index/getThing:getThing', {}).value['endpoint']\n")
    with pytest.raises(OfflineLimitError, match="data source acme:index/getThing:getThing"):
        worker.run_in_worker(load_stack(program, "dev"), None)


def test_no_worker_means_run_here_and_start_one(tmp_path, monkeypatch, program) -> None:
    monkeypatch.setenv("ROLLOUT_CACHE_DIR", str(tmp_path / "empty"))
    started: list[Path] = []
    monkeypatch.setattr(worker, "_start", started.append)
    assert worker.run_in_worker(load_stack(program, "dev"), None) is None
    stale = worker.socket_path()
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("")  # a socket file nobody listens on (a worker that was killed)
    assert worker.run_in_worker(load_stack(program, "dev"), None) is None
    assert started == [stale, stale]


def test_an_idle_worker_stops_and_removes_its_socket(tmp_path) -> None:
    path = tmp_path / "w.sock"
    code = f"from pathlib import Path; from rollout.runtime.worker import serve; serve(Path({str(path)!r}), 1)"
    process = subprocess.Popen([sys.executable, "-c", code])
    wait_for(path)
    assert process.wait(timeout=60) == 0
    assert not path.exists()


@pytest.mark.parametrize(("setting", "tty", "expected"), [
    ("1", False, True), ("0", True, False), ("", True, True), ("", False, False)])
def test_used_on_terminals_or_when_asked(monkeypatch, setting, tty, expected) -> None:
    monkeypatch.setenv("ROLLOUT_WORKER", setting)

    class Stdin:
        def isatty(self) -> bool:
            return tty

    monkeypatch.setattr(sys, "stdin", Stdin())
    assert worker.wanted() is expected
