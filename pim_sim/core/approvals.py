"""Approval of activation requests: who approves, and how simulated approvers behave.

Rules (https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-approval-workflow):
approvers need no role; nobody approves their own request; service principals can't approve;
the first approver to approve or deny settles the request; approvers have 24 hours, a window
that isn't configurable; with no approvers chosen, Microsoft Entra roles fall back to
Privileged Role Administrators and Global Administrators (Azure roles and groups have no
default approvers).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from pim_sim import facts
from pim_sim.errors import PimRefusal


@dataclass(frozen=True, slots=True)
class Away:
    """An approver who can't respond from ``start`` to ``end`` (minutes)."""

    start: float
    end: float


@dataclass(frozen=True, slots=True)
class ApproverBehaviour:
    """How a simulated approver responds: with some probability, after the approval email
    (3-10 minutes, tail to 15) and a log-normal delay, approving with some probability."""

    respond_probability: float = 0.95
    median_minutes: float = 45.0
    spread: float = 1.0  # sigma of the log-normal delay
    approve_probability: float = 0.95
    away: tuple[Away, ...] = ()

    def response(self, rng: random.Random, now: float) -> tuple[float, bool] | None:
        """When (absolute minute) this approver decides and whether they approve, or None."""
        if rng.random() >= self.respond_probability:
            return None
        low, high, tail = facts.APPROVAL_EMAIL_MINUTES.value
        email = rng.uniform(low, high) if rng.random() < 0.9 else rng.uniform(high, tail)
        at = now + email + rng.lognormvariate(math.log(self.median_minutes), self.spread)
        for period in sorted(self.away, key=lambda a: a.start) if self.away else ():
            if period.start <= at < period.end:
                at = period.end + email
        return at, rng.random() < self.approve_probability


def check_decision(request_principal: str, approver: str, approver_is_service_principal: bool,
                   eligible_approvers: frozenset[str], justification: str, justification_required: bool) -> None:
    """Refuse a decision PIM would refuse."""
    src = facts.SELF_APPROVAL_ALLOWED.source
    if approver == request_principal and not facts.SELF_APPROVAL_ALLOWED.value:
        raise PimRefusal("Approvers aren't able to approve their own role activation requests.",
                         rule="ApprovalRule", code="SelfApprovalNotAllowed", source=src)
    if approver_is_service_principal:
        raise PimRefusal("Service principals can't approve requests.", rule="ApprovalRule", source=src)
    if approver not in eligible_approvers:
        raise PimRefusal(f"{approver} is not an approver for this request.", rule="ApprovalRule",
                         code="NotAnApprover", source=src)
    if justification_required and not justification.strip():
        raise PimRefusal("The approver must enter a justification to approve or deny.", rule="ApprovalRule",
                         source=src)
