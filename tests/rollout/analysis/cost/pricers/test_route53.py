"""Pricing rules of rollout.analysis.cost.pricers.route53 on hand-built inventories."""

from __future__ import annotations

from tests.rollout.analysis.cost.builders import price, res


def test_health_check_names_its_type():
    report = price(res("aws:route53/healthCheck:HealthCheck", "uptime", {"type": "HTTPS"}))
    assert [c.name for c in report.resources[0].components][0] == "Health check (HTTPS)"
