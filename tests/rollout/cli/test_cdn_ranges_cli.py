"""`rollout cdn-ranges refresh`: rewrites the dated ranges file from saved lists; bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from rollout.cli import app

runner = CliRunner()


def test_refresh_from_the_two_text_lists(tmp_path: Path):
    v4, v6, out = tmp_path / "ips-v4", tmp_path / "ips-v6", tmp_path / "cloudflare-ips.json"
    v4.write_text("173.245.48.0/20\n103.21.244.0/22\n")
    v6.write_text("2400:cb00::/32\n")
    out.write_text(json.dumps({"note": "n", "as_of": "2020-01-01", "ipv4": ["173.245.48.0/20"], "ipv6": []}))
    result = runner.invoke(app, ["cdn-ranges", "refresh", "--from", str(v4), "--from", str(v6), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 ranges" in result.stdout and "+2 added, -0 removed" in result.stdout
    written = json.loads(out.read_text())
    assert written["ipv6"] == ["2400:cb00::/32"] and written["note"] == "n" and written["as_of"] != "2020-01-01"


def test_a_half_list_is_refused_and_nothing_written(tmp_path: Path):
    v4, out = tmp_path / "ips-v4", tmp_path / "cloudflare-ips.json"
    v4.write_text("173.245.48.0/20\n")
    out.write_text("{}")
    result = runner.invoke(app, ["cdn-ranges", "refresh", "--from", str(v4), "--output", str(out)])
    assert result.exit_code == 2 and "holds no ipv6" in result.stderr
    assert out.read_text() == "{}"


def test_the_shipped_file_is_in_the_shape_the_program_reads():
    from components.web_tier import cloudflare_ranges

    ranges = cloudflare_ranges()
    assert ranges["as_of"] and len(ranges["ipv4"]) == 15 and len(ranges["ipv6"]) == 7
