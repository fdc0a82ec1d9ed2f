"""`rollout prices`: maintain the dated price catalog that `rollout cost` reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import Quiet

app = typer.Typer(no_args_is_help=True, help="Maintain the dated price catalog used by `rollout cost`.")

PACKAGED_CATALOG = Path(__file__).resolve().parent.parent / "data" / "prices.json"


@app.command()
def refresh(
    region: Annotated[str, typer.Option("--region", "-r", help="AWS region code to refresh, e.g. ap-southeast-1.")],
    source: Annotated[str, typer.Option(
        "--from", help="A directory of AWS offer files (*.json), or the price-list base URL. Defaults to AWS's "
                       "public endpoint https://pricing.us-east-1.amazonaws.com (no credentials needed).")] = "",
    catalog: Annotated[Path | None, typer.Option(
        "--catalog", help="Catalog file to update. Defaults to the packaged rollout/data/prices.json.",
        dir_okay=False)] = None,
    quiet: Quiet = False,
) -> None:
    """Rebuild a region's AWS prices from the public bulk price-list offer files (streamed), keeping every other
    entry; each price records the offer's version and publication date.

    \b
    Examples:
      rollout prices refresh --region ap-southeast-1 --from ./offers
      rollout prices refresh -r ap-southeast-1 --from https://pricing.us-east-1.amazonaws.com --catalog prices.json
    """
    import json

    from rich.console import Console

    from rollout.analysis.cost import catalog_problems
    from rollout.errors import UserError
    from rollout.live import prices

    source = source or prices.DEFAULT_URL
    path = catalog or PACKAGED_CATALOG
    from rollout.cli._render import check_writable

    check_writable(path, "--catalog")  # a FIFO or device would block the read, or be replaced by the write
    try:
        current = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"--catalog {path}: no such file") from None
    except UnicodeDecodeError:
        raise UserError(f"--catalog {path}: not a price catalog (not UTF-8 text)") from None
    except OSError as error:
        raise UserError(f"--catalog {path}: cannot read ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise UserError(f"--catalog {path}: not valid JSON ({error.msg} at line {error.lineno})") from None
    problems = catalog_problems(current)
    if problems:
        raise UserError(*(f"--catalog {path}: {problem}" for problem in problems))

    progress = Console(stderr=True, quiet=quiet)
    with progress.status(f"Reading offer files for {region} from {source}"):
        result = prices.refresh(region, source)
    updated = prices.merge(current, result)
    try:
        prices.write_catalog(path, updated)
    except OSError as error:
        raise UserError(f"--catalog {path}: cannot write ({error.strerror})") from None

    for key in sorted(result.prices):
        entry = result.prices[key]
        typer.echo(f"{key}\t{entry['usd']:g} USD per {entry['unit']}\t({entry['as_of']})")
    offers = ", ".join(f"{code} {o['version']} ({o['publicationDate']})" for code, o in sorted(result.offers.items()))
    edge = sum(1 for key, entry in result.prices.items() if updated.get("global", {}).get(key) == entry)
    where = f" ({edge} of them edge prices, kept in the catalog's global section)" if edge else ""
    typer.echo(f"updated {len(result.prices)} prices for {region}{where} in {path} from {offers}; "
               f"catalog date {updated['catalog_date']}")
    for reason, count in sorted(result.skipped.items()):
        typer.echo(f"skipped {count}: {reason}")
    for key in sorted(result.ambiguous):
        typer.echo(f"not updated: {key} has several different prices in the offer files")
