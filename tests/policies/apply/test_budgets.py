from policies.apply.budgets import BUDGET


def _notification(emails=1, topics=1):
    return {"threshold": 80, "subscriberEmailAddresses": [f"e{n}@example.vn" for n in range(emails)],
            "subscriberSnsTopicArns": [f"arn:aws:sns:x:1:t{n}" for n in range(topics)]}


def test_apl_bud_01_notifications(res, assert_exact):
    assert_exact("APL-BUD-01", {
        "pass_four_notifications": res(BUDGET, "a", {"notifications": [_notification()] * 4}),
        "fail_six_notifications": res(BUDGET, "b", {"notifications": [_notification()] * 6}),
        "fail_eleven_emails": res(BUDGET, "c", {"notifications": [_notification(emails=11)]}),
        "fail_two_topics": res(BUDGET, "d", {"notifications": [_notification(topics=2)]}),
        "fail_no_subscriber": res(BUDGET, "e", {"notifications": [_notification(emails=0, topics=0)]}),
    })
