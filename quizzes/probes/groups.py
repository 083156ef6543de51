"""Probes on PIM for Groups: who edits a group's settings, and reviews of group membership."""

from __future__ import annotations

from typing import Any

from pim_sim import Group
from pim_sim.errors import ModelError, SettingError
from quizzes.probes.base import Lab, probe, refusal

_OPS = "/groups/ops"


@probe("ops is a role-assignable security group managed by PIM for Groups: oscar is its active owner, olivia an eligible owner, "
       "max an active member; pat is Privileged Role Administrator and hal Helpdesk Administrator. Each tries to "
       "require approval for Member activation; then reviews of the group's membership are created in a P2 "
       "tenant and in an ID Governance tenant.")
def group_administration(lab: Lab) -> dict[str, Any]:
    from pim_sim.features.reviews import AccessReview, Reviewers

    def tenant(label: str, licence: str):
        sim = lab.sim(label, users=("oscar", "olivia", "max", "pat", "hal", "amy", "fay"),
                      groups=[Group("ops", role_assignable=True)], licence=licence)
        sim.assign("pat", "Privileged Role Administrator", kind="active", justification="x")
        sim.assign("hal", "Helpdesk Administrator", kind="active", justification="x")
        sim.assign("oscar", "Owner", _OPS, kind="active", duration="P180D", justification="owner")
        sim.assign("olivia", "Owner", _OPS, kind="eligible", duration="P180D")
        sim.assign("max", "Member", _OPS, kind="active", duration="P180D", justification="member")
        sim.assign("amy", "Member", _OPS, kind="eligible", duration="P180D")
        sim.advance("PT10M")
        return sim

    sim = tenant("group-settings", "Governance")

    def edits(who: str) -> bool:
        try:
            return refusal(lambda: sim.set_settings("Member", _OPS, by=who, require_approval=True,
                                                    approvers=("oscar",))) is None
        except SettingError:
            return False

    editors = sorted(w for w in ("oscar", "olivia", "max", "pat", "hal") if edits(w))
    review = sim.reviews.create(AccessReview("ops-members", "Member", _OPS, reviewers=Reviewers.GROUP_OWNERS, fallback=("fay",),
                                             principal_types=("users",), duration_days=7))
    reviewers = sorted({r for s in review.instance().subjects for r in s.reviewers})
    reviewed = sorted(s.principal for s in review.instance().subjects)
    try:
        AccessReview("no-fallback", "Member", _OPS, reviewers=Reviewers.GROUP_OWNERS, principal_types=("users",))
        fallback_required = False
    except ModelError:
        fallback_required = True
    p2 = tenant("group-review-p2", "P2")
    on_p2 = refusal(lambda: p2.reviews.create(AccessReview("ops-members", "Member", _OPS, selected=("fay",),
                                                           principal_types=("users",), duration_days=7)))
    ownerless = lab.sim("ownerless-group", users=("amy", "fay"), groups=[Group("lab")], licence="Governance")
    ownerless.assign("amy", "Member", "/groups/lab", kind="eligible", duration="P30D")
    lonely = ownerless.reviews.create(AccessReview("lab-members", "Member", "/groups/lab", reviewers=Reviewers.GROUP_OWNERS,
                                                   fallback=("fay",), principal_types=("users",), duration_days=7))
    return {
        "settings_editors": editors,
        "owner_edits_settings": "oscar" in editors,
        "member_edits_settings": "max" in editors,
        "helpdesk_edits_settings": "hal" in editors,
        "group_review_reviewers": reviewers,
        "eligible_owner_reviews": "olivia" in reviewers,
        "group_review_subjects": reviewed,
        "fallback_required_for_owner_reviews": fallback_required,
        "group_review_on_p2_refused": on_p2 is not None,
        "group_review_on_p2_allowed": on_p2 is None,
        "group_review_on_governance_allowed": bool(reviewed),
        "review_without_fallback_allowed": not fallback_required,
        "ownerless_group_reviewer": ",".join(sorted({r for s in lonely.instance().subjects for r in s.reviewers})),
        "group_review_p2_code": on_p2.code if on_p2 else "",
        "ownerless_group_reviewers": sorted({r for s in lonely.instance().subjects for r in s.reviewers}),
    }


@probe("ops is a role-assignable group holding Exchange Administrator; alice is an eligible member, membership "
       "activation needs bob's approval; alice activates for an hour, bob approves after five minutes and the "
       "membership expires. We read the PIM records of that request in the order they were written.")
def group_activation_trail(lab: Lab) -> dict[str, Any]:
    from quizzes.probes.base import logged

    sim = lab.sim("group-activation-trail", groups=[Group("ops", role_assignable=True)])
    sim.assign("ops", "Exchange Administrator", kind="active", justification="mail admins")
    sim.assign("alice", "Member", _OPS, kind="eligible", duration="P30D")
    sim.set_settings("Member", _OPS, require_approval=True, approvers=("bob",))
    sim.advance("PT10M")
    req = sim.activate("alice", "Member", _OPS, duration="PT1H", justification="mailbox move")
    sim.advance("PT5M")
    sim.approve(req.id, by="bob")
    sim.advance("PT2H")
    records = logged(sim, req.id)
    return {
        "group_request_trail": [r.activity for r in records],
        "group_record_category": ", ".join(sorted({r.category for r in records})),
        "group_last_record": records[-1].activity,
    }
