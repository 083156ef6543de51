"""What every question template shares: the registry (``@template``), the seeded :class:`Draw`,
the :class:`Generated` record, the people, roles and scopes templates draw from, and helpers that
read keys off a run's records. See :mod:`quizzes.generate` for what a template is.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pim_sim import (
    Activity,
    Group,
    PimRefusal,
    Simulation,
    Tenant,
    facts,
)
from pim_sim.core.audit import AuditRecord
from pim_sim.core.clock import DEFAULT_START
from quizzes.schema import (
    Blank,
    DropdownQuestion,
    Item,
    MultipleQuestion,
    NumericQuestion,
    Option,
    OrderingQuestion,
    ProbeCheck,
    Question,
    SingleQuestion,
    Statement,
    WrongValue,
    YesNoQuestion,
)

CHECKED = date(2026, 11, 29)  # the day these templates were checked against the facts they cite
H, D = facts.HOUR, facts.DAY
PEOPLE = ("alice", "bilal", "chen", "dana", "emeka", "farah", "goran", "hana", "ivan", "jun", "kofi", "lena")
ENTRA_ROLES = ("Security Administrator", "Exchange Administrator", "User Administrator", "Helpdesk Administrator",
               "SharePoint Administrator", "Application Administrator")
AZURE_ROLES = ("Owner", "Contributor", "User Access Administrator")
MG = "/providers/Microsoft.Management/managementGroups/corp"
SUB = "/subscriptions/prod"
RG = f"{SUB}/resourceGroups/rg-web"
RES = f"{RG}/providers/Microsoft.Web/sites/app1"
AZURE_SCOPES = ((SUB, MG), RES)
SCOPE_NAMES = {MG: "the management group corp", SUB: "the subscription prod", RG: "the resource group rg-web",
               RES: "the web app app1"}

# Outline tags per skill: the same skill in each outline that has it.
SKILLS = {
    "entra": ("SC-300:4.4.1", "SC-500-2026-05:1.1.1", "AZ-500-2023:1.3.5"),
    "azure": ("SC-300:4.4.2", "SC-500-2026-05:1.1.1", "AZ-500-2026-01:1.1.3", "AZ-500-2023:1.3.5"),
    "groups": ("SC-300:4.4.3", "SC-500-2026-05:1.1.1", "AZ-500-2023:1.3.5"),
    "approval": ("SC-300:4.4.4", "SC-500-2026-05:1.1.1", "AZ-500-2023:1.3.5"),
    "audit": ("SC-300:4.4.5", "SC-500-2026-05:1.1.1", "AZ-500-2023:1.3.5"),
    "emergency": ("SC-300:4.4.6", "SC-500-2026-05:1.1.1", "AZ-500-2023:1.3.5"),
    "azure-rbac": ("SC-300:4.4.2", "SC-500-2026-05:1.2.1", "AZ-500-2026-01:1.1.1", "AZ-500-2023:1.3.1"),
    "reviews": ("SC-300:4.3.2", "AZ-500-2023:1.3.6"),  # SC-500 and AZ-500 (2026) have no access-review bullet
}


@dataclass(frozen=True, slots=True)
class Generated:
    """A question made by a template, with the seed that made it and the records behind its key."""

    question: Question
    template: str
    seed: int
    evidence: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.question.id


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    topic: str
    skill: str
    build: Callable[[Draw], Generated]

    @property
    def outline(self) -> tuple[str, ...]:
        return SKILLS[self.skill]


TEMPLATES: dict[str, Template] = {}


def template(name: str, topic: str, skill: str):
    """Register a template under ``name``."""

    def register(build: Callable[[Draw], Generated]) -> Callable[[Draw], Generated]:
        if name in TEMPLATES:
            raise ValueError(f"template {name!r} registered twice")
        TEMPLATES[name] = Template(name, topic, skill, build)
        return build

    return register


class Draw:
    """What a template gets: the seed's random stream and helpers to build its question."""

    def __init__(self, name: str, seed: int):
        self.name, self.seed = name, seed
        self.rng = random.Random(f"{name}:{seed}")
        self.evidence: list[str] = []
        self.exam_note = ""  # where the key rests on something the model assumes (said to the learner)

    # ---- parameters
    def people(self, n: int) -> list[str]:
        return self.rng.sample(PEOPLE, n)

    def minute_of_day(self, low_hour: int = 7, high_hour: int = 17) -> float:
        """A working-day time on the first day, on a 5-minute grid."""
        return float(self.rng.randrange(low_hour * 60, high_hour * 60, 5))

    # ---- the simulation
    def sim(self, tenant: Tenant, **kw) -> Simulation:
        kw.setdefault("lag", False)
        return Simulation(tenant, seed=self.seed, **kw)

    def saw(self, sim: Simulation, records: Iterable[AuditRecord]) -> None:
        for r in records:
            self.evidence.append(f"audit #{r.seq} {when(r.minute)}: {r.activity} [Service = {r.service}] "
                                 f"initiated by {r.initiator}, target {r.target}, role {r.role}")

    def saw_refusal(self, sim: Simulation) -> None:
        for r in sim.refusals[-1:]:
            self.evidence.append(f"refused {when(r.minute)}: {r.action} by {r.principal} ({r.rule}/{r.code}): {r.message}")

    def outcome(self, sim: Simulation, err: PimRefusal | None, activity: str) -> None:
        """Keep the refusal, or the last record of ``activity`` showing the action went through."""
        if err:
            self.saw_refusal(sim)
        else:
            self.saw(sim, [r for r in sim.audit if r.activity == facts_activity(activity)][-1:])

    def note(self, text: str) -> None:
        self.evidence.append(text)

    # ---- the question
    def _common(self, stem: str, explanation: str, sources: Sequence[str], difficulty: int) -> dict:
        t = TEMPLATES[self.name]
        return dict(id=f"gen-{self.name}-{self.seed}", stem=stem, explanation=explanation,
                    sources=tuple(dict.fromkeys(sources)), outline=t.outline, difficulty=difficulty,
                    last_verified=CHECKED, verify=ProbeCheck(probe=f"generate.{self.name}", observe="key"),
                    topic=t.topic, exam_note=self.exam_note)

    def done(self, question) -> Generated:
        return Generated(question, self.name, self.seed, tuple(self.evidence))

    def single(self, stem: str, right: str, wrong: Sequence[tuple[str, str, str]], explanation: str,
               sources: Sequence[str], difficulty: int = 2, value=None) -> Generated:
        """``wrong``: (text, why it's wrong, misconception) for each distractor."""
        texts = [right] + [w[0] for w in wrong]
        if len(set(texts)) != len(texts):
            raise ValueError(f"{self.name}: options repeat: {texts}")
        options = [Option(id="k", text=right, value=value)]
        options += [Option(id=f"w{n}", text=w[0], explanation=w[1], misconception=w[2]) for n, w in enumerate(wrong)]
        self.rng.shuffle(options)
        options = [o.model_copy(update={"id": "abcdefgh"[n]}) for n, o in enumerate(options)]
        key = next(o.id for o in options if o.text == right)
        return self.done(SingleQuestion(type="single", options=tuple(options), key=key,
                                        **self._common(stem, explanation, sources, difficulty)))

    def multiple(self, stem: str, choices: Sequence[tuple[str, bool, str, str]], explanation: str,
                 sources: Sequence[str], difficulty: int = 2) -> Generated:
        """``choices``: (text, right?, why, misconception if wrong)."""
        items = list(choices)
        self.rng.shuffle(items)
        options = tuple(Option(id="abcdefgh"[n], text=t, explanation=why, misconception="" if ok else mis)
                        for n, (t, ok, why, mis) in enumerate(items))
        key = tuple(o.id for o, c in zip(options, items, strict=True) if c[1])
        return self.done(MultipleQuestion(type="multiple", options=options, key=key,
                                          **self._common(stem, explanation, sources, difficulty)))

    def yes_no(self, stem: str, statements: Sequence[tuple[str, bool, str, str]], explanation: str,
               sources: Sequence[str], difficulty: int = 2) -> Generated:
        """``statements``: (text, true?, why, misconception of answering it wrong)."""
        st = tuple(Statement(id=f"s{n + 1}", text=t, key=k, explanation=why, misconception=mis)
                   for n, (t, k, why, mis) in enumerate(statements))
        return self.done(YesNoQuestion(type="yes_no", statements=st, **self._common(stem, explanation, sources,
                                                                                   difficulty)))

    def numeric(self, stem: str, key: float, unit: str, wrong: Sequence[tuple[float, str, str]], explanation: str,
                sources: Sequence[str], difficulty: int = 2, tolerance: float = 0.0) -> Generated:
        seen, wv = {key}, []
        for value, why, mis in wrong:
            if abs(value - key) > tolerance and value not in seen:
                seen.add(value)
                wv.append(WrongValue(value=value, explanation=why, misconception=mis))
        return self.done(NumericQuestion(type="numeric", key=key, unit=unit, tolerance=tolerance,
                                         wrong_values=tuple(wv), **self._common(stem, explanation, sources, difficulty)))

    def ordering(self, stem: str, in_order: Sequence[str], misconception: str, explanation: str,
                 sources: Sequence[str], difficulty: int = 2) -> Generated:
        ids = [f"i{n + 1}" for n in range(len(in_order))]
        items = [Item(id=i, text=t) for i, t in zip(ids, in_order, strict=True)]
        shuffled = items[:]
        while len(shuffled) > 1 and [i.id for i in shuffled] == ids:
            self.rng.shuffle(shuffled)
        relabel = {it.id: f"i{n + 1}" for n, it in enumerate(shuffled)}
        served = tuple(Item(id=relabel[it.id], text=it.text) for it in shuffled)
        key = tuple(relabel[i] for i in ids)
        return self.done(OrderingQuestion(type="ordering", items=served, key=key, misconception=misconception,
                                          **self._common(stem, explanation, sources, difficulty)))

    def dropdown(self, stem: str, blanks: Sequence[tuple[str, str, Sequence[tuple[str, str, str]]]], explanation: str,
                 sources: Sequence[str], difficulty: int = 2) -> Generated:
        """``blanks``: (blank id, right text, [(wrong text, why, misconception)])."""
        out = []
        for bid, right, wrong in blanks:
            choices = [Option(id="k", text=right)] + [Option(id=f"w{n}", text=t, explanation=why, misconception=mis)
                                                      for n, (t, why, mis) in enumerate(wrong)]
            self.rng.shuffle(choices)
            choices = [c.model_copy(update={"id": "abcdefgh"[n]}) for n, c in enumerate(choices)]
            out.append(Blank(id=bid, choices=tuple(choices), key=next(c.id for c in choices if c.text == right)))
        return self.done(DropdownQuestion(type="dropdown", blanks=tuple(out),
                                          **self._common(stem, explanation, sources, difficulty)))


