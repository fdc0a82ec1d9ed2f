"""The offline runtime on programs that are not ours: URNs, parents, secrets, phases, isolation, errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rollout.errors import OfflineLimitError, ProgramError, UserError
from rollout.model.inventory import UNKNOWN, Inventory, Secret
from rollout.runtime.synth import synthesize
from tests.rollout.programs import PHASED_PROGRAM, PHASED_STACK, write_program


@pytest.fixture
def program(tmp_path):
    return write_program(tmp_path / "shopfront", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})


def test_records_every_resource_with_engine_style_urns(program) -> None:
    inventory = synthesize(program, "dev")
    urns = {r.urn for r in inventory}
    assert (
        "urn:pulumi:dev::shopfront::shopfront:phases:Phase$shopfront:storage:Store$aws:s3/bucket:Bucket::assets-bucket"
        in urns
    )
    assert "urn:pulumi:dev::shopfront::shopfront:phases:Phase$aws:sqs/queue:Queue::jobs" in urns
    assert len(inventory.custom_resources()) == 4
    assert inventory.project == "shopfront" and inventory.stack == "dev" and inventory.phase == 2


def test_parent_protect_dependencies_and_phase(program) -> None:
    by_name = {r.name: r for r in synthesize(program, "dev")}
    bucket, policy, queue = by_name["assets-bucket"], by_name["assets-policy"], by_name["jobs"]
    assert bucket.parent == by_name["assets"].urn and bucket.protect is True
    assert policy.protect is False  # protect is set on the bucket only
    assert policy.property_dependencies["bucket"] == (bucket.urn,)
    assert bucket.urn in policy.dependencies
    assert policy.inputs["bucket"] == bucket.name + "-" + policy.inputs["bucket"].split("-")[-1]
    assert (bucket.phase, policy.phase, queue.phase) == (1, 1, 2)


def test_computed_outputs_flow_into_dependent_inputs(program) -> None:
    by_name = {r.name: r for r in synthesize(program, "dev")}
    policy = by_name["assets-policy"]
    assert '"Resource": "arn:aws:s3:::' + policy.inputs["bucket"] + '"' in policy.inputs["policy"]


def test_secure_config_is_a_secret_of_unknown_value(program) -> None:
    db = next(r for r in synthesize(program, "dev") if r.name == "db")
    assert db.inputs["password"] == Secret(UNKNOWN)


def test_stack_outputs_are_resolved(program) -> None:
    outputs = synthesize(program, "dev").outputs
    assert outputs["bucket"].startswith("assets-bucket-")
    assert outputs["queueUrl"].startswith("https://sqs.us-east-1.amazonaws.com/")


def test_two_phases_in_one_process_do_not_leak(program) -> None:
    phase2 = synthesize(program, "dev", phase=2)
    phase1 = synthesize(program, "dev", phase=1)
    again = synthesize(program, "dev", phase=2)
    assert len(phase1.custom_resources()) == 2 and "queueUrl" not in phase1.outputs
    assert [r.urn for r in again] == [r.urn for r in phase2]
    assert again.outputs == phase2.outputs


def test_two_programs_in_one_process_do_not_share_modules(tmp_path) -> None:
    helper = "def bucket_name():\n    return {!r}\n"
    main = "import pulumi, pulumi_aws as aws\nimport naming\naws.s3.Bucket(naming.bucket_name())\n"
    first = write_program(tmp_path / "a", main, name="a")
    second = write_program(tmp_path / "b", main, name="b")
    (first / "naming.py").write_text(helper.format("first"))
    (second / "naming.py").write_text(helper.format("second"))
    assert [r.name for r in synthesize(first, "dev")] == ["first"]
    assert [r.name for r in synthesize(second, "dev")] == ["second"]
    assert [r.name for r in synthesize(first, "dev")] == ["first"]


def test_a_program_module_named_like_an_imported_one_is_the_programs(tmp_path) -> None:
    import secrets

    # pydantic has imported the standard library's secrets; under `pulumi up` the program's secrets.py wins
    assert sys.modules["secrets"] is secrets
    main = ("import pulumi_aws as aws\nfrom secrets import KEY_NAME\n"
            "aws.ec2.KeyPair(KEY_NAME, public_key='ssh-ed25519 A')\n")
    program = write_program(tmp_path / "own", main)
    (program / "secrets.py").write_text("KEY_NAME = 'deployer'\n")
    assert [r.name for r in synthesize(program, "dev")] == ["deployer"]
    assert sys.modules["secrets"] is secrets and secrets.token_hex(4)


def test_duplicate_urns_are_rejected(tmp_path) -> None:
    main = "import pulumi_aws as aws\naws.sqs.Queue('same')\naws.sqs.Queue('same')\n"
    with pytest.raises(ProgramError, match="duplicate URNs.*Queue::same"):
        synthesize(write_program(tmp_path / "dup", main), "dev")


def test_program_exception_names_the_program_and_line(tmp_path) -> None:
    main = "import pulumi\n\nraise RuntimeError('boom: no origin configured')\n"
    program = write_program(tmp_path / "broken", main)
    with pytest.raises(ProgramError) as error:
        synthesize(program, "dev")
    message = str(error.value)
    assert str(program) in message and "RuntimeError: boom: no origin configured" in message
    assert "__main__.py:3" in message


def test_a_missing_package_says_where_to_install_it(tmp_path) -> None:
    program = write_program(tmp_path / "needs", "import pulumi\nimport jinja2_not_installed_here\n")
    (program / "requirements.txt").write_text("pulumi\njinja2\n")
    with pytest.raises(ProgramError) as error:
        synthesize(program, "dev")
    message = str(error.value)
    assert "ModuleNotFoundError: No module named 'jinja2_not_installed_here' (at __main__.py:2)" in message
    assert f"the program runs in rollout's Python, {sys.prefix}" in message
    assert f"{Path(sys.executable).parent / 'pip'} install -r {program / 'requirements.txt'}" in message


def test_an_argument_the_sdk_no_longer_takes_names_the_installed_version(tmp_path) -> None:
    from importlib import metadata

    main = "import pulumi_aws as aws\naws.ec2.Eip('nat', vpc=True)\n"  # `vpc` was removed in pulumi-aws 7
    with pytest.raises(ProgramError) as error:
        synthesize(write_program(tmp_path / "old", main), "dev")
    assert "unexpected keyword argument 'vpc' (at __main__.py:2)" in str(error.value)
    assert (f"(rollout runs pulumi-aws {metadata.version('pulumi-aws')}: the program may be written for another "
            "major version)") in str(error.value)


def test_a_name_the_sdk_no_longer_has_names_the_installed_version(tmp_path) -> None:
    from importlib import metadata

    main = "import pulumi_aws as aws\nami = aws.get_ami(most_recent=True)\n"  # aws.ec2.get_ami since pulumi-aws 7
    with pytest.raises(ProgramError) as error:
        synthesize(write_program(tmp_path / "old", main), "dev")
    assert "module 'pulumi_aws' has no attribute 'get_ami' (at __main__.py:2)" in str(error.value)
    assert f"(rollout runs pulumi-aws {metadata.version('pulumi-aws')}:" in str(error.value)


def test_a_program_whose_own_connection_fails_is_an_offline_limit(tmp_path) -> None:
    import socket

    with socket.socket() as probe:  # a port on 127.0.0.1 that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    main = f"import urllib.request\nurllib.request.urlopen('http://127.0.0.1:{port}/api/', timeout=2)\n"
    with pytest.raises(OfflineLimitError) as error:
        synthesize(write_program(tmp_path / "fetches", main), "dev")
    assert "the program reaches the network itself and the connection failed" in str(error.value)
    assert "URLError: <urlopen error [Errno 111] Connection refused> (at __main__.py:2)" in str(error.value)


def test_a_program_calling_aws_without_credentials_is_an_offline_limit(tmp_path, monkeypatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookup: nothing leaves the host
    main = "import boto3\nsubnets = boto3.client('ec2', region_name='us-east-1').describe_subnets()\n"
    with pytest.raises(OfflineLimitError) as error:
        synthesize(write_program(tmp_path / "calls", main), "dev")
    assert error.value.exit_code == 3
    assert "the program calls AWS itself (boto3) and no AWS credentials are set" in str(error.value)
    assert "NoCredentialsError: Unable to locate credentials (at __main__.py:2)" in str(error.value)


def test_program_config_problems_become_key_path_lines(tmp_path) -> None:
    main = ("class ConfigError(ValueError):\n    def __init__(self, problems):\n        self.problems = problems\n"
            "        super().__init__(problems)\nraise ConfigError(['shopfront:size: must be small or large'])\n")
    with pytest.raises(UserError) as error:
        synthesize(write_program(tmp_path / "cfg", main), "dev")
    assert error.value.problems == [f"{tmp_path}/cfg/stacks/Pulumi.dev.yaml: shopfront:size: must be small or large"]


def test_inventory_round_trips_through_json(program) -> None:
    inventory = synthesize(program, "dev")
    again = Inventory.from_json(inventory.to_json())
    assert [r.to_json() for r in again] == [r.to_json() for r in inventory]
    db = next(r for r in again if r.name == "db")
    assert db.inputs["password"] == Secret(UNKNOWN)


def test_runs_after_an_earlier_asyncio_run_closed_the_loop(program) -> None:
    """`asyncio.run` (an HTTP client, another tool) leaves the thread without a usable loop; synth must cope."""
    import asyncio

    async def nothing() -> None:
        return None

    asyncio.run(nothing())
    assert len(synthesize(program, "dev").custom_resources()) == 4


def test_explicit_provider_is_recorded_by_urn(synth) -> None:
    import pulumi
    import pulumi_aws as aws

    def program() -> None:
        singapore = aws.Provider("singapore", region="ap-southeast-1")
        aws.sqs.Queue("jobs", opts=pulumi.ResourceOptions(provider=singapore))
        aws.sqs.Queue("default")

    by_name = {r.name: r for r in synth(program)}
    assert (
        by_name["jobs"].provider == by_name["singapore"].urn == "urn:pulumi:test::test::pulumi:providers:aws::singapore"
    )
    assert by_name["default"].provider is None


def test_delete_before_replace_is_recorded_and_reaches_the_controls(synth) -> None:
    import pulumi
    import pulumi_aws as aws

    from rollout.analysis.check import subjects_of

    def program() -> None:
        aws.acm.Certificate("swapped", domain_name="shop.example", validation_method="DNS",
                            opts=pulumi.ResourceOptions(delete_before_replace=True))
        aws.acm.Certificate("default", domain_name="shop.example", validation_method="DNS")

    inventory = synth(program)
    by_name = {r.name: r for r in inventory}
    assert by_name["swapped"].delete_before_replace is True and by_name["default"].delete_before_replace is False
    again = Inventory.from_json(inventory.to_json())
    assert {r.name: r.delete_before_replace for r in again.custom_resources()} == {"swapped": True, "default": False}
    assert {s.name: dict(s.options) for s in subjects_of(inventory)} == {
        "swapped": {"deleteBeforeReplace": True}, "default": {}}


def test_the_event_loops_the_sdk_opens_are_closed_at_exit(program) -> None:
    """The SDK leaves one event loop per executor thread; unclosed, they print 'Invalid file descriptor: -1'
    noise at interpreter exit. The runtime records them and closes them at exit (here called directly, in a
    child process so that this process keeps its loops)."""
    import subprocess
    import sys

    script = ("from rollout.runtime import synth\n"
              f"synth.synthesize({str(program)!r}, 'dev', phase=2)\n"
              "opened = synth.open_event_loops()\n"
              "closed = synth.close_event_loops()\n"
              "print(opened, closed, synth.open_event_loops())\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    opened, closed, left = map(int, result.stdout.split())
    assert opened >= 2 and closed == opened and left == 0  # the main thread's loop and the executor threads'
    assert result.stderr == ""


def test_what_the_program_prints_goes_to_stderr(tmp_path, capsys) -> None:
    main = "import pulumi_aws as aws\nprint('debug: building')\naws.sqs.Queue('jobs')\n"
    inventory = synthesize(write_program(tmp_path / "chatty", main), "dev")
    captured = capsys.readouterr()
    assert len(inventory.custom_resources()) == 1
    assert "debug: building" in captured.err and "debug: building" not in captured.out


@pytest.mark.parametrize(("call", "shown"), [("sys.exit(3)", "sys.exit(3)"), ("sys.exit()", "sys.exit(None)"),
                                             ("sys.exit('no origin')", "sys.exit(no origin)")])
def test_sys_exit_in_a_program_is_a_program_error(tmp_path, call, shown) -> None:
    main = f"import sys\nimport pulumi_aws as aws\naws.sqs.Queue('jobs')\n{call}\n"
    with pytest.raises(ProgramError) as error:
        synthesize(write_program(tmp_path / "quits", main), "dev")
    assert f"called {shown} before it finished (at __main__.py:4)" in str(error.value)


def test_a_program_past_its_time_limit_is_stopped(tmp_path) -> None:
    main = "import time\nimport pulumi_aws as aws\naws.sqs.Queue('jobs')\ntime.sleep(600)\n"
    program = write_program(tmp_path / "slow", main)
    with pytest.raises(ProgramError, match=r"did not finish within 1 s \(--timeout"):
        synthesize(program, "dev", time_limit=1)
    # the process is fit for the next run
    fast = write_program(tmp_path / "fast", "import pulumi_aws as aws\naws.sqs.Queue('jobs')\n")
    assert len(synthesize(fast, "dev").custom_resources()) == 1
