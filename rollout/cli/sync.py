"""`rollout sync static`: the old server's static files into the asset bucket, before the static path switches."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import Program, Quiet, Stack

app = typer.Typer(no_args_is_help=True)


class SyncFormat(str, Enum):
    table = "table"
    json = "json"


@app.callback()
def sync() -> None:
    """Copy what the old server serves into the buckets the CDN switches to."""


@app.command("static")
def static(
    source: Annotated[Path, typer.Option("--from", help="Folder the old server serves the static path from, e.g. "
                                                        "/var/www/shop/static.", file_okay=False)],
    bucket: Annotated[str, typer.Option("--bucket", envvar="ROLLOUT_ASSETS_BUCKET",
                                        help="The asset bucket (`pulumi stack output assetsBucketName`).")],
    program: Program = Path("."),
    stack: Stack = "example",
    prefix: Annotated[str | None, typer.Option("--prefix", help="Key prefix. Defaults to the stack's "
                                                                "staticAssets.pathPattern (/static/* → static/).")] = None,
    max_age: Annotated[int, typer.Option("--max-age", min=0, max=31_536_000,
                                         help="Cache-control max-age for names without a content hash. Defaults "
                                              "to 3600.")] = 3600,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be uploaded; upload nothing.")] = False,
    region: Annotated[str | None, typer.Option("--region", help="AWS region. Defaults to the stack's region.")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Named AWS profile.")] = None,
    output: Annotated[SyncFormat, typer.Option("--format", "-f", help="table or json.")] = SyncFormat.table,
    quiet: Quiet = False,
) -> None:
    """Upload new and changed files (content type, cache-control, SHA-256 verified by S3); skip unchanged ones;
    never delete. With --dry-run, exit 1 when the bucket is not in sync (a gate for the static-path switch)."""
    from rollout.analysis.static_files import key_prefix
    from rollout.cli._render import print_json, progress_reporter
    from rollout.live.aws import AwsFailure, aws_failures, client, reachable_session
    from rollout.live.sync import sync_static
    from rollout.model.stackfile import load_stack

    stack_file = load_stack(program, stack)
    if prefix is None:
        pattern = (stack_file.namespace(stack_file.project_name).get("staticAssets") or {}).get("pathPattern",
                                                                                                 "/static/*")
        prefix = key_prefix(str(pattern))
    session = reachable_session(region or stack_file.region, profile)
    s3 = client(session, "s3")
    with progress_reporter(quiet) as progress:
        try:
            with aws_failures("sync stopped"):
                report = sync_static(s3, bucket, source, prefix, dry_run=dry_run, max_age=max_age,
                                     progress=progress)
        except AwsFailure as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
    plan = report.plan
    if output is SyncFormat.json:
        print_json(report.to_json())
    else:
        for item, why in plan.upload:
            typer.echo(f"{'would upload' if dry_run else 'uploaded'} {item.key} ({why}, {item.content_type}, "
                       f"{item.cache_control})")
        for item in plan.unverified:
            typer.echo(f"{'would upload' if dry_run else 'uploaded'} {item.key} (no checksum in the bucket)")
        typer.echo(f"{len(plan.upload) + len(plan.unverified)} to upload, {len(plan.unchanged)} unchanged, "
                   f"{len(plan.extra)} only in the bucket (kept) — s3://{bucket}/{prefix}")
    if dry_run and not plan.in_sync:
        raise typer.Exit(1)
