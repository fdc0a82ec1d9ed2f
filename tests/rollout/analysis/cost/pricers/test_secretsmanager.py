"""Pricing rules of rollout.analysis.cost.pricers.secretsmanager on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import SG, line, price, res


def test_secret_month_plus_api_calls_from_usage():
    report = price(res("aws:secretsmanager/secret:Secret", "s"))
    # 0.40 per secret-month + small profile 10k calls x 0.05 per 10k
    assert report.total_monthly == pytest.approx(0.45)
    usage = UsageSettings(by_resource={"s": {"monthlyApiCalls": 1e6}})
    # 0.40 + 100 x 0.05 = 5.40
    assert price(res("aws:secretsmanager/secret:Secret", "s"), region=SG, usage=usage).total_monthly == pytest.approx(
        5.40
    )
    assert line(report, "API requests").usage_based


def test_ssm_parameters_standard_free_advanced_priced_golden(synth):
    """Golden (Infracost ssm_parameter_test, us-east-1): an advanced parameter 730 h = $0.05 and 100,000 API
    interactions at higher throughput = $0.50; a standard one has no charge."""
    from tests.rollout.analysis.cost.builders import breakdown, golden

    def program() -> None:
        import pulumi_aws as aws

        aws.ssm.Parameter("big", type="String", value="x" * 5000, tier="Advanced")
        aws.ssm.Parameter("small", type="String", value="on")

    usage = UsageSettings(by_resource={"big": {"monthlyApiInteractions": 100_000}})
    report = golden(synth, program, usage)
    assert breakdown(report) == [
        ("big", "Parameter storage (advanced)", 1.0, "month", 0.05),
        ("big", "API interactions (higher throughput)", 10.0, "10k requests", 0.5),
    ]
    assert "has no charge" in next(r for r in report.resources if r.name == "small").note
    singapore = price(res("aws:ssm/parameter:Parameter", "p", {"tier": "Advanced"}), region=SG)
    assert not singapore.resources[0].components[0].price_known  # not found for ap-southeast-1: unknown
