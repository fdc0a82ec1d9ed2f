"""How the audit reads an account: one client per service, paginated reads, per-service collections that record
what could not be read, and the helpers every collector uses to shape a live resource as a Pulumi `Subject`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from policies.core import Subject
from rollout.live.session import client_config, describe_failure, error_code, read_errors


@dataclass(frozen=True)
class Unavailable:
    """A service (or part of one) the audit could not read: the controls over `types` are not evaluated."""

    service: str
    reason: str
    types: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"service": self.service, "reason": self.reason, "resourceTypes": list(self.types)}


@dataclass
class Reader:
    """The account being read: one client per service (tests may inject stubbed ones), account id and region."""

    session: Any
    account: str
    region: str
    clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str, region: str | None = None) -> Any:
        """The service's client in the audited region, or in `region` (e.g. us-east-1 for CloudFront-scoped WAF
        web ACLs), keyed `service` or `service@region` so that tests can inject either."""
        key = service if region in (None, self.region) else f"{service}@{region}"
        if key not in self.clients:
            self.clients[key] = self.session.client(service, region_name=region or self.region,
                                                    config=client_config())
        return self.clients[key]

    def items(self, service: str, operation: str, path: str, **params: Any) -> Iterator[Any]:
        """Every item at JMESPath `path` over all pages of `operation` (one call when it cannot paginate)."""
        client = self.client(service)
        if client.can_paginate(operation):
            for item in client.get_paginator(operation).paginate(**params).search(path):
                if item is not None:
                    yield item
            return
        import jmespath

        yield from jmespath.search(path, getattr(client, operation)(**params)) or []

    def marked(self, client: Any, operation: str, key: str, **params: Any) -> Iterator[Any]:
        """Every item of `key` over the pages of an operation botocore has no paginator for, paged by NextMarker
        (WAFv2). WAFv2 may return a NextMarker on its last page too (boto/boto3#3715), so an empty page or a marker
        seen before ends the listing."""
        seen: set[str] = set()
        while True:
            page = getattr(client, operation)(**params)
            entries = page.get(key) or []
            yield from entries
            marker = page.get("NextMarker")
            if not marker or not entries or marker in seen:
                return
            seen.add(marker)
            params = {**params, "NextMarker": marker}


@dataclass
class Collection:
    subjects: list[Subject] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)

    @contextmanager
    def attempt(self, service: str, types: Iterable[str]) -> Iterator[list[Subject]]:
        """Collect into a buffer that is kept only if the whole block succeeds; a read error marks `types` as
        unavailable instead of stopping the audit."""
        found: list[Subject] = []
        try:
            yield found
        except read_errors() as error:
            self.unavailable.append(Unavailable(service, describe_failure(error), tuple(types)))
        else:
            self.subjects.extend(found)


def optional(call: Callable[..., Any], *missing_codes: str, **params: Any) -> Any:
    """The response of a Get* call, or None when the setting is simply not configured (one of `missing_codes`)."""
    from botocore.exceptions import ClientError

    try:
        return call(**params)
    except ClientError as error:
        if error_code(error) in missing_codes:
            return None
        raise


def subject(type_: str, name: str, urn: str, props: Mapping[str, Any],
             deps: Mapping[str, Sequence[str]] | None = None) -> Subject:
    clean = {key: value for key, value in props.items() if value is not None}
    return Subject.of(type_, name, urn, clean, property_dependencies={k: list(v) for k, v in (deps or {}).items()})


def json_text(document: Any) -> str | None:
    """Policy documents as JSON strings, the way the Pulumi engine passes them to policies."""
    if document is None or isinstance(document, str):
        return document
    return json.dumps(document, sort_keys=True)


def tags(tag_list: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tag_list or ()}


def arn_of(service: str, region: str, account: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"
