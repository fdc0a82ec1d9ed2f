"""What a new user (or an adversarial tester) meets in the first hour, through the CLI: nothing ends in a traceback,
a lost file, a broken JSON document or a hung terminal (issue 19)."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rollout.cli import app
from tests.rollout.programs import PHASED_PROGRAM, PHASED_STACK, write_program

runner = CliRunner()
REPO = Path(__file__).resolve().parents[3]

CHATTY = '''
import pulumi_aws as aws
print("debug: building the queue")
aws.sqs.Queue("jobs", visibility_timeout_seconds=30)
'''


@pytest.fixture
def phased(tmp_path) -> Path:
    return write_program(tmp_path / "shop", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})


def rollout_process(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`rollout ARGS` as its own process, with the default SIGINT disposition whatever the test runner's is."""
    return subprocess.Popen([sys.executable, "-c", "from rollout.cli import main; main()", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


# --- files: write through symlinks, refuse special files ----------------------------------------------------------


def test_save_writes_through_a_symlink(phased, tmp_path) -> None:
    real = tmp_path / "baselines" / "main.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "baseline.json"
    link.symlink_to(real)
    result = runner.invoke(app, ["plan", "-C", str(phased), "-s", "dev", "-q", "--save", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and json.loads(real.read_text())[0]["stack"] == "dev"
    assert f"saved to {link}" in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_save_refuses_a_fifo_or_folder_before_running(phased, tmp_path, kind) -> None:
    (phased / "__main__.py").write_text("raise RuntimeError('the program must not run')\n")
    target = tmp_path / "target"
    os.mkfifo(target) if kind == "fifo" else target.mkdir()
    for command in (["plan", "--save"], ["diagram", "--output"]):
        result = runner.invoke(app, [command[0], "-C", str(phased), "-s", "dev", "-q", command[1], str(target)])
        assert result.exit_code == 2, result.output
        expected = "not a regular file" if kind == "fifo" else "is a directory"  # click checks folders itself
        assert expected in result.stderr and "Traceback" not in result.output
    assert stat.S_ISFIFO(target.stat().st_mode) if kind == "fifo" else target.is_dir()


def test_prices_catalog_refuses_a_fifo(tmp_path) -> None:
    fifo = tmp_path / "catalog.json"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["prices", "refresh", "--region", "ap-southeast-1", "--from", str(tmp_path),
                                 "--catalog", str(fifo)])
    assert result.exit_code == 2 and "FIFO" in result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)


# --- the program's own output, sys.exit, a program that never ends ------------------------------------------------


@pytest.mark.parametrize(("command", "fmt"), [("plan", "json"), ("check", "sarif"), ("check", "json"),
                                              ("cost", "json")])
def test_what_the_program_prints_does_not_break_the_document(tmp_path, command, fmt) -> None:
    program = write_program(tmp_path / "chatty", CHATTY)
    result = runner.invoke(app, [command, "-C", str(program), "-s", "dev", "-q", "--format", fmt])
    assert result.exit_code in (0, 1), result.output
    json.loads(result.stdout)  # exactly one document
    assert "debug: building the queue" in result.stderr


def test_sys_exit_in_the_program_is_a_program_error(tmp_path) -> None:
    program = write_program(tmp_path / "quits", "import sys\nimport pulumi\nsys.exit(3)\n")
    result = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "-q"])
    assert result.exit_code == 2
    assert "called sys.exit(3) before it finished (at __main__.py:3)" in result.stderr


def test_timeout_stops_a_program_that_never_ends(tmp_path) -> None:
    program = write_program(tmp_path / "slow", "import time\nimport pulumi\ntime.sleep(3600)\n")
    started = time.monotonic()
    result = runner.invoke(app, ["check", "-C", str(program), "-s", "dev", "-q", "--timeout", "1"])
    assert result.exit_code == 2, result.output
    assert "did not finish within 1 s" in result.stderr and "Traceback" not in result.output
    assert time.monotonic() - started < 120  # bounded, not a timing assertion on the limit itself


def test_timeout_from_the_environment_and_bad_values(tmp_path) -> None:
    program = write_program(tmp_path / "slow", "import time\nimport pulumi\ntime.sleep(3600)\n")
    result = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "-q"], env={"ROLLOUT_TIMEOUT": "1"})
    assert result.exit_code == 2 and "did not finish within 1 s" in result.stderr
    bad = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "-q", "--timeout", "-5"])
    assert bad.exit_code == 2 and "--timeout" in bad.output


