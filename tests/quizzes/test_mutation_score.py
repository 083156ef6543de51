"""The bank's mutation score can't drop: every mutant of quizzes.mutation is killed by some item.

Each mutant changes one rule of the engine that has a fact behind it (a window, a guard, a
retention, a review outcome, an alert threshold, a licence effect); the bank is verified under
it and at least one item must disagree. A new survivor, or a mutant removed to hide one, fails
here with the rule's name.
"""

from __future__ import annotations

import pytest

from quizzes import mutation
from quizzes.bank import load_bank

FLOOR = 40  # mutants when this test was written; the list may grow, never shrink


@pytest.fixture(scope="module")
def outcomes():
    return mutation.run(mutation.MUTANTS, load_bank())


def test_every_mutant_is_killed(outcomes):
    survivors = [f"{o.mutant.name} ({o.mutant.rule}){': ' + o.error if o.error else ''}"
                 for o in outcomes if not o.killed]
    assert survivors == []


def test_the_score_has_not_shrunk(outcomes):
    assert len(outcomes) >= FLOOR
    assert sum(o.killed for o in outcomes) >= FLOOR


def test_mutants_have_distinct_names():
    names = [m.name for m in mutation.MUTANTS]
    assert len(names) == len(set(names))


def test_every_mutant_is_undone_afterwards(outcomes):
    from pim_sim import facts
    from pim_sim.core import policy
    from pim_sim.core.roles import Surface
    from pim_sim.core.tenant import Licence
    from pim_sim.features.reviews.book import ReviewBook

    assert facts.DEFAULT_ACTIVATION_MAX_MINUTES.value == 8 * 60
    assert policy._DEFAULTS[Surface.ENTRA].activation_max == 8 * 60
    assert not Licence.P1.has_pim and Licence.P2.has_pim
    assert ReviewBook._remove.__qualname__ == "ReviewBook._remove"
