from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UN

from policies.apply.autoscaling import GROUP

ASG = {"minSize": 2, "maxSize": 4, "desiredCapacity": 2, "launchTemplate": {"id": "lt"},
       "instanceRefresh": {"strategy": "Rolling", "preferences": {"minHealthyPercentage": 90,
                                                                 "maxHealthyPercentage": 190}}}


def test_apl_asg_01_refresh_percentages(res, variant, assert_exact):
    assert_exact("APL-ASG-01", {
        "pass_90_190": res(GROUP, "a", ASG),
        "pass_100_200": res(GROUP, "b", variant(ASG, {"instanceRefresh.preferences.minHealthyPercentage": 100,
                                                      "instanceRefresh.preferences.maxHealthyPercentage": 200})),
        "fail_90_200": res(GROUP, "c", variant(ASG, {"instanceRefresh.preferences.maxHealthyPercentage": 200})),
        "fail_max_below_100": res(GROUP, "d", variant(ASG, {"instanceRefresh.preferences.maxHealthyPercentage": 95})),
        "unknown_min": res(GROUP, "e", variant(ASG, {"instanceRefresh.preferences.minHealthyPercentage": UN})),
    })


def test_apl_asg_02_sizes(res, variant, assert_exact):
    assert_exact("APL-ASG-02", {
        "pass_ordered": res(GROUP, "a", ASG),
        "fail_desired_above_max": res(GROUP, "b", variant(ASG, {"desiredCapacity": 5})),
        "fail_min_above_max": res(GROUP, "c", variant(ASG, {"minSize": 5, "desiredCapacity": variant.DELETE})),
    })


def test_apl_asg_03_one_launch_source(res, variant, assert_exact):
    assert_exact("APL-ASG-03", {
        "pass_template": res(GROUP, "a", ASG),
        "fail_two_sources": res(GROUP, "b", variant(ASG, {"mixedInstancesPolicy": {"launchTemplate": {}}})),
        "fail_none": res(GROUP, "c", variant(ASG, {"launchTemplate": variant.DELETE})),
    })
