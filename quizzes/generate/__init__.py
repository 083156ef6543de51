"""Generated questions: templates whose parameters vary with a seed and whose keys come from
running the simulation.

A template draws its parameters (durations, times, settings, who acts when) from
``random.Random(seed)``, builds a small :class:`pim_sim.Simulation`, runs it, reads the key off
the records and returns a :class:`Generated` question of the shared schema with the records
that prove the key (``evidence``). The same seed gives the same question; another seed gives a
fresh variant. Every wrong option is a named misconception. Keys are never computed from the
question's own text: change a rule in the model (or a value in :mod:`pim_sim.facts`) and the
keys change with it.

Templates rest only on documented behaviour (facts with ``documented=True``): no key depends on
the modelled provisioning lag, on Azure or Groups defaults, or on who reads an Azure resource
audit.

One module per topic; :mod:`quizzes.generate.base` holds the registry and the draw."""

from __future__ import annotations

import random
from collections.abc import Iterable

from quizzes.generate import (  # noqa: F401 - each module registers its templates
    activation,
    approval,
    assignments,
    audit,
    azure,
    groups,
    reviews,
)
from quizzes.generate.base import TEMPLATES, Draw, Generated, Template, template

__all__ = ["TEMPLATES", "Draw", "Generated", "Template", "generate", "generate_set", "regenerate", "template"]


def generate(name: str, seed: int) -> Generated:
    """The question template ``name`` makes for ``seed``."""
    try:
        t = TEMPLATES[name]
    except KeyError:
        raise KeyError(f"no template {name!r}; templates: {', '.join(sorted(TEMPLATES))}") from None
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed: a whole number >= 0, got {seed!r}")
    return t.build(Draw(name, seed))


def regenerate(question_id: str) -> Generated | None:
    """Rebuild a generated question from its id (``gen-<template>-<seed>``), or None if the id
    isn't one (or names a template that no longer exists)."""
    if not question_id.startswith("gen-"):
        return None
    name, _, seed = question_id.removeprefix("gen-").rpartition("-")
    if name not in TEMPLATES or not seed.isdigit():
        return None
    return generate(name, int(seed))


def generate_set(seed: int, count: int, *, topics: Iterable[str] | None = None,
                 names: Iterable[str] | None = None) -> list[Generated]:
    """``count`` generated questions cycling through the chosen templates, each with its own
    seed derived from ``seed`` (so a set is reproducible and its variants differ)."""
    chosen = [t for t in TEMPLATES.values() if (topics is None or t.topic in set(topics))
              and (names is None or t.name in set(names))]
    if not chosen:
        raise ValueError(f"no template matches topics={topics!r} names={names!r}")
    rng = random.Random(seed)
    order = chosen[:]
    out = []
    for n in range(count):
        if n % len(order) == 0:
            rng.shuffle(order)
        out.append(generate(order[n % len(order)].name, rng.randrange(1_000_000)))
    return out
