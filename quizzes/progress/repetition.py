"""Spaced repetition per skill with FSRS (py-fsrs 6): fuzzing off and card ids derived from the
learner and skill, so the same answers always give the same schedule."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

from quizzes.progress.answers import Answer, ProgressError


@dataclass(frozen=True, slots=True)
class RatingPolicy:
    """How a quiz answer becomes an FSRS rating (a quiz item is not a flashcard): wrong or
    partly right is Again; right but slow is Hard; right is Good; right and quick is Easy."""

    slow_seconds: float = 120.0
    quick_seconds: float = 20.0

    def rating(self, answer: Answer) -> Rating:
        if not answer.correct:
            return Rating.Again
        if answer.seconds > self.slow_seconds:
            return Rating.Hard
        if answer.seconds < self.quick_seconds:
            return Rating.Easy
        return Rating.Good


def scheduler() -> Scheduler:
    """FSRS with fuzzing off: the same answers always give the same schedule."""
    return Scheduler(enable_fuzzing=False)


def card_id(learner: str, skill: str) -> int:
    """A stable card id (FSRS's default id reads the wall clock)."""
    return int.from_bytes(hashlib.blake2b(f"{learner}\x1f{skill}".encode(), digest_size=6).digest(), "big")


def _in_order(answers: Iterable[Answer]) -> list[Answer]:
    return sorted(answers, key=lambda a: (a.answered_at, a.id or 0))


def effective(answers: Iterable[Answer]) -> list[Answer]:
    """The answers that count, in order: within one session a question answered twice (an
    exam answer changed before the end) counts once, with its last answer."""
    ordered = _in_order(answers)
    last = {(a.session, a.question_id): n for n, a in enumerate(ordered) if a.session}
    return [a for n, a in enumerate(ordered) if not a.session or last[(a.session, a.question_id)] == n]


def cards(answers: Iterable[Answer], policy: RatingPolicy = RatingPolicy()) -> dict[str, Card]:
    """Each skill's FSRS card after replaying the answers that count, in order."""
    sched = scheduler()
    out: dict[str, Card] = {}
    for a in effective(answers):
        when = a.answered_at.astimezone(UTC)
        card = out.get(a.skill) or Card(card_id=card_id(a.learner, a.skill), due=when)
        out[a.skill], _ = sched.review_card(card, policy.rating(a), review_datetime=when)
    return out


@dataclass(frozen=True, slots=True)
class Due:
    skill: str
    due: datetime
    retrievability: float  # FSRS's estimated chance of recalling the skill now
    overdue: bool


def due(answers: Iterable[Answer], now: datetime, policy: RatingPolicy = RatingPolicy()) -> list[Due]:
    """Every practised skill with its next review, the most urgent first."""
    if now.tzinfo is None:
        raise ProgressError("now: must be a timezone-aware datetime")
    now = now.astimezone(UTC)
    sched = scheduler()
    rows = [Due(skill, card.due, sched.get_card_retrievability(card, current_datetime=now), card.due <= now)
            for skill, card in cards(answers, policy).items()]
    return sorted(rows, key=lambda d: (d.due, d.skill))
