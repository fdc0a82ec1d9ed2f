"""The observability collector: Managed Prometheus and Managed Grafana workspaces."""

from __future__ import annotations

from rollout.live.audit import observability
from tests.rollout import audit_fixtures as fx


def test_amp_normalizer_keeps_what_moto_drops_but_aws_returns():
    workspace = observability.normalize_amp_workspace({"workspaceId": "ws", "arn": "arn:aws:aps:r:1:workspace/ws",
                                                       "kmsKeyArn": "arn:k"}, {"logGroupArn": "arn:lg"})
    assert workspace.props["kmsKeyArn"] == "arn:k"
    assert workspace.props["loggingConfiguration"]["logGroupArn"] == "arn:lg"
    assert workspace.type == observability.AMP_WORKSPACE


def test_an_encrypted_logged_prometheus_workspace_passes_and_a_plain_one_is_found(aws):
    """moto 5.2.5 accepts a workspace's kmsKeyArn but never returns it; DescribeWorkspace on AWS does. An
    `after-call` hook puts it back for the shop's workspace (the rest of the answer is moto's)."""
    from rollout.live.session import open_session

    account = fx.account_with(fx.build_baseline, fx.build_observability)
    account.client("amp").create_workspace(alias="legacy-metrics")
    session = open_session()

    def answer_as_aws(parsed, **_):
        workspace = parsed.get("workspace") or {}
        if workspace.get("alias") == "shop":
            workspace["kmsKeyArn"] = account.key_arn

    session.events.register("after-call.amp.DescribeWorkspace", answer_as_aws)
    result = fx.run(session)
    assert {(f.control, f.name) for f in result.findings if f.control == "OBS-01"} == {("OBS-01", "legacy-metrics")}


def _grafana(workspace_id: str, name: str, providers: list[str], permission: str, restricted: bool) -> dict:
    workspace = {"id": workspace_id, "name": name, "authentication": {"providers": providers},
                 "permissionType": permission, "accountAccessType": "CURRENT_ACCOUNT", "created": "2026-01-01",
                 "dataSources": [], "endpoint": f"{workspace_id}.grafana-workspace.{fx.REGION}.amazonaws.com",
                 "grafanaVersion": "10.4", "modified": "2026-01-01", "status": "ACTIVE"}
    if restricted:
        workspace["networkAccessControl"] = {"prefixListIds": ["pl-0shopoffice"], "vpceIds": []}
    return workspace


def test_grafana_workspaces_are_judged_from_what_the_api_answers(aws):
    """moto 5.2.5 has no Managed Grafana backend: the Grafana answers come from a botocore Stubber in AWS's
    response shape (ListWorkspaces, DescribeWorkspace); every other service is moto's."""
    from botocore.stub import Stubber

    from rollout.live.session import open_session

    fx.account_with()
    session = open_session()
    client = session.client("grafana", region_name=fx.REGION)
    stub = Stubber(client)
    shop = _grafana("g-shop", "shop", ["AWS_SSO"], "SERVICE_MANAGED", restricted=True)
    legacy = _grafana("g-legacy", "legacy", ["SAML", "AWS_SSO"], "CUSTOMER_MANAGED", restricted=False)
    summaries = [{key: w[key] for key in ("id", "name", "authentication", "created", "endpoint", "grafanaVersion",
                                          "modified", "status")} for w in (shop, legacy)]
    for summary in summaries:
        summary["authentication"] = {"providers": summary["authentication"]["providers"]}
    stub.add_response("list_workspaces", {"workspaces": summaries})
    for workspace in (shop, legacy):
        stub.add_response("describe_workspace", {"workspace": workspace}, {"workspaceId": workspace["id"]})
    with stub:
        result = fx.run(session, clients={"grafana": client})
    stub.assert_no_pending_responses()
    assert "OBS-02" not in result.skipped_controls
    assert {(f.control, f.name) for f in result.findings if f.control == "OBS-02"} == {("OBS-02", "legacy")}
