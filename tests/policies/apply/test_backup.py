from policies.apply.backup import PLAN, RDS_INSTANCE


def _plan(schedule, start=60, completion=360, lifecycle=None):
    return {"rules": [{"ruleName": "daily", "schedule": schedule, "startWindow": start, "completionWindow": completion,
                       "lifecycle": lifecycle or {"deleteAfter": 35}}]}


def test_apl_bak_01_clear_of_rds_windows(res, assert_exact):
    db = res(RDS_INSTANCE, "db", {"backupWindow": "18:00-19:00", "maintenanceWindow": "sun:19:30-sun:20:30"})
    assert_exact("APL-BAK-01", {"pass_2130": [res(PLAN, "a", _plan("cron(30 21 * * ? *)")), db],
                                "fail_1800": [res(PLAN, "b", _plan("cron(0 18 * * ? *)")), db],
                                "fail_2000": [res(PLAN, "c", _plan("cron(0 20 * * ? *)")), db]})


def test_apl_bak_02_rule_windows(res, assert_exact):
    assert_exact("APL-BAK-02", {
        "pass_windows": res(PLAN, "a", _plan("cron(30 21 * * ? *)")),
        "fail_short_start": res(PLAN, "b", _plan("cron(30 21 * * ? *)", start=30)),
        "fail_completion": res(PLAN, "c", _plan("cron(30 21 * * ? *)", completion=90)),
        "fail_cold_storage": res(PLAN, "d", _plan("cron(30 21 * * ? *)", lifecycle={"coldStorageAfter": 30,
                                                                                    "deleteAfter": 60})),
    })
