"""Pure analyses of inventories: plan, diff, check, cost, diagram, env. No rich, no network, no pulumi."""
