"""Errors the CLI turns into lines and exit code 2."""

from __future__ import annotations

from rollout.errors import MissingToolError, ProgramError, UserError


def test_user_error_keeps_one_line_per_problem_and_drops_empty_ones() -> None:
    error = UserError("a.yaml: x: bad", "", "a.yaml: y: worse")
    assert error.problems == ["a.yaml: x: bad", "a.yaml: y: worse"]
    assert str(error) == "a.yaml: x: bad\na.yaml: y: worse"
    assert error.exit_code == 2


def test_missing_tool_is_bad_input_and_program_error_exits_2() -> None:
    assert issubclass(MissingToolError, UserError)
    assert ProgramError.exit_code == 2
