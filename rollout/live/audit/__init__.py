"""Read-only compliance audit of a live AWS account, with the same controls as the policy pack.

Each collector reads one service with boto3 (paginators; botocore's standard retry mode backs off on throttling)
and normalizes every live resource into a `policies.core.Subject` shaped like the Pulumi resource that would have
created it: `type` is the Pulumi type token, `props` uses the camelCase input names the controls read, and the URN
is the resource's ARN. Settings that Pulumi models as separate resources (a bucket's public access block, an RDS
parameter group, a WAF association...) become their own subjects joined through `property_dependencies`, exactly
as the (S) controls join them. Then `policies.core.evaluate` runs the registry's controls over them.

A service that cannot be read (access denied, throttled past the retries, not implemented by the endpoint) is
reported as not evaluated, and every control that reads one of its resource types is skipped: never a pass.
The audit only calls Describe*/Get*/List* operations (rollout/data/audit-policy.json lists them).

Modules: reading.py (clients, paginated reads, per-service collections), one collector per service (rds,
elasticache, sqs, cloudfront, lb, wafv2, compute, instances, network, acm, s3, efs, iam, monitoring, backup, kms,
secrets, observability), cloudflare.py (Cloudflare zones through the v4 API, with `--cloudflare`), readiness.py
(which phase components the account has), evaluation.py (`run_audit`) and coverage.py (which controls the audit
judges live, measured by `scripts/audit-coverage`, and those it cannot judge, with the reason). Sessions and error
lines are in rollout/live/session.py, shared with the drill.
"""
