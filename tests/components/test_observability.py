"""Observability: signals only for what exists, alarms on the topic, AMP/AMG settings, Grafana via its provider."""

import json
from datetime import date, timedelta

import pytest

from components.observability import (
    Dashboards,
    DashboardsArgs,
    Observability,
    ObservabilityArgs,
    SloAlarms,
    SloAlarmsArgs,
    Watched,
    alarm_inputs,
    slo_signals,
    token_window,
)
from phases.config import SloConfig

TOPIC = "arn:aws:sns:ap-southeast-1:123456789012:alerts"


def _keys(watched, slo=SloConfig()):
    return {s.key for s in slo_signals(watched, slo)}


@pytest.mark.parametrize("watched, expected", [
    (Watched(), set()),
    (Watched(database="db", replicas=()), {"db-cpu"}),
    (Watched(database="db", replicas=("db-r1", "db-r2")), {"db-cpu", "db-replica1-lag", "db-replica2-lag"}),
    (Watched(queues={"email": ("q", "q-dlq")}), {"email-age", "email-dlq"}),
    (Watched(cache_nodes=("c-001",)), {"cache1-hit-ratio", "cache1-evictions"}),
    (Watched(load_balancer="app/x/1", target_groups={"web": "tg/1"}),
     {"alb-p95", "alb-5xx", "alb-errors", "web-unhealthy"}),
    (Watched(distribution_id="E1"), {"cdn-5xx", "cdn-errors", "cdn-origin-p95"}),
])
def test_signals_only_for_components_that_exist(watched, expected):
    assert _keys(watched) == expected


def test_thresholds_come_from_config():
    slo = SloConfig(p95_latency_ms=450, queue_age_seconds=120, replica_lag_seconds=10, cache_hit_ratio_percent=90)
    signals = {s.key: s for s in slo_signals(Watched(load_balancer="lb", queues={"q": ("q", "d")}, database="db",
                                                     replicas=("r",), cache_nodes=("c",)), slo)}
    assert signals["alb-p95"].threshold == 0.45 and signals["q-age"].threshold == 120
    assert signals["db-replica1-lag"].threshold == 10
    assert signals["cache1-hit-ratio"].threshold == 90 and signals["cache1-hit-ratio"].comparison == "LessThanThreshold"


def test_percentile_alarm_uses_extended_statistic_and_math_alarm_uses_queries():
    signals = {s.key: s for s in slo_signals(Watched(load_balancer="lb"), SloConfig())}
    p95 = alarm_inputs(signals["alb-p95"], TOPIC)
    assert p95["extended_statistic"] == "p95" and "statistic" not in p95 and p95["alarm_actions"] == [TOPIC]
    rate = alarm_inputs(signals["alb-5xx"], TOPIC)
    assert rate["metric_queries"][0]["expression"] == "100*(FILL(b,0)+FILL(c,0))/a"


def test_alarms_notify_the_topic_and_skip_other_regions(synth):
    signals = slo_signals(Watched(queues={"email": ("q", "q-dlq")}, distribution_id="E1"), SloConfig())
    inventory = synth(lambda: SloAlarms("slo", SloAlarmsArgs(alert_topic_arn=TOPIC, signals=signals)))
    alarms = inventory.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert sorted(a.name for a in alarms) == ["slo-email-age", "slo-email-dlq"]
    for alarm in alarms:
        assert alarm.inputs["actionsEnabled"] is True and alarm.inputs["alarmActions"] == [TOPIC]


@pytest.fixture(scope="module")
def inventory():
    from rollout.runtime.synth import synthesize_function

    signals = slo_signals(Watched(database="db", distribution_id="E1"), SloConfig())

    def program():
        observability = Observability("observability", ObservabilityArgs(
            alert_topic_arn=TOPIC, vpc_id="vpc-1", subnet_ids=["a", "b"], allowed_cidrs=["203.0.113.0/24"],
            signals=signals))
        Dashboards("slo", DashboardsArgs(signals=signals, grafana_provider=observability.grafana_provider,
                                         folder_uid=observability.folder_uid))
    return synthesize_function(program)


