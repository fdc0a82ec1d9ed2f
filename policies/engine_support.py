"""The one calendar of RDS major-version support: when each RDS for PostgreSQL and MySQL major version leaves
standard support, and when RDS Extended Support is billed (years 1-2, then year 3 at twice the rate).

Read by control RDS-17 (policies/rds.py: a version past standard support on the check date) and by the cost
pricer (rollout/analysis/cost/pricers/rds.py: the Extended Support line on the catalog's date), so that the two can
never disagree. Pure data and date arithmetic on ISO dates: no tool, no SDK.

Sources: the RDS User Guide, "Amazon RDS Extended Support charges" ("You will incur charges for all engines
enrolled in RDS Extended Support beginning the day after the RDS end of standard support date"; its examples:
PostgreSQL 11 "enters Extended Support on March 1, 2024, but charges don't start until April 1, 2024", PostgreSQL
12 standard support ends February 28, 2025 and is billed from March 1, 2025; MySQL 5.7 ends February 29, 2024,
billed from March 1, 2024), AWS's release calendars (RDS for PostgreSQL release calendar; "Supported MySQL major
versions on Amazon RDS": MySQL 8.0 standard support ends 2026-07-31, MySQL 8.4, released on RDS 2024-11-21, ends
2029-07-31 and its Extended Support 2032-07-31, as endoflife.date reads that table), and Infracost's billing dates
(internal/resources/aws/db_instance.go, 2026-05-03). MySQL 8.0 billed from 2026-08-01 also shows in a public Cost
Explorer export (APN2-ExtendedSupport:Yr1-Yr2:MySQL8.0, $0.00 on 2026-07-31, charged from 2026-08-01). MariaDB
has no RDS Extended Support; a version not listed here is taken to be in standard support.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SupportWindow:
    """One major version's dates (ISO, inclusive)."""

    standard_ends: str
    """The last day of RDS standard support."""
    billed_from: str
    """The first day Extended Support is billed at the years 1-2 rate (the day after `standard_ends`, but for
    PostgreSQL 11, billed a month later)."""
    year3_from: str
    """The first day of the year-3 rate."""


CALENDAR: dict[str, dict[str, SupportWindow]] = {
    "postgres": {
        "11": SupportWindow("2024-02-29", "2024-04-01", "2026-04-01"),
        "12": SupportWindow("2025-02-28", "2025-03-01", "2027-03-01"),
        "13": SupportWindow("2026-02-28", "2026-03-01", "2028-03-01"),
        "14": SupportWindow("2027-02-28", "2027-03-01", "2029-03-01"),
        "15": SupportWindow("2028-02-29", "2028-03-01", "2030-03-01"),
        "16": SupportWindow("2029-02-28", "2029-03-01", "2031-03-01"),
    },
    "mysql": {
        "5.7": SupportWindow("2024-02-29", "2024-03-01", "2026-03-01"),
        "8.0": SupportWindow("2026-07-31", "2026-08-01", "2028-08-01"),
        "8.4": SupportWindow("2029-07-31", "2029-08-01", "2031-08-01"),
    },
}


def window(engine: Any, version: Any) -> tuple[str, SupportWindow] | None:
    """(major, its window) for an engine and a version (`8.0`, `8.0.39`, `16`, `16.4`), or None when the engine
    or the major version is not in the calendar."""
    majors = CALENDAR.get(str(engine or "").lower(), {})
    text = str(version or "")
    for major, dates in majors.items():
        if text == major or text.startswith(major + "."):
            return major, dates
    return None


def extended_support_year(engine: Any, version: Any, on: str) -> str | None:
    """'year1' (the years 1-2 rate) or 'year3' when `engine` `version` is billed Extended Support on `on` (ISO),
    else None."""
    found = window(engine, version)
    if found is None:
        return None
    dates = found[1]
    if on >= dates.year3_from:
        return "year3"
    return "year1" if on >= dates.billed_from else None


def past_standard_support(engine: Any, version: Any, on: str) -> SupportWindow | None:
    """The version's window when `on` (ISO) is after its last day of standard support, else None."""
    found = window(engine, version)
    return found[1] if found is not None and on > found[1].standard_ends else None


def in_standard_support(engine: Any, major: str, on: str) -> bool:
    """Whether `major` of `engine` is in the calendar and in standard support on `on`."""
    dates = CALENDAR.get(engine, {}).get(major)
    return dates is not None and on <= dates.standard_ends
