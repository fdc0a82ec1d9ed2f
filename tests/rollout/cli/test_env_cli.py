"""`rollout env` through the CLI: output on stdout, bad flow or bad config → one line and exit code 2."""

import json
import textwrap

from typer.testing import CliRunner

from rollout.cli import app

MAIN = '''
import pulumi
pulumi.export("flows", {"checkout": {"FLOW_CONSISTENCY": "strong", "QUEUE_FIFO": "true"}})
'''


def _program(root, stack_body="config:\n  aws:region: ap-southeast-1\n"):
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text("name: shop\nruntime: python\nstackConfigDir: stacks\n")
    (root / "__main__.py").write_text(textwrap.dedent(MAIN))
    (root / "stacks").mkdir()
    (root / "stacks" / "Pulumi.dev.yaml").write_text(stack_body)
    return root


def test_prints_the_flow_as_json(tmp_path):
    result = CliRunner().invoke(app, ["env", "--program", str(_program(tmp_path / "p")), "--stack", "dev",
                                      "--flow", "checkout", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"FLOW_CONSISTENCY": "strong", "QUEUE_FIFO": "true"}


def test_shell_format(tmp_path):
    result = CliRunner().invoke(app, ["env", "-C", str(_program(tmp_path / "p")), "-s", "dev", "-F", "checkout",
                                      "-f", "shell"])
    assert result.stdout.splitlines() == ["export FLOW_CONSISTENCY=strong", "export QUEUE_FIFO=true"]


def test_unknown_flow_is_one_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(app, ["env", "-C", str(_program(tmp_path / "p")), "-s", "dev", "-F", "payment", "-q"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: unknown flow 'payment' in stack dev; known flows: checkout"


def test_bad_flow_config_of_our_program_is_exit_2(tmp_path, project_root):
    """Our own program with a strong flow on a standard queue: the config error, with its key path, exit 2."""
    import shutil

    program = tmp_path / "ours"
    shutil.copytree(project_root, program, ignore=shutil.ignore_patterns(".venv", ".git", "tests", "bench",
                                                                           "*.egg-info", "__pycache__"))
    (program / "stacks" / "Pulumi.bad.yaml").write_text(textwrap.dedent("""
        config:
          sme-rollout:phase: 4
          sme-rollout:site: {domain: shop.example.vn, origin: origin.shop.example.vn}
          sme-rollout:cdn: {provider: cloudfront}
          sme-rollout:queues: [{name: email}]
          sme-rollout:flows: [{name: checkout, consistency: strong, queue: email}]
    """))
    result = CliRunner().invoke(app, ["env", "-C", str(program), "-s", "bad", "-F", "checkout"])
    assert result.exit_code == 2
    assert "sme-rollout: flows: checkout: a strong flow needs a FIFO queue, but queue 'email' is eventual" in result.stderr
    assert "Traceback" not in result.stderr


def test_program_without_flows_says_so_without_phase_none(tmp_path):
    root = _program(tmp_path / "p")
    (root / "__main__.py").write_text("import pulumi\npulumi.export('site', 'x')\n")
    result = CliRunner().invoke(app, ["env", "-C", str(root), "-s", "dev", "-F", "checkout", "-q"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: stack dev exports no per-flow settings (no `flows` output): declare "
                                     "sme-rollout:flows and build phase 4 or later")


def test_progress_goes_to_stderr_and_quiet_silences_it(tmp_path):
    program = str(_program(tmp_path / "p"))
    loud = CliRunner().invoke(app, ["env", "-C", program, "-s", "dev", "-F", "checkout", "-f", "json"])
    quiet = CliRunner().invoke(app, ["env", "-C", program, "-s", "dev", "-F", "checkout", "-f", "json", "--quiet"])
    assert "offline" in loud.stderr and quiet.stderr == ""
    assert json.loads(loud.stdout) == json.loads(quiet.stdout)
