"""Human renderings of plans and diffs: rich tables for terminals and Markdown for pull-request comments.

The pull-request comment (`plan_markdown`) brings together what a reviewer needs before a phase is applied:
resources added and changed per phase, the monthly cost and its change (`rollout.analysis.cost`), the compliance
summary with the top findings (`rollout.analysis.check`), data-loss warnings (`rollout.analysis.diff`) and the
architecture diagram (Mermaid, which GitHub renders).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rollout.analysis.cost.report import cents, rounded_parts
from rollout.analysis.plan import Plan, component_of, components_by_phase, phase_summary
from rollout.model.inventory import short_type
from rollout.render.cost import is_lower_bound, unpriced_summary

"""Default of the optional sections: compute them from the plan when the module that provides them exists."""

SEVERITY_ORDER = {"error": -1, "critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
TOP_FINDINGS = 5


def _manual_steps_table(plan: Plan, console: Any) -> None:
    from rich.markup import escape

    from rollout.analysis.plan import manual_steps

    steps = manual_steps(plan.current, plan.phase)
    if steps:
        label = plan.phase if plan.phase is not None else "the last phase"
        console.print(f"[bold]By hand at phase {label}[/bold] (docs/journey.md):")
        for number, step in enumerate(steps, start=1):
            console.print(f"  {number}. {escape(step)}")


def plan_table(plan: Plan, console: Any, *, detail: bool = False, costs: tuple[Any, Any] | None = None) -> None:
    from rich.table import Table

    current = plan.current
    title = f"{current.project} · stack {current.stack} · region {plan.stack_file.region}"
    if plan.phase is not None:
        title += f" · phase {plan.phase}"
    summary = Table(title=title, title_justify="left")
    summary.add_column("Phase", justify="right")
    summary.add_column("Title")
    summary.add_column("Resources", justify="right")
    summary.add_column("New in this plan", justify="right")
    before, after = costs if costs is not None else (None, None)
    if after is not None:
        summary.add_column("USD/month", justify="right")
    rows = phase_summary(current, plan.added)
    phase_costs = rounded_parts(dict(after.by_phase)) if after is not None else {}
    partial = after.partial_phases if after is not None else set()
    for row in rows:
        cells = [str(row["number"] if row["number"] is not None else "–"), row["title"] or "",
                 str(row["resources"]), f"+{row['added']}" if row["added"] else ""]
        if after is not None:
            cells.append(("≥ " if row["number"] in partial else "") + f"${phase_costs.get(row['number'], 0.0):,.2f}")
        summary.add_row(*cells)
    summary.add_section()
    totals = ["", "total", str(sum(r["resources"] for r in rows)), f"+{len(plan.added)}"]
    if after is not None:
        totals.append(("≥ " if is_lower_bound(after) else "") + f"${cents(after.total_monthly):,.2f}")
    summary.add_row(*totals)
    console.print(summary)
    _manual_steps_table(plan, console)

    resources = Table(title="Resources by phase and component" + ("" if detail else " (use --detail for each)"),
                      title_justify="left")
    resources.add_column("Phase", justify="right")
    resources.add_column("Component")
    resources.add_column("Resources")
    added = set(plan.added)
    if detail:
        resources.add_column("Name")
        for resource in current.custom_resources():
            mark = "[green]+[/green] " if resource.urn in added else ""
            resources.add_row(str(resource.phase or "–"), component_of(current, resource) or "–",
                              mark + short_type(resource.type), resource.name)
    else:
        for phase, components in sorted(
            components_by_phase(current).items(), key=lambda kv: (kv[0] is None, kv[0] or 0)
        ):
            for component, types in components.items():
                counts = ", ".join(f"{n}× {short_type(t)}" if n > 1 else short_type(t) for t, n in types.most_common())
                resources.add_row(str(phase or "–"), component or "–", counts)
    console.print(resources)

    by_urn = current.by_urn
    previous = plan.previous.by_urn if plan.previous is not None else {}
    if plan.changed or plan.removed:
        changes = Table(title=f"Changes to what phase {(plan.phase or 1) - 1} already has", title_justify="left")
        from rich.markup import escape

        from rollout.analysis.diff import diff_inventories

        delta = diff_inventories(plan.previous, current) if plan.previous is not None else None
        what = {e.urn: e for e in (*delta.updated, *delta.replaced)} if delta is not None else {}
        changes.add_column("")
        changes.add_column("Resource")
        changes.add_column("Type")
        changes.add_column("What changes", overflow="fold")
        for urn in plan.changed:
            entry = what.get(urn)
            detail = "\n".join(f"{escape(c.path)}: " + " → ".join(escape(v) for v in around_difference(
                _plain(c.old), _plain(c.new), 60)) for c in entry.changes[:4]) if entry else ""
            if entry and len(entry.changes) > 4:
                detail += f"\n… {len(entry.changes) - 4} more (rollout diff shows all)"
            if entry and entry.replace_paths:
                detail = f"[magenta]replaced[/magenta] because of {escape(', '.join(entry.replace_paths))}\n" + detail
            changes.add_row("[yellow]~[/yellow]", by_urn[urn].name, short_type(by_urn[urn].type), detail)
        for urn in plan.removed:
            changes.add_row("[red]-[/red]", previous[urn].name, short_type(previous[urn].type), "removed")
        console.print(changes)
    console.print(f"Plan: [green]+{len(plan.added)} to add[/green], [yellow]~{len(plan.changed)} to change[/yellow], "
                  f"[red]-{len(plan.removed)} to remove[/red] (offline: nothing was applied).")
    if plan.phase is not None and all(r.phase is None for r in current.custom_resources()):
        console.print(f"Note: this program marks no phases (no `<package>:phases:<Name>` components), so phase "
                      f"{plan.phase} was only passed as {current.project}:phase config.")
    if after is not None:
        priced, unknown = after.lines
        change = f" ({rounded_change(before, after):+,.2f} vs phase {plan.previous.phase})" \
            if before is not None and plan.previous is not None else ""
        floor = f"; at least: it leaves out {unpriced_summary(after)}" if is_lower_bound(after) else ""
        console.print(f"Monthly cost: {'≥ ' if is_lower_bound(after) else ''}${cents(after.total_monthly):,.2f}"
                      f"{change}; prices as of {after.catalog_date}, {unknown} of {priced + unknown} cost lines "
                      f"price unknown{floor} (see `rollout cost`).", markup=False)


def plan_markdown(plan: Plan, *, cost: Any = None, findings: Any = None, diagram: str | None = None,
                  cost_report: Any = None) -> str:
    """One pull-request comment for phase N. `cost` is a rollout.analysis.cost CostDiff, `findings` a list of finding
    objects as `rollout check --format json` prints them and `diagram` Mermaid text; None omits a section
    (`rollout.app.plan_comment` gathers all three)."""
    current = plan.current
    phase = f" phase {plan.phase}" if plan.phase is not None else " (configured phase)"
    lines = [f"### rollout plan: `{current.stack}`{phase}", ""]
    lines += [f"Region `{plan.stack_file.region}` · **+{len(plan.added)}** to add, **~{len(plan.changed)}** to change, "
              f"**-{len(plan.removed)}** to remove compared with phase {_previous_label(plan)} "
              "(offline plan: nothing was applied).", ""]
    changes = plan.changes if plan.previous is not None else None
    if changes is not None and changes.data_loss:
        lines += _data_loss_markdown(changes)
    if changes is not None and changes.switches:
        lines += _switches_markdown(changes)
    if changes is not None and changes.warnings:
        lines += _risks_markdown(changes)
    from rollout.analysis.plan import manual_steps

    steps = manual_steps(current, plan.phase)
    if steps:
        lines += [f"**By hand at phase {phase}:**", ""] + [f"{n}. {step}" for n, step in enumerate(steps, 1)] + [""]
    lines += ["| Phase | Title | Resources | New |", "|---:|---|---:|---:|"]
    for row in phase_summary(current, plan.added):
        lines.append(f"| {row['number'] if row['number'] is not None else '–'} | {row['title'] or ''} | "
                     f"{row['resources']} | {('+' + str(row['added'])) if row['added'] else ''} |")
    lines.append("")
    lines += _added_by_component(plan)
    if changes is not None and (changes.updated or changes.replaced or changes.removed):
        lines += ["<details><summary>Changes to what is already deployed</summary>", ""]
        lines += _changes_markdown(changes) + ["</details>", ""]
    if cost is not None:
        lines += cost_markdown(cost, plan, cost_report)
    if findings is not None:
        lines += findings_markdown(findings, top=plan.stack_file.settings.report.top_findings)
    if diagram:
        lines += ["<details open><summary>Architecture (highlighted: added in this phase)</summary>", "",
                  "```mermaid", diagram.rstrip("\n"), "```", "", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _previous_label(plan: Plan) -> str:
    return str(plan.previous.phase) if plan.previous is not None and plan.previous.phase is not None else "0 (nothing)"


def _added_by_component(plan: Plan) -> list[str]:
    if not plan.added:
        return []
    by_component: dict[str, dict[str, int]] = {}
    by_urn = plan.current.by_urn
    for urn in plan.added:
        resource = by_urn[urn]
        types = by_component.setdefault(component_of(plan.current, resource) or "(top level)", {})
        types[short_type(resource.type)] = types.get(short_type(resource.type), 0) + 1
    lines = ["<details><summary>What this phase adds</summary>", "", "| Component | Resources |", "|---|---|"]
    for component, types in by_component.items():
        counts = ", ".join(
            f"{n}× {t}" if n > 1 else t for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        lines.append(f"| {_cell(component)} | {counts} |")
    return lines + ["", "</details>", ""]


def _risks_markdown(changes: Any) -> list[str]:
    """What AWS or the engine would do other than the diff suggests: fail the apply, defer it, reset settings."""
    lines = ["**What AWS or the engine would do instead:**", ""]
    return lines + [f"- **{risk.kind}** `{entry.name}`: {risk.message}" for entry, risk in changes.warnings] + [""]


def _data_loss_markdown(changes: Any) -> list[str]:
    lines = ["> [!CAUTION]", f"> **Data loss:** {len(changes.data_loss)} stateful resource(s) would be replaced or "
             "removed. Take a backup or restore plan first, or keep the old inputs.", ">"]
    at_risk = set(changes.data_loss)
    for entry in (*changes.replaced, *changes.removed):
        if entry.urn in at_risk:
            why = f"replaced because {', '.join(f'`{p}`' for p in entry.replace_paths)} changed" \
                if entry.replace_paths else "removed"
            lines.append(f"> - `{entry.name}` ({short_type(entry.type)}): {why}")
    return lines + [""]


def _switches_markdown(changes: Any) -> list[str]:
    lines = ["> [!WARNING]", f"> **Traffic switch:** {len(changes.switches)} change(s) move visitors. Apply only after "
             "its gate passed (`rollout gate`), and know the way back.", ">"]
    for switch in changes.switches:
        lines.append(f"> - `{_cell(switch.name)}` ({switch.kind}, `{switch.setting}`): "
                     f"{_cell(switch.where)}: {_cell(switch.old)} → {_cell(switch.new)}")
    return lines + [""]


def _changes_markdown(changes: Any) -> list[str]:
    lines = ["| | Resource | Type | Inputs |", "|---|---|---|---|"]
    for mark, entries in (("±", changes.replaced), ("~", changes.updated), ("-", changes.removed)):
        for entry in entries:
            detail = "<br>".join(f"`{c.path}`: " + " → ".join(f"`{_cell(v)}`" for v in around_difference(
                _plain(c.old), _plain(c.new), 60)) for c in entry.changes[:6])
            if len(entry.changes) > 6:
                detail += f"<br>… {len(entry.changes) - 6} more"
            flag = " ⚠️ data loss" if entry.data_loss else ""
            lines.append(f"| {mark}{flag} | `{_cell(entry.name)}` | {short_type(entry.type)} | {detail} |")
    return lines + [""]




def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------------------------------------------------------
# Optional sections: cost (rollout.analysis.cost) and compliance (rollout.analysis.check)


def plan_cost_json(before: Any, after: Any) -> dict[str, Any]:
    """The cost part of `rollout plan --format json`: the same summary as `rollout cost --format json` gives."""
    return after.summary(before, compared=before is not None or after.phase == 1)


def rounded_change(before: Any, after: Any) -> float:
    """The change between two totals as shown (each rounded to cents), so that `$a → $b` and `+c` agree."""
    return round(cents(after.total_monthly) - (cents(before.total_monthly) if before is not None else 0.0), 2)


def cost_markdown(cost: Any, plan: Plan, after: Any = None) -> list[str]:
    """The cost section of the plan comment; `after` (the CostReport of phase N) says whether the total is a floor."""
    amount = round(cents(cost.after_total) - cents(cost.before_total), 2)
    sign = "+" if amount >= 0 else "-"
    percent = f", {cost.percent:+.1f}%" if cost.percent is not None else ""
    floor = is_lower_bound(after)
    lines = ["#### Monthly cost", "",
             f"**{'≥ ' if floor else ''}${cents(cost.after_total):,.2f}/month** "
             f"({sign}${abs(amount):,.2f}{percent} vs "
             f"phase {_previous_label(plan)}).", ""]
    if floor:
        lines += [f"At least: the total leaves out {unpriced_summary(after)} (see `rollout cost`).", ""]
    moved = sorted((c for c in cost.changes if c.change != "unchanged" and round(c.diff, 2) != 0),
                   key=lambda c: (-abs(c.diff), c.name))
    if moved:
        lines += ["| Change | Resource | Type | Before | After |", "|---|---|---|---:|---:|"]
        for change in moved[:8]:
            lines.append(f"| {change.change} | `{_cell(change.name)}` | {short_type(change.type)} | "
                         f"${change.before:,.2f} | ${change.after:,.2f} |")
        if len(moved) > 8:
            lines.append(f"| | … {len(moved) - 8} more | | | |")
        lines.append("")
    return lines


def findings_markdown(findings: Sequence[Mapping[str, Any]], top: int = TOP_FINDINGS) -> list[str]:
    """The compliance section: verdict, counts by severity, and the `top` most important findings (mandatory
    first, then by severity); the stack's `rollout:report.topFindings` sets `top` in a plan comment."""
    active = [f for f in findings if not f.get("waived")]
    mandatory = [
        f for f in active if f.get("enforcement") == "mandatory" and f.get("status", "violation") == "violation"
    ]
    counts: dict[str, int] = {}
    for finding in active:
        counts[str(finding.get("severity", "unknown"))] = counts.get(str(finding.get("severity", "unknown")), 0) + 1
    verdict = "✅ no mandatory violations" if not mandatory else f"❌ {len(mandatory)} mandatory violation(s)"
    by_severity = ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda kv: SEVERITY_ORDER.get(kv[0], 9)))
    waived = len(findings) - len(active)
    lines = ["#### Compliance", "", f"{verdict} · "
                                    f"{len(active)} finding(s)" + (f" ({by_severity})" if by_severity else "")
             + (f" · {waived} waived" if waived else ""), ""]
    top = sorted(
        active,
        key=lambda f: (
            f.get("enforcement") != "mandatory",
            SEVERITY_ORDER.get(str(f.get("severity")), 9),
            str(f.get("control")),
            str(f.get("name")),
        ),
    )[:top]
    if top:
        lines += ["| Control | Severity | Enforcement | Resource | Finding |", "|---|---|---|---|---|"]
        for f in top:
            lines.append(f"| {f.get('control')} | {f.get('severity')} | {f.get('enforcement')} | "
                         f"`{_cell(str(f.get('name')))}` | {_cell(str(f.get('message')))} |")
        if len(active) > len(top):
            lines.append(f"| | | | | … {len(active) - len(top)} more: run `rollout check` |")
        lines.append("")
    return lines


