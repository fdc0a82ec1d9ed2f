from policies.apply.costexplorer import MONITOR, SUBSCRIPTION

SERVICES = {"monitorType": "DIMENSIONAL", "monitorDimension": "SERVICE"}


def test_apl_ce_01_one_services_monitor(res, assert_exact):
    first = res(MONITOR, "first", SERVICES)
    assert_exact("APL-CE-01", {"pass_one": [res(MONITOR, "a", SERVICES)],
                               "fail_second": [res(MONITOR, "b", SERVICES), first]})


def test_apl_ce_02_immediate_needs_sns(res, assert_exact):
    assert_exact("APL-CE-02", {
        "pass_sns": res(SUBSCRIPTION, "a", {"frequency": "IMMEDIATE", "subscribers": [{"type": "SNS", "address": "t"}]}),
        "fail_email": res(SUBSCRIPTION, "b", {"frequency": "IMMEDIATE", "subscribers": [{"type": "EMAIL", "address": "e"}]}),
    })
