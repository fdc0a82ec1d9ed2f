"""DMS replication instances: hours and storage beyond what the class includes; endpoints and tasks are free."""

from __future__ import annotations

import pytest

from rollout.analysis.cost.registry import classify
from tests.rollout.analysis.cost.builders import US, line, price, res

DMS = "aws:dms/replicationInstance:ReplicationInstance"


def test_dms_instance_hours_and_storage_beyond_what_the_class_includes():
    report = price(res(DMS, "migration", {"replicationInstanceClass": "dms.t2.micro", "allocatedStorage": 70,
                                          "multiAz": True}), region=US)
    # 730 h x 0.036 = 26.28; (70 - 50 included) GB x 0.23 = 4.60: Infracost's own golden figures
    assert line(report, "Replication instance (t2.micro, Multi-AZ)").monthly == pytest.approx(26.28)
    assert line(report, "Storage (gp2) beyond the 50 GB").quantity == 20
    assert line(report, "Storage (gp2) beyond the 50 GB").monthly == pytest.approx(4.60)
    assert "remove migrateFrom" in report.resources[0].note


def test_dms_t3_small_in_singapore_is_price_unknown_never_guessed():
    report = price(res(DMS, "migration", {"replicationInstanceClass": "dms.t3.small", "allocatedStorage": 50}))
    instance = line(report, "Replication instance (t3.small, Single-AZ)")
    assert instance.monthly is None and not instance.price_known
    assert instance.price_key == "dms:instance:t3.small:single-az"
    assert [c.name for c in report.resources[0].components] == ["Replication instance (t3.small, Single-AZ)"]


def test_an_unknown_class_is_price_unknown():
    report = price(res(DMS, "migration", {"allocatedStorage": 50}))
    assert line(report, "Replication instance").monthly is None


@pytest.mark.parametrize("type_", ["aws:dms/endpoint:Endpoint", "aws:dms/replicationTask:ReplicationTask",
                                   "aws:dms/certificate:Certificate",
                                   "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup"])
def test_dms_configuration_is_free(type_):
    assert classify(type_) == "free"
    assert classify(DMS) == "priced"
