"""The cost of a phase as people and programs read it: an Infracost-like tree, a Markdown comment, one JSON document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console

from rollout.analysis.cost.report import cents
from rollout.model.inventory import short_type

if TYPE_CHECKING:
    from rollout.analysis.cost import CostDiff, CostReport

CHANGE_MARKS = {"added": "+", "changed": "~", "removed": "-", "unchanged": " "}


def money(amount: float | None, currency: str) -> str:
    if amount is None:
        return "price unknown"
    if currency == "VND":
        return f"{amount:,.0f} ₫"
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def signed(amount: float, currency: str) -> str:
    return ("+" if amount >= 0 else "-") + money(abs(amount), currency)


def is_lower_bound(report: CostReport | None) -> bool:
    """True when the total is a floor (see CostReport.is_lower_bound); False when there is no report."""
    return report is not None and report.is_lower_bound


def total_money(amount: float | None, currency: str, lower_bound: bool) -> str:
    return ("≥ " if lower_bound else "") + money(amount, currency)


def unpriced_summary(report: CostReport) -> str:
    """What a lower-bound total leaves out, in a few words: `2 cost lines of unknown price, 5 types not priced`."""
    unknown = report.lines[1]
    types = sum(report.unpriced_types.values())
    parts = [f"{unknown} cost line{'s' if unknown != 1 else ''} of unknown price" if unknown else "",
             f"{types} resource{'s' if types != 1 else ''} of types with no pricing rule" if types else ""]
    return ", ".join(p for p in parts if p)


_NOTE_WORDS = (
    ("not found for ", "not in the price catalog yet for "),
    ("not verified for ", "not yet checked against AWS's price list for "),
)


def user_note(note: str) -> str:
    """A catalog note in a user's words."""
    for catalog_words, words in _NOTE_WORDS:
        note = note.replace(catalog_words, words)
    return note


def quantity(value: float | None) -> str:
    if value is None:
        return "?"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.4f}".rstrip("0")


def unit_price(value: float | None, currency: str) -> str:
    if value is None:
        return "price unknown"
    return f"{value:,.2f} ₫" if currency == "VND" else f"${value:g}"


def _changes(diff: CostDiff | None) -> dict[str, Any]:
    return {change.urn: change for change in diff.changes} if diff else {}


def _summary_lines(report: CostReport, diff: CostDiff | None, previous_phase: int | None) -> list[str]:
    currency = report.currency
    lines = []
    if diff is not None:
        label = f"phase {previous_phase} → {report.phase}" if previous_phase else f"nothing → phase {report.phase}"
        percent = "n/a" if diff.percent is None else f"{diff.percent:+.0f}%"
        amount = round(cents(diff.after_total) - cents(diff.before_total), 2) if currency == "USD" else diff.amount
        lines.append(f"Monthly cost change ({label}): Amount: {signed(amount, currency)} "
                     f"({money(diff.before_total, currency)} → {money(diff.after_total, currency)})  "
                     f"Percent: {percent}")
    priced, unknown = report.lines
    lines.append(f"{priced} of {priced + unknown} cost lines priced, {unknown} price unknown (not in the catalog "
                 f"for {report.region}: never guessed)")
    if is_lower_bound(report):
        lines.append(f"The total is a floor (at least): it leaves out {unpriced_summary(report)}")
    overrides = sorted({a.origin for a in report.assumptions} - {f"profile {report.usage_profile}"})
    lines.append(f"Usage assumed (* lines): profile {report.usage_profile} from rollout:usage"
                 + (f", with {' and '.join(overrides)} overrides" if overrides else ""))
    if report.free_tiers_used:
        lines.append("Free tiers applied: " + "; ".join(f"{n} ({quantity(q)} {u})"
                                                        for n, q, u in report.free_tiers_used))
    if report.free_types:
        lines.append("No charge of their own: " + ", ".join(f"{t} x{n}" for t, n in report.free_types.items()))
    if report.unpriced_types:
        lines.append("Not priced (no pricing rule for the type): "
                     + ", ".join(f"{t} x{n}" for t, n in report.unpriced_types.items()))
    lines.append(f"Prices as of {report.catalog_date} (catalog), {report.region}; † derived price; monthly = "
                 f"hourly x 730")
    if report.currency != "USD":
        lines.append(f"1 USD = {report.rate:,.0f} {report.currency}: {report.rate_source}")
    lines.extend(report.notes)
    return lines


class _CompactRows:
    """The cost tree in three columns (name, quantity with unit, monthly): add_row takes the five wide cells."""

    def __init__(self, title: str) -> None:
        from rich.table import Table

        self.table = Table(title=title, box=None, pad_edge=False, show_edge=False, title_justify="left")
        self.table.add_column("Name", overflow="fold", ratio=1)
        self.table.add_column("Monthly Qty", justify="right", no_wrap=True)
        self.table.add_column("Monthly Cost", justify="right", no_wrap=True)

    def add_row(self, name: Any, qty: str, unit: str, _price: str, monthly: Any) -> None:
        self.table.add_row(name, f"{qty} {unit}".strip(), monthly)

    def __rich__(self) -> Any:
        return self.table


