"""Typed placeholders from the SDK's own type declarations, for what the offline runtime must answer itself.

A provider SDK (pulumi_aws, pulumi_cloudflare, ...) declares, per resource class, the outputs it has and, per data
source, the result type with every field's type. The offline runtime uses these declarations instead of guessing:

- data sources (`aws.ec2.get_vpc(...)`) are answered with every field of their result type: the arguments the
  program passed (coerced to the declared field types, so `most_recent="true"` becomes `True`), else a typed
  placeholder, and always an `id`;
- resources get placeholders only for the identifier-like string outputs their class declares (`*Arn`, `*Id`,
  `*Url`, `*Endpoint`, `*Name`, ...): these are what other resources are wired with. Every other output the mocks do
  not return stays unknown, as under `pulumi preview`.

Placeholders are deterministic (derived from the token and logical name) and recognisable (`offline` in them).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib
import re
import typing
from collections.abc import Mapping, Sequence
from typing import Any

ACCOUNT_ID = "123456789012"
"""The offline account id (also what aws.get_caller_identity answers)."""
MAX_DEPTH = 4
"""Nested result types deeper than this are left empty (some SDK types are recursive)."""


def _suffix(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:8]


# ---------------------------------------------------------------------------------------------------------------
# Finding the SDK class of a token


def _modules_for(token: str) -> list[str]:
    """Candidate Python modules of a token `pkg:mod/sub:Name`: `pulumi_pkg.mod` (`lambda` is `lambda_`), or the
    package root for `index`."""
    package, module = (token.split(":") + ["", ""])[:2]
    root = "pulumi_" + package.replace("-", "_")
    if package == "pulumi" or not package:
        return []
    first = module.split("/")[0]
    if first in ("", "index"):
        return [root]
    return [f"{root}.{first}", f"{root}.{first}_"]


@functools.cache
def sdk_class(token: str, kind: str) -> type | None:
    """The SDK class of a resource token (`kind="resource"`) or the result type of a data-source token
    (`kind="result"`: `aws:ec2/getVpc:getVpc` -> `GetVpcResult`); None when the package is not installed or the
    token has no class (a package that is not a code-generated SDK)."""
    name = token.rsplit(":", 1)[-1]
    if kind == "result":
        name = name[:1].upper() + name[1:] + "Result"
    for module_name in _modules_for(token):
        try:
            module = importlib.import_module(module_name)
        except Exception:  # noqa: BLE001 - not installed, or a module name that does not exist
            continue
        found = getattr(module, name, None)
        if isinstance(found, type):
            return found
    return None


@functools.cache
def declared_fields(cls: type) -> dict[str, Any]:
    """Wire (camelCase) name -> declared type of an SDK class's output properties (Output/Optional unwrapped)."""
    from pulumi import _types

    try:
        return dict(_types._types_from_py_properties(cls))
    except Exception:  # noqa: BLE001 - a class the SDK's introspection cannot read: declare nothing
        return {}


# ---------------------------------------------------------------------------------------------------------------
# Placeholders by name and type

_ARN = re.compile(r"(^a|A)rn$")
_ID = re.compile(r"(^i|I)d$")
_URL = re.compile(r"((^u|U)rl|(^u|U)ri|(^e|E)ndpoint)$")
_HOST = re.compile(r"((^d|D)nsName|(^d|D)omainName|(^a|A)ddress|(^h|H)ost(name)?)$")
_NAME = re.compile(r"(^n|N)ame$")


def identifier_like(name: str) -> bool:
    """An output other resources are wired with: an ARN, id, URL/URI/endpoint, host name or name."""
    return any(p.search(name) for p in (_ARN, _ID, _URL, _HOST, _NAME))


def string_placeholder(name: str, token: str, logical: str, region: str) -> str:
    """A plausible string for an output or field called `name` of `token` (an ARN looks like one, a URL too)."""
    package, module = (token.split(":") + ["", ""])[:2]
    service = module.split("/")[0] if module and module != "index" else package
    tag = f"{logical}-{_suffix(token, logical, name)}"
    if _ARN.search(name):
        return f"arn:aws:{service}:{region}:{ACCOUNT_ID}:offline/{tag}"
    if _URL.search(name):
        return f"https://{tag}.{service}.{region}.offline.example/"
    if _HOST.search(name):
        return f"{tag}.{service}.{region}.offline.example"
    return f"offline-{tag}"


def typed_placeholder(typ: Any, name: str, token: str, logical: str, region: str, depth: int = 0) -> Any:
    """A value of the declared type `typ`: strings by name, False / 0 for scalars, one element for a list, every
    field for a nested output type, {} for a map, None when the type says nothing usable."""
    origin = typing.get_origin(typ)
    if typ is str:
        return string_placeholder(name, token, logical, region)
    if typ is bool:
        return False
    if typ is int:
        return 0
    if typ is float:
        return 0.0
    if origin in (list, Sequence, typing.Sequence) or typ in (list, Sequence):
        args = typing.get_args(typ)
        if not args or depth >= MAX_DEPTH:
            return []
        singular = name[:-1] if name.endswith("s") else name
        return [typed_placeholder(args[0], singular, token, logical, region, depth + 1)]
    if origin in (dict, Mapping, typing.Mapping) or typ in (dict, Mapping):
        return {}
    if origin is typing.Union:
        members = [a for a in typing.get_args(typ) if a is not type(None)]
        return typed_placeholder(members[0], name, token, logical, region, depth) if members else None
    if isinstance(typ, type) and depth < MAX_DEPTH and declared_fields(typ):
        return {field: typed_placeholder(field_type, field, token, logical, region, depth + 1)
                for field, field_type in declared_fields(typ).items()}
    return None


