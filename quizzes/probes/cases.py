"""Probes on the case studies' tenants: each loads its case's scenario file (``quizzes/cases/``),
runs it, and then tries what the case's questions ask about."""

from __future__ import annotations

from typing import Any

from pim_sim import Simulation
from pim_sim.errors import PimRefusal
from quizzes.probes.base import Lab, probe, refusal, setting_refused

_CASES = "quizzes/cases"


def _case(lab: Lab, name: str, until: str | None = None) -> Simulation:
    """The case's tenant as its scenario file builds it, run to ``until`` (default: its horizon)."""
    from pathlib import Path

    from pim_sim.scenario import load_scenario

    root = Path(__file__).resolve().parents[2]
    scenario = load_scenario(root / _CASES / f"{name}.yaml")
    sim = scenario.simulation()
    lab.runs.append((name, sim))
    sim.run(scenario.horizon if until is None else until)
    return sim


@probe("Fabrikam's tenant (quizzes/cases/fabrikam.yaml) runs to day 46; then a review of Security Administrator "
       "by managers with fran as fallback is created, the deploy-bot service principal is offered each kind of "
       "assignment, alice tries activations of 24, 10, 9 and 8 hours with unmodified settings, the activation "
       "maximum is set to 24 and 25 hours, and Fabrikam Research tries PIM on P1 and on ID Governance.")
def fabrikam_case(lab: Lab) -> dict[str, Any]:
    from pim_sim.features.reviews import AccessReview, Reviewers

    sim = _case(lab, "fabrikam")
    review = sim.reviews.create(AccessReview("security-admins", "Security Administrator", reviewers=Reviewers.MANAGER,
                                             fallback=("fran",), principal_types=("users",), duration_days=14))
    subjects = {s.principal: s for s in review.instance().subjects}
    offers = {"eligible": {"kind": "eligible"},
              "active-permanent": {"kind": "active", "justification": "pipeline"},
              "active-timebound": {"kind": "active", "duration": "P30D", "justification": "pipeline"}}
    accepted = [name for name, kw in offers.items()
                if refusal(lambda kw=kw: sim.assign("deploy-bot", "Global Reader", **kw)) is None]
    longest = 0
    for hours in (24, 10, 9, 8, 4):
        if refusal(lambda h=hours: sim.activate("alice", "Global Administrator", duration=f"PT{h}H",
                                                justification="close")) is None:
            longest = hours
            break
    settable = [h for h in (24, 25) if not setting_refused(
        lambda h=h: sim.set_settings("Global Administrator", activation_max=h * 60.0))]

    def pim_works(licence: str) -> bool:
        research = lab.sim(f"research-{licence}", users=("rae", "ron"), licence=licence)
        try:
            research.assign("rae", "Security Reader", kind="eligible")
        except PimRefusal:
            return False
        return True

    return {
        "bob_reviewer": ",".join(subjects["bob"].reviewers),
        "dave_reviewer": ",".join(subjects["dave"].reviewers),
        "recommendation_bob": str(subjects["bob"].recommendation),
        "recommendation_carol": str(subjects["carol"].recommendation),
        "recommendation_dave": str(subjects["dave"].recommendation),
        "bob_recommended_approve": str(subjects["bob"].recommendation) == "Approve",
        "carol_recommended_approve": str(subjects["carol"].recommendation) == "Approve",
        "deploy_bot_in_user_review": "deploy-bot" in subjects,
        "deploy_bot_accepted": ",".join(accepted),
        "longest_default_activation_hours": longest,
        "longest_settable_maximum_hours": max(settable, default=0),
        "research_pim_on_p1": pim_works("P1"),
        "research_pim_on_governance": pim_works("Governance"),
    }


@probe("Tailwind Traders' tenant (quizzes/cases/tailwind.yaml) runs for two days; then oscar (owner of "
       "mail-admins), max (a member), hal (Helpdesk Administrator) and pat (Privileged Role Administrator) each try "
       "to change the group's Member settings; owen (Owner of prod) and pat try to make fay eligible for Reader on "
       "prod; web-team (not role-assignable) is offered an Entra role and an Azure role; a review of the group's "
       "membership is tried on P2; and a review of Contributor on prod denies dan, who holds it through devs.")
