from policies.apply.grafana import ROLE_ASSOCIATION, SAML, TOKEN, WORKSPACE


def test_apl_grf_01_token_lifetime(res, assert_exact):
    assert_exact("APL-GRF-01", {"pass_30_days": res(TOKEN, "a", {"secondsToLive": 2_592_000}),
                                "fail_31_days": res(TOKEN, "b", {"secondsToLive": 2_678_400})})


def test_apl_grf_02_someone_signs_in(res, assert_exact):
    sso = {"authenticationProviders": ["AWS_SSO"], "id": "g-1"}
    saml = {"authenticationProviders": ["SAML"], "id": "g-2"}
    assert_exact("APL-GRF-02", {
        "pass_role_association": [res(WORKSPACE, "a", sso), res(ROLE_ASSOCIATION, "r", {"workspaceId": "g-1"})],
        "pass_saml": [res(WORKSPACE, "b", saml), res(SAML, "s", {"workspaceId": "g-2"})],
        "fail_nobody": [res(WORKSPACE, "c", sso)],
        "fail_saml_unconfigured": [res(WORKSPACE, "d", saml)],
    })