def when(minute: float) -> str:
    """A simulation minute as the wall-clock time a learner reads (the run starts Monday 5 January 2026, 00:00 UTC)."""
    return (DEFAULT_START + timedelta(minutes=minute)).strftime("%a %d %b %H:%M UTC")


def facts_activity(name: str) -> str:
    """The exact audit activity name of an :class:`pim_sim.Activity` member."""
    return Activity[name].value


def refused(action: Callable[..., object]) -> PimRefusal | None:
    try:
        action()
    except PimRefusal as e:
        return e
    return None


def _hours(mins: float) -> str:
    return f"{mins / H:g} hour{'s' if mins != H else ''}"


def _days(mins: float) -> str:
    return f"{mins / D:g} day{'s' if mins != D else ''}"


def span(value: float | facts.Fact, part: int | str | None = None) -> str:
    """A duration in minutes (or a :class:`pim_sim.facts.Fact`'s value, or one ``part`` of it) as a learner
    reads it: "5 minutes", "24 hours", "14 days". Template prose writes every product duration with
    this, so a changed fact changes the question's words as well as its key."""
    mins: Any = value.value if isinstance(value, facts.Fact) else value
    if part is not None:
        mins = mins[part]
    if mins and mins % D == 0 and mins >= 2 * D:
        return _days(mins)
    if mins and mins % H == 0:
        return _hours(mins)
    return f"{mins:g} minute{'s' if mins != 1 else ''}"


