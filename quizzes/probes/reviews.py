"""Probes on access reviews."""

from __future__ import annotations

from typing import Any

from pim_sim import Group, Simulation
from pim_sim.errors import ModelError
from quizzes.probes.base import Lab, probe, refusal

# --- access reviews ------------------------------------------------------------------------------------
_REVIEWED = ("alice", "bob", "carol", "dave")


def _review_lab(lab: Lab, label: str, **definition) -> tuple[Simulation, Any]:
    """alice, bob, carol and dave are eligible for Security Administrator; only dave has signed in
    lately; rev reviews for 7 days."""
    from pim_sim.features.reviews import AccessReview

    sim = lab.sim(label, users=(*_REVIEWED, "rev", "erin"))
    for user in _REVIEWED:
        sim.assign(user, "Security Administrator", kind="eligible")
    sim.advance("PT10M")
    sim.sign_in("dave")
    options = {"selected": ("rev",), "duration_days": 7} | definition
    return sim, sim.reviews.create(AccessReview(label, "Security Administrator", **options))


def _still_eligible(sim: Simulation) -> list[str]:
    return [u for u in _REVIEWED if sim.find(u, "Security Administrator", kind="eligible") is not None]


@probe("alice, bob, carol and dave are eligible for Security Administrator and only dave signed in lately; rev "
       "reviews them for 7 days, approving alice and denying bob, and nobody reviews carol or dave. The review runs "
       "with each 'If reviewers don't respond' choice, with and without auto-apply.")
def access_reviews(lab: Lab) -> dict[str, Any]:
    from pim_sim.features.reviews import AccessReview

    outcomes: dict[str, list[str]] = {}
    for choice in ("No change", "Remove access", "Approve access", "Take recommendations"):
        sim, review = _review_lab(lab, f"no-response-{choice}", no_response=choice, auto_apply=True)
        review.decide("alice", True, by="rev")
        review.decide("bob", False, by="rev")
        sim.advance("P8D")
        outcomes[choice] = _still_eligible(sim)
    manual, review = _review_lab(lab, "manual-apply", no_response="No change", auto_apply=False)
    review.decide("bob", False, by="rev")
    manual.advance("P3D")
    during = _still_eligible(manual)
    manual.run("P8D")
    completed_status = str(review.instance().status)
    before_apply = _still_eligible(manual)
    applied = review.apply()
    recommendations = {s.principal: str(s.recommendation) for s in review.instance().subjects}
    manual.advance("PT10M")
    snap, snap_review = _review_lab(lab, "snapshot")
    snap.advance("P1D")
    snap.assign("erin", "Security Administrator", kind="eligible")
    in_snapshot = "erin" in snap_review.instance().principals()
    _, self_review = _review_lab(lab, "self-review", reviewers="self", selected=())
    own = refusal(lambda: self_review.decide("alice", True, by="alice"))

    def invalid(**definition) -> bool:
        try:
            AccessReview("x", "Security Administrator", **({"selected": ("rev",)} | definition))
        except ModelError:
            return True
        return False

    monthly_ok = [d for d in (20, 27, 28, 30) if not invalid(frequency="monthly", duration_days=d)]
    default = AccessReview("defaults", "Security Administrator", selected=("rev",))
    return {
        "kept_no_change": outcomes["No change"],
        "kept_remove_access": outcomes["Remove access"],
        "kept_approve_access": outcomes["Approve access"],
        "kept_take_recommendations": outcomes["Take recommendations"],
        "denied_user_kept": "bob" in outcomes["Approve access"],
        "denied_removed_before_apply": "bob" not in during,
        "status_after_end_without_auto_apply": completed_status,
        "denied_removed_before_manual_apply": "bob" not in before_apply,
        "status_after_apply": str(applied.status),
        "kept_after_manual_apply": _still_eligible(manual),
        "recommendation_signed_in": recommendations.get("dave", ""),
        "recommendation_never_signed_in": recommendations.get("carol", ""),
        "assignment_after_start_in_snapshot": in_snapshot,
        "self_review_allowed": own is None,
        "monthly_longest_days": max(monthly_ok),
        "default_frequency": str(default.frequency),
        "default_no_response": str(default.no_response),
        "group_owner_reviewers_for_role_refused": invalid(reviewers="groupOwners", selected=()),
        "review_activities": sorted({a.activity for run in (manual,) for a in run.audit
                                     if a.service == "Access Reviews"}),
    }


@probe("dan holds Contributor on a subscription only through the security group devs; in a review of that role "
       "rev denies dan and the results are applied.")
def azure_group_review(lab: Lab) -> dict[str, Any]:
    from pim_sim.core.access import group_members
    from pim_sim.features.reviews import AccessReview

    sub = "/subscriptions/prod"
    sim = lab.sim("azure-group-member-denied", users=("dan", "rev", "bob"), scopes=[sub],
                  groups=[Group("devs", members=("dan",))])
    sim.assign("bob", "Owner", sub, kind="active", justification="subscription owner", duration="P90D")
    sim.assign("devs", "Contributor", sub, kind="active", justification="developers", duration="P90D")
    review = sim.reviews.create(AccessReview("devs-contributors", "Contributor", sub, selected=("rev",),
                                             duration_days=3))
    reviewed = sorted(s.principal for s in review.instance().subjects)
    review.decide("dan", False, by="rev")
    sim.advance("P4D")
    review.apply()
    group_keeps_role = sim.find("devs", "Contributor", sub, kind="active") is not None
    still_member = "dan" in group_members(sim, "devs", sim.now)
    return {
        "reviewed_principals": reviewed,
        "denied_group_member_after_apply": ("group loses the role" if not group_keeps_role
                                            else "stays in the group" if still_member else "removed from the group"),
        "denied_group_member_holds_role": sim.holds("dan", "Contributor", sub),
    }
