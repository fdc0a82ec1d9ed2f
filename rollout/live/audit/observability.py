"""The audit's collector for Amazon Managed Prometheus and Managed Grafana workspaces (OBS-01..02)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.reading import Collection, Reader, arn_of, optional, subject

AMP_WORKSPACE = "aws:amp/workspace:Workspace"
GRAFANA_WORKSPACE = "aws:grafana/workspace:Workspace"


def normalize_amp_workspace(workspace: Mapping[str, Any], logging: Mapping[str, Any] | None) -> Subject:
    props = {"alias": workspace.get("alias"), "kmsKeyArn": workspace.get("kmsKeyArn"),
             "loggingConfiguration": {"logGroupArn": logging["logGroupArn"]} if logging else None}
    return subject(AMP_WORKSPACE, workspace.get("alias") or workspace["workspaceId"], workspace["arn"], props)


def normalize_grafana_workspace(workspace: Mapping[str, Any], account: str, region: str) -> Subject:
    network = workspace.get("networkAccessControl")
    vpc = workspace.get("vpcConfiguration")
    props = {
        "name": workspace.get("name"), "accountAccessType": workspace.get("accountAccessType"),
        "authenticationProviders": (workspace.get("authentication") or {}).get("providers", []),
        "permissionType": workspace.get("permissionType"),
        "networkAccessControl": {"prefixListIds": network.get("prefixListIds", []),
                                 "vpceIds": network.get("vpceIds", [])} if network else None,
        "vpcConfiguration": {"securityGroupIds": vpc.get("securityGroupIds", []),
                             "subnetIds": vpc.get("subnetIds", [])} if vpc else None,
    }
    arn = arn_of("grafana", region, account, f"/workspaces/{workspace['id']}")
    return subject(GRAFANA_WORKSPACE, workspace.get("name") or workspace["id"], arn, props)


def collect_observability(reader: Reader, out: Collection) -> None:
    with out.attempt("amp", (AMP_WORKSPACE,)) as found:
        amp = reader.client("amp")
        for summary in reader.items("amp", "list_workspaces", "workspaces[]"):
            workspace = amp.describe_workspace(workspaceId=summary["workspaceId"])["workspace"]
            logging = optional(amp.describe_logging_configuration, "ResourceNotFoundException",
                               workspaceId=summary["workspaceId"])
            found.append(normalize_amp_workspace(workspace, (logging or {}).get("loggingConfiguration")))
    with out.attempt("grafana", (GRAFANA_WORKSPACE,)) as found:
        grafana = reader.client("grafana")
        for summary in reader.items("grafana", "list_workspaces", "workspaces[]"):
            workspace = grafana.describe_workspace(workspaceId=summary["id"])["workspace"]
            found.append(normalize_grafana_workspace(workspace, reader.account, reader.region))
