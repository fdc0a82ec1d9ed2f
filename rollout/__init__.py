"""rollout: offline plan, check, cost and diff of Pulumi programs, and the sme-rollout phases."""

__version__ = "0.1.0"
