from policies.apply.cloudwatch import ALARM

SIMPLE = {"metricName": "CPUUtilization", "namespace": "AWS/RDS", "statistic": "Average", "period": 300,
          "evaluationPeriods": 3, "datapointsToAlarm": 3}
MATH = {"evaluationPeriods": 3, "datapointsToAlarm": 3, "metricQueries": [
    {"id": "x", "expression": "100*b/a", "returnData": True},
    {"id": "a", "returnData": False, "metric": {"metricName": "RequestCount", "period": 300, "stat": "Sum"}},
    {"id": "b", "returnData": False, "metric": {"metricName": "HTTPCode_ELB_5XX_Count", "period": 300, "stat": "Sum"}}]}


def test_apl_cw_01_alarm(res, variant, assert_exact):
    assert_exact("APL-CW-01", {
        "pass_simple": res(ALARM, "a", SIMPLE),
        "pass_percentile": res(ALARM, "b", variant(SIMPLE, {"statistic": variant.DELETE, "extendedStatistic": "p95"})),
        "pass_math": res(ALARM, "c", MATH),
        "fail_datapoints": res(ALARM, "d", variant(SIMPLE, {"datapointsToAlarm": 5})),
        "fail_both_statistics": res(ALARM, "e", variant(SIMPLE, {"extendedStatistic": "p95"})),
        "fail_period": res(ALARM, "f", variant(SIMPLE, {"period": 45})),
        "fail_two_returning": res(ALARM, "g", variant(MATH, {"metricQueries.1.returnData": True})),
        "fail_math_and_metric": res(ALARM, "h", variant(MATH, {"metricName": "X"})),
    })
