"""policies.engine_support: the one RDS support calendar, read by RDS-17 and by the cost pricer."""

import datetime as dt

import pytest

from policies import engine_support
from policies.engine_support import CALENDAR, extended_support_year, in_standard_support, past_standard_support


def test_billing_starts_the_day_after_standard_support_ends_but_for_postgres_11():
    """AWS: charges begin the day after the RDS end of standard support date; PostgreSQL 11 entered Extended
    Support on 2024-03-01 and was billed from 2024-04-01."""
    for engine, majors in CALENDAR.items():
        for major, dates in majors.items():
            ends = dt.date.fromisoformat(dates.standard_ends)
            billed = dt.date.fromisoformat(dates.billed_from)
            expected = dt.date(2024, 4, 1) if (engine, major) == ("postgres", "11") else ends + dt.timedelta(days=1)
            assert billed == expected, (engine, major)
            third = dt.date.fromisoformat(dates.year3_from)
            assert (third.year - billed.year, third.month, third.day) == (2, billed.month, billed.day)


@pytest.mark.parametrize(
    ("engine", "version", "on", "expected"),
    [
        ("mysql", "8.0.39", "2026-07-31", None),
        ("mysql", "8.0.39", "2026-08-01", "2026-07-31"),
        ("mysql", "8.0", "2026-12-01", "2026-07-31"),
        ("MySQL", "8.0.39", "2026-12-01", "2026-07-31"),
        ("mysql", "8.4.3", "2029-07-31", None),
        ("mysql", "8.4.3", "2029-08-01", "2029-07-31"),
        ("mysql", "8.40", "2030-01-01", None),  # not 8.4: majors match on whole parts
        ("postgres", "16.4", "2026-12-01", None),
        ("postgres", "13.15", "2026-12-01", "2026-02-28"),
        ("postgres", "11.22", "2024-03-01", "2024-02-29"),
        ("postgres", "116.1", "2030-01-01", None),
        ("mariadb", "10.6", "2030-01-01", None),
        ("aurora-mysql", "8.0.mysql_aurora.3.05.2", "2030-01-01", None),
        (None, None, "2030-01-01", None),
    ],
)
def test_past_standard_support(engine, version, on, expected):
    found = past_standard_support(engine, version, on)
    assert (found.standard_ends if found else None) == expected


def test_extended_support_years_follow_the_same_calendar():
    assert [
        extended_support_year("mysql", "8.0.39", d) for d in ("2026-07-31", "2026-08-01", "2028-07-31", "2028-08-01")
    ] == [None, "year1", "year1", "year3"]
    assert extended_support_year("postgres", "11.22", "2024-03-15") is None  # in Extended Support, not yet billed
    assert past_standard_support("postgres", "11.22", "2024-03-15") is not None


def test_8_4_is_the_mysql_major_in_standard_support_until_mid_2029():
    assert in_standard_support("mysql", "8.4", "2026-12-01") and in_standard_support("mysql", "8.4", "2029-07-31")
    assert not in_standard_support("mysql", "8.0", "2026-12-01")
    assert not in_standard_support("mysql", "9.9", "2026-12-01")


def test_the_pricer_reads_this_calendar():
    from rollout.analysis.cost.pricers import rds

    assert rds.extended_support_year is engine_support.extended_support_year
