from policies.core import UNKNOWN_STRING_VALUE as U
from policies.observability import AMP_WORKSPACE, GRAFANA_WORKSPACE

AMP = {"alias": "prom", "kmsKeyArn": "arn:aws:kms:k", "loggingConfiguration": {"logGroupArn": "arn:aws:logs:g:*"}}
GRAFANA = {"accountAccessType": "CURRENT_ACCOUNT", "authenticationProviders": ["AWS_SSO"],
           "permissionType": "SERVICE_MANAGED", "networkAccessControl": {"prefixListIds": ["pl-1"]}}


def test_obs01_prometheus(res, variant, assert_exact):
    assert_exact("OBS-01", {
        "pass_kms_and_logs": res(AMP_WORKSPACE, "a", AMP),
        "fail_no_kms": res(AMP_WORKSPACE, "b", variant(AMP, {"kmsKeyArn": variant.DELETE})),
        "fail_no_logging": res(AMP_WORKSPACE, "c", variant(AMP, {"loggingConfiguration": variant.DELETE})),
        "unknown_log_group": res(AMP_WORKSPACE, "d", variant(AMP, {"loggingConfiguration.logGroupArn": U})),
    })


def test_obs02_grafana(res, variant, assert_exact):
    assert_exact(
        "OBS-02",
        {
            "pass_sso_restricted": res(GRAFANA_WORKSPACE, "a", GRAFANA),
            "pass_saml_in_vpc": res(
                GRAFANA_WORKSPACE,
                "a2",
                variant(
                    GRAFANA,
                    {
                        "authenticationProviders": ["SAML"],
                        "networkAccessControl": variant.DELETE,
                        "vpcConfiguration": {"securityGroupIds": ["sg"], "subnetIds": ["s1", "s2"]},
                    },
                ),
            ),
            "fail_other_auth": res(
                GRAFANA_WORKSPACE, "b", variant(GRAFANA, {"authenticationProviders": ["AWS_SSO", "OTHER"]})
            ),
            "fail_open_network": res(
                GRAFANA_WORKSPACE, "c", variant(GRAFANA, {"networkAccessControl": variant.DELETE})
            ),
            "fail_customer_managed": res(
                GRAFANA_WORKSPACE, "d", variant(GRAFANA, {"permissionType": "CUSTOMER_MANAGED"})
            ),
            "unknown_permission": res(GRAFANA_WORKSPACE, "e", variant(GRAFANA, {"permissionType": U})),
        },
    )
