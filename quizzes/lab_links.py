"""Which scenario an item is about, to open in the Scenario lab after an answer.

An item of a case study is about its case's tenant: the case's own scenario file. Another
probe-verified item is about the behaviour its probe runs: the shipped scenario (``scenarios/``)
that plays the same rule out in a whole tenant, named here per probe, never guessed from the
item's words. A generated variant is about its template's rule and carries its own seed, which
the lab runs the scenario with. An item whose truth is a document has no scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quizzes.bank import REPO

# the shipped scenario that plays each probe's behaviour out in a whole tenant
PROBE_SCENARIOS = {
    "eligible_vs_active": "standing-vs-jit",
    "standing_vs_jit": "standing-vs-jit",
    "permanent_vs_timebound": "extend-and-renew",
    "activation_flow": "approval-expiry",
    "approval_rules": "approval-expiry",
    "late_approver": "approval-expiry",
    "second_person": "approver-holiday",
    "default_approvers": "approver-holiday",
    "approval_sequence": "approver-holiday",
    "extend_renew": "extend-and-renew",
    "extend_renew_sequence": "extend-and-renew",
    "extend_via_group": "extend-and-renew",
    "access_reviews": "review-no-response",
    "alerts": "outside-pim-alert",
    "outside_pim_window": "outside-pim-alert",
    "licence_lapse": "licence-lapse",
    "review_during_lapse": "licence-lapse",
    "scopes": "azure-settings-not-inherited",
}
# generated variants: the shipped scenario each template's topic plays out
TOPIC_SCENARIOS = {
    "approval": "approval-expiry",
    "assignments": "extend-and-renew",
    "azure": "azure-settings-not-inherited",
    "reviews": "review-no-response",
    "audit": "licence-lapse",
}


@dataclass(frozen=True, slots=True)
class LabLink:
    """A scenario to open in the lab: a shipped one by ``name``, or a case's file (``path``)."""

    name: str
    seed: int | None = None
    path: Path | None = None  # a case study's scenario file, opened as if uploaded

    @property
    def label(self) -> str:
        return f"{self.name} (seed {self.seed})" if self.seed is not None else self.name

    def text(self) -> str:
        if self.path is None:
            raise ValueError(f"{self.name} is a shipped scenario; the lab reads it by name")
        return self.path.read_text(encoding="utf-8")


def lab_link(question, *, cases=None, seed: int | None = None, template_topic: str | None = None) -> LabLink | None:
    """The scenario ``question`` is about, or None. ``cases`` maps case ids to
    :class:`quizzes.schema.CaseStudy`; ``seed`` and ``template_topic`` describe a generated variant."""
    if getattr(question, "case", "") and cases and question.case in cases:
        path = REPO / cases[question.case].scenario
        return LabLink(path.stem, None, path)
    if seed is not None:
        name = TOPIC_SCENARIOS.get(template_topic or question.topic)
        return LabLink(name, seed) if name else None
    probe = getattr(question.verify, "probe", None)
    name = PROBE_SCENARIOS.get(probe) if probe else None
    return LabLink(name) if name else None
