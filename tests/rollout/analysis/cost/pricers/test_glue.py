"""Golden breakdowns for rollout.analysis.cost.pricers.glue (Infracost's glue_job, glue_crawler and
glue_catalog_database tests, us-east-1, with AWS's defaults and free tier where Infracost differs)."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import SG, breakdown, golden

ROLE = "arn:aws:iam::123456789012:role/glue"


def _jobs() -> None:
    import pulumi_aws as aws

    script = aws.glue.JobCommandArgs(script_location="s3://bucket.test/example.script")
    shell = aws.glue.JobCommandArgs(name="pythonshell", script_location="s3://bucket.test/example.script")
    aws.glue.Job("workers_g2x", role_arn=ROLE, command=script, number_of_workers=10, worker_type="G.2X")
    aws.glue.Job("cap_10", role_arn=ROLE, command=script, max_capacity=10)
    aws.glue.Job("workers_default", role_arn=ROLE, command=script, number_of_workers=10)
    aws.glue.Job("python_shell", role_arn=ROLE, command=shell)
    aws.glue.Job("spark_default", role_arn=ROLE, command=script)
    aws.glue.Job("odd_worker", role_arn=ROLE, command=script, number_of_workers=2, worker_type="R.2X")


def test_job_dpu_hours_from_workers_capacity_or_the_api_default(synth):
    usage = UsageSettings(by_type={"aws:glue/job:Job": {"monthlyHours": 60}})
    # Infracost: 20 DPUs x 60 h x 0.44 = 528.00, 10 DPUs x 60 h = 264.00; a Python shell job defaults to 0.0625 DPU
    # (3.75 DPU-h = 1.65) and a Spark job with nothing set to 10 DPUs (AWS Glue API; Infracost assumes 1 DPU).
    assert breakdown(golden(synth, _jobs, usage)) == [
        ("cap_10", "Duration (10 DPUs, maxCapacity)", 600.0, "DPU-hour", 264.0),
        ("odd_worker", "Duration", None, "DPU-hour", None),  # memory-optimized: M-DPU-hours, not in the catalog
        ("python_shell", "Duration (0.0625 DPUs, Python shell default)", 3.75, "DPU-hour", 1.65),
        ("spark_default", "Duration (10 DPUs, Spark default)", 600.0, "DPU-hour", 264.0),
        ("workers_default", "Duration (10 DPUs, 10 x G.1X)", 600.0, "DPU-hour", 264.0),
        ("workers_g2x", "Duration (20 DPUs, 10 x G.2X)", 1200.0, "DPU-hour", 528.0),
    ]


def test_crawler_dpu_hours_and_catalog_storage_and_requests_beyond_the_free_tier(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.glue.Crawler("with_usage", database_name="db", role=ROLE,
                         s3_targets=[aws.glue.CrawlerS3TargetArgs(path="s3://bucket.test/data")])
        aws.glue.CatalogDatabase("lake", name="lake")
        aws.glue.CatalogDatabase("small", name="small")
        aws.glue.Connection("jdbc", name="jdbc", connection_properties={"JDBC_CONNECTION_URL": "jdbc:x"})
        aws.glue.Trigger("nightly", type="SCHEDULED", schedule="cron(0 1 * * ? *)",
                         actions=[aws.glue.TriggerActionArgs(job_name="etl")])

    usage = UsageSettings(by_resource={"with_usage": {"monthlyDpuHours": 60},
                                       "lake": {"storedObjects": 2e6, "monthlyRequests": 3e8},
                                       "small": {"storedObjects": 5e4, "monthlyRequests": 1e3}})
    report = golden(synth, program, usage)
    # 60 DPU-h x 0.44 = 26.40; lake: (20 - 10 free) x 1.00 = 10.00 and (300 - 1 free) x 1.00 = 299.00; the account's
    # free tier is used up, so small pays 0.5 x 1.00 and 0.001 x 1.00
    assert breakdown(report) == [
        ("lake", "Storage", 20.0, "100k objects", 10.0),
        ("lake", "Requests", 300.0, "1M requests", 299.0),
        ("small", "Storage", 0.5, "100k objects", 0.5),
        ("small", "Requests", 0.001, "1M requests", 0.0),
        ("with_usage", "Duration", 60.0, "DPU-hour", 26.4),
    ]
    assert report.free_types == {"aws:glue/connection:Connection": 1, "aws:glue/trigger:Trigger": 1}
    assert report.unpriced_types == {}


def test_singapore_glue_prices_from_the_price_list_note(synth):
    usage = UsageSettings(by_type={"aws:glue/job:Job": {"monthlyHours": 60}})
    report = golden(synth, _jobs, usage, region=SG)
    # [S2] (AWS Price List API, ap-southeast-1, 2026-08-12): APS1-ETL-DPU-Hour 0.44, as in us-east-1
    assert breakdown(report) == [
        ("cap_10", "Duration (10 DPUs, maxCapacity)", 600.0, "DPU-hour", 264.0),
        ("odd_worker", "Duration", None, "DPU-hour", None),
        ("python_shell", "Duration (0.0625 DPUs, Python shell default)", 3.75, "DPU-hour", 1.65),
        ("spark_default", "Duration (10 DPUs, Spark default)", 600.0, "DPU-hour", 264.0),
        ("workers_default", "Duration (10 DPUs, 10 x G.1X)", 600.0, "DPU-hour", 264.0),
        ("workers_g2x", "Duration (20 DPUs, 10 x G.2X)", 1200.0, "DPU-hour", 528.0),
    ]
    assert {c.price_key for r in report.resources for c in r.components if c.price_known} == {"glue:job:dpu"}


def test_singapore_catalog_storage_and_requests(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.glue.CatalogDatabase("lake", name="lake")

    usage = UsageSettings(by_resource={"lake": {"storedObjects": 2e6, "monthlyRequests": 3e8}})
    # [S2]: APS1-Catalog-Storage $0.00001 per object-month (1.00 per 100k), APS1-Catalog-Request $0.000001 (1.00 per 1M)
    assert breakdown(golden(synth, program, usage, region=SG)) == [
        ("lake", "Storage", 20.0, "100k objects", 10.0),
        ("lake", "Requests", 300.0, "1M requests", 299.0),
    ]
