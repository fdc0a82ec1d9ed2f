"""The six phases, and `build(config, up_to=N)`: the only place that composes components.

Each phase module declares NUMBER, TITLE, GOAL, KPIS and ADDS, and two functions:
- `build(ctx)`: create what the phase adds, parented to `ctx.phase(NUMBER)`;
- `finish(ctx)` (optional): wire what depends on later phases (the CDN routes to the static bucket of phase 3 and
  to the load balancer of phase 6), run after every phase up to N has built.

Every resource lives under a `sme-rollout:phases:Phase` component carrying its phase number, so URNs never depend
on how many phases are applied, and the offline runtime can tell which phase introduced each resource.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pulumi
import pulumi_aws as aws

from phases import (
    phase1_assess,
    phase2_quick_wins,
    phase3_decouple,
    phase4_async,
    phase5_observability,
    phase6_scale_out,
)
from phases.config import StackConfig

PHASES: tuple[ModuleType, ...] = (
    phase1_assess,
    phase2_quick_wins,
    phase3_decouple,
    phase4_async,
    phase5_observability,
    phase6_scale_out,
)


class Phase(pulumi.ComponentResource):
    """Groups what one phase adds; its `phase` input tells tools which phase introduced a resource."""

    def __init__(self, number: int, title: str, opts: pulumi.ResourceOptions | None = None,
                 manual_steps: tuple[str, ...] = ()) -> None:
        super().__init__("sme-rollout:phases:Phase", f"phase{number}",
                         {"phase": number, "title": title, "manualSteps": list(manual_steps)}, opts)
        self.register_outputs({})


@dataclass
class Context:
    """What the phases share while building: the config, providers, phase parents, and each phase's components."""

    config: StackConfig
    up_to: int
    aws_provider: aws.Provider
    phases: dict[int, Phase] = field(default_factory=dict)
    components: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    _us_east_1: aws.Provider | None = None
    _regions: dict[str, aws.Provider] = field(default_factory=dict)

    def phase(self, number: int) -> Phase:
        """The parent component of phase `number` (created on first use)."""
        if number not in self.phases:
            module = PHASES[number - 1]
            steps = module.manual_steps(self.config) if hasattr(module, "manual_steps") else ()
            self.phases[number] = Phase(number, module.TITLE,
                                        pulumi.ResourceOptions(providers=[self.aws_provider]), manual_steps=steps)
        return self.phases[number]

    def opts(self, number: int, **options: Any) -> pulumi.ResourceOptions:
        """Options for a component of phase `number`: parented to that phase (and so its provider)."""
        return pulumi.ResourceOptions(parent=self.phase(number), **options)

    def region_provider(self, region: str) -> aws.Provider:
        """An AWS provider for a second region (cross-region backup copies), one per region."""
        if region == "us-east-1":
            return self.us_east_1
        if region not in self._regions:
            self._regions[region] = aws.Provider(f"aws-{region}", region=region,
                                                 default_tags={"tags": default_tags(self.config)})
        return self._regions[region]

    @property
    def us_east_1(self) -> aws.Provider:
        """CloudFront's WAF web ACL and certificate must live in us-east-1."""
        if self._us_east_1 is None:
            self._us_east_1 = aws.Provider("aws-us-east-1", region="us-east-1",
                                           default_tags={"tags": default_tags(self.config)})
        return self._us_east_1

    def has(self, name: str) -> bool:
        return name in self.components


def default_tags(config: StackConfig) -> dict[str, str]:
    """Tags every AWS resource gets through the provider (cost allocation and ownership)."""
    return {
        "Project": "sme-rollout",
        "Stack": pulumi.get_stack(),
        "Environment": config.environment,
        "ManagedBy": "pulumi",
        **config.tags,
    }


def build(config: StackConfig, up_to: int | None = None) -> Context:
    """Build phases 1..N (N defaults to the configured phase). Phase N contains phases 1..N."""
    up_to = config.phase if up_to is None else up_to
    if not 1 <= up_to <= len(PHASES):
        raise ValueError(f"phase must be between 1 and {len(PHASES)}, not {up_to}")
    provider = aws.Provider("aws", region=config.region, default_tags={"tags": default_tags(config)})
    ctx = Context(config=config, up_to=up_to, aws_provider=provider)
    for module in PHASES[:up_to]:
        ctx.phase(module.NUMBER)
        module.build(ctx)
    if up_to >= config.app.moves_at:
        # after every phase has built (its instances use what phases 2..N add), before the CDN picks its origin
        phase6_scale_out.build_web_tier(ctx, config.app.moves_at)
    for module in PHASES[:up_to]:
        finish = getattr(module, "finish", None)
        if finish is not None:
            finish(ctx)
    # the HTTPS listener of a web tier built before phase 6 (phase 6's finish serves its own)
    phase6_scale_out.serve_https(ctx)
    ctx.outputs["phase"] = up_to
    return ctx


def describe() -> list[dict[str, Any]]:
    """What each phase is for (for reports): number, title, goal, KPIs and what it adds."""
    return [{"number": m.NUMBER, "title": m.TITLE, "goal": m.GOAL, "kpis": list(m.KPIS), "adds": list(m.ADDS)}
            for m in PHASES]


def manual_steps(config: StackConfig, number: int) -> tuple[str, ...]:
    """What the SME does by hand at phase `number` for this config (none for phases without any)."""
    module = PHASES[number - 1]
    return module.manual_steps(config) if hasattr(module, "manual_steps") else ()
