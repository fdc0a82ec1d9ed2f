"""The one registry: exactly the catalog ids plus the review ids, each once, sorted, each with its metadata."""

import re
from pathlib import Path

import pytest

from policies.core import Severity
from policies.registry import ALL_CONTROLS, BY_ID, CATALOG_IDS, CONTROLS, EXTRA_IDS, REVIEW_IDS, build_registry

# The catalog as users read it, in the repository (generated from the metadata by scripts/docs; a test in
# tests/scripts/ fails when it is not current).
CATALOG = Path(__file__).resolve().parents[2] / "docs" / "controls.md"


def test_registry_holds_the_catalog_ids_the_review_ids_and_the_extra_ids_sorted():
    assert not set(CATALOG_IDS) & set(REVIEW_IDS)
    assert EXTRA_IDS == ("NET-01", "NET-02") and not set(EXTRA_IDS) & set(CATALOG_IDS + REVIEW_IDS)
    ids = CATALOG_IDS + REVIEW_IDS + EXTRA_IDS
    assert len(CONTROLS) == len(set(ids)) == len(CATALOG_IDS) + len(REVIEW_IDS) + len(EXTRA_IDS)
    assert [c.id for c in CONTROLS] == sorted(ids)
    assert all(re.fullmatch(r"[A-Z0-9]+-\d\d", i) for i in ids)


def test_registry_matches_the_catalog_document():
    rows = re.findall(r"^\| \[([A-Z0-9-]+-\d\d)\]\(#[a-z0-9-]+\)( \(S\))? \|", CATALOG.read_text(), flags=re.M)
    assert tuple(i for i, _ in rows) == tuple(c.id for c in ALL_CONTROLS)
    assert {i for i, stack in rows if stack} == {c.id for c in ALL_CONTROLS if c.stack}
    assert f"The {len(CONTROLS)} controls of the policy pack" in CATALOG.read_text()


def test_registry_rejects_duplicates_and_gaps():
    class Module:
        CONTROLS = (BY_ID["KMS-01"], BY_ID["KMS-01"])

    with pytest.raises(ValueError, match="duplicate control ids: KMS-01"):
        build_registry([Module], ["KMS-01"])
    with pytest.raises(ValueError, match=r"missing \['KMS-02'\]"):
        build_registry([type("M", (), {"CONTROLS": (BY_ID["KMS-01"],)})], ["KMS-01", "KMS-02"])


def test_every_control_has_metadata():
    for control in CONTROLS:
        assert control.title and control.description and control.remediation and control.sources, control.id
        assert control.resource_types and all(":" in t for t in control.resource_types)
    non_waivable = {c.id for c in CONTROLS if not c.waivable}
    assert non_waivable == {"S3-01", "S3-03", "RDS-02", "KMS-03", "CFZ-01", "SG-01", "RDS-11", "NET-01"}
    assert all(BY_ID[i].severity is Severity.CRITICAL for i in non_waivable)
