"""Reading Pulumi.yaml and stack files like the CLI: defaults merged, stackConfigDir, secure values, bad files."""

from __future__ import annotations

import pytest

from rollout.errors import UserError
from rollout.model.stackfile import SECURE_PLACEHOLDER, load_project, load_stack
from tests.rollout.programs import write_program


def test_project_defaults_merge_under_the_stack_file(tmp_path) -> None:
    program = write_program(tmp_path, "", stacks={"dev": "config:\n  shopfront:size: large\n  aws:region: us-east-1\n"},
                            project_config="""
                            config:
                              size: {type: string, default: small}
                              tier: {value: gold}
                              shopfront:phase: 3
                            """)
    stack = load_stack(program, "dev")
    assert stack.config["shopfront:size"] == "large"
    assert stack.config["shopfront:tier"] == "gold" and stack.config["shopfront:phase"] == 3
    assert stack.phase == 3 and stack.region == "us-east-1"
    assert stack.engine_config()[0]["shopfront:phase"] == "3"


def test_secure_values_are_secret_placeholders(tmp_path) -> None:
    program = write_program(tmp_path, "", stacks={"dev": "config:\n  shopfront:token:\n    secure: v1:xyz\n"})
    stack = load_stack(program, "dev")
    assert stack.secure_keys == {"shopfront:token"} and stack.config["shopfront:token"] == SECURE_PLACEHOLDER
    assert stack.engine_config()[1] == ["shopfront:token"]


def test_objects_reach_the_engine_as_json(tmp_path) -> None:
    program = write_program(tmp_path, "", stacks={"dev": "config:\n  shopfront:db: {replicas: 2, multiAz: true}\n"})
    assert load_stack(program, "dev").engine_config()[0]["shopfront:db"] == '{"replicas": 2, "multiAz": true}'


def test_region_defaults_to_singapore(tmp_path) -> None:
    assert load_stack(write_program(tmp_path, ""), "dev").region == "ap-southeast-1"


@pytest.mark.parametrize(("setup", "message"), [
    (lambda p: (p / "Pulumi.yaml").unlink(), "no Pulumi.yaml here"),
    (lambda p: (p / "Pulumi.yaml").write_text("name: x\nruntime: nodejs\n"), "runtime: 'nodejs' is not supported"),
    (lambda p: (p / "stacks" / "Pulumi.dev.yaml").write_text("config: [1, 2]\n"), "config: must be a mapping"),
    (lambda p: (p / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  a: [\n"), "invalid YAML"),
    (lambda p: (p / "stacks" / "Pulumi.dev.yaml").unlink(), "stack file not found (stacks here: none)"),
    (lambda p: (p / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  rollout:usage: {profile: huge}\n"),
     "rollout:usage.profile: Input should be 'small', 'medium' or 'large'"),
    (lambda p: (p / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  rollout:report:\n    secure: v1:a\n"),
     "rollout:report: must be a plain value, not secure"),
])
def test_bad_project_or_stack_files(tmp_path, setup, message) -> None:
    program = write_program(tmp_path, "")
    setup(program)
    with pytest.raises(UserError, match=None) as error:
        load_stack(program, "dev")
    assert message in str(error.value)


def test_bad_stack_name(tmp_path) -> None:
    with pytest.raises(UserError, match="not a valid stack name"):
        load_stack(write_program(tmp_path, ""), "../etc")


def test_main_may_be_a_directory(tmp_path) -> None:
    program = write_program(tmp_path, "")
    (program / "app").mkdir()
    (program / "app" / "__main__.py").write_text("")
    (program / "Pulumi.yaml").write_text("name: shopfront\nruntime: {name: python}\nmain: app\n")
    assert load_project(program).main == program / "app" / "__main__.py"


@pytest.mark.parametrize(("line", "message"), [
    ("aws:region: 5", "aws:region: must be a region name such as ap-southeast-1"),
    ("shopfront:region: ''", "shopfront:region: must be a region name such as ap-southeast-1"),
    ("shopfront:phase: abc", "shopfront:phase: must be a whole number"),
    ("shopfront:phase: true", "shopfront:phase: must be a whole number"),
])
def test_keys_the_tool_reads_must_have_their_type(tmp_path, line, message) -> None:
    program = write_program(tmp_path, "", stacks={"dev": f"config:\n  {line}\n"})
    with pytest.raises(UserError) as error:
        load_stack(program, "dev")
    assert error.value.problems == [f"{program}/stacks/Pulumi.dev.yaml: {message}"]
