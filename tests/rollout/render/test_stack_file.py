"""rollout.render.stack_file: a new stack file with the engine version in RDS standard support written out."""

import pytest
import yaml

from rollout.errors import UserError
from rollout.render.stack_file import NewStack, render, supported_major

SHOP = NewStack(stack="shop", domain="shop.example.vn", origin="origin.shop.example.vn")


@pytest.mark.parametrize(
    ("engine", "on", "major"),
    [
        ("mysql", "2026-12-01", "8.4"),  # 8.0 left standard support on 2026-07-31
        ("mysql", "2026-07-31", "8.4"),  # 8.4 is newer anyway
        ("postgres", "2026-12-01", "16"),
        ("postgres", "2029-02-28", "16"),
    ],
)
def test_the_newest_major_in_standard_support(engine, on, major):
    assert supported_major(engine, on) == major


def test_a_calendar_with_nothing_left_in_standard_support_is_an_error():
    with pytest.raises(UserError, match="no major version in RDS standard support on 2032-01-01"):
        supported_major("mysql", "2032-01-01")


def test_the_file_is_phase_1_with_the_engine_version_written_out():
    text = render(
        NewStack(
            stack="shop", domain="Shop.Example.vn", origin="origin.shop.example.vn", engine="mysql", environment="prod"
        ),
        "sme-rollout",
        "2026-12-01",
    )
    assert text.startswith("# Stack shop, written by `rollout init` on 2026-12-01.")
    config = yaml.safe_load(text)["config"]
    assert config == {
        "sme-rollout:phase": 1,
        "sme-rollout:region": "ap-southeast-1",
        "sme-rollout:environment": "prod",
        "sme-rollout:site": {"domain": "shop.example.vn", "origin": "origin.shop.example.vn"},
        "sme-rollout:database": {"engine": "mysql", "engineVersion": "8.4"},
    }
    assert isinstance(config["sme-rollout:database"]["engineVersion"], str)  # "8.4", never the number 8.4


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"stack": "a b"}, "--stack 'a b': letters, digits"),
        ({"domain": "shop"}, "--domain 'shop': not a host name"),
        ({"origin": "https://origin.shop.example.vn"}, "--origin 'https://origin.shop.example.vn': not a host name"),
        ({"origin": "shop.example.vn"}, "--origin: must differ from --domain"),
        ({"region": "singapore"}, "--region 'singapore': not an AWS region"),
        ({"engine": "oracle"}, "--engine 'oracle': one of postgres, mysql"),
    ],
)
def test_bad_options_are_one_line_each(changes, problem):
    from dataclasses import replace

    with pytest.raises(UserError) as error:
        render(replace(SHOP, **changes), "sme-rollout", "2026-12-01")
    assert [p for p in error.value.problems if p.startswith(problem)], error.value.problems
