"""Import and export of ``Microsoft.Security/locations/jitNetworkAccessPolicies`` JSON as Azure REST returns it.

The shape is the ARM REST spec's (facts.REST; facts 28-31, 60, 61): ``id``, ``name``, ``type``, ``kind``,
``location`` and ``properties`` with ``virtualMachines[]`` (``id``, ``ports[]``, ``publicIpAddress``),
``requests[]`` and ``provisioningState``. A list response wraps policies in ``value``.

Input is content only: a parsed object or list, bytes or JSON text. A ``str`` is never opened as a file.
Errors name the field (``properties.virtualMachines[0].ports[1].maxRequestAccessDuration``) and the problem.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pim_sim.core.clock import iso, minutes
from pim_sim.errors import ModelError

from . import facts
from .policy import JitPolicy, JitPortRule, JitVmEntry, port_rule

MAX_BYTES = 5_000_000
API_VERSION = "2020-01-01"


class JitImportError(ModelError):
    """JSON the model can't read as a JIT policy: where (the input), the field path and the problem."""

    def __init__(self, where: str, field_name: str, problem: str):
        self.where, self.field, self.problem = where, field_name, problem
        super().__init__(f"{where}: {field_name}: {problem} (see {facts.REST})")


# ------------------------------------------------------------------------------------------ the REST shape
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PortRuleJson(_Strict):
    number: Annotated[int, Field(ge=facts.PORT_RANGE.value[0], le=facts.PORT_RANGE.value[1], strict=True)]
    protocol: Literal["TCP", "UDP", "*"]
    allowedSourceAddressPrefix: str | None = None
    allowedSourceAddressPrefixes: list[str] | None = None
    maxRequestAccessDuration: str

    @field_validator("maxRequestAccessDuration")
    @classmethod
    def _duration(cls, v: str) -> str:
        try:
            m = minutes(v)
        except ModelError as e:
            raise ValueError(str(e)) from None
        low, high = facts.MAX_DURATION_RANGE_MINUTES.value
        if not low <= m <= high:
            raise ValueError(f"{v} is outside PT5M to P1D (fact 15)")
        return v

    @model_validator(mode="after")
    def _one_source_field(self):
        if self.allowedSourceAddressPrefix is not None and self.allowedSourceAddressPrefixes is not None:
            raise ValueError("allowedSourceAddressPrefix and allowedSourceAddressPrefixes are mutually exclusive "
                             "(fact 16)")
        if self.allowedSourceAddressPrefixes is not None and not self.allowedSourceAddressPrefixes:
            raise ValueError("allowedSourceAddressPrefixes is empty")
        return self


class PolicyVmJson(_Strict):
    id: str
    ports: list[PortRuleJson]
    publicIpAddress: str | None = None


class RequestPortJson(_Strict):
    number: Annotated[int, Field(ge=0, le=65535, strict=True)]
    allowedSourceAddressPrefix: str | None = None
    allowedSourceAddressPrefixes: list[str] | None = None
    endTimeUtc: datetime
    status: Literal["Initiated", "Revoked"] | None = None
    statusReason: Literal["Expired", "UserRequested", "NewerRequestInitiated"] | None = None
    mappedPort: int | None = None


class RequestVmJson(_Strict):
    id: str
    ports: list[RequestPortJson]


class RequestJson(_Strict):
    virtualMachines: list[RequestVmJson]
    startTimeUtc: datetime
    requestor: str
    justification: str | None = None


class PropertiesJson(_Strict):
    virtualMachines: list[PolicyVmJson]
    requests: list[RequestJson] = []
    provisioningState: str | None = None


class PolicyJson(BaseModel):
    model_config = ConfigDict(extra="ignore")  # ARM may add envelope fields (etag, systemData)
    id: str | None = None
    name: str | None = None
    type: str | None = None
    kind: str | None = None
    location: str | None = None
    properties: PropertiesJson

    @field_validator("type")
    @classmethod
    def _type(cls, v):
        if v is not None and v.casefold() != facts.POLICY_TYPE.value.casefold():
            raise ValueError(f"{v!r} is not {facts.POLICY_TYPE.value}")
        return v


