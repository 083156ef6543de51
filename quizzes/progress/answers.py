"""One answer as given, the limits on what is stored, and the checks an answer passes before it is kept."""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quizzes.errors import QuizError

ENV_VAR = "PIM_SIM_PROGRESS"
DEFAULT_LOCATION = Path("~/.pim-sim/progress.sqlite3")
SCHEMA_VERSION = 2  # 2: fix-the-tenant exercise grades beside the answers
MAX_NAME = 64
MAX_ID = 200  # question ids, skills, domains, modes and session ids
MAX_RESPONSE = 20_000


class ProgressError(QuizError):
    """Bad input to the progress store: names the field and the problem."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer as given: what, by whom, when, how long it took and how well it scored."""

    learner: str
    question_id: str
    skill: str  # the outline objective the question trains; the unit of spaced repetition
    domain: str  # the exam domain the objective belongs to; the unit of readiness
    score: float  # 0..1, partial credit allowed
    answered_at: datetime  # tz-aware UTC
    seconds: float  # time taken
    mode: str = "practice"
    response: str = ""  # what was answered, as JSON text
    session: str = ""
    seed: int | None = None  # generated questions: the seed of the variant
    id: int | None = None  # assigned by the store

    @property
    def correct(self) -> bool:
        return self.score >= 1.0

    def validate(self) -> Answer:
        for name in ("learner", "question_id", "skill", "domain", "mode"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ProgressError(f"answer.{name}: must be a non-empty string, got {value!r}")
        check_learner(self.learner)
        for name, limit in (("question_id", MAX_ID), ("skill", MAX_ID), ("domain", MAX_ID), ("mode", MAX_ID),
                            ("session", MAX_ID), ("response", MAX_RESPONSE)):
            value = getattr(self, name)
            if not isinstance(value, str) or len(value) > limit:
                raise ProgressError(f"answer.{name}: text of at most {limit} characters, got {str(value)[:40]!r}...")
        if self.seed is not None and (not isinstance(self.seed, int) or isinstance(self.seed, bool)
                                      or not 0 <= self.seed < 2**63):
            raise ProgressError(f"answer.seed: a whole number from 0, got {self.seed!r}")
        if not (isinstance(self.score, int | float) and 0.0 <= self.score <= 1.0):
            raise ProgressError(f"answer.score: must be between 0 and 1, got {self.score!r}")
        if not (isinstance(self.seconds, int | float) and self.seconds >= 0 and math.isfinite(self.seconds)):
            raise ProgressError(f"answer.seconds: must be a finite number of seconds >= 0, got {self.seconds!r}")
        if not isinstance(self.answered_at, datetime) or self.answered_at.tzinfo is None:
            raise ProgressError(f"answer.answered_at: must be a timezone-aware datetime, got {self.answered_at!r}")
        return self


def check_learner(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ProgressError(f"learner: must be a non-empty name, got {name!r}")
    if len(name) > MAX_NAME:
        raise ProgressError(f"learner: at most {MAX_NAME} characters, got {len(name)}")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise ProgressError(f"learner: a name is one line of visible characters; {name!r} holds control characters")
    return name


def response_json(response) -> str:
    """A response as stable JSON text for the log."""
    return json.dumps(response, sort_keys=True, default=str)
