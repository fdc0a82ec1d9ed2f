"""A new sme-rollout stack file (`rollout init`): phase 1, with the choices that are expensive to change later
written out, so that a later change of a default in the code never changes this stack silently.

The database engine version is the newest major version in RDS standard support on the given date, read from the
support calendar the RDS-17 control and the cost pricer use (policies/engine_support.py): MySQL 8.4 (not the
component's 8.0 default, billed RDS Extended Support since 2026-08-01), PostgreSQL 16. Pure: no file, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from policies import engine_support
from rollout.errors import UserError

ENGINES = ("postgres", "mysql")
ENVIRONMENTS = ("dev", "staging", "prod")
_HOST = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_STACK = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")


@dataclass(frozen=True)
class NewStack:
    stack: str
    domain: str
    origin: str
    region: str = "ap-southeast-1"
    environment: str = "dev"
    engine: str = "postgres"


def supported_major(engine: str, on: str) -> str:
    """The newest major version of `engine` in RDS standard support on `on` (ISO), by the shared calendar."""
    majors = [m for m in engine_support.CALENDAR.get(engine, {}) if engine_support.in_standard_support(engine, m, on)]
    if not majors:
        raise UserError(
            f"--engine {engine}: no major version in RDS standard support on {on} in the calendar "
            "(policies/engine_support.py)"
        )
    return max(majors, key=lambda m: tuple(int(p) for p in m.split(".")))


def check(new: NewStack) -> None:
    """One line per bad option (exit 2)."""
    problems = []
    if not _STACK.fullmatch(new.stack):
        problems.append(f"--stack {new.stack!r}: letters, digits, '.', '_' and '-' only")
    for option, value in (("--domain", new.domain), ("--origin", new.origin)):
        if not _HOST.fullmatch(value.lower()):
            problems.append(f"{option} {value!r}: not a host name (e.g. shop.example.vn)")
    if new.domain.lower() == new.origin.lower():
        problems.append(
            "--origin: must differ from --domain (the CDN will answer for the domain and fetch from the origin)"
        )
    if not _REGION.fullmatch(new.region):
        problems.append(f"--region {new.region!r}: not an AWS region (e.g. ap-southeast-1)")
    if new.environment not in ENVIRONMENTS:
        problems.append(f"--environment {new.environment!r}: one of {', '.join(ENVIRONMENTS)}")
    if new.engine not in ENGINES:
        problems.append(f"--engine {new.engine!r}: one of {', '.join(ENGINES)}")
    if problems:
        raise UserError(*problems)


def render(new: NewStack, project: str, on: str) -> str:
    """The stack file's text for project `project` (its config namespace), as of date `on` (ISO)."""
    check(new)
    version = supported_major(new.engine, on)
    config = {
        f"{project}:phase": 1,
        f"{project}:region": new.region,
        f"{project}:environment": new.environment,
        f"{project}:site": {"domain": new.domain.lower(), "origin": new.origin.lower()},
        f"{project}:database": {"engine": new.engine, "engineVersion": version},
    }
    header = (
        f"# Stack {new.stack}, written by `rollout init` on {on}. Raise {project}:phase one step at a time\n"
        f"# (`rollout plan --stack {new.stack} --phase N` first); every key: docs/config.md.\n"
        f"# database.engineVersion {version}: the newest {new.engine} major version in RDS standard support on "
        f"{on},\n"
        "# written out so that a change of the default in the code never upgrades this database.\n"
    )
    return header + yaml.safe_dump({"config": config}, sort_keys=False, default_flow_style=False)
