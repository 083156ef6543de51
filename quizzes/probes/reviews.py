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
    options: dict[str, Any] = {"selected": ("rev",), "duration_days": 7} | definition
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
        "denied_user_removed_with_approve_access": "bob" not in outcomes["Approve access"],
        "unreviewed_kept_with_remove_access": "carol" in outcomes["Remove access"],
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
        "group_owner_reviewers_for_role_allowed": not invalid(reviewers="groupOwners", selected=(),
                                                              fallback=("rev",)),
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


@probe("Planning a review of Security Administrator: bob and carol have managers, dave has none (fallback fran "
       "reviews him); an inactive-users filter of 90 days is tried next to the 730-day limit; u20 signed in 20 "
       "days before the review and u45 45 days before; the app deploy-bot holds the role actively and a review "
       "of service principals is created; one review is stopped, another reset.")
def review_planning(lab: Lab) -> dict[str, Any]:
    from pim_sim import ServicePrincipal, User
    from pim_sim.features.reviews import AccessReview, Reviewers

    users = (User("bob", manager="mia"), User("carol", manager="mia"), User("dave"), User("mia"), User("fran"),
             User("u20"), User("u45"), User("rev"))
    sim = lab.sim("planning", users=users, service_principals=(ServicePrincipal("deploy-bot"),))
    role = "Security Administrator"
    for who in ("bob", "carol", "dave", "u20", "u45"):
        sim.assign(who, role, kind="eligible")
    sp_eligible = refusal(lambda: sim.assign("deploy-bot", role, kind="eligible"))
    sp_permanent = refusal(lambda: sim.assign("deploy-bot", role, kind="active", justification="pipeline"))
    sp_timebound = refusal(lambda: sim.assign("deploy-bot", role, kind="active", duration="P90D",
                                              justification="pipeline"))
    sim.sign_in("u45")
    sim.advance("P25D")
    sim.sign_in("u20")
    sim.advance("P20D")  # day 45: u20 signed in 20 days ago, u45 45 days ago, the others never
    by_manager = sim.reviews.create(AccessReview("by-manager", role, reviewers=Reviewers.MANAGER, fallback=("fran",),
                                                 principal_types=("users",), duration_days=7))
    reviewer_of = {s.principal: list(s.reviewers) for s in by_manager.instance().subjects}
    recommendation = {s.principal: str(s.recommendation) for s in by_manager.instance().subjects}
    inactive = sim.reviews.create(AccessReview("inactive-30", role, selected=("rev",), inactive_days=30,
                                               principal_types=("users",), duration_days=7))
    inactive_subjects = sorted(s.principal for s in inactive.instance().subjects)

    def accepted(**definition) -> bool:
        try:
            AccessReview("x", role, **({"selected": ("rev",)} | definition))
        except ModelError:
            return False
        return True

    inactive_ok = [d for d in (90, 365, 730, 731, 1000) if accepted(inactive_days=d)]
    apps = sim.reviews.create(AccessReview("apps", role, selected=("rev",), principal_types=("servicePrincipals",),
                                           duration_days=7))
    app_subjects = sorted(s.principal for s in apps.instance().subjects)
    app_kinds = sorted({s.assignment for s in apps.instance().subjects})
    # Stop: bob denied, the review stopped on day 2 with auto-apply on
    stopped = sim.reviews.create(AccessReview("stopped", role, selected=("rev",), principal_types=("users",),
                                              duration_days=14, auto_apply=True))
    stopped.decide("bob", False, by="rev")
    sim.advance("P2D")
    stopped.stop()
    stopped_status = str(stopped.instance().status)
    bob_after_stop = sim.find("bob", role, kind="eligible") is not None
    restart = refusal(lambda: stopped.stop())
    late_decision = refusal(lambda: stopped.decide("carol", False, by="rev"))
    # Reset: carol denied, then the decisions are reset; the review ends with no change
    reset = sim.reviews.create(AccessReview("reset", role, selected=("rev",), principal_types=("users",),
                                            duration_days=3, auto_apply=True))
    reset.decide("carol", False, by="rev")
    reset.reset()
    early_apply = refusal(lambda: reset.apply())
    sim.advance("P4D")
    carol_after_reset = sim.find("carol", role, kind="eligible") is not None
    steps = [a.activity for a in sim.audit if a.service == "Access Reviews" and a.role == role
             and a.target in ("stopped", "bob")]
    return {
        "stopped_review_steps": list(dict.fromkeys(steps)),
        "service_principal_eligible_refused": sp_eligible is not None,
        "service_principal_assignment": ",".join(name for name, r in (("eligible", sp_eligible),
                                                                      ("permanent", sp_permanent),
                                                                      ("timebound", sp_timebound)) if r is None),
        "service_principal_permanent_active_refused": sp_permanent is not None,
        "service_principal_timebound_active_accepted": sp_timebound is None,
        "manager_reviews_bob": reviewer_of.get("bob", []) == ["mia"],
        "fallback_reviews_dave": reviewer_of.get("dave", []) == ["fran"],
        "fallback_reviews_bob": "fran" in reviewer_of.get("bob", []),
        "recommendation_20_days": recommendation.get("u20", ""),
        "recommendation_45_days": recommendation.get("u45", ""),
        "recommendation_never": recommendation.get("bob", ""),
        "recommendation_window_days": _window(lab, role),
        "inactive_filter_reviews": inactive_subjects,
        "inactive_days_longest": max(inactive_ok),
        "service_principal_review_subjects": app_subjects,
        "app_review_covers_bot": "deploy-bot" in app_subjects,
        "user_review_covers_bot": "deploy-bot" in reviewer_of,
        "self_review_of_apps_allowed": accepted(reviewers="self", selected=(), principal_types=("servicePrincipals",)),
        "service_principal_review_kinds": app_kinds,
        "self_review_of_apps_refused": not accepted(reviewers="self", selected=(), principal_types=("servicePrincipals",)),
        "stopped_status": stopped_status,
        "denied_removed_when_stopped_with_auto_apply": not bob_after_stop,
        "stopped_review_restart_refused": restart is not None,
        "decision_after_stop_refused": late_decision is not None,
        "apply_in_progress_refused": early_apply is not None,
        "reset_denial_kept_access": carol_after_reset,
    }


def _window(lab: Lab, role: str) -> int:
    """The recommendation window in days, found by trying: users whose last sign-in was exactly d days
    before a review starts; the window is the longest d still recommended Approve."""
    from pim_sim import User
    from pim_sim.features.reviews import AccessReview

    days = (7, 30, 31, 90, 91)
    sim = lab.sim("recommendation-window", users=[User(f"w{d}") for d in days] + [User("rev")])
    for d in days:
        sim.assign(f"w{d}", role, kind="eligible")
    for d in sorted(days, reverse=True):  # on day 100 the last sign-in is d days old
        sim.run((100 - d) * 1440.0)
        sim.sign_in(f"w{d}")
    sim.run(100 * 1440.0)
    review = sim.reviews.create(AccessReview("window", role, selected=("rev",), principal_types=("users",)))
    return max((d for d in days for s in review.instance().subjects
                if s.principal == f"w{d}" and str(s.recommendation) == "Approve"), default=0)
