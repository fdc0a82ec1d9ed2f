"""The one registry: exactly the 69 catalog ids plus the review ids, each once, sorted, each with its metadata."""

import re
from pathlib import Path

import pytest

from policies.core import Severity
from policies.registry import BY_ID, CATALOG_IDS, CONTROLS, EXTRA_IDS, REVIEW_IDS, build_registry

CATALOG = Path("/work/shared/CONTROLS.md")


def test_registry_holds_the_69_catalog_ids_and_the_review_ids_sorted():
    assert len(CATALOG_IDS) == 69 and not set(CATALOG_IDS) & set(REVIEW_IDS)
    assert EXTRA_IDS == ("NET-01", "NET-02") and not set(EXTRA_IDS) & set(CATALOG_IDS + REVIEW_IDS)
    assert len(CONTROLS) == len(CATALOG_IDS) + len(REVIEW_IDS) + len(EXTRA_IDS)
    assert [c.id for c in CONTROLS] == sorted(CATALOG_IDS + REVIEW_IDS + EXTRA_IDS)


@pytest.mark.skipif(not CATALOG.exists(), reason="the shared catalog is not on this machine")
def test_registry_matches_the_catalog_document():
    ids = re.findall(r"^\| ([A-Z0-9]+-\d\d) \|", CATALOG.read_text(), flags=re.M)
    assert tuple(ids) == CATALOG_IDS
    stack_ids = {i for i, row in re.findall(r"^\| ([A-Z0-9]+-\d\d) \|(.*)$", CATALOG.read_text(), flags=re.M) if "(S)" in row}
    # every (S) row is a stack control; ASG-02 also became one to join aws.autoscaling.Attachment to its group
    assert stack_ids | {"ASG-02"} == {c.id for c in CONTROLS if c.stack and c.id in CATALOG_IDS}


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
