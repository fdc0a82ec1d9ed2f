"""Human renderings of a plan: a rich table for terminals and Markdown for pull-request comments."""

from __future__ import annotations

from typing import Any

from rollout.plan import Plan, component_of, components_by_phase, phase_summary


def short_type(type_token: str) -> str:
    """`aws:rds/instance:Instance` → `rds.Instance` (enough to recognise it in a table)."""
    parts = type_token.split(":")
    if len(parts) != 3:
        return type_token
    module = parts[1].split("/")[0]
    return f"{module}.{parts[2]}" if module not in ("index", "") else f"{parts[0]}.{parts[2]}"


def plan_table(plan: Plan, console: Any, *, detail: bool = False) -> None:
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
    rows = phase_summary(current, plan.added)
    for row in rows:
        summary.add_row(str(row["number"] if row["number"] is not None else "–"), row["title"] or "",
                        str(row["resources"]), f"+{row['added']}" if row["added"] else "")
    summary.add_section()
    summary.add_row("", "total", str(sum(r["resources"] for r in rows)), f"+{len(plan.added)}")
    console.print(summary)

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
        for phase, components in sorted(components_by_phase(current).items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
            for component, types in components.items():
                counts = ", ".join(f"{n}× {short_type(t)}" if n > 1 else short_type(t) for t, n in types.most_common())
                resources.add_row(str(phase or "–"), component or "–", counts)
    console.print(resources)

    by_urn = current.by_urn
    previous = plan.previous.by_urn if plan.previous is not None else {}
    if plan.changed or plan.removed:
        changes = Table(title=f"Changes to what phase {(plan.phase or 1) - 1} already has", title_justify="left")
        changes.add_column("")
        changes.add_column("Resource")
        changes.add_column("Type")
        for urn in plan.changed:
            changes.add_row("[yellow]~[/yellow]", by_urn[urn].name, short_type(by_urn[urn].type))
        for urn in plan.removed:
            changes.add_row("[red]-[/red]", previous[urn].name, short_type(previous[urn].type))
        console.print(changes)
    console.print(f"Plan: [green]+{len(plan.added)} to add[/green], [yellow]~{len(plan.changed)} to change[/yellow], "
                  f"[red]-{len(plan.removed)} to remove[/red] (offline: nothing was applied).")


def plan_markdown(plan: Plan) -> str:
    current = plan.current
    lines = [f"### rollout plan: `{current.stack}` phase {plan.phase if plan.phase is not None else '–'}", ""]
    lines += ["| Phase | Title | Resources | New |", "|---:|---|---:|---:|"]
    for row in phase_summary(current, plan.added):
        lines.append(f"| {row['number'] if row['number'] is not None else '–'} | {row['title'] or ''} | "
                     f"{row['resources']} | {('+' + str(row['added'])) if row['added'] else ''} |")
    lines += ["", f"**+{len(plan.added)}** to add, **~{len(plan.changed)}** to change, **-{len(plan.removed)}** to remove."]
    return "\n".join(lines) + "\n"
