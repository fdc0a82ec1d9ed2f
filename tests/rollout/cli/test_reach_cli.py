"""`rollout reach` through the CLI: JSON is one document, the table and mermaid print, bad input exits 2."""

import json
from pathlib import Path

from typer.testing import CliRunner

from rollout.cli import app

ROOT = Path(__file__).resolve().parents[3]


def test_json_is_one_document_with_the_matrix():
    result = CliRunner().invoke(app, ["reach", "-C", str(ROOT), "--stack", "example", "--phase", "2", "-f", "json",
                                      "-q"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["phase"] == 2 and document["targets"] == ["cache cache-redis"]
    assert document["reach"][0]["ports"] == "tcp/6379"


def test_table_and_mermaid():
    table = CliRunner().invoke(app, ["reach", "-C", str(ROOT), "-s", "example", "--phase", "2", "-q"])
    assert table.exit_code == 0 and "who reaches what" in table.stdout and "tcp/6379" in table.stdout
    edges = CliRunner().invoke(app, ["reach", "-C", str(ROOT), "-s", "example", "--phase", "2", "-f", "mermaid", "-q"])
    assert edges.exit_code == 0 and edges.stdout.startswith("flowchart LR")


def test_unknown_stack_is_one_line_and_exit_2():
    result = CliRunner().invoke(app, ["reach", "-C", str(ROOT), "-s", "nope", "-q"])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error:") and len(result.stderr.strip().splitlines()) == 1