def test_prometheus_workspace_is_encrypted_and_logged(inventory):
    (amp,) = inventory.of_type("aws:amp/workspace:Workspace")
    assert amp.inputs["kmsKeyArn"].startswith("arn:aws:kms:")
    assert amp.inputs["loggingConfiguration"]["logGroupArn"].endswith(":*")
    for group in inventory.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert group.inputs["retentionInDays"] == 365 and group.inputs["kmsKeyId"]


def test_grafana_workspace_settings_and_least_privilege_role(inventory):
    (workspace,) = inventory.of_type("aws:grafana/workspace:Workspace")
    assert workspace.inputs["authenticationProviders"] == ["AWS_SSO"]
    assert workspace.inputs["permissionType"] == "SERVICE_MANAGED"
    assert len(workspace.inputs["networkAccessControl"]["prefixListIds"]) == 1
    assert len(workspace.inputs["networkAccessControl"]["vpceIds"]) == 1
    (prefix_list,) = inventory.of_type("aws:ec2/managedPrefixList:ManagedPrefixList")
    assert [e["cidr"] for e in prefix_list.inputs["entries"]] == ["203.0.113.0/24"]
    (policy,) = inventory.of_type("aws:iam/rolePolicy:RolePolicy")
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    (amp,) = inventory.of_type("aws:amp/workspace:Workspace")
    assert amp.urn in policy.property_dependencies["policy"]
    assert statements["QueryPrometheus"]["Resource"].startswith("arn:aws:amp:")  # the mock's ARN of that workspace
    assert statements["NotifyAlertTopic"] == {"Sid": "NotifyAlertTopic", "Effect": "Allow",
                                              "Action": ["sns:Publish"], "Resource": TOPIC}
    star = [s for s in statements.values() if s["Resource"] == "*"]
    assert star == [statements["ReadCloudWatchMetrics"]]
    assert all(a.split(":")[1].startswith(("Get", "List", "Describe")) for a in star[0]["Action"])


def test_grafana_resources_use_the_workspace_provider_with_the_token(inventory):
    (provider,) = inventory.of_type("pulumi:providers:grafana")
    (token,) = inventory.of_type("aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken")
    assert token.urn in provider.property_dependencies["auth"]
    grafana = [r for r in inventory if r.type.startswith("grafana:")]
    assert {r.type for r in grafana} >= {"grafana:oss/dataSource:DataSource", "grafana:oss/dashboard:Dashboard",
                                         "grafana:alerting/ruleGroup:RuleGroup", "grafana:alerting/contactPoint:ContactPoint"}
    assert all(r.provider and r.provider.endswith("observability-grafana") for r in grafana)


def test_dashboards_and_rules_follow_the_signals(inventory):
    (dashboard,) = inventory.of_type("aws:cloudwatch/dashboard:Dashboard")
    titles = [w["properties"]["title"] for w in json.loads(dashboard.inputs["dashboardBody"])["widgets"]]
    assert titles == ["CDN 5xx rate (%)", "CDN error rate (%)", "CDN origin latency p95 (ms)", "Database CPU (%)"]
    (grafana_dashboard,) = inventory.of_type("grafana:oss/dashboard:Dashboard")
    assert len(json.loads(grafana_dashboard.inputs["configJson"])["panels"]) == 4
    (rules,) = inventory.of_type("grafana:alerting/ruleGroup:RuleGroup")
    names = [r["name"] for r in rules.inputs["rules"]]
    assert names == ["CDN 5xx rate (%)", "CDN error rate (%)", "CDN origin latency p95 (ms)", "Prometheus targets down"]
    alarms = inventory.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert [a.name for a in alarms] == ["observability-slo-db-cpu"]


KEY = "arn:aws:kms:ap-southeast-1:123456789012:key/baseline"
ADMINS = ["90676bc5d1-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"]


def _observability(synth, **args):
    def program():
        observability = Observability("observability", ObservabilityArgs(
            alert_topic_arn=TOPIC, vpc_id="vpc-1", subnet_ids=["a", "b"], **args))
        Dashboards("slo", DashboardsArgs(signals=[], grafana_provider=observability.grafana_provider,
                                         folder_uid=observability.folder_uid))
    return synth(program)


