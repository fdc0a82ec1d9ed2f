"""A moto account for the live tests that read AWS (audit, session): fake credentials, no real endpoint."""

from __future__ import annotations

import pytest
from moto import mock_aws

from tests.rollout import audit_fixtures as fx


@pytest.fixture
def aws(monkeypatch):
    fx.fake_aws_environment(monkeypatch)
    with mock_aws():
        yield
