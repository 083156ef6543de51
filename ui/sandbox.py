"""The portal sandbox's built-in tenant: four people, each with the access their persona needs.

- alice, a requester: eligible for Security Administrator (approval by bob, ticket required,
  4-hour maximum), for User Administrator (time-bound, ending within 14 days, so she can ask
  to extend it) and was eligible for Helpdesk Administrator (expired a day ago, so she can ask
  to renew it within 30 days).
- bob, an approver: holds no role; approvers need none
  (https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-approval-workflow).
- carol, a Privileged Role Administrator: decides extend and renew requests, and reviews who
  should keep Security Administrator in a two-week access review that is in progress.
- dave, an auditor: Security Reader, which reads the PIM Resource audit and the Entra audit logs.

Everything is built through the engine's public API, so every rule applies as in any run.
"""

from __future__ import annotations

from pim_sim import Simulation, Tenant
from pim_sim.features.reviews import AccessReview

PERSONAS = {
    "alice": "Requester",
    "bob": "Approver",
    "carol": "Privileged Role Administrator",
    "dave": "Auditor (Security Reader)",
}
APPROVAL_ROLE = "Security Administrator"
EXTEND_ROLE = "User Administrator"
RENEW_ROLE = "Helpdesk Administrator"
SETUP = "Portal sandbox setup"
REVIEW = "Security Administrator: who still needs it?"


def build(seed: int = 0) -> Simulation:
    """A fresh sandbox, two days and nine hours after its assignments were made (a Wednesday, 09:00 UTC)."""
    sim = Simulation(Tenant.build(users=list(PERSONAS), name="contoso-sandbox"), seed=seed)
    sim.assign("carol", "Privileged Role Administrator", kind="active", justification=SETUP)
    sim.assign("dave", "Security Reader", kind="active", justification=SETUP)
    sim.set_settings(APPROVAL_ROLE, require_approval=True, approvers=("bob",), require_ticket=True,
                     activation_max=4 * 60)
    sim.assign("alice", APPROVAL_ROLE, kind="eligible", justification=SETUP)
    sim.assign("alice", EXTEND_ROLE, kind="eligible", duration="P12D", justification=SETUP)
    sim.assign("alice", RENEW_ROLE, kind="eligible", duration="P1D", justification=SETUP)
    sim.reviews.create(AccessReview(REVIEW, APPROVAL_ROLE, selected=("carol",), duration_days=14))
    sim.advance("P2DT9H")
    return sim
