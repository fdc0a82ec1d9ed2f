"""Shared test helpers: run code as a Pulumi program under the recording mocks and get its Inventory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test runs may reach a real account: fake credentials, no profile, fixed region."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)


@pytest.fixture
def synth():
    """`synth(fn, config=...)` runs `fn` as a Pulumi program under mocks, awaiting every output; returns an Inventory."""
    from rollout.runtime.synth import synthesize_function

    return synthesize_function


@pytest.fixture
def project_root() -> Path:
    return ROOT


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PULUMI_SKIP_UPDATE_CHECK", "true")
    # Every test runs its program for real; the run cache's own tests turn it on in a temporary folder.
    os.environ["ROLLOUT_NO_CACHE"] = "1"
    os.environ.pop("ROLLOUT_CACHE_DIR", None)
