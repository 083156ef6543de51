"""Readiness per exam domain: a Beta posterior over the most recent answers, with a credible interval."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from quizzes.progress.answers import Answer, ProgressError
from quizzes.progress.repetition import effective


@dataclass(frozen=True, slots=True)
class Readiness:
    """A domain's estimated chance of answering its next question right: the mean of a
    Beta(1 + credit, 1 + misses) posterior over the most recent answers, with a credible interval."""

    domain: str
    answered: int
    mean: float
    low: float
    high: float
    level: float


def readiness(answers: Iterable[Answer], domains: Iterable[str], *, window: int = 50,
              level: float = 0.9) -> list[Readiness]:
    """Readiness for each domain from its last ``window`` answers (partial credit counts as a
    fraction). A domain never answered gets the flat prior: mean 0.5, interval nearly 0 to 1."""
    if not 0 < level < 1:
        raise ProgressError(f"level: must be between 0 and 1, got {level!r}")
    by_domain: dict[str, list[Answer]] = {}
    for a in effective(answers):
        by_domain.setdefault(a.domain, []).append(a)
    out = []
    for domain in domains:
        recent = by_domain.get(domain, [])[-window:]
        credit = sum(a.score for a in recent)
        alpha, beta = 1.0 + credit, 1.0 + len(recent) - credit
        tail = (1 - level) / 2
        out.append(Readiness(domain, len(recent), alpha / (alpha + beta), beta_quantile(tail, alpha, beta),
                             beta_quantile(1 - tail, alpha, beta), level))
    return out


def beta_cdf(x: float, a: float, b: float) -> float:
    """The regularised incomplete beta function I_x(a, b) (scipy.special.betainc)."""
    from scipy.special import betainc  # imported on first use: scipy.special adds about half a second to startup

    return float(betainc(a, b, min(max(x, 0.0), 1.0)))


def beta_quantile(p: float, a: float, b: float) -> float:
    """The x with I_x(a, b) = p (scipy.special.betaincinv)."""
    from scipy.special import betaincinv

    return float(betaincinv(a, b, p))
