"""Records the kernel writes besides the audit trail, and the initiators that appear in them.

Shared by the core's rules and by every feature, so they live below both.
"""

from __future__ import annotations

from dataclasses import dataclass

from pim_sim import facts
from pim_sim.core.tenant import Licence

ADMIN = "admin"  # an unnamed, authorised administrator (scripts that don't care who)
MS_PIM = facts.MS_PIM.value  # the service principal PIM acts as in the directory's own logs


@dataclass(frozen=True, slots=True)
class Notification:
    """An email PIM sends (rule id as Graph names it)."""

    minute: float
    rule_id: str
    recipients: str
    subject: str
    request_id: str = ""


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request PIM refused. The portal shows the message; Graph answers HTTP 400 with the
    code and rule. Nothing is written to the audit log for a request that was never accepted."""

    minute: float
    principal: str
    action: str
    role: str
    scope: str
    rule: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class LicenceChange:
    minute: float
    licence: Licence
