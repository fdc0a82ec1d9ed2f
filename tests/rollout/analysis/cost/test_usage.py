"""Pricing rules of rollout.analysis.cost.usage on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.errors import UserError
from rollout.model.settings import UsageSettings, load_settings
from tests.rollout.analysis.cost.builders import US, price, res


def test_usage_profiles_and_overrides_with_their_origin():
    queue = res("aws:sqs/queue:Queue", "email")
    other = res("aws:sqs/queue:Queue", "reports")
    # medium: 10M requests; first queue (10 - 1 free) x 0.40 = 3.60, second 10 x 0.40 = 4.00
    medium = price(queue, other, region=US, usage=UsageSettings(profile="medium"))
    assert [r.monthly for r in medium.resources] == pytest.approx([3.60, 4.00])
    usage = UsageSettings(by_type={"aws:sqs/queue:Queue": {"monthlyRequests": 3e6}},
                          by_resource={"reports": {"monthlyRequests": 6e6}})
    report = price(queue, other, region=US, usage=usage)
    # byType 3M: (3 - 1) x 0.40 = 0.80; byResource 6M beats byType: 6 x 0.40 = 2.40
    assert [r.monthly for r in report.resources] == pytest.approx([0.80, 2.40])
    assert [(a.key, a.value, a.origin) for a in report.assumptions] == [
        ("monthlyRequests", 3e6, "byType"), ("monthlyRequests", 6e6, "byResource")]
    assert price(queue, region=US).assumptions[0].origin == "profile small"


def test_bad_usage_config_is_a_user_error_naming_the_key():
    with pytest.raises(UserError) as error:
        load_settings({"usage": {"byType": {"aws:sqs/queue:Queue": {"monthlyReqs": 5}}}}, "Pulumi.dev.yaml")
    assert error.value.problems == [
        "Pulumi.dev.yaml: rollout:usage.byType: aws:sqs/queue:Queue.monthlyReqs: unknown usage key "
        "(known: monthlyRequests)"]
    with pytest.raises(UserError, match="usage.profile"):
        load_settings({"usage": {"profile": "huge"}}, "Pulumi.dev.yaml")
