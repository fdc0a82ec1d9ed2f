"""Small readers shared by the control modules: property paths, loose booleans, policy documents, joins.

Props are pulumi_policy unknown-checking proxies: reading an unknown value raises `UnknownValueError`, which the
evaluator turns into an "unknown" finding. These helpers read through the proxy, so they raise it too — except
the join helpers, which only follow what is known (a join through an unknown value cannot be made, and the
property dependency carries it instead).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from policies.core import Subject, UnknownValueError


def get(props: Any, *path: str | int, default: Any = None) -> Any:
    """The value at `path` under props, or `default` when a key is absent or an intermediate value is None."""
    value = props
    for key in path:
        if value is None:
            return default
        if isinstance(key, int):
            if not is_list(value) or key >= len(value):
                return default
        elif not isinstance(value, Mapping) or key not in value:
            return default
        value = value[key]
    return default if value is None else value


def is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def items(value: Any) -> list[Any]:
    """A list property as a list (None → empty)."""
    return list(value) if is_list(value) else []


def truthy(value: Any) -> bool:
    """True for `True` and the string "true" (some provider fields, e.g. launch template EBS `encrypted`, are strings)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def explicitly_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def to_int(value: Any) -> int | None:
    """An integer from an int or a numeric string; None when absent or not a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def plain(value: Any) -> Any:
    """Copy a proxied value into plain dicts/lists, reading (and so checking) every element."""
    if isinstance(value, Mapping):
        return {key: plain(value[key]) for key in value}
    if is_list(value):
        return [plain(element) for element in value]
    return value


# --- IAM-style policy documents (IAM, S3 bucket, SQS queue and KMS key policies) --------------------------------


def policy_statements(document: Any) -> list[dict[str, Any]]:
    """The statements of a policy given as a JSON string (as the engine passes it) or a mapping.

    Raises ValueError for a document that is not valid JSON, so the control can report it as a violation.
    """
    if document is None:
        return []
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as error:
            raise ValueError(f"policy is not valid JSON ({error.msg})") from None
    document = plain(document)
    if not isinstance(document, Mapping):
        raise ValueError("policy is not a JSON object")
    statements = document.get("Statement", [])
    if isinstance(statements, Mapping):
        statements = [statements]
    return [s for s in statements if isinstance(s, Mapping)]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def actions(statement: Mapping[str, Any]) -> list[str]:
    return [str(a) for a in as_list(statement.get("Action"))]


def resources(statement: Mapping[str, Any]) -> list[str]:
    return [str(r) for r in as_list(statement.get("Resource"))]


def is_allow(statement: Mapping[str, Any]) -> bool:
    return statement.get("Effect", "Allow") == "Allow"


_ANY_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:iam::\*:")


def _anyone(value: Any) -> bool:
    text = str(value)
    return text == "*" or bool(_ANY_ACCOUNT.match(text))


def principal_is_public(principal: Any) -> bool:
    """`"*"`, `{"AWS": "*"}`, a list containing `"*"`, or an ARN whose account is a wildcard
    (`arn:aws:iam::*:role/x` names that role in every account, so anyone can create a matching principal)."""
    if isinstance(principal, Mapping):
        return any(_anyone(v) for value in principal.values() for v in as_list(value))
    return any(_anyone(v) for v in as_list(principal))


# Condition keys that make a public-principal statement non-public when given fixed values: the list of "The meaning
# of public" in the S3 user guide (Block Public Access), which IAM Access Analyzer applies to other resource policies
# as well, plus the aws:Principal*/aws:VpceAccount keys AWS added to it later.
RESTRICTING_KEYS = ("aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner", "aws:sourceaccount",
                    "aws:principalarn", "aws:principalaccount", "aws:principalorgid", "aws:vpceaccount", "aws:userid",
                    "aws:sourceip", "s3:x-amz-server-side-encryption-aws-kms-key-id", "kms:calleraccount")


def restricting_conditions(statement: Mapping[str, Any], ignore: Sequence[str] = ()) -> list[str]:
    """The condition keys of a statement that restrict who can use it to fixed principals, networks or accounts.

    A key counts only under a positive operator (not ...Not..., not ...IfExists, which matches when the key is absent)
    and with values free of wildcards; aws:SourceIp must not be an everything CIDR; aws:userid must not be a whole
    role pattern."""
    found: list[str] = []
    for operator, block in (statement.get("Condition") or {}).items():
        if not isinstance(block, Mapping) or "not" in operator.lower() or operator.lower().endswith("ifexists"):
            continue
        for key, value in block.items():
            values = [str(v) for v in as_list(value)]
            lowered = key.lower()
            if lowered not in RESTRICTING_KEYS or lowered in ignore or not values:
                continue
            if any("*" in v or "?" in v for v in values):
                continue
            if lowered == "aws:sourceip" and any(v in ("0.0.0.0/0", "::/0") for v in values):
                continue
            found.append(key)
    return found


def publicly_allowed(statement: Mapping[str, Any]) -> bool:
    """An Allow statement anyone can use: a public principal and no restricting condition."""
    return is_allow(statement) and principal_is_public(statement.get("Principal")) \
        and not restricting_conditions(statement)


def condition_values(statement: Mapping[str, Any], key: str) -> list[Any]:
    """Every value the statement's Condition gives for `key` (case-insensitive), whatever the operator."""
    found: list[Any] = []
    for operator_block in (statement.get("Condition") or {}).values():
        if isinstance(operator_block, Mapping):
            for condition_key, value in operator_block.items():
                if condition_key.lower() == key.lower():
                    found.extend(as_list(value))
    return found


