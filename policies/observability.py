"""Amazon Managed Service for Prometheus and Amazon Managed Grafana workspaces (OBS-01..02)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, items
from policies.core import Control, Enforcement, Severity, Subject

AMP_WORKSPACE = "aws:amp/workspace:Workspace"
GRAFANA_WORKSPACE = "aws:grafana/workspace:Workspace"


def prometheus(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not get(subject.props, "kmsKeyArn"):
        yield "kmsKeyArn is not set (metrics encrypted with an AWS owned key)"
    if not get(subject.props, "loggingConfiguration", "logGroupArn"):
        yield "loggingConfiguration.logGroupArn is not set"


def grafana(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    providers = [str(p) for p in items(get(subject.props, "authenticationProviders"))]
    if not providers or not set(providers) <= {"AWS_SSO", "SAML"}:
        yield f"authenticationProviders is {providers}; use AWS_SSO and/or SAML"
    if get(subject.props, "networkAccessControl") is None and get(subject.props, "vpcConfiguration") is None:
        yield "neither networkAccessControl nor vpcConfiguration is set (reachable from anywhere)"
    permission = get(subject.props, "permissionType")
    if permission != "SERVICE_MANAGED":
        yield f"permissionType is {permission!r}; use SERVICE_MANAGED"


CONTROLS = (
    Control(
        id="OBS-01", title="Prometheus workspaces are encrypted and logged", severity=Severity.MEDIUM,
        resource_types=(AMP_WORKSPACE,), check=prometheus,
        description="Metrics are encrypted with a customer managed key and the workspace logs to CloudWatch.",
        remediation="Set kmsKeyArn and loggingConfiguration.logGroupArn.",
        sources=("no public mapping found",),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="OBS-02", title="Grafana workspaces use SSO and restricted networks", severity=Severity.MEDIUM,
        resource_types=(GRAFANA_WORKSPACE,), check=grafana,
        description="Users sign in through IAM Identity Center or SAML, the workspace is reachable only from allowed "
                    "networks, and AWS manages its data-source permissions.",
        remediation="Set authenticationProviders=['AWS_SSO'], networkAccessControl (or vpcConfiguration) and "
                    "permissionType=SERVICE_MANAGED.",
        sources=("no public mapping found",),
        enforcement=Enforcement.ADVISORY,
    ),
)
