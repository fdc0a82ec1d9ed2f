"""Typed placeholders from the SDK's declarations (rollout.runtime.placeholders)."""

from __future__ import annotations

import typing

from rollout.runtime.placeholders import (
    coerce,
    data_source_result,
    declared_fields,
    identifier_like,
    resource_placeholders,
    sdk_class,
    string_placeholder,
    typed_placeholder,
)

REGION = "us-east-1"


def test_sdk_classes_are_found_from_tokens():
    assert sdk_class("aws:ecr/repository:Repository", "resource").__name__ == "Repository"
    assert sdk_class("aws:ec2/getVpc:getVpc", "result").__name__ == "GetVpcResult"
    assert sdk_class("aws:lambda/function:Function", "resource").__module__.startswith("pulumi_aws.lambda_")
    assert sdk_class("aws:index/getRegion:getRegion", "result").__name__ == "GetRegionResult"
    assert sdk_class("acme:index/thing:Thing", "resource") is None
    assert sdk_class("aws:ec2/noSuchThing:NoSuchThing", "resource") is None


def test_placeholders_follow_the_declared_type_and_the_name():
    assert string_placeholder("executionArn", "aws:apigateway/restApi:RestApi", "api", REGION).startswith(
        "arn:aws:apigateway:us-east-1:123456789012:")
    assert string_placeholder("repositoryUrl", "aws:ecr/repository:Repository", "r", REGION).startswith("https://")
    assert typed_placeholder(bool, "enabled", "t", "n", REGION) is False
    assert typed_placeholder(int, "port", "t", "n", REGION) == 0
    assert len(typed_placeholder(typing.Sequence[str], "ids", "t", "n", REGION)) == 1
    assert typed_placeholder(typing.Mapping[str, str], "tags", "t", "n", REGION) == {}
    ca = declared_fields(sdk_class("aws:eks/cluster:Cluster", "resource"))["certificateAuthority"]
    assert set(typed_placeholder(ca, "certificateAuthority", "t", "n", REGION)) == {"data"}


def test_arguments_are_coerced_to_declared_types():
    assert coerce("true", bool) is True and coerce("False", bool) is False
    assert coerce("3", int) == 3 and coerce("2.5", float) == 2.5 and coerce("x", int) == "x"
    assert coerce(8080.0, str) == "8080" and coerce(["1", "2"], typing.Sequence[int]) == [1, 2]


def test_data_source_results_have_every_field_and_an_id():
    result = data_source_result("aws:ec2/getAmi:getAmi", {"mostRecent": "true", "owners": ["amazon"]}, REGION)
    assert result["mostRecent"] is True and result["owners"] == ["amazon"]
    assert result["id"] and isinstance(result["blockDeviceMappings"], list)
    assert set(declared_fields(sdk_class("aws:ec2/getAmi:getAmi", "result"))) <= set(result)
    again = data_source_result("aws:ec2/getAmi:getAmi", {"mostRecent": "true", "owners": ["amazon"]}, REGION)
    assert again == result  # deterministic
    assert data_source_result("acme:index/getThing:getThing", {}, REGION) is None


def test_resources_get_only_identifier_like_string_outputs_they_lack():
    filled = resource_placeholders("aws:ecr/repository:Repository", "repo", {"arn": "given"}, REGION)
    assert "arn" not in filled and {"repositoryUrl", "registryId"} <= set(filled)
    assert "imageTagMutability" not in filled  # not an identifier: stays unknown
    assert identifier_like("dnsName") and identifier_like("id") and not identifier_like("forceDelete")
    assert resource_placeholders("acme:index/thing:Thing", "t", {}, REGION) == {}
