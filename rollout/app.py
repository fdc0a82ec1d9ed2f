"""The use cases: load a stack, run its program offline, analyse what it builds.

This is the one place that does all three, so that a command is parse → use case → render → exit code, and every
command that runs a program runs it the same way (same stack file, same phase rule, same progress lines).
Heavy imports (the Pulumi SDK through rollout.runtime) happen inside the functions: `rollout --help` stays fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rollout.analysis.plan import Plan
from rollout.errors import UserError
from rollout.model.inventory import Inventory
from rollout.model.stackfile import StackFile, load_stack

if TYPE_CHECKING:
    from rollout.analysis.check import CheckResult
    from rollout.analysis.cost import CostDiff, CostReport
    from rollout.analysis.diff import Diff

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    """The progress callback when nobody listens."""


def _run(program: Path | str, stack: str, phase: int | None, stack_file: StackFile, *, cache: bool = True,
         progress: Progress = _quiet) -> Inventory:
    """One run of the program, served from the run cache when nothing it depends on changed (rollout.runtime.cache).
    The SDK is imported only when the program really runs."""
    from rollout.runtime.cache import cached_run

    def run() -> Inventory:
        from rollout.runtime import worker

        if worker.wanted():
            inventory = worker.run_in_worker(stack_file, phase)
            if inventory is not None:
                return inventory
        from rollout.runtime.synth import synthesize

        return synthesize(program, stack, phase=phase, stack_file=stack_file)

    inventory, cached = cached_run(stack_file, phase, run, use_cache=cache)
    if cached:
        progress("nothing it reads changed since an earlier run: cached inventory used (--no-cache runs it)")
    return inventory


def stack_warnings(stack_file: StackFile) -> list[str]:
    """What the user should know about how the stack was read (e.g. a region assumed, not configured)."""
    return [w for w in (stack_file.region_warning,) if w]


def previous_phase(phase: int | None) -> int | None:
    """The phase a phase is compared with: N-1, and nothing before phase 1 or for a program without phases."""
    return phase - 1 if phase is not None and phase > 1 else None


# ---------------------------------------------------------------------------------------------------------------
# plan


def plan_stack(program: Path | str, stack: str, phase: int | None = None, progress: Progress = _quiet, *,
               cache: bool = True) -> Plan:
    """Run phase N (default: the stack's configured phase) and, when N > 1, phase N-1 to compare against."""
    stack_file = load_stack(program, stack)
    phase = phase if phase is not None else stack_file.phase
    progress(f"running {stack_file.project_name} for stack {stack}" + (f" at phase {phase}" if phase else ""))
    current = _run(program, stack, phase, stack_file, cache=cache, progress=progress)
    previous = None
    if previous_phase(phase) is not None:
        progress(f"running phase {previous_phase(phase)} to compare")
        previous = _run(program, stack, previous_phase(phase), stack_file, cache=cache, progress=progress)
    return Plan.of(stack_file, current, previous)


def plan_costs(plan: Plan) -> tuple[CostReport | None, CostReport]:
    """The CostReports of phase N-1 (None when there is none) and phase N, priced with the stack's usage settings."""
    from rollout.analysis.cost import price_inventory

    settings, region = plan.stack_file.settings, plan.stack_file.region
    after = price_inventory(plan.current, settings, region)
    before = price_inventory(plan.previous, settings, region) if plan.previous else None
    return before, after


def plan_findings(plan: Plan) -> list[dict[str, Any]]:
    """Findings of `rollout check` for phase N (stack policy settings and waivers applied) as JSON objects."""
    from rollout.analysis.check import merge_policy_config, run_check

    settings = plan.stack_file.settings
    result = run_check(plan.current, policy_config=merge_policy_config(settings.policy.config),
                       waivers=settings.waivers)
    return [finding.to_json() for finding in result.findings]


def plan_comment(plan: Plan, findings: list[dict[str, Any]] | None = None) -> str:
    """The pull-request comment of a plan: changes, cost, compliance and the diagram, gathered here. `findings`
    (as `rollout check --format json` gives them) replaces the stack-policy check of phase N when given."""
    from rollout.analysis.cost import compare as compare_costs
    from rollout.analysis.diagram import mermaid
    from rollout.render.report import plan_markdown

    before, after = plan_costs(plan)
    return plan_markdown(plan, cost=compare_costs(before, after),
                         findings=plan_findings(plan) if findings is None else findings,
                         diagram=mermaid(plan.current), cost_report=after)


# ---------------------------------------------------------------------------------------------------------------
# check


@dataclass(frozen=True)
class CheckRun:
    """One offline check: the result, and the stack file and inventory it was computed from."""

    result: CheckResult
    stack_file: StackFile
    inventory: Inventory

    @property
    def warnings(self) -> list[str]:
        """The stack's warnings, then waivers that expired or name no resource (both are likely mistakes)."""
        lines = stack_warnings(self.stack_file)
        lines += [f"waiver for {w.control} on {w.resource} expired on {w.expires}" for w in self.result.expired_waivers]
        lines += [f"waiver for {w.control} names {w.resource}, which is no resource of this stack at this phase "
                  f"(not built yet, or a typo)" for w in self.result.unmatched_waivers]
        return lines


def check_stack(program: Path | str, stack: str, *, phase: int | None = None, config_file: Path | None = None,
                today: dt.date | None = None, progress: Progress = _quiet, cache: bool = True) -> CheckRun:
    """Validate the policy config and waivers first (bad input fails before the program runs), then run and check.
    The catalog's controls and the apply rules (APL-*) both run; an apply error fails whatever the enforcement."""
    stack_file = load_stack(program, stack)
    policy = policy_inputs(stack_file, config_file)
    progress(f"running {stack_file.project_name} ({stack}) offline")
    inventory = _run(program, stack, phase, stack_file, cache=cache, progress=progress)
    return CheckRun(_check(inventory, policy, today, progress), stack_file, inventory)


@dataclass(frozen=True)
class PolicyInputs:
    """The merged policy config (stack, then --config) and the stack's waivers, validated."""

    config: dict[str, Any]
    waivers: tuple[Any, ...]


def policy_inputs(stack_file: StackFile, config_file: Path | None) -> PolicyInputs:
    from policies.registry import ALL_CONTROLS as CONTROLS  # the catalog and the apply rules
    from rollout.analysis.check import load_config_file, merge_policy_config, validate_policy_config, validate_waivers

    settings = stack_file.settings
    stack_config = settings.policy.config
    validate_policy_config(stack_config, f"{stack_file.display_path}: rollout:policy.config", CONTROLS)
    file_config = load_config_file(config_file) if config_file is not None else {}
    validate_policy_config(file_config, f"--config {config_file}", CONTROLS)
    validate_waivers(settings.waivers, CONTROLS, stack_file.display_path)
    return PolicyInputs(merge_policy_config(stack_config, file_config), tuple(settings.waivers))


def _check(inventory: Inventory, policy: PolicyInputs, today: dt.date | None, progress: Progress) -> CheckResult:
    from policies.registry import ALL_CONTROLS as CONTROLS  # the catalog and the apply rules
    from rollout.analysis.check import run_check

    progress(f"checking {len(inventory.custom_resources())} resources against {len(CONTROLS)} controls")
    return run_check(inventory, policy_config=policy.config, waivers=list(policy.waivers), today=today,
                     controls=CONTROLS)


# ---------------------------------------------------------------------------------------------------------------
# cost


@dataclass(frozen=True)
class CostRun:
    """Phase N priced, phase M (the one compared with) priced, and the change between them."""

    after: CostReport
    before: CostReport | None
    diff: CostDiff | None
    compared_phase: int | None
    catalog_path: str
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The `rollout cost --format json` document."""
        return {**self.after.to_json(self.before, self.diff, self.compared_phase, self.catalog_path),
                "warnings": list(self.warnings)}


def cost_stack(program: Path | str, stack: str, *, phase: int | None = None, compare_phase: int | None = None,
               currency: str | None = None, catalog: Path | None = None, progress: Progress = _quiet,
               cache: bool = True) -> CostRun:
    """Price phase N and the phase it is compared with (N-1 by default), in USD or the chosen currency."""
    from rollout.analysis.cost import compare as compare_costs
    from rollout.analysis.cost import exchange_rate, in_currency, load_catalog, price_inventory

    stack_file = load_stack(program, stack)
    settings = stack_file.settings
    prices = load_catalog(catalog)
    chosen = currency or settings.report.currency
    rate, rate_source = exchange_rate(chosen, settings.usage, prices)
    region = stack_file.region

    progress(f"running {stack_file.project_name} ({stack}) offline" + (f" at phase {phase}" if phase else ""))
    inventory = _run(program, stack, phase, stack_file, cache=cache, progress=progress)
    current = inventory.phase
    compared = compare_phase if compare_phase is not None else previous_phase(current)
    before = None
    if compared is not None:
        progress(f"running phase {compared} to compare")
        before = price_inventory(_run(program, stack, compared, stack_file, cache=cache, progress=progress),
                                 settings, region, prices)
    progress("pricing")
    after = price_inventory(inventory, settings, region, prices)
    if chosen != "USD":
        after = in_currency(after, chosen, rate, rate_source)
        before = in_currency(before, chosen, rate, rate_source) if before else None
    # Phase 1 is compared with nothing (everything is added); a program without phases is not compared.
    diff = compare_costs(before, after) if before is not None or current == 1 else None
    return CostRun(after, before, diff, compared, prices.path, tuple(stack_warnings(stack_file)))


# ---------------------------------------------------------------------------------------------------------------
# diff


@dataclass(frozen=True)
class DiffRun:
    """What applying phase N would change, compared with phase M or a saved baseline."""

    before: Inventory
    after: Inventory
    diff: Diff
    title: str
    warnings: tuple[str, ...] = ()


def diff_stack(program: Path | str, stack: str, *, phase: int | None = None, from_phase: int | None = None,
               baseline: Path | None = None, progress: Progress = _quiet, cache: bool = True) -> DiffRun:
    """Compare phase N with phase M (`from_phase`) or with a baseline file: exactly one of the two."""
    if (from_phase is None) == (baseline is None):
        raise UserError("give exactly one of --from-phase M or --baseline FILE")
    before = load_baseline(baseline, stack) if baseline is not None else None
    stack_file = load_stack(program, stack)
    if before is None:
        progress(f"running {stack} at phase {from_phase}")
        before = _run(program, stack, from_phase, stack_file, cache=cache, progress=progress)
    target = phase if phase is not None else stack_file.phase
    progress(f"running {stack}" + (f" at phase {target}" if target is not None else ""))
    after = _run(program, stack, phase, stack_file, cache=cache, progress=progress)
    from dataclasses import replace

    return replace(_diff(before, after, baseline), warnings=tuple(stack_warnings(stack_file)))


def _diff(before: Inventory, after: Inventory, baseline: Path | None) -> DiffRun:
    from rollout.analysis.diff import diff_inventories

    def label(inventory: Inventory) -> str:
        return f"phase {inventory.phase}" if inventory.phase is not None else "configured phase"

    since = f"baseline {baseline.name} ({label(before)})" if baseline is not None else label(before)
    return DiffRun(before, after, diff_inventories(before, after), f"{after.stack}: {since} → {label(after)}")


def load_baseline(path: Path, stack: str) -> Inventory:
    """The inventory of `stack` in a file written by `rollout plan --save`; bad or old files are a UserError."""
    import json

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
    raise UserError(f"--baseline {path}: holds no inventory of stack {stack} (found: {found})")


# ---------------------------------------------------------------------------------------------------------------
# diagram and env


def inventory_of(program: Path | str, stack: str, phase: int | None = None, progress: Progress = _quiet, *,
                 cache: bool = True) -> Inventory:
    """One run of the program at phase N (default: the stack's configured phase), for the diagram and env."""
    stack_file = load_stack(program, stack)
    progress(f"running {stack_file.project_name} ({stack}) offline" + (f" at phase {phase}" if phase else ""))
    return _run(program, stack, phase, stack_file, cache=cache, progress=progress)


def env_of(program: Path | str, stack: str, flow: str, progress: Progress = _quiet, *,
           cache: bool = True) -> dict[str, str]:
    """A business flow's connection settings from the stack's per-flow outputs."""
    from rollout.analysis.env import flow_settings

    return flow_settings(inventory_of(program, stack, progress=progress, cache=cache), flow)


# ---------------------------------------------------------------------------------------------------------------
# ci: everything a pull request needs from one run of each phase


@dataclass(frozen=True)
class CiRun:
    """Phase N and N-1 run once; the check, the plan comment and the diff against a baseline all come from them."""

    plan: Plan
    check: CheckRun
    comment: str
    diff: DiffRun | None


def ci_stack(program: Path | str, stack: str, *, phase: int | None = None, baseline: Path | None = None,
             config_file: Path | None = None, today: dt.date | None = None, progress: Progress = _quiet,
             cache: bool = True) -> CiRun:
    """What `rollout check`, `rollout plan --format markdown` and `rollout diff --baseline` give, from one run of
    phase N (and N-1 for the plan). Bad input (policy config, waivers, baseline) fails before anything runs."""

    stack_file = load_stack(program, stack)
    policy = policy_inputs(stack_file, config_file)
    before = load_baseline(baseline, stack) if baseline is not None else None
    plan = plan_stack(program, stack, phase, progress=progress, cache=cache)
    result = _check(plan.current, policy, today, progress)
    progress("writing the plan comment")
    comment = plan_comment(plan, findings=[finding.to_json() for finding in result.findings])
    diff = _diff(before, plan.current, baseline) if before is not None else None
    return CiRun(plan, CheckRun(result, stack_file, plan.current), comment, diff)


def reach_of(program: Path | str, stack: str, phase: int | None = None, progress: Progress = _quiet,
             cache: bool = True) -> Any:
    """The reachability matrix of phase N (rollout.analysis.reach.Matrix)."""
    from rollout.analysis.reach import analyse, matrix

    return matrix(analyse(inventory_of(program, stack, phase, progress=progress, cache=cache)))


@dataclass(frozen=True)
class ImageChange:
    """What `rollout deploy --image` would change, found offline before anything is applied."""

    stack_file: StackFile
    index: int
    diff: Diff


def image_change(program: Path | str, stack: str, service: str, image: str, progress: Progress = _quiet,
                 cache: bool = True) -> ImageChange:
    """Run the stack's configured phase with the service's current and its new image, and diff the two."""
    import dataclasses

    from rollout.analysis.diff import diff_inventories
    from rollout.live.canary import check_image, service_index, with_image

    stack_file = load_stack(program, stack)
    check_image(image)
    project = stack_file.project_name
    index = service_index(stack_file.config, project, service, stack_file.display_path)
    progress(f"running {project} ({stack}) with the current image")
    before = _run(program, stack, None, stack_file, cache=cache, progress=progress)
    changed = dataclasses.replace(stack_file, config=with_image(stack_file.config, project, index, image))
    progress(f"running {project} ({stack}) with {service} at {image}")
    after = _run(program, stack, None, changed, cache=cache, progress=progress)
    return ImageChange(stack_file, index, diff_inventories(before, after))
