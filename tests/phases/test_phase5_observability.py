"""Phase 5: alarms and panels only for the components that exist at the phase."""

import phases.phase5_observability as phase5
from tests.phases.phase_standins import run


def _alarm_keys(inventory):
    return sorted(r.name.removeprefix("observability-slo-").removeprefix("web-slo-")
                  for r in inventory.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"))


def test_declares_what_it_is():
    assert phase5.NUMBER == 5 and phase5.TITLE and phase5.GOAL and phase5.KPIS and phase5.ADDS


def test_alarms_for_queues_database_replicas_and_cache(synth):
    inventory = run(synth, 5)
    assert _alarm_keys(inventory) == ["cache1-evictions", "cache1-hit-ratio", "db-cpu", "db-replica1-lag",
                                      "email-age", "email-dlq", "orders-age", "orders-dlq"]
    assert all(a.phase == 5 for a in inventory.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"))
    assert inventory.outputs["grafanaUrl"].startswith("https://")


def test_no_replica_lag_alarm_without_replicas_and_no_queue_alarms_without_queues(synth):
    inventory = run(synth, 5, {"queues": [], "flows": []}, replicas=0)
    assert _alarm_keys(inventory) == ["cache1-evictions", "cache1-hit-ratio", "db-cpu"]


def test_dashboard_at_phase5_has_no_load_balancer(synth):
    import json

    inventory = run(synth, 5)
    (dashboard,) = inventory.of_type("aws:cloudwatch/dashboard:Dashboard")
    titles = [w["properties"]["title"] for w in json.loads(dashboard.inputs["dashboardBody"])["widgets"]]
    assert not any(t.startswith("ALB") for t in titles) and "Database CPU (%)" in titles
