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
    (lambda p: (p / "Pulumi.yaml").write_text("name: x\nruntime: nodejs\n"), "runtime: nodejs is not supported"),
    (lambda p: (p / "stacks" / "Pulumi.dev.yaml").write_text("config: [1, 2]\n"), "config: must be a mapping"),
    (lambda p: (p / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  a: [\n"), "invalid YAML"),
    (lambda p: (p / "stacks" / "Pulumi.dev.yaml").unlink(), "stack file not found (stacks here: none)"),
    (lambda p: (p / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  rollout:usage: {profile: huge}\n"),
     "rollout:usage.profile: must be small, medium or large, not huge"),
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


@pytest.mark.parametrize("file", ["Pulumi.yaml", "stacks/Pulumi.dev.yaml"])
def test_a_file_that_is_not_utf8_is_one_line_naming_it(tmp_path, file) -> None:
    program = write_program(tmp_path, "")
    target = program / file
    target.write_bytes(target.read_bytes() + b"# caf\xe9\n")
    with pytest.raises(UserError) as error:
        load_stack(program, "dev")
    [line] = error.value.problems
    assert line.endswith("not UTF-8 text (byte 0xe9); save the file as UTF-8") and file in line


def test_duplicate_keys_are_rejected_with_their_lines(tmp_path) -> None:
    body = "config:\n  shopfront:phase: 2\n  aws:region: us-east-1\n  shopfront:phase: 3\n"
    program = write_program(tmp_path, "", stacks={"dev": body})
    with pytest.raises(UserError) as error:
        load_stack(program, "dev")
    assert "Pulumi.dev.yaml:4:3: invalid YAML: key shopfront:phase is given twice (first on line 2)" in str(error.value)


def test_nested_duplicate_keys_are_rejected_too(tmp_path) -> None:
    body = "config:\n  shopfront:db:\n    replicas: 1\n    replicas: 2\n"
    with pytest.raises(UserError, match="key replicas is given twice"):
        load_stack(write_program(tmp_path, "", stacks={"dev": body}), "dev")


def test_phase_as_pulumi_config_set_writes_it(tmp_path) -> None:
    program = write_program(tmp_path, "", stacks={"dev": 'config:\n  shopfront:phase: "6"\n'})
    stack = load_stack(program, "dev")
    assert stack.phase == 6 and stack.engine_config()[0]["shopfront:phase"] == "6"


def test_a_secure_value_inside_a_section_makes_the_key_secret(tmp_path) -> None:
    body = "config:\n  shopfront:db:\n    replicas: 1\n    password:\n      secure: v1:abc\n"
    stack = load_stack(write_program(tmp_path, "", stacks={"dev": body}), "dev")
    assert stack.secure_keys == {"shopfront:db"}
    assert stack.config["shopfront:db"] == {"replicas": 1, "password": SECURE_PLACEHOLDER}


def test_the_project_is_found_in_a_parent_folder(tmp_path, monkeypatch) -> None:
    program = write_program(tmp_path / "proj", "")
    (program / "src" / "deep").mkdir(parents=True)
    monkeypatch.chdir(program / "src" / "deep")
    assert load_project(".").directory == program.resolve()
    assert load_stack(".", "dev").path == program.resolve() / "stacks" / "Pulumi.dev.yaml"


def test_paths_in_errors_are_relative_to_the_current_folder(tmp_path, monkeypatch) -> None:
    program = write_program(tmp_path / "proj", "", stacks={"dev": "config: [1]\n"})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError) as error:
        load_stack(program, "dev")
    assert str(error.value) == "proj/stacks/Pulumi.dev.yaml: config: must be a mapping"


def test_region_source_and_the_warning_when_it_is_assumed(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    bare = load_stack(write_program(tmp_path / "a", ""), "dev")
    assert bare.region == "ap-southeast-1" and bare.region_source is None
    assert "no aws:region" in bare.region_warning and "ap-southeast-1" in bare.region_warning
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    from_env = load_stack(write_program(tmp_path / "b", ""), "dev")
    assert (from_env.region, from_env.region_source, from_env.region_warning) == ("eu-west-1", "AWS_DEFAULT_REGION", None)
    configured = load_stack(write_program(tmp_path / "c", "", stacks={"dev": "config:\n  aws:region: us-east-1\n"}), "dev")
    assert (configured.region, configured.region_source) == ("us-east-1", "aws:region")
