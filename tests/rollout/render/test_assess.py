"""The assess report as Markdown and as rich tables: every phase, finding, threshold and change is shown."""

from __future__ import annotations

from rich.console import Console

from rollout.render import assess
from tests.rollout.assess_servers import sample_report


def _report():
    report = sample_report(url="https://shop.example.vn/", requests=20, errors=1, error_rate=0.05,
                           status_codes={"200": 19, "503": 1}, target_rate=None, achieved_rate=None,
                           percentile_method="nearest-rank",
                           latency_ms={"ttfb": {"p50": 120.0, "p90": 150.0, "p95": 180.0, "p99": None, "max": 190.0,
                                                "samples": 20}})
    report["findings"] = [{"metric": "ttfb p50", "value": 120.0, "threshold": "<= 800 ms", "verdict": "good",
                           "phase": "2"}]
    report["thresholds"] = [{"expression": "p95<100", "passed": False, "actual": 180.0}]
    return report


COMPARISON = [{"metric": "total p95 ms", "before": 1000.0, "after": 250.0, "change": -750.0, "change_pct": -75.0},
              {"metric": "cdn", "before": None, "after": "cloudflare", "change": None, "change_pct": None}]


def test_markdown_has_the_latency_table_findings_thresholds_and_changes():
    text = assess.render_markdown(_report(), COMPARISON)
    assert text.startswith("## Assessment of https://shop.example.vn/\n")
    assert "| ttfb | 120.0 | 150.0 | 180.0 | - | 190.0 | 20 |" in text
    assert "| ttfb p50 | 120.0 | <= 800 ms | good | 2 |" in text
    assert "- threshold `p95<100`: FAILED (actual 180.0)" in text
    assert "| total p95 ms | 1000.0 | 250.0 | -750 (-75%) |" in text
    assert "| cdn | - | cloudflare | - → cloudflare |" in text


def test_tables_print_the_same_rows():
    console = Console(record=True, width=160)
    assess.render_table(_report(), console, COMPARISON)
    text = console.export_text()
    assert "https://shop.example.vn/  20 requests (probe), 1 errors" in text
    for expected in ("ttfb", "180.0", "FAILED", "change against the baseline", "-750 (-75%)"):
        assert expected in text
