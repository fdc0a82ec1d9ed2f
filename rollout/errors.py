"""Errors the CLI turns into one clear line and exit code 2 (bad input), never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input from the user: config, arguments, files or URLs. Exit code 2.

    `problems` holds one line per problem (already prefixed with where it is, e.g. the stack file and key path).
    """

    exit_code = 2

    def __init__(self, *problems: str) -> None:
        self.problems = [p for p in problems if p]
        super().__init__("\n".join(self.problems))


class ProgramError(Exception):
    """The Pulumi program under analysis raised: reported naming the program, exit code 2."""

    exit_code = 2


class OfflineLimitError(ProgramError):
    """The program ran into a limit of the offline runtime (a data source or provider function it cannot answer, a
    `secure:` value it cannot decrypt), not necessarily a fault of the program or its config. Exit code 3, so that
    CI can tell "fix your input" (2) from "this needs `pulumi preview` with credentials" (3)."""

    exit_code = 3


class MissingToolError(UserError):
    """A path needs an external tool (the Pulumi CLI) that is not installed."""
