"""`rollout audit`: read-only compliance of the live AWS account, with the policy pack's control ids."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from rollout.cli._options import Quiet


class AuditFormat(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"


Region = Annotated[str | None, typer.Option("--region", help="AWS region. Defaults to AWS_REGION, "
                                                                "AWS_DEFAULT_REGION or the profile's region.")]
Profile = Annotated[str | None, typer.Option("--profile", help="Named profile from the shared AWS config files. "
                                                                  "Defaults to AWS_PROFILE or the default profile.")]


@contextmanager
def unreachable_endpoint_is_bad_input(session: Any) -> Iterator[None]:
    """No route to AWS at all (an unknown --region, no network): one line and exit 2, not a traceback."""
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

    from rollout.errors import UserError

    try:
        yield
    except (EndpointConnectionError, ConnectTimeoutError) as error:
        raise UserError(f"cannot reach AWS in region {session.region_name} ({error}): check --region and the "
                        "network") from None


def audit(
    region: Region = None,
    profile: Profile = None,
    output: Annotated[AuditFormat, typer.Option("--format", "-f", help="table, json or sarif (for code scanning).")] = AuditFormat.table,
    phase: Annotated[int | None, typer.Option(
        "--phase", "-p", min=1, max=6, help="Also report which components of phases 1..N are missing (readiness).")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", dir_okay=False, help="Policy config FILE in the --policy-pack-config shape, e.g. "
                                         "{\"all\": \"mandatory\", \"RDS-04\": {\"minDays\": 14}}.")] = None,
    quiet: Quiet = False,
) -> None:
    """Audit the live AWS account, read-only, with the same controls as the policy pack. Services that cannot be
    read are reported as not evaluated. Exit 1 on any mandatory violation.

    \b
    Examples:
      rollout audit --region ap-southeast-1
      rollout audit --profile prod --phase 3 --format sarif > audit.sarif
    """
    import sys

    from policies.registry import CONTROLS
    from rollout.analysis.check import load_config_file, validate_policy_config
    from rollout.analysis.findings import counts_against
    from rollout.cli._render import print_json, progress_reporter
    from rollout.live.audit import deployed, open_session, run_audit
    from rollout.render.findings import findings_json

    pack_config = load_config_file(config) if config is not None else {}
    validate_policy_config(pack_config, f"--config {config}", CONTROLS)
    session = open_session(region, profile)
    with progress_reporter(quiet) as progress, unreachable_endpoint_is_bad_input(session):
        result = run_audit(session, CONTROLS, pack_config=pack_config, phase=phase,
                           progress=lambda service: progress(f"reading {service}"))
    if not quiet:
        for gap in result.unavailable:
            typer.echo(f"warning: {gap.service} not evaluated: {gap.reason}", err=True)
        if not deployed(result.subjects):
            typer.echo(f"note: nothing deployed to audit in {result.region} (account {result.account}); "
                       "is this the region you deployed to?", err=True)
    if output is AuditFormat.json:
        print_json(findings_json(result.findings, controls=result.controls, resources_evaluated=len(result.subjects),
                                 extra=result.extra_json()))
    elif output is AuditFormat.sarif:
        print_json(_sarif(result))
    else:
        _print_tables(result)
    sys.stdout.flush()
    if any(counts_against(f) for f in result.findings):
        raise typer.Exit(1)


def _sarif(result: Any) -> dict[str, Any]:
    """The `rollout check` SARIF, plus the services not evaluated as tool notifications (never as passes)."""
    from importlib import metadata

    from rollout.render.findings import findings_sarif

    try:
        version = metadata.version("sme-rollout")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "0.0.0"
    document = findings_sarif(result.findings, controls=result.controls, tool_name="rollout-audit",
                              tool_version=version)
    run = document["runs"][0]
    run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": [
        {"level": "warning", "message": {"text": f"{gap.service} not evaluated: {gap.reason}"}}
        for gap in result.unavailable]}]
    run["properties"] = result.extra_json()
    return document


def _print_tables(result: Any) -> None:
    from rich.table import Table

    from rollout.analysis.findings import summarize
    from rollout.cli._render import console
    from rollout.render.findings import render_table

    out = console()
    summary = summarize(result.findings, controls=result.controls, resources_evaluated=len(result.subjects))
    out.print(render_table(result.findings, summary,
                           title=f"rollout audit: account {result.account}, {result.region}"))
    if result.unavailable:
        table = Table(title="Not evaluated")
        for column in ("Service", "Reason", "Controls skipped"):
            table.add_column(column, overflow="fold")
        for gap in result.unavailable:
            skipped = sorted(c for c, why in result.skipped_controls.items() if why.startswith(f"{gap.service}:"))
            table.add_row(gap.service, gap.reason, ", ".join(skipped) or "-")
        out.print(table)
    if result.readiness is not None:
        table = Table(title="Readiness")
        for column in ("Phase", "Component", "Status", "Detail"):
            table.add_column(column, overflow="fold")
        for component in result.readiness:
            table.add_row(str(component.phase), component.name, component.status, component.detail)
        out.print(table)