def denies_insecure_transport(statements: Iterable[Mapping[str, Any]], service: str) -> bool:
    """A Deny of `service:*` (or `*`) when `aws:SecureTransport` is false."""
    for statement in statements:
        if statement.get("Effect") != "Deny":
            continue
        if not {f"{service}:*", "*"} & set(actions(statement)):
            continue
        bool_block = (statement.get("Condition") or {}).get("Bool") or {}
        for key, value in bool_block.items():
            if key.lower() == "aws:securetransport" and str(as_list(value)[0]).lower() == "false":
                return True
    return False


# --- joins for stack (S) controls --------------------------------------------------------------------------------


def of_type(subjects: Iterable[Subject], *types: str) -> list[Subject]:
    return [s for s in subjects if s.type in types]


def known(props: Mapping[str, Any], key: str) -> Any:
    """The value of a property if it is known, else None (for joins that may not read unknowns)."""
    try:
        return props.get(key)
    except UnknownValueError:
        return None


def refers_to(subject: Subject, prop: str, target: Subject, *target_id_props: str) -> bool:
    """Whether `subject.prop` was computed from `target`: its property dependencies name the target's URN, or its
    literal value equals one of the target's own identifying inputs (e.g. a bucket's `bucket` name)."""
    if target.urn in subject.property_dependencies.get(prop, ()):
        return True
    value = known(subject.props, prop)
    if not isinstance(value, str) or not value:
        return False
    return any(known(target.props, key) == value for key in target_id_props)


def depends_on_type(subject: Subject, prop: str, subjects: Iterable[Subject], *types: str) -> bool:
    """Whether `subject.prop` was computed from any resource of the given types."""
    urns = set(subject.property_dependencies.get(prop, ()))
    return any(s.urn in urns and s.type in types for s in subjects)


def each(subjects: Iterable[Subject], types: Sequence[str],
         check: Callable[[Subject], Iterable[str]]) -> Iterator[tuple[Subject, Any]]:
    """Run a per-subject check inside a stack control: yields (subject, message) or (subject, UnknownValueError)."""
    for subject in of_type(subjects, *types):
        try:
            for message in check(subject):
                yield subject, message
        except UnknownValueError as unknown:
            yield subject, unknown
