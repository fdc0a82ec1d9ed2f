import json
from pathlib import Path

import jsonschema
import pytest

from policies.registry import BY_ID, CONTROLS
from rollout.render.findings import findings_json, findings_sarif, render_table, summarize
from tests.rollout.analysis.test_findings import FINDINGS

# The copy keeps the SARIF root under definitions.Root: validate against it (draft-07 ignores $ref siblings).
SCHEMA = {**json.loads((Path(__file__).parents[2] / "data" / "sarif-schema-2.1.0.json").read_text()),
          "$ref": "#/definitions/Root"}


def test_findings_json_shape():
    document = findings_json(FINDINGS, controls=CONTROLS, resources_evaluated=7, extra={"stack": "dev", "phase": 3})
    assert list(document) == ["stack", "phase", "findings", "summary"]
    first = document["findings"][0]
    assert {"control", "severity", "enforcement", "urn", "type", "name", "message", "status"} <= set(first)
    assert document["findings"][4]["waived"] is True and document["findings"][4]["waiverReason"] == "accepted for the demo"
    json.dumps(document)


def test_sarif_is_valid_and_has_one_rule_per_control_and_one_result_per_finding():
    sarif = findings_sarif(FINDINGS, controls=CONTROLS, tool_name="rollout-check", tool_version="0.1.0",
                           artifact_uri="stacks/Pulumi.dev.yaml")
    jsonschema.validate(sarif, SCHEMA)
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c.id for c in CONTROLS]
    rds02 = rules[[r["id"] for r in rules].index("RDS-02")]
    assert rds02["shortDescription"]["text"] == BY_ID["RDS-02"].title
    assert rds02["properties"]["security-severity"] == "9.5" and "help" in rds02
    results = run["results"]
    assert [r["ruleId"] for r in results] == [f.control for f in FINDINGS]
    assert [r["level"] for r in results] == ["error", "error", "warning", "none", "warning"]
    assert results[3]["kind"] == "review"
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    location = results[0]["locations"][0]
    assert location["logicalLocations"][0]["fullyQualifiedName"] == FINDINGS[0].urn
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "stacks/Pulumi.dev.yaml"
    assert results[4]["suppressions"][0]["justification"] == "accepted for the demo"


def test_sarif_without_artifact_has_only_logical_locations():
    sarif = findings_sarif(FINDINGS[:1], controls=CONTROLS, tool_name="t", tool_version="1")
    jsonschema.validate(sarif, SCHEMA)
    assert "physicalLocation" not in sarif["runs"][0]["results"][0]["locations"][0]


def test_sarif_schema_rejects_a_broken_document():
    sarif = findings_sarif(FINDINGS[:1], controls=CONTROLS, tool_name="t", tool_version="1")
    sarif["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(sarif, SCHEMA)


def test_table_lists_findings_and_summary():
    from rich.console import Console

    console = Console(record=True, width=200)
    console.print(render_table(FINDINGS, summarize(FINDINGS, controls=CONTROLS, resources_evaluated=7)))
    text = console.export_text()
    assert "RDS-02" in text and "waived" in text and "accepted for the demo" in text
    assert "3 open violation(s) (2 mandatory" in text
    console = Console(record=True, width=200)
    console.print(render_table([], summarize([], controls=CONTROLS, resources_evaluated=0)))
    assert "No findings." in console.export_text()
