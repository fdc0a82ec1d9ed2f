"""Golden breakdowns for rollout.analysis.cost.pricers.redshift."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import breakdown, golden


def test_node_hours_and_ra3_managed_storage(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.redshift.Cluster("dc", cluster_identifier="dc", node_type="dc2.large", number_of_nodes=4,
                             cluster_type="multi-node", master_username="admin", master_password="Offline1")
        aws.redshift.Cluster("ra3", cluster_identifier="ra3", node_type="ra3.4xlarge", number_of_nodes=2,
                             cluster_type="multi-node", master_username="admin", master_password="Offline1")

    usage = UsageSettings(by_resource={"ra3": {"managedStorageGb": 500}})
    # Infracost: dc2.large 2,920 h = 730.00; ra3.4xlarge 1,460 h x 3.26 = 4,759.60; 500 GB x 0.024 = 12.00
    assert breakdown(golden(synth, program, usage)) == [
        ("dc", "Cluster usage (on-demand, dc2.large) x 4", 2920.0, "hour", 730.0),
        ("ra3", "Cluster usage (on-demand, ra3.4xlarge) x 2", 1460.0, "hour", 4759.6),
        ("ra3", "Managed storage", 500.0, "GB-month", 12.0),
    ]
