"""The observability collector: Managed Prometheus and Managed Grafana workspaces."""

from __future__ import annotations

from rollout.live.audit import observability


def test_amp_normalizer_keeps_what_moto_drops_but_aws_returns():
    workspace = observability.normalize_amp_workspace({"workspaceId": "ws", "arn": "arn:aws:aps:r:1:workspace/ws",
                                                       "kmsKeyArn": "arn:k"}, {"logGroupArn": "arn:lg"})
    assert workspace.props["kmsKeyArn"] == "arn:k"
    assert workspace.props["loggingConfiguration"]["logGroupArn"] == "arn:lg"
    assert workspace.type == observability.AMP_WORKSPACE
