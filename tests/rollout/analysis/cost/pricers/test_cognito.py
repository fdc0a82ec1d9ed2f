"""Golden breakdowns for rollout.analysis.cost.pricers.cognito."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import SG, breakdown, golden


def test_monthly_active_users_by_feature_plan_with_the_shared_free_tier(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.cognito.UserPool("customers", name="customers")
        aws.cognito.UserPool("staff", name="staff", user_pool_tier="PLUS")
        aws.cognito.UserPool("partners", name="partners", user_pool_tier="LITE")
        aws.cognito.UserPoolClient("web", user_pool_id="pool-id", name="web")

    usage = UsageSettings(by_resource={"customers": {"monthlyActiveUsers": 25000},
                                       "staff": {"monthlyActiveUsers": 1000},
                                       "partners": {"monthlyActiveUsers": 5000}})
    report = golden(synth, program, usage)
    # Essentials (the default plan): (25,000 - 10,000 free) x 0.015 = 225.00; Plus has no free tier: 1,000 x 0.02;
    # Lite shares the free tier the Essentials pool (priced first) used up: 5,000 x 0.0055 = 27.50
    assert breakdown(report) == [
        ("customers", "Monthly active users (Essentials)", 25000.0, "MAU", 225.0),
        ("partners", "Monthly active users (Lite)", 5000.0, "MAU", 27.5),
        ("staff", "Monthly active users (Plus)", 1000.0, "MAU", 20.0),
    ]
    assert "upper bound" in report.resources[1].components[0].note
    assert report.free_types == {"aws:cognito/userPoolClient:UserPoolClient": 1}


def test_a_small_pool_stays_in_the_free_tier(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.cognito.UserPool("users", name="users")

    # the small profile assumes 1,000 MAUs: all inside the 10,000 free
    assert breakdown(golden(synth, program)) == [("users", "Monthly active users (Essentials)", 1000.0, "MAU", 0.0)]


def test_singapore_essentials_and_plus_are_priced_and_lite_stays_unknown(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.cognito.UserPool("customers", name="customers")
        aws.cognito.UserPool("staff", name="staff", user_pool_tier="PLUS")
        aws.cognito.UserPool("partners", name="partners", user_pool_tier="LITE")

    usage = UsageSettings(by_resource={"customers": {"monthlyActiveUsers": 25000},
                                       "staff": {"monthlyActiveUsers": 1000},
                                       "partners": {"monthlyActiveUsers": 5000}})
    report = golden(synth, program, usage, region=SG)
    # [S1]: APS1-CognitoEssentialsMAU 0.015, APS1-CognitoPlusMAU 0.02 (AmazonCognito offer of 2026-09-11); no sourced
    # Singapore Lite rate: (25,000 - 10,000 free) x 0.015 = 225.00; 1,000 x 0.02 = 20.00
    assert breakdown(report) == [
        ("customers", "Monthly active users (Essentials)", 25000.0, "MAU", 225.0),
        ("partners", "Monthly active users (Lite)", 5000.0, "MAU", None),
        ("staff", "Monthly active users (Plus)", 1000.0, "MAU", 20.0),
    ]
    assert report.is_lower_bound
