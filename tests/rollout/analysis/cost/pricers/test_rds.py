"""Pricing rules of rollout.analysis.cost.pricers.rds on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.model.inventory import UNKNOWN
from tests.rollout.analysis.cost.builders import RDS, US, line, price, res


def test_rds_multi_az_primary_with_managed_password():
    report = price(
        res(
            RDS,
            "db",
            {
                "engine": "postgres",
                "instanceClass": "db.t4g.small",
                "multiAz": True,
                "allocatedStorage": 20,
                "storageType": "gp3",
                "manageMasterUserPassword": True,
            },
        )
    )
    # 730 h x 0.102 = 74.46; 20 GB x 0.276 = 5.52; backup 0 GB (small profile); secret 0.40 => 80.38
    assert line(report, "Database instance").monthly == pytest.approx(74.46)
    assert line(report, "Storage (gp3, Multi-AZ)").monthly == pytest.approx(5.52)
    assert line(report, "Backup storage").monthly == 0
    assert line(report, "Backup storage").usage_based
    assert line(report, "Managed master password").monthly == pytest.approx(0.40)
    assert report.total_monthly == pytest.approx(80.38)


def test_rds_replica_inherits_engine_and_storage_from_its_source():
    primary = res(
        RDS, "db", {"engine": "postgres", "instanceClass": "db.t4g.small", "allocatedStorage": 20, "storageType": "gp3"}
    )
    replica = res(
        RDS,
        "db-replica-1",
        {"instanceClass": "db.t4g.small", "replicateSourceDb": UNKNOWN},
        property_dependencies={"replicateSourceDb": (primary.urn,)},
    )
    report = price(primary, replica)
    # replica: 730 h x 0.051 = 37.23; 20 GB x 0.138 = 2.76 => 39.99; no backup line for replicas
    assert report.resources[1].monthly == pytest.approx(39.99)
    assert report.resources[1].note == "replica of db"
    assert [c.name for c in report.resources[1].components] == [
        "Database instance (read replica, Single-AZ, db.t4g.small)",
        "Storage (gp3, Single-AZ)",
    ]


def test_rds_multi_az_is_its_own_price_not_a_multiplier():
    report = price(
        res(
            RDS,
            "db",
            {
                "engine": "postgres",
                "instanceClass": "db.t4g.small",
                "multiAz": True,
                "allocatedStorage": 20,
                "storageType": "gp3",
            },
        ),
        region=US,
    )
    # us-east-1 Multi-AZ 0.065/h x 730 = 47.45, not 2 x 0.032 x 730 = 46.72
    assert line(report, "Database instance").monthly == pytest.approx(47.45)


def test_rds_default_storage_type_gp2_in_singapore_and_us_east():
    report = price(res(RDS, "db", {"engine": "postgres", "instanceClass": "db.t4g.micro", "allocatedStorage": 20}))
    storage = line(report, "Storage (gp2")
    # Singapore gp2 Single-AZ 0.138, derived from the billed Multi-AZ rate 0.276 ([S11], [K8]): 20 x 0.138 = 2.76
    assert (storage.price_known, storage.derived, storage.quantity) == (True, True, 20)
    assert storage.monthly == pytest.approx(2.76)
    us = price(
        res(RDS, "db", {"engine": "postgres", "instanceClass": "db.t4g.micro", "allocatedStorage": 20}), region=US
    )
    assert line(us, "Storage (gp2").monthly == pytest.approx(20 * 0.115)
    # 730 x 0.025 + 2.76 = 21.01
    assert report.total_monthly == pytest.approx(21.01)
    multi = price(res(RDS, "db", {"engine": "postgres", "instanceClass": "db.t4g.small", "allocatedStorage": 20,
                                  "multiAz": True}))
    # the Multi-AZ row is the billed one: 20 x 0.276 = 5.52
    assert not line(multi, "Storage (gp2").derived and line(multi, "Storage (gp2").monthly == pytest.approx(5.52)


def test_unknown_instance_class_before_apply_is_price_unknown():
    report = price(
        res(RDS, "db", {"engine": "postgres", "instanceClass": UNKNOWN, "allocatedStorage": 20, "storageType": "gp3"})
    )
    assert not line(report, "Database instance").price_known
    assert report.lines == (2, 1)


def test_io1_iops_and_extended_support_for_old_engine_versions():
    db = res(
        RDS,
        "db",
        {
            "engine": "postgres",
            "engineVersion": "12.19",
            "instanceClass": "db.t3.large",
            "allocatedStorage": 100,
            "storageType": "io1",
            "iops": 1000,
        },
    )
    report = price(db, region=US)
    # Infracost: 730 x 0.145 = 105.85; 100 GB io1 x 0.125 = 12.50; 1,000 IOPS x 0.10 = 100.00;
    # extended support years 1-2 (postgres 12 until 2027-03-01): 2 vCPU x 730 h x 0.10 = 146.00
    assert [(c.name, c.monthly) for c in report.resources[0].components][:4] == [
        ("Database instance (primary, Single-AZ, db.t3.large)", pytest.approx(105.85)),
        ("Storage (io1, Single-AZ)", pytest.approx(12.50)),
        ("Provisioned IOPS (io1, Single-AZ)", pytest.approx(100.0)),
        ("Extended support (years 1-2, postgres 12.19, 2 vCPU)", pytest.approx(146.0)),
    ]
    current = res(
        RDS,
        "db",
        {
            "engine": "postgres",
            "engineVersion": "16.4",
            "instanceClass": "db.t3.large",
            "allocatedStorage": 20,
            "storageType": "gp3",
        },
    )
    assert not any("Extended" in c.name for c in price(current, region=US).resources[0].components)


@pytest.mark.parametrize(
    ("engine", "version", "on", "year"),
    [
        ("postgres", "11.22", "2026-03-31", "year1"),
        ("postgres", "11.22", "2026-04-01", "year3"),
        ("postgres", "12", "2025-02-28", None),
        ("postgres", "12.19", "2025-03-01", "year1"),
        ("postgres", "13.15", "2026-09-25", "year1"),
        ("postgres", "16.4", "2026-09-25", None),
        ("postgres", "116.1", "2026-09-25", None),
        ("mysql", "5.7.44", "2026-09-25", "year3"),
        ("mysql", "8.0.39", "2026-07-31", None),
        ("mysql", "8.0.39", "2026-08-01", "year1"),
        ("mysql", "8.4.3", "2026-09-25", None),
        ("mariadb", "10.6", "2026-09-25", None),
    ],
)
def test_extended_support_year_by_date(engine, version, on, year):
    from rollout.analysis.cost.pricers.rds import extended_support_year

    assert extended_support_year(engine, version, on) == year


def test_extended_support_year_3_and_multi_az_standby_are_billed():
    db = res(
        RDS,
        "db",
        {
            "engine": "postgres",
            "engineVersion": "11.22",
            "instanceClass": "db.m5.large",
            "multiAz": True,
            "allocatedStorage": 20,
            "storageType": "gp3",
        },
    )
    us = price(db, region=US)
    # on the catalog's date (2026-09-25) postgres 11 is in year 3: 2 vCPU x 2 (standby) x 730 h x 0.20 = 584.00
    assert line(us, "Extended support").name == "Extended support (year 3, postgres 11.22, 4 vCPU)"
    assert line(us, "Extended support").monthly == pytest.approx(584.0)
    # Singapore's extended support rates are recorded missing: price unknown, never guessed
    sg = line(price(db), "Extended support")
    assert (sg.monthly, sg.price_key) == (None, "rds:extended-support:year3")
