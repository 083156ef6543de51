"""JIT's record streams: append-only lists of frozen rows, one class per kind of event.

Nothing here is ever changed after it is appended. A policy's ``requests[]`` as Azure returns it (with
each port's current status) is built from :class:`JitRequestRecord` and the :class:`PortStatus`
changes at a chosen time; an NSG's rules at a time from the :class:`RuleChange` stream.

:func:`sightings` answers "where can this Activity Log entry be seen, by whom, until when" in the
same shape as :func:`pim_sim.core.audit.sightings` (place, visible_from, visible_until, readers,
documented, source).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from . import facts


class PortState(StrEnum):
    INITIATED = "Initiated"
    REVOKED = "Revoked"


class StatusReason(StrEnum):
    EXPIRED = "Expired"
    USER_REQUESTED = "UserRequested"
    NEWER_REQUEST = "NewerRequestInitiated"


@dataclass(frozen=True, slots=True)
class RuleChange:
    """A rule added to or removed from an NSG (``target`` is the NSG id) or a firewall (the firewall id)."""

    seq: int
    minute: float
    target: str
    op: str  # "add" | "remove"
    rule: object  # a network.SecurityRule or network.DnatRule
    by: str


@dataclass(frozen=True, slots=True)
class RequestedPort:
    vm: str
    number: int
    source: str
    end_minute: float
    mapped_port: int | None = None


@dataclass(frozen=True, slots=True)
class JitRequestRecord:
    """One accepted request (a ``requests[]`` item of the policy, fact 60)."""

    id: str
    policy: str
    minute: float
    time: datetime
    requestor: str
    justification: str
    ports: tuple[RequestedPort, ...]


@dataclass(frozen=True, slots=True)
class PortStatus:
    """A requested port's status from ``minute`` on (fact 61)."""

    minute: float
    request: str
    vm: str
    number: int
    status: PortState
    reason: StatusReason


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    """An Azure Activity Log event. ``delay`` is the minutes until it shows (facts.ACTIVITY_DELAY_MINUTES);
    ``documented`` is False when the entry itself is a model choice."""

    seq: int
    minute: float
    time: datetime
    operation_name: str
    operation_value: str
    caller: str
    status: str  # Started | Succeeded | Failed
    resource_id: str
    subscription: str
    correlation_id: str
    properties: tuple[tuple[str, str], ...]
    delay: float
    documented: bool


@dataclass(frozen=True, slots=True)
class JitRefusalRecord:
    minute: float
    principal: str
    action: str  # "request" | "enable"
    vms: tuple[str, ...]
    ports: tuple[int, ...]
    reason: str
    message: str
    documented: bool
    source: str


@dataclass(frozen=True, slots=True)
class RecommendationState:
    """The recommendation's state for one VM from ``minute`` on (facts.RECOMMENDATION, RECOMMENDATION_MAPPING)."""

    minute: float
    vm: str
    state: str  # Healthy | Unhealthy | NotApplicable
    jit_state: str
    open_ports: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Connection:
    """A connection attempt and its outcome. An allowed attempt opens a session until ``session_end``
    (None: still open); removing the rule that let it in doesn't end it (facts.NSG_EXISTING_CONNECTIONS)."""

    seq: int
    minute: float
    source: str
    vm: str
    port: int
    protocol: str
    allowed: bool
    decided_by: str  # the NSG (or firewall) whose rule decided
    rule: str
    rule_created_by: str
    reason: str
    session_end: float | None
    via_jit: bool = False  # an allowing rule on the path was written by JIT


@dataclass(frozen=True, slots=True)
class Exposure:
    """From ``minute`` on, is the VM port reachable from the internet, and through what:
    "standing" (a rule someone created, or no NSG), "jit" (only through a JIT rule) or "closed"."""

    minute: float
    vm: str
    port: int
    state: str


# --------------------------------------------------------------------------------------- where visible
class Place(StrEnum):
    """Where a person looks. ``AZURE_ACTIVITY_LOG`` has the same value as pim_sim.core.audit.Place's."""

    AZURE_ACTIVITY_LOG = "Azure Activity Log"
    JIT_ACTIVITY_LOG = "Defender for Cloud > Just-in-time VM access > Configured > (VM) > Activity Log"
    LOG_ANALYTICS = "Log Analytics workspace (AzureActivity table, through a diagnostic setting)"


@dataclass(frozen=True, slots=True)
class Sighting:
    place: Place
    visible_from: float
    visible_until: float
    readers: tuple[str, ...]
    documented: bool
    source: str


EXPORT_RETENTION_MINUTES = 12 * 365 * 1440.0  # fact 76: a workspace keeps AzureActivity up to 12 years


def sightings(entry: ActivityEntry, *, exported_to_workspace: bool = False,
              workspace_retention_minutes: float | None = None) -> tuple[Sighting, ...]:
    """Where this Activity Log entry can be seen, from when, until when and by whom.

    The Activity Log keeps it 90 days (fact 76); the JIT page's row menu opens the same log filtered on the VM
    (fact 69); a diagnostic setting to a Log Analytics workspace keeps it for the workspace's retention (fact 76)."""
    start = entry.minute + entry.delay
    end = entry.minute + facts.ACTIVITY_RETENTION_MINUTES.value
    readers = facts.ACTIVITY_READERS.value
    out = [Sighting(Place.AZURE_ACTIVITY_LOG, start, end, readers, entry.documented and facts.ACTIVITY_READERS.documented,
                    facts.ACTIVITY_RETENTION_MINUTES.source)]
    if dict(entry.properties).get("vms"):
        out.append(Sighting(Place.JIT_ACTIVITY_LOG, start, end, readers, entry.documented, facts.USAGE))
    if exported_to_workspace:
        keep = EXPORT_RETENTION_MINUTES if workspace_retention_minutes is None else workspace_retention_minutes
        out.append(Sighting(Place.LOG_ANALYTICS, start, entry.minute + keep, readers, entry.documented,
                            facts.ACTIVITY_LOG))
    return tuple(out)


def visible(entry: ActivityEntry, place: Place, at: float, **kwargs) -> bool:
    return any(s.place is place and s.visible_from <= at < s.visible_until for s in sightings(entry, **kwargs))
