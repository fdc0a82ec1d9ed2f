"""Amazon Managed Grafana workspaces (editor and viewer users)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _grafana_workspace(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    editors = max(1.0, ctx.usage(resource, "editorUsers"))
    return Priced([
        ctx.line("Editor users (at least 1 billed)", "grafana:editor", "user-month", editors, usage_based=True),
        ctx.line("Viewer users", "grafana:viewer", "user-month", ctx.usage(resource, "viewerUsers"),
                 usage_based=True),
    ])


PRICERS = {
    "aws:grafana/workspace:Workspace": _grafana_workspace,
}
