"""Probes on licence lapse and licence seats."""

from __future__ import annotations

from typing import Any

from quizzes.probes.base import Lab, probe, refusal


# --- licences ------------------------------------------------------------------------------------------
@probe("A P2 tenant where alice is eligible for Global Administrator (approval by dave), bob has a 30-day active "
       "Security Reader assignment and carol a permanent Reports Reader one; on day 1 the licence lapses to Free.")
def licence_lapse(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("licence-lapse")
    sim.assign("alice", "Global Administrator", kind="eligible")
    sim.assign("bob", "Security Reader", kind="active", justification="x", duration="P30D")
    sim.assign("carol", "Reports Reader", kind="active", justification="x")
    sim.set_settings("Global Administrator", require_approval=True, approvers=("dave",))
    sim.run("P1D")
    emails_before = len(sim.notifications)
    sim.set_licence("Free")
    activation = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT1H", justification="x"))
    sim.run("P40D")
    bob = sim.find("bob", "Security Reader", kind="active")
    return {
        "eligible_kept": sim.find("alice", "Global Administrator", kind="eligible") is not None,
        "timebound_active_after_lapse": ("permanent" if bob is not None and bob.end is None
                                         else "ended" if bob is None else "time-bound"),
        "bob_holds_after_original_end": sim.holds("bob", "Security Reader"),
        "timebound_still_ends": bob is not None and bob.end is not None,
        "permanent_active_kept": sim.holds("carol", "Reports Reader"),
        "approval_setting_kept": sim.settings_for("Global Administrator", "/").require_approval,
        "activation_after_lapse_rule": activation.rule if activation else "accepted",
        "emails_after_lapse": len(sim.notifications) > emails_before,
        "why_not_after_lapse": str(sim.why_not("alice", "Global Administrator").reason),
        "pim_licences": sorted(str(lic) for lic in ("Free", "P1", "P2", "Governance") if _has_pim(lab, lic)),
    }


def _has_pim(lab: Lab, licence: str) -> bool:
    """Can an administrator make an eligible assignment on this licence? Tried, not looked up."""
    sim = lab.sim(f"licence-{licence}", licence=licence)
    return refusal(lambda: sim.assign("alice", "Reports Reader", kind="eligible")) is None


# --- licence seats --------------------------------------------------------------------------------------
@probe("Fourteen users are eligible for Security Reader and approval needs one of three approvers; erin has a "
       "permanent active Reports Reader assignment, a service principal a time-bound active one, and rev reviews "
       "the role in an access review.")
def licence_seats(lab: Lab) -> dict[str, Any]:
    from pim_sim.results.seats import seats_needed

    eligible = tuple(f"user{i:02d}" for i in range(1, 15))
    approvers = ("ann", "ben", "cat")
    sim = lab.sim("seats", users=(*eligible, *approvers, "erin", "rev"), service_principals=["deploy-app"])
    for u in eligible:
        sim.assign(u, "Security Reader", kind="eligible")
    sim.set_settings("Security Reader", require_approval=True, approvers=approvers)
    sim.assign("erin", "Reports Reader", kind="active", justification="x")
    sim.assign("deploy-app", "Application Administrator", kind="active", justification="pipeline", duration="P30D")
    from pim_sim.features.reviews import AccessReview

    sim.reviews.create(AccessReview("seats", "Security Reader", selected=("rev",), duration_days=7))
    report = seats_needed(sim)
    return {
        "reviewer_needs_seat": "rev" in report.people,
        "seats_needed": len(report.assignees | report.approvers),
        "seats_with_reviewer": report.needed,
        "approvers_need_seats": set(approvers) <= report.people,
        "permanent_active_needs_seat": "erin" in report.people,
        "service_principal_needs_p2_seat": "deploy-app" in report.people,
        "fourteen_seats_enough": report.needed <= 14,
        "seventeen_seats_enough": report.needed <= 17,
        "eighteen_seats_enough": report.needed <= 18,
    }


@probe("The same tenant with each licence (Free, P1, P2, Microsoft Entra ID Governance): an administrator makes "
       "alice eligible for Security Administrator and alice activates it.")
def licence_tiers(lab: Lab) -> dict[str, Any]:
    works: dict[str, bool] = {}
    codes: dict[str, str] = {}
    for licence in ("Free", "P1", "P2", "Governance"):
        sim = lab.sim(f"tier-{licence}", licence=licence)
        made = refusal(lambda s=sim: s.assign("alice", "Security Administrator", kind="eligible"))
        used = None
        if made is None:
            sim.advance("PT10M")
            used = refusal(lambda s=sim: s.activate("alice", "Security Administrator", duration="PT1H",
                                                    justification="incident"))
        works[licence] = made is None and used is None
        codes[licence] = problem.code if (problem := made or used) else ""
    return {
        "pim_works_on": sorted(k for k, v in works.items() if v),
        "pim_works_on_p1": works["P1"],
        "pim_works_on_governance": works["Governance"],
        "p1_refusal_code": codes["P1"],
    }


@probe("A review of Security Administrator (rev reviewing alice and bob for 14 days) is in progress when the "
       "tenant's P2 licence lapses to Free on day 3; rev then tries to deny bob.")
def review_during_lapse(lab: Lab) -> dict[str, Any]:
    from pim_sim.features.reviews import AccessReview

    sim = lab.sim("review-during-lapse", users=("alice", "bob", "rev"))
    for who in ("alice", "bob"):
        sim.assign(who, "Security Administrator", kind="eligible")
    review = sim.reviews.create(AccessReview("sec-admins", "Security Administrator", selected=("rev",),
                                             principal_types=("users",), duration_days=14))
    review.decide("alice", True, by="rev")
    sim.run("P3D")
    sim.set_licence("Free")
    sim.advance("PT1H")
    late = refusal(lambda: review.decide("bob", False, by="rev"))
    sim.run("P20D")
    inst = review.instance()
    return {
        "review_ended_on_lapse": inst.ended is not None and inst.ended < inst.end,
        "review_status_after_lapse": str(inst.status),
        "decision_after_lapse_allowed": late is None,
    }
