"""`rollout diff`: what applying phase N would add, update, replace and remove, whether it loses data, and which
changes move visitors (traffic switches)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from rollout.cli._options import Format, Phase, Program, Quiet, Stack


def diff(
    program: Program = Path("."),
    stack: Stack = "example",
    phase: Phase = None,
    from_phase: Annotated[int | None, typer.Option("--from-phase", min=1, max=6, help="Compare with phase M of the same stack.")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", dir_okay=False, help="Compare with an inventory written by `rollout plan --save FILE` (e.g. on main).")] = None,
    fail_on_data_loss: Annotated[bool, typer.Option("--fail-on-data-loss", help="Exit 1 when a stateful resource would be replaced or removed.")] = False,
    fail_on_traffic_switch: Annotated[bool, typer.Option("--fail-on-traffic-switch", help="Exit 1 when a change moves visitors (DNS answer, origin, path target).")] = False,
    output: Annotated[Format, typer.Option("--format", "-f", help="table, json or markdown.")] = Format.table,
    quiet: Quiet = False,
) -> None:
    """Compare phase N of a stack with phase M (--from-phase) or with a saved baseline (--baseline)."""
    from rollout.cli._render import progress_reporter
    from rollout.errors import UserError

    if output is Format.sarif:
        raise UserError("--format: sarif is for `rollout check`; diff supports table, json and markdown")
    if (from_phase is None) == (baseline is None):
        raise UserError("give exactly one of --from-phase M or --baseline FILE")
    from rollout.analysis.diff import diff_inventories
    from rollout.runtime.stackfile import load_stack
    from rollout.runtime.synth import synthesize

    before = load_baseline(baseline, stack) if baseline is not None else None
    stack_file = load_stack(program, stack)
    with progress_reporter(quiet) as progress:
        if before is None:
            progress(f"running {stack} at phase {from_phase}")
            before = synthesize(program, stack, phase=from_phase, stack_file=stack_file)
        progress(f"running {stack} at phase {phase or stack_file.phase}")
        after = synthesize(program, stack, phase=phase, stack_file=stack_file)
    result = diff_inventories(before, after)
    title = f"{after.stack}: {_label(before, baseline)} → phase {after.phase if after.phase is not None else '–'}"
    _render(result, output, title)
    if (fail_on_data_loss and result.data_loss) or (fail_on_traffic_switch and result.switches):
        raise typer.Exit(1)


def load_baseline(path: Path, stack: str) -> Any:
    """The inventory of `stack` in a file written by `rollout plan --save`; bad or old files are a UserError."""
    import json

    from rollout.errors import UserError
    from rollout.model.inventory import Inventory

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"--baseline {path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"--baseline {path}: not a JSON file written by `rollout plan --save` ({error})") from None
    documents = data if isinstance(data, list) else [data]
    try:
        inventories = [Inventory.from_json(d) for d in documents]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UserError(f"--baseline {path}: not an inventory written by `rollout plan --save` "
                        f"({error}); save a new one with this version") from None
    for inventory in inventories:
        if inventory.stack == stack:
            return inventory
    found = ", ".join(sorted({i.stack for i in inventories})) or "none"
    raise UserError(f"--baseline {path}: holds no inventory of stack {stack!r} (found: {found})")


def _label(before: Any, baseline: Path | None) -> str:
    phase = f"phase {before.phase}" if before.phase is not None else "configured phase"
    return f"baseline {baseline.name} ({phase})" if baseline is not None else phase


def _render(result: Any, output: Format, title: str) -> None:
    if output is Format.json:
        from rollout.cli._render import print_json

        print_json(result.to_json())
    elif output is Format.markdown:
        from rollout.render.report import diff_markdown

        typer.echo(diff_markdown(result, title))
    else:
        from rollout.cli._render import console
        from rollout.render.report import diff_table

        diff_table(result, console(), title)