def test_grafana_may_encrypt_for_the_kms_encrypted_alert_topic(synth):
    """An SSE topic accepts a publish only from a caller allowed to use its key."""
    inventory = _observability(synth, alert_topic_key_arn=KEY)
    role_policy = next(p for p in inventory.of_type("aws:iam/rolePolicy:RolePolicy"))
    statements = {s["Sid"]: s for s in json.loads(role_policy.inputs["policy"])["Statement"]}
    kms = statements["EncryptForAlertTopic"]
    assert kms["Resource"] == KEY and set(kms["Action"]) == {"kms:GenerateDataKey*", "kms:Decrypt"}
    assert kms["Condition"] == {"StringEquals": {"kms:ViaService": "sns.ap-southeast-1.amazonaws.com"}}


def test_identity_center_admins_and_editors_are_assigned_roles(synth):
    inventory = _observability(synth, admin_group_ids=ADMINS, editor_user_ids=["c0ffee00-1111-2222-3333-444455556666"])
    roles = {r.inputs["role"]: r.inputs for r in inventory.of_type("aws:grafana/roleAssociation:RoleAssociation")}
    assert roles["ADMIN"]["groupIds"] == ADMINS and "userIds" not in roles["ADMIN"]
    assert roles["EDITOR"]["userIds"] == ["c0ffee00-1111-2222-3333-444455556666"]


def test_saml_sign_in_maps_the_idp_roles(synth):
    from components.observability import GrafanaSaml

    saml = GrafanaSaml(idp_metadata_url="https://idp.example.vn/metadata", admin_role_values=["grafana-admin"],
                       editor_role_values=["grafana-editor"])
    inventory = _observability(synth, grafana_auth="SAML", saml=saml)
    (config,) = inventory.of_type("aws:grafana/workspaceSamlConfiguration:WorkspaceSamlConfiguration")
    assert config.inputs["idpMetadataUrl"] == "https://idp.example.vn/metadata"
    assert (config.inputs["adminRoleValues"], config.inputs["editorRoleValues"]) == (["grafana-admin"],
                                                                                     ["grafana-editor"])
    assert inventory.of_type("aws:grafana/roleAssociation:RoleAssociation") == []


@pytest.mark.parametrize(("day", "window"), [
    (date(2026, 12, 1), date(2026, 11, 20)), (date(2026, 12, 9), date(2026, 11, 20)),
    (date(2026, 12, 10), date(2026, 12, 10)), (date(2026, 12, 29), date(2026, 12, 10)),
])
def test_token_window(day, window):
    assert token_window(day) == window.isoformat()


def test_token_windows_renew_before_the_30_day_token_expires():
    windows = [token_window(date(2026, 1, 1) + timedelta(days=n)) for n in range(400)]
    starts = sorted({date.fromisoformat(w) for w in windows})
    assert all((b - a).days == 20 < 30 for a, b in zip(starts, starts[1:]))


def test_the_service_account_token_is_named_after_its_window(synth):
    inventory = _observability(synth, today=date(2026, 12, 1))
    (token,) = inventory.of_type("aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken")
    assert token.inputs["name"] == "pulumi-2026-11-20" and token.inputs["secondsToLive"] == 2_592_000


def test_without_provisioning_there_is_no_grafana_provider_or_content(synth):
    inventory = _observability(synth, provisioning=False)
    assert inventory.of_type("pulumi:providers:grafana") == []
    assert [r for r in inventory if r.type.startswith("grafana:")] == []
    assert inventory.of_type("aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken") == []
    assert len(inventory.of_type("aws:cloudwatch/dashboard:Dashboard")) == 1


def test_collectors_get_a_remote_write_policy_for_this_workspace_only(synth):
    inventory = _observability(synth)
    (policy,) = inventory.of_type("aws:iam/policy:Policy")
    (statement,) = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Action"] == ["aps:RemoteWrite"] and statement["Resource"].startswith("arn:aws:amp:")


def test_identity_center_ids_are_checked():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="not an IAM Identity Center user or group id"):
        ObservabilityArgs(alert_topic_arn=TOPIC, vpc_id="vpc-1", subnet_ids=["a"], admin_group_ids=["admins"])
