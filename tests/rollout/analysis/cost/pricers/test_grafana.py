"""Pricing rules of rollout.analysis.cost.pricers.grafana on hand-built inventories."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import SG, US, price, res


def test_grafana_users_bill_at_least_one_editor():
    workspace = res("aws:grafana/workspace:Workspace", "grafana")
    # medium: 2 editors x 9 + 5 viewers x 5 = 43
    assert price(workspace, region=US, usage=UsageSettings(profile="medium")).total_monthly == 43
    nobody = UsageSettings(by_type={"aws:grafana/workspace:Workspace": {"editorUsers": 0}})
    assert price(workspace, region=US, usage=nobody).total_monthly == 9
    # one price on AWS's page for every region: 1 editor x 9 in Singapore too
    assert price(workspace, region=SG).total_monthly == 9
