"""Question templates on reviews."""

from __future__ import annotations

from pim_sim import (
    facts,
)
from quizzes.generate.base import ENTRA_ROLES, D, Draw, Generated, entra_tenant, template


@template("review-no-response", "reviews", "reviews")
def _review_no_response(d: Draw) -> Generated:
    from pim_sim import AccessReview, NoResponse

    kept_yes, denied, silent_active, silent_idle, reviewer = d.people(5)
    role = d.rng.choice(ENTRA_ROLES)
    option = d.rng.choice(list(NoResponse))
    days = d.rng.choice([7, 14, 21])
    window = f"{facts.RECOMMENDATION_WINDOW_DAYS.value:g}"
    sim = d.sim(entra_tenant([kept_yes, denied, silent_active, silent_idle, reviewer]))
    for who in (kept_yes, denied, silent_active, silent_idle):
        sim.assign(who, role)
    sim.advance(1 * D)
    sim.sign_in(kept_yes)
    sim.sign_in(silent_active)
    review = sim.reviews.create(AccessReview(f"{role} review", role, selected=(reviewer,), duration_days=days,
                                             auto_apply=True, no_response=option))
    sim.advance(2 * D)
    review.decide(kept_yes, True, by=reviewer, reason="still on the team")
    review.decide(denied, False, by=reviewer, reason="moved to finance")
    sim.run((days + 5) * D)
    d.saw(sim, [r for r in sim.audit if r.service == "Access Reviews" or "Remove eligible" in r.activity])
    rows = [(kept_yes, f"approved by {reviewer}"), (denied, f"denied by {reviewer}"),
            (silent_active, "not reviewed; signed in on day 1"), (silent_idle, "not reviewed; never signed in")]
    statements = []
    for who, what in rows:
        kept = sim.find(who, role, kind="eligible") is not None
        d.note(f"after the review: {who} {'keeps' if kept else 'lost'} the eligible assignment")
        reviewed = who in (kept_yes, denied)
        statements.append((f"{who} ({what}) still has the eligible assignment after the review is applied.", kept,
                           "Decisions made by reviewers are applied as made." if reviewed else
                           f"With '{option.value}', an unreviewed user is "
                           + ("kept." if kept else "removed."),
                           "the no-response setting overrides reviewers' decisions" if reviewed else
                           "unreviewed users are always removed" if kept else "unreviewed users are always kept"))
    return d.yes_no(f"A one-time {days}-day access review of {role} has {reviewer} as reviewer, auto-apply on and "
                    f"'If reviewers don't respond' set to '{option.value}' (recommendations use {window} days of sign-ins). "
                    f"All four users are eligible.", statements,
                    "'If reviewers don't respond' applies only to users nobody reviewed: No change keeps them, Remove "
                    "access removes them, Approve access keeps them, Take recommendations keeps those who signed in "
                    f"within {window} days and removes the others. Auto-apply applies results when the review ends.",
                    [facts.REVIEWS, facts.RECOMMENDATION_WINDOW_DAYS.source], 3)