# --- Ctrl-C and pipes, in real processes ---------------------------------------------------------------------------


def test_one_ctrl_c_during_synthesis_ends_promptly_with_130(tmp_path) -> None:
    program = write_program(tmp_path / "slow", "import time\nimport pulumi_aws as aws\naws.sqs.Queue('q')\n"
                                               "print('started', flush=True)\ntime.sleep(3600)\n")
    process = rollout_process("check", "-C", str(program), "-s", "dev", "--format", "sarif", "-q", cwd=tmp_path)
    deadline = time.monotonic() + 120
    line = ""
    while "started" not in line and time.monotonic() < deadline:  # the program prints on stderr once it runs
        line = process.stderr.readline()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stdout == "" and "interrupted" in stderr
    assert "Task was destroyed" not in stderr and "Traceback" not in stderr


def test_plan_into_head_exits_0_quietly(phased, tmp_path) -> None:
    process = rollout_process("plan", "-C", str(phased), "-s", "dev", "-q", "--detail", cwd=tmp_path)
    process.stdout.readline()
    process.stdout.close()  # what `head -1` does after its line
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert stderr == ""


# --- warnings are not progress -------------------------------------------------------------------------------------


def test_quiet_hides_progress_but_not_warnings(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    program = write_program(tmp_path / "shop", CHATTY, stacks={"dev": """
        config:
          rollout:waivers:
            - {control: SQS-01, resource: nosuchqueue, reason: typo on purpose}
            - {control: SQS-02, resource: jobs, reason: old, expires: 2020-01-01}
        """})
    result = runner.invoke(app, ["check", "-C", str(program), "-s", "dev", "-q", "--format", "json"])
    warnings = json.loads(result.stdout)["warnings"]
    assert any("no aws:region" in w and "ap-southeast-1" in w for w in warnings)
    assert any("names nosuchqueue, which is no resource" in w for w in warnings)
    assert any("expired on 2020-01-01" in w for w in warnings)
    assert result.stderr.count("warning: ") == 3
    sarif = runner.invoke(app, ["check", "-C", str(program), "-s", "dev", "-q", "--format", "sarif"])
    notes = json.loads(sarif.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == warnings and {n["level"] for n in notes} == {"warning"}
    plan = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "-q", "--format", "json"])
    assert any("no aws:region" in w for w in json.loads(plan.stdout)["warnings"])


# --- finding the project, help ---------------------------------------------------------------------------------------


def test_rollout_finds_pulumi_yaml_in_a_parent_folder(phased, monkeypatch) -> None:
    (phased / "app" / "templates").mkdir(parents=True)
    monkeypatch.chdir(phased / "app" / "templates")
    result = runner.invoke(app, ["plan", "-s", "dev", "-q", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stack"] == "dev"


def test_a_stack_file_that_is_not_utf8_is_one_line(phased) -> None:
    stack = phased / "stacks" / "Pulumi.dev.yaml"
    stack.write_bytes(stack.read_bytes() + b"# \xff\xfe\n")
    result = runner.invoke(app, ["plan", "-C", str(phased), "-s", "dev", "-q"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip().endswith("not UTF-8 text (byte 0xff); save the file as UTF-8")


def test_duplicate_keys_in_a_stack_file_are_rejected(phased) -> None:
    stack = phased / "stacks" / "Pulumi.dev.yaml"
    stack.write_text(stack.read_text() + "  aws:region: eu-west-1\n")
    result = runner.invoke(app, ["plan", "-C", str(phased), "-s", "dev", "-q"])
    assert result.exit_code == 2 and "key aws:region is given twice (first on line 4)" in result.stderr


@pytest.mark.parametrize("command", [["plan"], ["check"], ["cost"], ["diff"], ["diagram"], ["preview"], ["up"],
                                     ["destroy"], ["env"], ["assess"], ["loadtest"], ["audit"],
                                     ["prices", "refresh"], ["drill", "backup"]])
def test_every_command_has_short_help_with_examples_and_no_type_placeholders(command) -> None:
    short = runner.invoke(app, [*command, "-h"])
    assert short.exit_code == 0, short.output
    assert short.stdout == runner.invoke(app, [*command, "--help"]).stdout
    assert "Examples:" in short.stdout and f"rollout {' '.join(command)} " in short.stdout
    assert "list[" not in short.stdout and "<list" not in short.stdout
