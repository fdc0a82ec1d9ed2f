"""`rollout audit`: read-only compliance of the live AWS account, with the policy pack's control ids."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from rollout.cli._options import Profile, Quiet, Region


class AuditFormat(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"


def audit(
    region: Region = None,
    profile: Profile = None,
    output: Annotated[AuditFormat, typer.Option("--format", "-f", help="table, json or sarif "
                                                                       "(for code scanning).")] = AuditFormat.table,
    phase: Annotated[int | None, typer.Option(
        "--phase", "-p", min=1, max=6, help="Also report which components of phases 1..N are "
                                            "missing (readiness).")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", dir_okay=False, help="Policy config FILE in the --policy-pack-config shape, e.g. "
                                         "{\"all\": \"mandatory\", \"RDS-04\": {\"minDays\": 14}}.")] = None,
    cloudflare: Annotated[bool, typer.Option(
        "--cloudflare", help="Also audit the Cloudflare zones the token in CLOUDFLARE_API_TOKEN can read (zone "
                             "settings, WAF and rate-limit rulesets: CFZ-01..07).")] = False,
    quiet: Quiet = False,
) -> None:
    """Audit the live AWS account, read-only, with the same controls as the policy pack. Services that cannot be
    read are reported as not evaluated. Exit 1 on any mandatory violation.

    \b
    Examples:
      rollout audit --region ap-southeast-1
      rollout audit --profile prod --phase 3 --format sarif > audit.sarif
      CLOUDFLARE_API_TOKEN=... rollout audit --cloudflare
    """
    import sys

    from policies.registry import CONTROLS
    from rollout.analysis.check import load_config_file, validate_policy_config
    from rollout.analysis.findings import counts_against
    from rollout.cli._render import print_json, progress_reporter
    from rollout.live.audit.evaluation import run_audit
    from rollout.live.audit.network import deployed
    from rollout.live.session import open_session, unreachable_endpoint_is_bad_input

    pack_config = load_config_file(config) if config is not None else {}
    validate_policy_config(pack_config, f"--config {config}", CONTROLS)
    api = _cloudflare_api() if cloudflare else None
    session = open_session(region, profile)
    try:
        with progress_reporter(quiet) as progress, unreachable_endpoint_is_bad_input(session):
            result = run_audit(session, CONTROLS, pack_config=pack_config, phase=phase,
                               progress=lambda service: progress(f"reading {service}"), cloudflare=api)
    finally:
        if api is not None:
            api.close()
    if not quiet:
        for gap in result.unavailable:
            typer.echo(f"warning: {gap.service} not evaluated: {gap.reason}", err=True)
        if not deployed(result.subjects):
            typer.echo(f"note: nothing deployed to audit in {result.region} (account {result.account}); "
                       "is this the region you deployed to?", err=True)
    if output is AuditFormat.json:
        print_json(result.to_json())
    elif output is AuditFormat.sarif:
        print_json(_sarif(result))
    else:
        _print_tables(result)
    sys.stdout.flush()
    if any(counts_against(f) for f in result.findings):
        raise typer.Exit(1)


def _cloudflare_api() -> Any:
    """Cloudflare's API with the token of CLOUDFLARE_API_TOKEN (never from a file or an argument, so that it stays
    out of shell history and CI logs); ROLLOUT_CLOUDFLARE_API_URL points elsewhere (tests: 127.0.0.1)."""
    import os

    from rollout.errors import UserError
    from rollout.live.audit.cloudflare import API_URL, TOKEN_ENV, CloudflareApi

    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise UserError(f"{TOKEN_ENV}: not set; `rollout audit --cloudflare` reads the zones with an API token "
                        "(Zone Read, Zone Settings Read, Zone WAF Read)")
    return CloudflareApi(token, os.environ.get("ROLLOUT_CLOUDFLARE_API_URL") or API_URL)


def _sarif(result: Any) -> dict[str, Any]:
    """The `rollout check` SARIF, plus the services not evaluated as tool notifications (never as passes)."""
    from rollout.render.findings import findings_sarif

    document = findings_sarif(result.findings, controls=result.controls, tool_name="rollout-audit")
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
