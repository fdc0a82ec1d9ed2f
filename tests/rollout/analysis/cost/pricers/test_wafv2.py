"""Pricing rules of rollout.analysis.cost.pricers.wafv2 on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import price, res


def test_waf_acl_rules_and_requests():
    acl = res("aws:wafv2/webAcl:WebAcl", "waf", {"rules": [{"name": "a"}, {"name": "b"}, {"name": "c"}]})
    # 5.00 + 3 rules x 1.00 + 1M requests x 0.60 = 8.60
    assert price(acl).total_monthly == pytest.approx(8.60)
