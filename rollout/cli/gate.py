"""`rollout gate`: check a traffic switch's gate against the live account or site before setting the switch."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import Program, Quiet, Stack


class Switch(str, Enum):
    dns_authority = "dnsAuthority"
    static_path = "staticPath"
    origin_to_load_balancer = "originToLoadBalancer"


class GateFormat(str, Enum):
    table = "table"
    json = "json"


def gate(
    switch: Annotated[Switch, typer.Option("--switch", help="dnsAuthority, staticPath or originToLoadBalancer.")],
    program: Program = Path("."),
    stack: Stack = "example",
    nameserver: Annotated[
        str | None,
        typer.Option(
            "--nameserver",
            help="dnsAuthority: a nameserver of the new zone (HOST or HOST:PORT), from the stack output `nameservers`.",
        ),
    ] = None,
    current_nameserver: Annotated[
        str | None,
        typer.Option(
            "--current-nameserver",
            help="dnsAuthority: a nameserver of the current DNS host: the zone file must match its answers for the "
            "apex, www, mail and the site.",
        ),
    ] = None,
    zone_file: Annotated[
        str | None,
        typer.Option(
            "--zone-file", help="dnsAuthority: the current DNS as a BIND zone file. Defaults to cdn.zoneFile."
        ),
    ] = None,
    certificate_arn: Annotated[
        str | None,
        typer.Option("--certificate-arn", help="dnsAuthority on CloudFront: the certificate that must be ISSUED."),
    ] = None,
    bucket: Annotated[
        str | None, typer.Option("--bucket", help="staticPath: the asset bucket (stack output `assetsBucketName`).")
    ] = None,
    manifest: Annotated[
        str | None,
        typer.Option(
            "--manifest",
            help="staticPath: file listing the paths the old server serves under the static path, one per line.",
        ),
    ] = None,
    folder: Annotated[
        str | None,
        typer.Option(
            "--folder",
            help="staticPath: a copy of the old server's static folder; every file must be in the bucket with the "
            "same content (SHA-256).",
        ),
    ] = None,
    load_balancer: Annotated[
        str | None, typer.Option("--load-balancer", help="originToLoadBalancer: the load balancer's name or ARN.")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", help="AWS region. Defaults to the stack's.")] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Named AWS profile. Defaults to AWS_PROFILE.")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, max=30, help="Seconds per DNS query. Defaults to 3.")
    ] = 3.0,
    output: Annotated[GateFormat, typer.Option("--format", "-f", help="table or json.")] = GateFormat.table,
    quiet: Quiet = False,
) -> None:
    """Check the gate of one traffic switch: the new zone answers every record of the zone file (dnsAuthority),
    the bucket holds every file of the old server's static folder with the same content, or at least every file of
    the manifest (staticPath), every target of the load balancer is healthy
    (originToLoadBalancer). Exit 0 when it holds, 1 when it does not (set the switch only then), 2 on bad input.

    \b
    Examples:
      rollout gate -s prod --switch dnsAuthority --nameserver ns1.new-dns.example --zone-file shop.vn.zone
      rollout gate -s prod --switch staticPath --bucket shop-assets-1a2b --folder ./old-server-static
      rollout gate -s prod --switch originToLoadBalancer --load-balancer web-alb --format json
    """
    from rollout.cli._render import console, print_json, progress_reporter
    from rollout.live.gates import GateInputs, run_gate
    from rollout.model.stackfile import load_stack

    stack_file = load_stack(program, stack)
    given = GateInputs(
        nameserver=nameserver,
        current_nameserver=current_nameserver,
        zone_file=zone_file,
        certificate_arn=certificate_arn,
        bucket=bucket,
        manifest=manifest,
        folder=folder,
        load_balancer=load_balancer,
        timeout=timeout,
    )
    session = None
    if switch is not Switch.dns_authority or certificate_arn:
        from rollout.live.session import open_session

        session = open_session(region or stack_file.region, profile)
    with progress_reporter(quiet) as progress:
        progress(f"checking the {switch.value} gate of {stack}")
        result = run_gate(stack_file, switch.value, given, session)
    if output is GateFormat.json:
        print_json(result.to_json())
    else:
        from rollout.render.report import gate_table

        gate_table(result, console(), stack)
    if not result.ok:
        raise typer.Exit(1)
