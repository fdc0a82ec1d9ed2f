"""What assess and loadtest are given is checked before any request: every problem, one line each."""

from __future__ import annotations

import json

import trustme

from rollout.live.assess import inputs


def test_thresholds_and_baseline_collect_every_problem(tmp_path):
    thresholds, baseline, problems = inputs.thresholds_and_baseline(["p95<300", "p95 under 3"], None)
    assert [(t.metric, t.op, t.value) for t in thresholds] == [("total.p95", "<", 300.0)]
    assert baseline is None and len(problems) == 1 and "p95 under 3" in problems[0]

    missing = tmp_path / "nope.json"
    _, _, problems = inputs.thresholds_and_baseline([], missing)
    assert problems == [f"--compare {missing}: No such file or directory"]
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00")
    assert inputs.thresholds_and_baseline([], binary)[2] == [
        f"--compare {binary}: not a baseline written by --save (not UTF-8 text)"]


def test_a_saved_report_loads_as_the_baseline(tmp_path):
    saved = tmp_path / "before.json"
    saved.write_text(json.dumps({"url": "https://shop.example.vn/", "mode": "probe", "latency_ms": {}}))
    _, baseline, problems = inputs.thresholds_and_baseline([], saved)
    assert problems == [] and baseline["url"] == "https://shop.example.vn/"


def test_ca_bundle_must_hold_a_ca_certificate(tmp_path):
    empty = tmp_path / "empty.pem"
    empty.write_text("not a certificate\n")
    assert inputs.ca_bundle_problems(empty) and str(empty) in inputs.ca_bundle_problems(empty)[0]
    good = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(good)
    assert inputs.ca_bundle_problems(good) == [] and inputs.ca_bundle_problems(None) == []


def test_save_needs_an_existing_folder(tmp_path):
    assert inputs.save_problems(tmp_path / "report.json") == []
    assert inputs.save_problems(tmp_path / "missing" / "r.json") == [
        f"--save {tmp_path / 'missing' / 'r.json'}: folder {tmp_path / 'missing'} does not exist"]
    assert inputs.save_problems(None) == []
