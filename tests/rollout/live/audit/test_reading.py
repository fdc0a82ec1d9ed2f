"""Reading an account: per-service collections keep a service's subjects only when the whole read succeeded."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from rollout.live.audit import reading


def _denied(operation: str = "ListQueues") -> ClientError:
    return ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, operation)


def test_a_failed_read_keeps_nothing_of_that_service_and_records_why():
    out = reading.Collection()
    with out.attempt("sqs", ("aws:sqs/queue:Queue",)) as found:
        found.append(reading.subject("aws:sqs/queue:Queue", "q", "arn:q", {}))
        raise _denied()
    with out.attempt("kms", ("aws:kms/key:Key",)) as found:
        found.append(reading.subject("aws:kms/key:Key", "k", "arn:k", {"enableKeyRotation": True}))
    assert [s.name for s in out.subjects] == ["k"]
    assert [(u.service, u.types) for u in out.unavailable] == [("sqs", ("aws:sqs/queue:Queue",))]
    assert out.unavailable[0].reason.startswith("access denied (AccessDenied): no")


def test_other_errors_are_not_swallowed():
    out = reading.Collection()
    with pytest.raises(KeyError), out.attempt("sqs", ()):
        raise KeyError("a bug, not an AWS error")


def test_optional_is_none_only_for_the_not_configured_codes():
    def get(**_):
        raise ClientError({"Error": {"Code": "NoSuchBucketPolicy", "Message": "none"}}, "GetBucketPolicy")

    assert reading.optional(get, "NoSuchBucketPolicy", Bucket="b") is None
    with pytest.raises(ClientError):
        reading.optional(get, "SomethingElse", Bucket="b")


def test_subjects_drop_absent_values_and_documents_are_json_strings():
    subject = reading.subject("t:t/t:T", "n", "arn:n", {"a": 1, "b": None}, {"a": ["arn:x"]})
    assert dict(subject.props) == {"a": 1} and subject.property_dependencies == {"a": ["arn:x"]}
    assert reading.json_text({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
    assert reading.json_text('{"x": 1}') == '{"x": 1}' and reading.json_text(None) is None
    assert reading.tags([{"Key": "env", "Value": "prod"}]) == {"env": "prod"} and reading.tags(None) == {}
    assert reading.arn_of("rds", "r", "1", "db:x") == "arn:aws:rds:r:1:db:x"
