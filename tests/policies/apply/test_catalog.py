from pathlib import Path

from policies.apply.catalog import render_catalog
from policies.apply.registry import RULES

DOC = Path(__file__).resolve().parents[3] / "docs" / "apply-rules.md"


def test_the_docs_catalog_is_the_rules_metadata():
    assert DOC.read_text() == render_catalog(), "regenerate: python -m policies.apply.catalog > docs/apply-rules.md"


def test_every_rule_is_listed_with_its_source():
    text = render_catalog()
    assert all(f"| {r.id} |" in text and r.sources[0] in text for r in RULES)