def render_table(report: CostReport, diff: CostDiff | None, previous_phase: int | None,
                 console: Console | None = None) -> None:
    """An Infracost-like breakdown tree per resource, as wide as the terminal (compact under 110 columns)."""
    from rich.table import Table
    from rich.text import Text

    out = console or Console(highlight=False, soft_wrap=False)
    if console is None and not out.is_terminal:
        out.width = max(out.width, 160)  # files and CI logs: keep each component on one line
    currency = report.currency
    changes = _changes(diff)
    phase = f" · phase {report.phase}" if report.phase is not None else ""
    title = f"{report.project} · stack {report.stack}{phase} · {report.region} · {currency}"
    # Under 110 columns (an 80-column terminal) quantity and unit share a column and the unit price is left to
    # --format json/markdown, so that names and amounts do not fold; wider terminals get every column.
    compact = out.width < 110
    table = Table(title=title, box=None, pad_edge=False, show_edge=False, title_justify="left")
    table.add_column("Name", overflow="fold", ratio=1 if compact else None)
    table.add_column("Monthly Qty", justify="right")
    table.add_column("Unit")
    table.add_column("Price", justify="right")
    table.add_column("Monthly Cost", justify="right")
    if compact:
        table = _CompactRows(title)
    for resource in report.resources:
        change = changes.get(resource.urn)
        mark = CHANGE_MARKS[change.change] if change else " "
        total = money(resource.monthly, currency)
        if change and change.change == "changed":
            total += f" ({signed(change.diff, currency)})"
        shown_type = short_type(resource.type) if compact else resource.type
        table.add_row(Text(f"{mark} {resource.name}  ({shown_type})", style="bold"), "", "", "", total)
        for index, component in enumerate(resource.components):
            branch = "└─" if index == len(resource.components) - 1 and not resource.note else "├─"
            name = f"  {branch} {component.name}{' *' if component.usage_based else ''}"
            price = unit_price(component.price, currency) + (" †" if component.derived else "")
            cell = money(component.monthly, currency)
            if component.free_quantity:
                cell += f" (free {quantity(component.free_quantity)})"
            table.add_row(name, quantity(component.quantity), component.unit, price, cell)
            if not component.price_known:
                stem = "   " if branch == "└─" else "│  "
                table.add_row(Text(f"  {stem}  {user_note(component.note)}", style="dim"), "", "", "", "")
        if resource.note:
            extra = ""
            if resource.monthly_range:
                low, high = resource.monthly_range
                extra = f": {money(low, currency)} - {money(high, currency)}"
            table.add_row(Text(f"  └─ {resource.note}{extra}", style="dim"), "", "", "", "")
    for change in (c for c in (diff.changes if diff else ()) if c.change == "removed"):
        table.add_row(Text(f"- {change.name}  ({change.type})", style="bold"), "", "", "",
                      f"{money(0, currency)} ({signed(-change.before, currency)})")
    table.add_row("", "", "", "", "")
    table.add_row(Text("OVERALL TOTAL", style="bold"), "", "", "",
                  Text(total_money(report.total_monthly, currency, is_lower_bound(report)), style="bold"))
    out.print(table)
    out.print("Key: * usage-based, ~ changed, + added, - removed")
    for line in _summary_lines(report, diff, previous_phase):
        out.print(line, markup=False)


def render_markdown(report: CostReport, diff: CostDiff | None, previous_phase: int | None) -> str:
    """A pull-request comment: totals, per-resource table with changes, then the component details."""
    currency = report.currency
    changes = _changes(diff)
    phase = f" · phase {report.phase}" if report.phase is not None else ""
    lines = [f"### Monthly cost: {report.project} · {report.stack}{phase}", "",
             f"**Total: {'at least ' if is_lower_bound(report) else ''}{money(report.total_monthly, currency)} "
             f"per month**", ""]
    lines += [f"- {line}" for line in _summary_lines(report, diff, previous_phase)]
    lines += ["", "| | Resource | Type | Monthly | Change |", "|---|---|---|---:|---:|"]
    for resource in report.resources:
        change = changes.get(resource.urn)
        mark = CHANGE_MARKS[change.change].strip() if change else ""
        delta = signed(change.diff, currency) if change and change.change != "unchanged" else ""
        complete = "" if resource.complete else " (some prices unknown)"
        lines.append(f"| {mark} | `{resource.name}` | `{resource.type}` | "
                     f"{money(resource.monthly, currency)}{complete} | {delta} |")
    for change in (c for c in (diff.changes if diff else ()) if c.change == "removed"):
        lines.append(f"| - | `{change.name}` | `{change.type}` | {money(0, currency)} | "
                     f"{signed(-change.before, currency)} |")
    lines += ["", "<details><summary>Cost components</summary>", "",
              "| Resource | Component | Monthly Qty | Unit | Price | Monthly |", "|---|---|---:|---|---:|---:|"]
    for resource in report.resources:
        for component in resource.components:
            star = " \\*" if component.usage_based else ""
            lines.append(f"| `{resource.name}` | {component.name}{star} | "
                         f"{quantity(component.quantity)} | {component.unit} | "
                         f"{unit_price(component.price, currency)}{' †' if component.derived else ''} | "
                         f"{money(component.monthly, currency)} |")
    lines += ["", "</details>"]
    return "\n".join(lines)
