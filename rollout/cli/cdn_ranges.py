"""`rollout cdn-ranges`: keep the dated list of Cloudflare's edge ranges (what the load balancer admits) current."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import Program

app = typer.Typer(no_args_is_help=True, help="Keep the dated list of CDN edge ranges the load balancer admits current.")


@app.command()
def refresh(
    source: Annotated[
        list[str],
        typer.Option(
            "--from",
            help="Cloudflare's API (https://api.cloudflare.com/client/v4/ips), its ips-v4 / ips-v6 lists, or saved "
            "copies; repeat for several.",
        ),
    ],
    program: Program = Path("."),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            dir_okay=False,
            help="Data file to write. Defaults to components/data/cloudflare-ips.json of the program.",
        ),
    ] = None,
) -> None:
    """Rewrite the Cloudflare ranges file from Cloudflare's published lists, dated today; prints what changed.
    Refuses a list without both families or with a range wider than /8 (IPv4) or /16 (IPv6)."""
    import json
    from datetime import date

    from rollout.errors import UserError
    from rollout.live.cdn_ranges import merge, parse_ranges, read_source

    path = output or program / "components" / "data" / "cloudflare-ips.json"
    try:
        current = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError) as error:
        raise UserError(f"{path}: not a ranges file ({error})") from None
    fetched = [parse_ranges(read_source(s), s) for s in source]
    updated = merge(current, fetched, " + ".join(source), date.today())
    try:
        path.write_text(json.dumps(updated, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise UserError(f"{path}: cannot write it ({error})") from None
    before = set(current.get("ipv4", [])) | set(current.get("ipv6", []))
    after = set(updated["ipv4"]) | set(updated["ipv6"])
    typer.echo(
        f"{path}: {len(after)} ranges as of {updated['as_of']} "
        f"(+{len(after - before)} added, -{len(before - after)} removed); `pulumi up` phase 6 applies them"
    )