def coerce(value: Any, typ: Any) -> Any:
    """An argument echoed into a result field of type `typ`: "true"/"false" -> bool, numeric strings -> numbers,
    numbers -> str; lists and nested objects element by element. A value that does not fit is returned as is."""
    origin = typing.get_origin(typ)
    if typ is bool and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if typ in (int, float) and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if typ is int and number.is_integer() else number
    if typ is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if typ is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value) if isinstance(value, float) and value.is_integer() else value)
    if origin in (list, Sequence, typing.Sequence) and isinstance(value, list):
        args = typing.get_args(typ)
        return [coerce(v, args[0]) for v in value] if args else value
    if origin is typing.Union:
        members = [a for a in typing.get_args(typ) if a is not type(None)]
        return coerce(value, members[0]) if len(members) == 1 else value
    if isinstance(typ, type) and isinstance(value, Mapping) and declared_fields(typ):
        fields = declared_fields(typ)
        return {k: coerce(v, fields[k]) if k in fields else v for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------------------------------
# What the mocks use


def data_source_result(token: str, args: Mapping[str, Any], region: str) -> dict[str, Any] | None:
    """The answer to data source `token` called with `args`: every declared result field (the argument of that
    name coerced to the field's type, else a typed placeholder) and an `id`. None when the SDK declares no result
    type for the token (the caller reports that as an offline limit)."""
    cls = sdk_class(token, "result")
    if cls is None:
        return None
    logical = token.rsplit(":", 1)[-1]
    seed = _suffix(token, repr(sorted((k, repr(v)) for k, v in args.items())))
    result: dict[str, Any] = {}
    for field, field_type in declared_fields(cls).items():
        if field in args and args[field] is not None:
            result[field] = coerce(args[field], field_type)
        else:
            result[field] = typed_placeholder(field_type, field, token, f"{logical}-{seed}", region)
    result.update(_WELL_KNOWN.get(token, lambda a, r: {})(args, region))
    if not isinstance(result.get("id"), str) or not result.get("id"):
        result["id"] = f"{logical}-{seed}"
    return result


def resource_placeholders(token: str, logical: str, known: Mapping[str, Any], region: str) -> dict[str, Any]:
    """Placeholders for the identifier-like string outputs `token`'s class declares and `known` lacks."""
    cls = sdk_class(token, "resource")
    if cls is None:
        return {}
    return {field: string_placeholder(field, token, logical, region)
            for field, field_type in declared_fields(cls).items()
            if field not in known and field_type is str and identifier_like(field)}


def _ecr_token(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    # The token is base64("AWS:<password>") as `docker login` expects (AWS ECR API GetAuthorizationToken).
    password = "offline-ecr-password"
    registry = args.get("registryId") or ACCOUNT_ID
    return {"authorizationToken": base64.b64encode(f"AWS:{password}".encode()).decode(), "userName": "AWS",
            "password": password, "proxyEndpoint": f"https://{registry}.dkr.ecr.{region}.amazonaws.com",
            "expiresAt": "2099-01-01T00:00:00Z"}


def _ecr_credentials(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    token = _ecr_token(args, region)
    return {"authorizationToken": token["authorizationToken"], "proxyEndpoint": token["proxyEndpoint"],
            "expiresAt": token["expiresAt"]}


def _vpc(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    return {"cidrBlock": args.get("cidrBlock") or "172.31.0.0/16", "state": "available"}


def _subnet(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    return {"cidrBlock": args.get("cidrBlock") or "172.31.0.0/20",
            "availabilityZone": args.get("availabilityZone") or f"{region}a"}


def _zone(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    name = str(args.get("name") or "example.com").rstrip(".")
    return {"name": name, "zoneId": f"Z{_suffix('zone', name).upper()}",
            "nameServers": [f"ns-1.awsdns-00.{tld}" for tld in ("com", "net")]}


def _subnets(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    # Two subnets: programs commonly index [0] and [1] (an ALB needs two zones).
    return {"ids": [f"subnet-offline{_suffix('subnets', str(i))}" for i in range(2)]}


_WELL_KNOWN: dict[str, Any] = {
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": _ecr_token,
    "aws:ecr/getCredentials:getCredentials": _ecr_credentials,
    "aws:ec2/getVpc:getVpc": _vpc,
    "aws:ec2/getSubnet:getSubnet": _subnet,
    "aws:ec2/getSubnets:getSubnets": _subnets,
    "aws:route53/getZone:getZone": _zone,
}
"""Data sources whose result format programs parse (a token to decode, a CIDR to split, ids to index)."""
