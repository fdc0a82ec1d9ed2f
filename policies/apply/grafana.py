"""Amazon Managed Grafana: token lifetime, somebody able to sign in (APL-GRF-01..02)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items, of_type, refers_to, to_int
from policies.apply._rule import rule
from policies.core import Subject

WORKSPACE = "aws:grafana/workspace:Workspace"
TOKEN = "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken"
ROLE_ASSOCIATION = "aws:grafana/roleAssociation:RoleAssociation"
SAML = "aws:grafana/workspaceSamlConfiguration:WorkspaceSamlConfiguration"


def token_lifetime(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    seconds = to_int(get(subject.props, "secondsToLive"))
    if seconds is not None and not 60 <= seconds <= 2_592_000:
        yield f"secondsToLive {seconds} is outside 60-2592000 (30 days)"


def someone_signs_in(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    associations = of_type(subjects, ROLE_ASSOCIATION)
    saml = of_type(subjects, SAML)

    def check(workspace: Subject) -> Iterator[str]:
        providers = {str(p) for p in items(get(workspace.props, "authenticationProviders"))}
        ids = ("id",)
        if "AWS_SSO" in providers and not any(refers_to(a, "workspaceId", workspace, *ids) for a in associations) \
                and "SAML" not in providers:
            yield "AWS_SSO sign-in but no RoleAssociation assigns an admin or editor: nobody can sign in"
        if providers == {"SAML"} and not any(refers_to(s, "workspaceId", workspace, *ids) for s in saml):
            yield "SAML sign-in but no WorkspaceSamlConfiguration: nobody can sign in"

    yield from each(subjects, (WORKSPACE,), check)


CONTROLS = (
    rule("APL-GRF-01", "Grafana service-account tokens live at most 30 days", (TOKEN,), token_lifetime,
         description="secondsToLive is 60-2592000; a provider using an expired token fails, so renew it.",
         remediation="Use at most 2592000 and rotate the token (e.g. name it after its renewal window).",
         sources=("https://docs.aws.amazon.com/grafana/latest/APIReference/"
                  "API_CreateWorkspaceServiceAccountToken.html",)),
    rule("APL-GRF-02", "Somebody can sign in to Grafana", (WORKSPACE,), someone_signs_in, stack=True,
         description="AWS_SSO needs Identity Center users or groups assigned a role; SAML needs the IdP "
                     "configuration.", remediation="Add aws.grafana.RoleAssociation or WorkspaceSamlConfiguration.",
         sources=("https://docs.aws.amazon.com/grafana/latest/userguide/AMG-manage-users-and-groups-AMG.html",)),
)