def span_range(fact: facts.Fact) -> str:
    """A (low, high) fact as "1 to 24 hours" (both in the unit of the higher end)."""
    low, high = fact.value
    unit = D if high % D == 0 and high >= 2 * D else H if high % H == 0 else 1.0
    name = {D: "days", H: "hours", 1.0: "minutes"}[unit]
    return f"{low / unit:g} to {high / unit:g} {name}"


def entra_tenant(people: Sequence[str], groups: Sequence[Group] = ()) -> Tenant:
    return Tenant.build(users=people, groups=groups)


def azure_tenant(people: Sequence[str]) -> Tenant:
    return Tenant.build(users=people, scopes=AZURE_SCOPES)


def _records(sim: Simulation, request_id: str = "", activities: Iterable[str] = ()) -> list[AuditRecord]:
    acts = set(activities)
    return [r for r in sim.audit if (not request_id or r.request_id == request_id) and (not acts or r.activity in acts)]


SRC = facts.SOURCES
ACTIVATE_PAGE = facts.NO_DEACTIVATE_WITHIN_MINUTES.source
APPROVAL_PAGE = facts.APPROVAL_WINDOW_MINUTES.source
RENEW_PAGE = facts.EXTEND_WINDOW_MINUTES.source


# ======================================================================== activation