def tailwind_case(lab: Lab) -> dict[str, Any]:
    from pim_sim.core.access import group_members
    from pim_sim.errors import SettingError
    from pim_sim.features.reviews import AccessReview, Reviewers

    sim = _case(lab, "tailwind")
    group, sub = "/groups/mail-admins", "/subscriptions/prod"
    amy_after = sim.holds("amy", "Exchange Administrator")
    amy_before = sim.holds("amy", "Exchange Administrator", at=32 * 60.0)
    amy_during = sim.holds("amy", "Exchange Administrator", at=34 * 60.0)

    def edits(who: str) -> bool:
        try:
            return refusal(lambda: sim.set_settings("Member", group, by=who, require_approval=True,
                                                    approvers=("oscar",))) is None
        except SettingError:
            return False

    editors = sorted(w for w in ("oscar", "max", "hal", "pat") if edits(w))
    managers = sorted(w for w in ("owen", "pat") if refusal(
        lambda w=w: sim.assign("fay", "Reader", sub, kind="eligible", duration="P30D", by=w)) is None)
    entra_to_plain = refusal(lambda: sim.assign("web-team", "Reports Reader", kind="eligible"))
    azure_to_plain = refusal(lambda: sim.assign("web-team", "Reader", sub, kind="eligible", duration="P30D"))
    group_review = refusal(lambda: sim.reviews.create(AccessReview(
        "mail-admins members", "Member", group, reviewers=Reviewers.GROUP_OWNERS, fallback=("fay",),
        principal_types=("users",), duration_days=7)))
    review = sim.reviews.create(AccessReview("prod contributors", "Contributor", sub, selected=("owen",),
                                             principal_types=("users",), duration_days=3))
    review.decide("dan", False, by="owen")
    sim.advance("P4D")
    review.apply()
    return {
        "amy_holds_after_membership_ends": amy_after,
        "amy_holds_before_activating": amy_before,
        "amy_holds_while_member": amy_during,
        "azure_manager": ",".join(managers),
        "settings_editors": editors,
        "owner_edits_member_settings": "oscar" in editors,
        "azure_assignment_managers": managers,
        "plain_group_entra_role_refused": entra_to_plain is not None,
        "plain_group_azure_role_accepted": azure_to_plain is None,
        "group_review_on_p2_refused": group_review is not None,
        "group_review_blocker": group_review.code if group_review else "",
        "dan_still_in_devs": "dan" in group_members(sim, "devs", sim.now),
        "dan_after_review": ("group loses the role" if sim.find("devs", "Contributor", sub, kind="active") is None
                             else "stays in the group" if "dan" in group_members(sim, "devs", sim.now)
                             else "removed from the group"),
        "dan_holds_contributor_after_review": sim.holds("dan", "Contributor", sub),
        "devs_keeps_contributor": sim.find("devs", "Contributor", sub, kind="active") is not None,
    }


@probe("As in Fabrikam's tenant, Security Administrator activations need fran's approval and fran approves the "
       "moment the email reaches her; a hundred eligible users each request the role once, and we measure how "
       "long each request waited for her approval.")
def fabrikam_approval_mail(lab: Lab) -> dict[str, Any]:
    from pim_sim import ApproverBehaviour

    users = tuple(f"u{i:03d}" for i in range(100))
    instant = ApproverBehaviour(respond_probability=1.0, median_minutes=0.001, spread=0.0, approve_probability=1.0)
    sim = lab.sim("approval-mail", users=(*users, "fran"), approvers={"fran": instant})
    sim.set_settings("Security Administrator", require_approval=True, approvers=("fran",))
    for u in users:
        sim.assign(u, "Security Administrator", kind="eligible")
    sim.advance("PT10M")
    requests = [sim.activate(u, "Security Administrator", duration="PT1H", justification="change") for u in users]
    sim.advance("P1D")
    waits = []
    for r in requests:
        approved = [c.minute for c in sim.status_log if c.request_id == r.id and str(c.status) == "Provisioned"]
        if approved:
            waits.append(approved[0] - r.created)
    bands = {"1 to 2": (0, 3), "3 to 10": (3, 10.5), "30 to 60": (30, 60), "60 to 240": (60, 240)}
    share = {name: sum(low <= w < high for w in waits) / len(waits) for name, (low, high) in bands.items()}
    return {
        "approval_email_band": max(share, key=share.__getitem__),
        "approval_email_within_15": max(waits) <= 15.5,
    }
