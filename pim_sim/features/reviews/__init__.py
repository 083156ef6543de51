"""Access reviews of privileged roles: Microsoft Entra roles, Azure resource roles and PIM for
Groups memberships.

Sources: https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-create-roles-and-resource-roles-review
(options, recurrence, snapshot, upon-completion settings, recommendations, groups in reviews),
pim-complete-roles-and-resource-roles-review (Stop, Reset, Apply; Completed > Applying > Applied),
https://learn.microsoft.com/en-us/entra/id-governance/create-access-review-pim-for-groups (group
owners as reviewers, fallback mandatory, ID Governance licence) and the audit activity reference
(``facts.REVIEW_AUDIT_ACTIVITIES``).

A review is described by an :class:`AccessReview` (frozen, validated, expressible in a scenario
file) and started with ``sim.reviews.create(definition)``, which returns a :class:`Review` whose
instances start on their recurrence. A scenario line such as "at P30D an access review starts"
is either ``AccessReview(..., start="P30D")`` created at the start, or
``sim.at("P30D", lambda: sim.reviews.create(definition))``.

>>> from pim_sim import Simulation, Tenant
>>> from pim_sim.features.reviews import AccessReview
>>> sim = Simulation(Tenant.build(users=["alice", "bob", "rev"]), seed=1)
>>> _ = sim.assign("alice", "Security Administrator", kind="eligible")
>>> review = sim.reviews.create(AccessReview("Q1", "Security Administrator", selected=("rev",), duration_days=7))
>>> _ = review.decide("alice", approve=False, by="rev")
>>> _ = sim.advance("P8D"); review.apply().status.value
'Applied'
>>> sim.find("alice", "Security Administrator") is None
True
"""

from pim_sim.features.reviews.book import Review, ReviewBook
from pim_sim.features.reviews.definition import (
    PRINCIPAL_TYPES,
    AccessReview,
    AssignmentType,
    Decision,
    Frequency,
    InstanceStatus,
    NoResponse,
    ReviewActivity,
    ReviewerBehaviour,
    Reviewers,
    add_months,
)
from pim_sim.features.reviews.review import DecisionRecord, Instance, Outcome, Subject

__all__ = ["PRINCIPAL_TYPES", "AccessReview", "AssignmentType", "Decision", "DecisionRecord", "Frequency", "Instance",
           "InstanceStatus", "NoResponse", "Outcome", "Review", "ReviewActivity", "ReviewBook", "ReviewerBehaviour",
           "Reviewers", "Subject", "add_months"]
