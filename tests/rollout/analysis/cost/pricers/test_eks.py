"""Golden breakdowns for rollout.analysis.cost.pricers.eks."""

from __future__ import annotations

from tests.rollout.analysis.cost.builders import SG, breakdown, golden


def _cluster_with_three_nodes() -> None:
    import pulumi_aws as aws

    role = aws.iam.Role("eks", assume_role_policy="{}")
    cluster = aws.eks.Cluster("shop", role_arn=role.arn, vpc_config={"subnet_ids": ["subnet-a", "subnet-b"]})
    aws.eks.NodeGroup("nodes", cluster_name=cluster.name, node_role_arn=role.arn,
                      subnet_ids=["subnet-a", "subnet-b"], instance_types=["m5.large"],
                      scaling_config={"desired_size": 3, "min_size": 1, "max_size": 5})


def test_cluster_hours_and_a_node_group_at_desired_size(synth):
    report = golden(synth, _cluster_with_three_nodes)
    # cluster 730 x 0.10 = 73.00; 3 x 730 x 0.096 = 210.24; disk 3 x 20 GB gp2 x 0.10 = 6.00
    assert breakdown(report) == [
        ("shop", "EKS cluster", 730.0, "hour", 73.0),
        ("nodes", "Instance usage (Linux, on-demand, m5.large)", 2190.0, "hour", 210.24),
        ("nodes", "Storage (gp2)", 60.0, "GB-month", 6.0),
    ]
    nodes = next(r for r in report.resources if r.name == "nodes")
    assert nodes.monthly_range == (72.08, 360.4)


def test_a_node_group_without_instance_types_gets_eks_default(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.eks.NodeGroup("nodes", cluster_name="shop", node_role_arn="arn:aws:iam::123456789012:role/n",
                          subnet_ids=["subnet-a"], scaling_config={"desired_size": 1, "min_size": 1, "max_size": 1})

    assert breakdown(golden(synth, program))[0][1] == "Instance usage (Linux, on-demand, t3.medium)"


def test_singapore_cluster_hours_from_the_billed_rate(synth):
    # [P4]: APS1-AmazonEKS-Hours:perCluster billed 0.10 a cluster-hour: 730 x 0.10 = 73.00; the m5.large nodes
    # 3 x 730 x 0.12 = 262.80 ([K1]); the nodes' gp2 disks stay price unknown in Singapore
    assert breakdown(golden(synth, _cluster_with_three_nodes, region=SG)) == [
        ("shop", "EKS cluster", 730.0, "hour", 73.0),
        ("nodes", "Instance usage (Linux, on-demand, m5.large)", 2190.0, "hour", 262.8),
        ("nodes", "Storage (gp2)", 60.0, "GB-month", None),
    ]