# ---------------------------------------------------------------------------------------------------------------
# Diff renderings (rollout diff)


def diff_markdown(changes: Any, title: str) -> str:
    lines = [f"### rollout diff: {title}", "",
             f"**+{len(changes.added)}** added, **~{len(changes.updated)}** updated, "
             f"**±{len(changes.replaced)}** replaced, **-{len(changes.removed)}** removed.", ""]
    if changes.data_loss:
        lines += _data_loss_markdown(changes)
    if changes.switches:
        lines += _switches_markdown(changes)
    if changes.warnings:
        lines += _risks_markdown(changes)
    if changes.updated or changes.replaced or changes.removed:
        lines += _changes_markdown(changes)
    if changes.added:
        lines += ["<details><summary>Added</summary>", ""]
        lines += [f"- `{e.name}` ({short_type(e.type)})" for e in changes.added] + ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def diff_table(changes: Any, console: Any, title: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("")
    table.add_column("Resource")
    table.add_column("Type")
    table.add_column("Changed inputs (old → new)")
    for entry in changes.added:
        table.add_row("[green]+[/green]", escape(entry.name), short_type(entry.type), "")
    for mark, entries in (("[magenta]±[/magenta]", changes.replaced), ("[yellow]~[/yellow]", changes.updated)):
        for entry in entries:
            detail = "\n".join(f"{escape(c.path)}: " + " → ".join(escape(v) for v in around_difference(
                _plain(c.old), _plain(c.new), 100))
                               for c in entry.changes)
            if entry.replace_paths:
                detail += f"\n[magenta]replaced because {escape(', '.join(entry.replace_paths))} changed[/magenta]"
            table.add_row(mark + (" [red bold]data loss[/red bold]" if entry.data_loss else ""), escape(entry.name),
                          short_type(entry.type), detail)
    for entry in changes.removed:
        table.add_row("[red]-[/red]" + (" [red bold]data loss[/red bold]" if entry.data_loss else ""),
                      escape(entry.name), short_type(entry.type), "")
    if changes.empty:
        console.print(f"{escape(title)}: no changes.")
    else:
        console.print(table)
    console.print(f"Diff: [green]+{len(changes.added)}[/green] added, "
                  f"[yellow]~{len(changes.updated)}[/yellow] updated, "
                  f"[magenta]±{len(changes.replaced)}[/magenta] replaced, [red]-{len(changes.removed)}[/red] removed.")
    for entry, risk in changes.warnings:
        style = "red bold" if risk.kind == "fails" else "yellow"
        console.print(f"[{style}]{risk.kind}:[/{style}] {escape(entry.name)}: {escape(risk.message)}")
    if changes.data_loss:
        console.print(f"[red bold]Data loss:[/red bold] {len(changes.data_loss)} stateful resource(s) would be "
                      "replaced or removed: " + escape(", ".join(e.name for e in (*changes.replaced, *changes.removed)
                                                                 if e.data_loss)))
    for switch in changes.switches:
        console.print(f"[yellow bold]Traffic switch[/yellow bold] ({switch.kind}, {switch.setting}) "
                      f"{escape(switch.name)}: {escape(switch.describe())}")


def around_difference(old: str, new: str, limit: int = 100, context: int = 24) -> tuple[str, str]:
    """Two long values (policy documents, dashboard bodies) cut to the part where they differ, not to a prefix
    they share: a window of at most `limit` characters starting `context` characters before the first difference,
    marked with … and the position. --format json keeps them whole."""
    if len(old) <= limit and len(new) <= limit:
        return old, new
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    start = max(0, prefix - context)

    def cut(text: str) -> str:
        window = text[start:start + limit]
        head = f"(at character {start + 1}) …" if start > 0 else ""
        tail = f"… ({len(text) - start - len(window)} more characters)" if start + len(window) < len(text) else ""
        return head + window + tail

    return cut(old), cut(new)




def _plain(value: Any) -> str:
    import json

    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


# ---------------------------------------------------------------------------------------------------------------
# Gate renderings (rollout gate)


def gate_table(result: Any, console: Any, stack: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{stack}: gate of {result.switch}", title_justify="left")
    table.add_column("")
    table.add_column("Check")
    table.add_column("Detail")
    for check in result.checks:
        table.add_row("[green]ok[/green]" if check.ok else "[red]FAIL[/red]", escape(check.name), escape(check.detail))
    console.print(table)
    if result.ok:
        console.print(f"[green bold]Gate holds:[/green bold] set sme-rollout:switches.{result.switch}: true, "
                      "then `rollout diff --fail-on-traffic-switch` shows the switch.")
    else:
        console.print(f"[red bold]Gate fails:[/red bold] {len(result.failures)} of {len(result.checks)} checks; "
                      f"leave switches.{result.switch} off.")