# ------------------------------------------------------------------------------------------ reading
def _loads(source, where: str):
    if isinstance(source, dict | list):
        return source
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > MAX_BYTES:
            raise JitImportError(where, "(file)", f"larger than {MAX_BYTES:,} bytes")
        try:
            source = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise JitImportError(where, "(file)", "not UTF-8 text; save the JSON as UTF-8") from None
    if not isinstance(source, str):
        raise JitImportError(where, "(top level)", f"a {type(source).__name__} is not JSON content; give bytes, "
                             "JSON text or a parsed object")
    if len(source) > MAX_BYTES:
        raise JitImportError(where, "(file)", f"larger than {MAX_BYTES:,} characters")

    def _no_constants(name):
        raise ValueError(f"{name} is not valid JSON")

    try:
        parsed = json.loads(source, parse_constant=_no_constants)
    except (json.JSONDecodeError, ValueError, RecursionError) as e:
        raise JitImportError(where, "(file)", f"not JSON: {e}") from None
    if not isinstance(parsed, dict | list):
        raise JitImportError(where, "(top level)", "expected a JSON object or list")
    return parsed


def _path(loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _items(data, where: str) -> list[tuple[str, object]]:
    if isinstance(data, dict) and "value" in data and "properties" not in data:
        data = data["value"]
        prefix = "value"
    else:
        prefix = ""
    if isinstance(data, list):
        return [(f"{prefix}[{i}]" if prefix else f"[{i}]", item) for i, item in enumerate(data)]
    return [(prefix, data)]


def _parse_id(policy_id: str) -> tuple[str, str, str]:
    parts = policy_id.strip("/").split("/")
    low = [p.casefold() for p in parts]
    try:
        rg_at = low.index("resourcegroups")
        loc_at = low.index("locations")
        pol_at = low.index("jitnetworkaccesspolicies")
    except ValueError:
        raise ValueError(f"{policy_id!r} is not a jitNetworkAccessPolicies resource id") from None
    if low[0] != "subscriptions" or pol_at + 1 >= len(parts):
        raise ValueError(f"{policy_id!r} is not a jitNetworkAccessPolicies resource id")
    return "/" + "/".join(parts[: rg_at + 2]), parts[loc_at + 1], parts[pol_at + 1]


def _port(p: PortRuleJson) -> JitPortRule:
    if p.allowedSourceAddressPrefixes is not None:
        return port_rule(p.number, protocol=p.protocol, sources=tuple(p.allowedSourceAddressPrefixes),
                         max_duration=p.maxRequestAccessDuration, sources_as_list=True)
    return port_rule(p.number, protocol=p.protocol, sources=p.allowedSourceAddressPrefix or "*",
                     max_duration=p.maxRequestAccessDuration, sources_as_list=False)


def read_policies(source, *, name: str = "pasted text", resource_group: str | None = None,
                  location: str | None = None) -> tuple[tuple[JitPolicy, tuple[RequestJson, ...]], ...]:
    """Policies (and their ``requests[]`` as read) from a policy object, a list or a ``value`` list."""
    where = name
    out = []
    for prefix, item in _items(_loads(source, where), where):
        try:
            model = PolicyJson.model_validate(item)
        except ValidationError as e:
            err = e.errors()[0]
            loc = _path(err["loc"])
            raise JitImportError(where, f"{prefix}.{loc}" if prefix else loc, err["msg"]) from None
        field_prefix = f"{prefix}." if prefix else ""
        try:
            if model.id:
                rg, loc, pname = _parse_id(model.id)
            else:
                if resource_group is None:
                    raise ValueError("no id: give resource_group= (and location=) for a policy without one")
                rg, loc, pname = resource_group, model.location or location or "", model.name or "default"
        except ValueError as e:
            raise JitImportError(where, f"{field_prefix}id", str(e)) from None
        vms = []
        for i, v in enumerate(model.properties.virtualMachines):
            try:
                ports = tuple(_port(p) for p in v.ports)
            except ModelError as e:
                raise JitImportError(where, f"{field_prefix}properties.virtualMachines[{i}].ports", str(e)) from None
            numbers = [p.number for p in ports]
            if len(set(numbers)) != len(numbers):
                raise JitImportError(where, f"{field_prefix}properties.virtualMachines[{i}].ports",
                                     f"a port is listed twice: {numbers}")
            vms.append(JitVmEntry(v.id, ports, v.publicIpAddress))
        policy = JitPolicy(rg, model.location or loc, pname, tuple(vms), model.kind or facts.POLICY_KIND.value)
        out.append((policy, tuple(model.properties.requests)))
    return tuple(out)


def read_policy(source, **kwargs) -> JitPolicy:
    """The one policy in ``source`` (see :func:`read_policies`)."""
    found = read_policies(source, **kwargs)
    if len(found) != 1:
        raise JitImportError(kwargs.get("name", "pasted text"), "(top level)",
                             f"expected one policy, found {len(found)}")
    return found[0][0]


# ------------------------------------------------------------------------------------------ writing
def _utc(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z") if t.microsecond else \
        t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def port_json(p: JitPortRule) -> dict:
    out: dict = {"number": p.number, "protocol": p.protocol}
    if p.sources_as_list:
        out["allowedSourceAddressPrefixes"] = list(p.sources)
    else:
        out["allowedSourceAddressPrefix"] = p.sources[0]
    out["maxRequestAccessDuration"] = iso(p.max_minutes)
    return out


def policy_json(policy: JitPolicy, *, jit=None, at: float | None = None) -> dict:
    """The policy as Azure REST returns it. With ``jit`` (a :class:`JitVm`) its ``requests[]`` are filled in
    with each port's status at ``at`` (default now)."""
    vms = []
    for e in policy.vms:
        item: dict = {"id": e.vm, "ports": [port_json(p) for p in e.ports]}
        if e.public_ip_address:
            item["publicIpAddress"] = e.public_ip_address
        vms.append(item)
    requests = [] if jit is None else requests_json(jit, policy.id, at)
    return {"id": policy.id, "name": policy.name, "type": facts.POLICY_TYPE.value, "kind": policy.kind,
            "location": policy.location,
            "properties": {"virtualMachines": vms, "requests": requests, "provisioningState": "Succeeded"}}


def requests_json(jit, policy_id: str, at: float | None = None) -> list[dict]:
    """``properties.requests[]`` of a policy at ``at``: each request with its ports' status then (facts 60, 61)."""
    t = jit.now if at is None else at
    out = []
    for r in jit.requests:
        if r.policy != policy_id or r.minute > t:
            continue
        by_vm: dict[str, list] = {}
        for p in r.ports:
            status = jit.port_status_at(r.id, p.vm, p.number, t)
            item = {"number": p.number, "allowedSourceAddressPrefix": p.source,
                    "endTimeUtc": _utc(jit.host.time(p.end_minute))}
            if status is not None:
                item["status"] = status.status.value
                item["statusReason"] = status.reason.value
            if p.mapped_port is not None:
                item["mappedPort"] = p.mapped_port
            by_vm.setdefault(p.vm, []).append(item)
        entry = {"virtualMachines": [{"id": vm, "ports": ports} for vm, ports in by_vm.items()],
                 "startTimeUtc": _utc(r.time), "requestor": r.requestor}
        if r.justification:
            entry["justification"] = r.justification
        out.append(entry)
    return out


def dumps(obj) -> str:
    """JSON text of an export (finite numbers only)."""
    def check(o):
        if isinstance(o, float) and not math.isfinite(o):
            raise ModelError("an export can't hold NaN or infinity")
        return o
    return json.dumps(obj, indent=2, default=check)


def list_json(policies) -> dict:
    return {"value": [policy_json(p) for p in policies]}


__all__ = ["API_VERSION", "JitImportError", "dumps", "list_json", "policy_json", "read_policies", "read_policy",
           "requests_json"]
