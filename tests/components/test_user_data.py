"""The boot script: rendered for every stack of ours, it parses (bash -n), passes shellcheck, holds no secret value
and runs the configured image on the configured port with the health check path."""

from __future__ import annotations

import base64
import functools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from components.user_data import ENV_FILE, BootSpec, render

ROOT = Path(__file__).resolve().parents[2]
STACKS = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
SPEC = BootSpec(service="web", region="ap-southeast-1", registry="123456789012.dkr.ecr.ap-southeast-1.amazonaws.com",
                repository="dev/web", image="1.2.3", port=8080, health_check_path="/healthz",
                env_parameter="/sme-rollout/dev/web/env", log_group="/sme-rollout/dev/app")


@functools.cache
def _scripts(stack: str) -> dict[str, str]:
    """Service name -> decoded user data of its launch template, at phase 6 of the stack."""
    from rollout.runtime.synth import synthesize

    inventory = synthesize(ROOT, stack, phase=6)
    return {r.name.removeprefix("web-"): base64.b64decode(r.inputs["userData"]).decode()
            for r in inventory.of_type("aws:ec2/launchTemplate:LaunchTemplate")}


def _services(stack: str) -> dict[str, dict]:
    from rollout.model.stackfile import load_stack

    config = load_stack(ROOT, stack).config
    return {s["name"]: s for s in config.get("sme-rollout:services", [])}


def _bash_n(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True, timeout=30)


@pytest.mark.parametrize("stack", STACKS)
def test_every_service_gets_a_script_that_parses(stack):
    scripts = _scripts(stack)
    assert set(scripts) == set(_services(stack))
    for name, script in scripts.items():
        result = _bash_n(script)
        assert result.returncode == 0, f"{stack}/{name}: {result.stderr}"


@pytest.mark.skipif(shutil.which("shellcheck") is None,
                    reason="shellcheck is not installed (apt-get install shellcheck; .ci/run installs it)")
@pytest.mark.parametrize("stack", STACKS)
def test_every_script_passes_shellcheck(stack):
    for name, script in _scripts(stack).items():
        result = subprocess.run(["shellcheck", "--shell=bash", "-"], input=script, text=True, capture_output=True,
                                timeout=60)
        assert result.returncode == 0, f"{stack}/{name}:\n{result.stdout}"


@pytest.mark.parametrize("stack", STACKS)
def test_runs_the_configured_image_on_the_configured_port(stack):
    for name, script in _scripts(stack).items():
        service = _services(stack)[name]
        port = service.get("port", 8080)
        assert re.search(rf"/{stack}/{name}:{re.escape(service['image'])}'?\s*$", script, re.M), name
        assert f"-p {port}:{port}" in script and f"-e PORT={port}" in script
        assert f"http://127.0.0.1:{port}{service.get('healthCheckPath', '/healthz')}" in script
        assert f"/sme-rollout/{stack}/{name}/env" in script
        assert "--log-driver awslogs" in script


@pytest.mark.parametrize("stack", STACKS)
def test_holds_no_secret_value(stack):
    for name, script in _scripts(stack).items():
        lowered = script.lower()
        assert "arn:aws:secretsmanager" not in lowered, name  # not even references: they live in SSM
        # no literal credential assignment (runtime values like token=$(curl ...) are read at boot, not stored)
        assert not re.search(r"(password|secret|token|key)\s*=\s*[\"']?[^\s$\"'(]{6,}", lowered), name
        assert not re.search(r"AKIA[0-9A-Z]{16}", script), name
        # the environment comes from the parameter at boot, into a root-only file
        assert f"> {ENV_FILE}" in script and "umask 077" in script


def test_render_quotes_and_pins():
    script = render(SPEC)
    assert "docker pull 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/dev/web:1.2.3" in script
    digest = render(BootSpec(**{**SPEC.__dict__, "image": "sha256:" + "b" * 64}))
    assert "dev/web@sha256:" + "b" * 64 in digest
    assert _bash_n(script).returncode == 0


@pytest.mark.parametrize("image", ["latest", "", "1.0 ; rm -rf /", "sha256:xyz"])
def test_moving_or_malformed_images_are_refused(image):
    with pytest.raises(ValueError):
        BootSpec(**{**SPEC.__dict__, "image": image})


@pytest.mark.skipif(shutil.which("shellcheck") is None,
                    reason="shellcheck is not installed (apt-get install shellcheck; .ci/run installs it)")
def test_before_the_app_log_group_exists_logs_go_to_the_journal():
    script = render(BootSpec(**{**SPEC.__dict__, "log_group": None}))
    assert "--log-driver journald" in script and "awslogs" not in script and "instance_id" not in script
    assert _bash_n(script).returncode == 0
    result = subprocess.run(["shellcheck", "--shell=bash", "-"], input=script, text=True, capture_output=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout


def test_fails_the_boot_when_the_health_check_never_answers():
    script = render(SPEC)
    assert script.rstrip().endswith("exit 1")
    assert "did not answer" in script
