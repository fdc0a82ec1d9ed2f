"""Pricing rules of rollout.analysis.cost.pricers.backup on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import line, price, res


def test_backup_plan_rds_storage_and_ebs_only_when_used():
    plan = res("aws:backup/plan:Plan", "p")
    report = price(plan)
    # small: 20 GB of RDS backups x 0.095; no EBS line when the usage is 0
    assert report.total_monthly == pytest.approx(1.90)
    assert [c.name for c in report.resources[0].components] == ["Backup storage (RDS snapshots)"]
    with_ebs = price(plan, usage=UsageSettings(by_type={"aws:backup/plan:Plan": {"ebsStorageGb": 50}}))
    assert line(with_ebs, "Backup storage (EBS snapshots)").quantity == 50
