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
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pim_sim import (
    DIRECTORY,
    Activity,
    Group,
    Licence,
    PimRefusal,
    Place,
    SettingError,
    Simulation,
    Status,
    Tenant,
    facts,
)
from pim_sim.core.audit import AuditRecord
from pim_sim.core.clock import DEFAULT_START

from .schema import (
    Blank,
    DropdownQuestion,
    Item,
    MultipleQuestion,
    NumericQuestion,
    Option,
    OrderingQuestion,
    ProbeCheck,
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

    question: object  # a quizzes.schema question
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
                    topic=t.topic)

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
        items = tuple(Item(id=relabel[it.id], text=it.text) for it in shuffled)
        key = tuple(relabel[i] for i in ids)
        return self.done(OrderingQuestion(type="ordering", items=items, key=key, misconception=misconception,
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


def refused(action: Callable[[], object]) -> PimRefusal | None:
    try:
        action()
    except PimRefusal as e:
        return e
    return None


def _hours(mins: float) -> str:
    return f"{mins / H:g} hour{'s' if mins != H else ''}"


def _days(mins: float) -> str:
    return f"{mins / D:g} day{'s' if mins != D else ''}"


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
@template("activation-end", "activation", "entra")
def _activation_end(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    maximum = d.rng.choice([2, 4, 6, 10, 12]) * H
    asked = d.rng.choice([m for m in (1 * H, 2 * H, 3 * H, 5 * H, 9 * H) if m <= maximum])
    approval = d.rng.random() < 0.5
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, activation_max=maximum, require_approval=approval, approvers=(approver,) if approval else ())
    t0 = d.minute_of_day(8, 12)
    sim.run(t0)
    req = sim.activate(user, role, duration=asked, justification="change 4711")
    wait = float(d.rng.randrange(15, 180, 5)) if approval else 0.0
    if approval:
        sim.advance(wait)
        sim.approve(req.id, by=approver)
    sim.advance(2 * D)
    expired = _records(sim, req.id, [facts_activity("ACTIVATION_EXPIRED")])
    completed = _records(sim, req.id, [facts_activity("ACTIVATION_COMPLETED")])
    d.saw(sim, _records(sim, req.id))
    end = expired[0].minute
    flow = (f"The role requires approval; {approver} approves at {when(t0 + wait)}." if approval
            else "The role doesn't require approval.")
    stem = (f"{role} is set to an activation maximum of {_hours(maximum)}. {user} is eligible and, at {when(t0)}, "
            f"activates it for {_hours(asked)}. {flow} When does {user}'s activation end?")
    wrong = [(when(t0 + facts.DEFAULT_ACTIVATION_MAX_MINUTES.value + (wait if approval else 0)),
              "The requested duration applies, not the 8-hour default.",
              "every activation lasts the default 8 hours"),
             (when(t0 + maximum + wait), "The user chose a duration below the maximum; PIM grants what was asked.",
              "an activation always lasts the role's maximum duration")]
    if approval:
        wrong.append((when(t0 + asked), "The activation starts when the approver approves, not when it is requested.",
                      "the activation time counts from the request, not from the approval"))
        # in reserve: a 9-hour request approved after 60 minutes ends when the 8-hour default would have
        wrong.append((when(t0 + maximum), "The activation starts at the approval and lasts what was asked, not the "
                                          "maximum counted from the request.",
                      "an activation always lasts the role's maximum duration"))
        wrong.append((when(t0 + asked + wait + 24 * H), "The activation ends the same day it was granted.",
                      "an activation takes effect the next day"))
    else:
        wrong.append((when(t0 + asked + 24 * H), "Activations without approval start at once; nothing waits a day.",
                      "an activation takes effect the next day"))
    distinct: dict[str, tuple[str, str, str]] = {}
    for w in wrong:  # two mistakes can land on the same time; each option is shown once
        if w[0] != when(end):
            distinct.setdefault(w[0], w)
    return d.single(stem, when(end), list(distinct.values())[:3],
                    f"The activation began at {when(completed[0].minute)} and lasts the {_hours(asked)} requested, "
                    f"so PIM removed it at {when(end)} ('Remove member from role (PIM activation expired)').",
                    [facts.DEFAULT_ACTIVATION_MAX_MINUTES.source, SRC["entra_settings"], APPROVAL_PAGE], 2)


@template("duration-over-maximum", "activation", "entra")
def _duration_over_maximum(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    maximum = d.rng.choice([1, 2, 3, 4, 6, 8]) * H
    asks = sorted(d.rng.sample([0.5 * H, 1 * H, 1.5 * H, 2 * H, 3 * H, 4 * H, 5 * H, 8 * H, 9 * H, 12 * H], 3))
    statements = []
    for ask in asks:
        sim = d.sim(entra_tenant([user]))
        sim.assign(user, role)
        sim.set_settings(role, activation_max=maximum)
        err = refused(lambda sim=sim, ask=ask: sim.activate(user, role, duration=ask, justification="work"))
        if err:
            d.saw_refusal(sim)
        else:
            d.saw(sim, _records(sim, activities=[facts_activity("ACTIVATION_COMPLETED")]))
        ok = err is None
        statements.append((f"A request for {_hours(ask)} is accepted.", ok,
                           f"{_hours(ask)} is {'within' if ok else 'above'} the {_hours(maximum)} maximum.",
                           "PIM silently shortens a request that is too long" if not ok
                           else "the activation maximum is a fixed 8 hours, or requests must equal the maximum"))
    return d.yes_no(f"{role}'s activation maximum duration is set to {_hours(maximum)}. {user} is eligible. "
                    "For each request, is it accepted?", statements,
                    "A user may request any duration from 5 minutes up to the role's activation maximum; a longer "
                    "request is refused (ExpirationRule), not shortened.",
                    [SRC["entra_settings"], facts.MIN_ASSIGNMENT_MINUTES.source], 1)


@template("activation-maximum-range", "settings", "entra")
def _activation_maximum_range(d: Draw) -> Generated:
    role = d.rng.choice(ENTRA_ROLES)
    values = sorted(d.rng.sample([0.5, 1, 2, 8, 12, 24, 25, 36, 48], 4))
    statements = []
    for hours in values:
        sim = d.sim(entra_tenant(["admin1"]))
        try:
            sim.set_settings(role, activation_max=hours * H)
            ok = True
            d.note(f"saved: activation maximum {hours:g} hours ({sim.audit[-1].activity})")
        except SettingError as e:
            ok = False
            d.note(f"refused setting: {e}")
        statements.append((f"An administrator can set the activation maximum duration to {hours:g} hours.", ok,
                           f"{hours:g} hours is {'inside' if ok else 'outside'} the 1 to 24 hour range.",
                           "older notes give 0.5 to 24 hours" if hours < 1 and not ok else
                           "activation can last longer than a day" if not ok else
                           "the maximum can't be changed from 8 hours"))
    return d.yes_no(f"In PIM's settings for {role}, which activation maximum durations can be saved?", statements,
                    "The Activation maximum duration slider runs from 1 to 24 hours.",
                    [facts.ACTIVATION_MAX_RANGE_MINUTES.source], 1)


@template("deactivate-window", "activation", "entra")
def _deactivate_window(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day()
    offsets = sorted(d.rng.sample([1, 2, 3, 4, 6, 8, 10, 15, 30], 3))  # not exactly 5: Learn doesn't say which side
    statements = []
    for k in offsets:
        sim = d.sim(entra_tenant([user]))
        sim.assign(user, role)
        sim.run(t0)
        sim.activate(user, role, duration="PT2H", justification="incident")
        sim.advance(k)
        err = refused(lambda sim=sim: sim.deactivate(user, role))
        d.outcome(sim, err, "DEACTIVATE_COMPLETED")
        ok = err is None
        statements.append((f"{user} can deactivate at {when(t0 + k)}.", ok,
                           f"That is {k} minutes after activation; deactivation is refused within 5 minutes.",
                           "deactivation is possible at any moment" if not ok
                           else "an activation can't be ended early, or only after a longer wait"))
    return d.yes_no(f"{user} activates {role} for 2 hours at {when(t0)} and wants to end it early. "
                    f"Can {user} deactivate at each time?", statements,
                    "PIM refuses to deactivate an activation within 5 minutes after it was activated "
                    "(ActiveDurationTooShort); after that the user can deactivate at any time.", [ACTIVATE_PAGE], 1)


@template("scheduled-start-and-approval", "approval", "approval")
def _scheduled_start(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day(8, 10)
    start = t0 + d.rng.choice([30, 60, 90, 120])
    decided = t0 + d.rng.choice([10, 20, 45, 100, 150, 200])
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.run(t0)
    req = sim.activate(user, role, duration="PT4H", justification="maintenance", start=start)
    sim.run(decided)
    sim.approve(req.id, by=approver)
    sim.advance(6 * H)
    done = _records(sim, req.id, [facts_activity("ACTIVATION_COMPLETED")])[0]
    d.saw(sim, _records(sim, req.id))
    key = done.minute - t0
    return d.numeric(
        f"At {when(t0)} {user} requests {role} with a custom start time of {when(start)}. The role requires approval "
        f"and {approver} approves at {when(decided)}. How many minutes after the request does the activation begin?",
        key, "minutes",
        [(start - t0, "The start time can't beat the approval: nothing is active while the request waits.",
          "a scheduled activation starts at its start time even before it is approved"),
         (decided - t0, "An approved request still waits for the start time the user chose.",
          "approval activates the role at once, ignoring the requested start"),
         (0.0, "The request needs approval first.", "activation is immediate even when approval is required")],
        "The activation begins at the later of the requested start and the approval: "
        f"{when(done.minute)} here.", [ACTIVATE_PAGE, APPROVAL_PAGE], 3)


# ======================================================================== approval
@template("approval-expiry", "approval", "approval")
def _approval_expiry(d: Draw) -> Generated:
    user, a1, a2 = d.people(3)
    role = d.rng.choice(ENTRA_ROLES)
    maximum = d.rng.choice([2, 4, 8, 12])
    t0 = d.minute_of_day(6, 20) + d.rng.randrange(0, 3) * D
    sim = d.sim(entra_tenant([user, a1, a2]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(a1, a2), activation_max=maximum * H)
    sim.run(t0)
    req = sim.activate(user, role, duration=maximum * H, justification="on call")
    sim.advance(5 * D)
    rec = _records(sim, req.id, [facts_activity("ACTIVATION_REQUEST_EXPIRED")])[0]
    d.saw(sim, _records(sim, req.id))
    wrong = [(when(t0 + maximum * H), "The activation maximum limits the role's active time, not the approval wait.",
              "a pending request expires after the activation maximum duration"),
             (when(t0 + 72 * H), "Approvers have 24 hours, not three days.", "approvers have three days"),
             (when(t0 + 7 * D), "The window is 24 hours and can't be configured.",
              "a pending request waits a week (or until someone acts)")]
    return d.single(f"{role} requires approval by {a1} or {a2}. {user} requests activation at {when(t0)} and neither "
                    "approver acts. When does the request expire?", when(rec.minute),
                    [w for w in wrong if w[0] != when(rec.minute)],
                    "Approvers have 24 hours to decide; the window isn't configurable. Then the request expires "
                    "('PIM activation request expired') and the user must submit a new one.", [APPROVAL_PAGE], 1)


@template("first-decision-wins", "approval", "approval")
def _first_decision(d: Draw) -> Generated:
    user, a1, a2 = d.people(3)
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day()
    first_approves = d.rng.random() < 0.5
    gaps = sorted(d.rng.sample(range(5, 120, 5), 2))
    sim = d.sim(entra_tenant([user, a1, a2]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(a1, a2))
    sim.run(t0)
    req = sim.activate(user, role, duration="PT1H", justification="rollout")
    sim.run(t0 + gaps[0])
    (sim.approve if first_approves else sim.deny)(req.id, by=a1)
    sim.run(t0 + gaps[1])
    err = refused(lambda: (sim.deny if first_approves else sim.approve)(req.id, by=a2))
    d.saw(sim, _records(sim, req.id))
    if err:
        d.saw_refusal(sim)
    status = sim.requests[req.id].status
    status_text = {Status.PROVISIONED: "Approved: the role is activated", Status.DENIED: "Denied: no access"}[status]
    second = "denies" if first_approves else "approves"
    other = ("Denied: no access" if status is not Status.DENIED else "Approved: the role is activated")
    return d.single(f"{role} requires approval by {a1} or {a2}. {user} requests at {when(t0)}. {a1} "
                    f"{'approves' if first_approves else 'denies'} at {when(t0 + gaps[0])}; {a2} tries to {second[:-1]} "
                    f"at {when(t0 + gaps[1])}. What is the outcome?", status_text,
                    [(other, "The first approver's decision settles the request; later decisions are refused.",
                      "the last decision wins"),
                     ("Still pending: both approvers must agree", "One decision is enough; PIM approval is single-stage.",
                      "every approver must approve"),
                     ("Escalated to a Global Administrator", "PIM doesn't escalate; a split decision can't happen.",
                      "conflicting decisions escalate")],
                    "The request is resolved by the first approver who approves or denies; the others are told.",
                    [APPROVAL_PAGE], 2)


@template("who-may-approve", "approval", "approval")
def _who_may_approve(d: Draw) -> Generated:
    user, ga, pra, helpdesk, named = d.people(5)
    role = d.rng.choice(ENTRA_ROLES)
    explicit = d.rng.random() < 0.5
    listed = (named, user) if explicit else ()

    def build() -> tuple[Simulation, str]:
        sim = d.sim(entra_tenant([user, ga, pra, helpdesk, named]))
        sim.assign(ga, "Global Administrator", kind="active", justification="tier 0")
        sim.assign(pra, "Privileged Role Administrator", kind="active", justification="PIM admin")
        sim.assign(helpdesk, "Helpdesk Administrator", kind="active", justification="support")
        sim.assign(user, role)
        sim.set_settings(role, require_approval=True, approvers=listed)
        sim.advance(10)
        return sim, sim.activate(user, role, duration="PT1H", justification="audit fix").id

    choices = []
    for who, what in ((ga, "an active Global Administrator"), (pra, "an active Privileged Role Administrator"),
                      (helpdesk, "an active Helpdesk Administrator"), (named, "a user with no admin role"),
                      (user, "the requester")):
        sim, rid = build()
        sim.advance(5)
        err = refused(lambda sim=sim, rid=rid, who=who: sim.approve(rid, by=who))
        if err:
            d.saw_refusal(sim)
        else:
            d.note(f"{who} approved request {rid}")
        ok = err is None
        mis = ("the requester can approve their own request" if who == user else
               "admins can always approve" if who in (ga, pra) else
               "any administrator can approve" if who == helpdesk else
               "approvers need an admin role")
        choices.append((f"{who} ({what})", ok, err.message if err else f"{who} may approve.", mis))
    setup = (f"The approvers selected are {named} and {user}." if explicit else "No specific approvers are selected.")
    return d.multiple(f"{role} requires approval. {setup} {user} requests activation. Who may approve it?", choices,
                      "Selected approvers need no role; nobody approves their own request. With no approvers selected, "
                      "Microsoft Entra roles fall back to Privileged Role Administrators and Global Administrators.",
                      [APPROVAL_PAGE, facts.ENTRA_DEFAULT_APPROVER_ROLES.source], 3)


@template("cancel-then-approve", "approval", "approval")
def _cancel_then_approve(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day()
    c, a = sorted(d.rng.sample(range(5, 200, 5), 2))
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.run(t0)
    req = sim.activate(user, role, duration="PT2H", justification="deploy")
    sim.run(t0 + c)
    sim.cancel(req.id)
    sim.run(t0 + a)
    err = refused(lambda: sim.approve(req.id, by=approver))
    d.saw(sim, _records(sim, req.id))
    if err:
        d.saw_refusal(sim)
    active = sim.holds(user, role)
    right = ("The approval is refused; the request stays canceled and {u} has no access" if not active
             else "The approval activates the role").replace("{u}", user)
    return d.single(f"{user} requests {role} (approval required) at {when(t0)} and cancels the request at "
                    f"{when(t0 + c)}. At {when(t0 + a)} {approver} opens the request and clicks Approve. What happens?",
                    right,
                    [("The approval activates the role", "A canceled request can't be approved.",
                      "a canceled request can still be approved"),
                     ("The request is reopened and waits for a second approver", "Nothing reopens a canceled request.",
                      "canceling pauses a request"),
                     (f"{user} gets the role for the remaining part of the 24-hour window",
                      "The 24-hour window is for deciding, not for access.", "the approval window is an access window")],
                    "A pending request can be canceled by the requester; it can't then be approved. A new request is "
                    "needed.", [ACTIVATE_PAGE, SRC["graph_request"]], 1)


@template("self-approval", "approval", "approval")
def _self_approval(d: Draw) -> Generated:
    user, other = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    sim = d.sim(entra_tenant([user, other]))
    sim.assign(user, "Global Administrator", kind="active", justification="tier 0")
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(user, other))
    sim.advance(30)
    req = sim.activate(user, role, duration="PT1H", justification="hotfix")
    err = refused(lambda: sim.approve(req.id, by=user))
    d.saw_refusal(sim)
    status = sim.requests[req.id].status
    right = f"Refused: {user} can't approve their own request; it stays {status.value}"
    assert err is not None
    return d.single(f"{user} is an active Global Administrator and one of the two selected approvers ({user}, {other}) "
                    f"of {role}. {user} requests {role} and then tries to approve it. What happens?", right,
                    [("Approved: a Global Administrator can approve any request", "No role lets anyone approve their own "
                      "activation.", "Global Administrators can approve their own requests"),
                     ("Approved, because the user is a selected approver", "Being an approver doesn't cover one's own "
                      "request.", "approvers can approve their own requests"),
                     ("Approved once both approvers agree", "One decision settles a request; the requester's isn't valid.",
                      "approval needs every approver")],
                    "Approvers aren't able to approve their own role activation requests, whatever roles they hold.",
                    [facts.SELF_APPROVAL_ALLOWED.source], 1)


# ======================================================================== extend and renew
@template("extend-window", "assignments", "entra")
def _extend_window(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    length = d.rng.choice([30, 45, 60, 90])
    days = sorted(d.rng.sample([n for n in range(1, length) if length - n != 14], 3))  # not on the boundary
    statements = []
    for day in days:
        sim = d.sim(entra_tenant([user]))
        sim.assign(user, role, duration=length * D)
        sim.run(day * D)
        err = refused(lambda sim=sim: sim.request_extend(user, role, duration="P30D", justification="project"))
        d.outcome(sim, err, "UPDATE_ELIGIBLE_EXTEND_REQUESTED")
        ok = err is None
        left = length - day
        statements.append((f"On day {day} {user} can request an extension.", ok,
                           f"On day {day} the assignment ends in {left} days; Extend needs 14 days or fewer.",
                           "Extend is available at any time" if not ok else "Extend opens only in the last few days"))
    return d.yes_no(f"{user} gets a time-bound eligible assignment of {role} on day 0, ending on day {length}. "
                    "On which days can the user request an extension (Extend on My roles)?", statements,
                    "Users can ask to extend when the assignment ends within 14 days; an administrator approves. "
                    "Earlier, the Extend link is inactive.", [RENEW_PAGE], 2)


@template("renew-window", "assignments", "entra")
def _renew_window(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    length = d.rng.choice([7, 14, 30])
    after = sorted(d.rng.sample([1, 5, 10, 20, 29, 31, 45, 60, 89, 95], 3))
    statements = []
    for k in after:
        sim = d.sim(entra_tenant([user]))
        sim.assign(user, role, duration=length * D)
        sim.run((length + k) * D)
        err = refused(lambda sim=sim: sim.request_renew(user, role, duration="P30D", justification="still needed"))
        d.outcome(sim, err, "ELIGIBLE_REQUESTED_RENEW")
        ok = err is None
        statements.append((f"{k} day{'s' if k != 1 else ''} after it expired, {user} can request a renewal.", ok,
                           "Renewal is available for up to 30 days after expiry.",
                           "expired assignments can be renewed for 90 days" if not ok
                           else "an expired assignment can't be renewed; it must be assigned again"))
    return d.yes_no(f"{user}'s time-bound eligible assignment of {role} lasted {length} days and has expired. "
                    "When can the user ask to renew it?", statements,
                    "Expired assignments stay on the Expired roles tab for up to 30 days; in that time the user can ask "
                    "to renew (an administrator approves). The common '90 days' isn't what Microsoft Learn says.",
                    [facts.RENEW_WINDOW_MINUTES.source], 2)


# ======================================================================== assignments
@template("remove-within-5-minutes", "assignments", "entra")
def _remove_window(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day()
    offsets = sorted(d.rng.sample([1, 2, 3, 4, 6, 7, 10, 20], 3))  # not exactly 5: Learn doesn't say which side
    statements = []
    for k in offsets:
        sim = d.sim(entra_tenant([user]))
        sim.run(t0)
        sch = sim.assign(user, role, kind="active", duration="P30D", justification="project").target_schedule
        sim.advance(k)
        err = refused(lambda sim=sim, sch=sch: sim.remove(sch))
        d.outcome(sim, err, "REMOVE_ACTIVE_COMPLETED_TIMEBOUND")
        ok = err is None
        statements.append((f"The administrator can remove it at {when(t0 + k)}.", ok,
                           f"{k} minutes after it was made; removal is refused within 5 minutes.",
                           "an assignment can be removed at once" if not ok else "a fresh assignment is locked longer"))
    return d.yes_no(f"At {when(t0)} an administrator makes a 30-day active assignment of {role} to {user}, then "
                    "realises it was a mistake. Can it be removed at each time?", statements,
                    "An assignment can't be made for less than 5 minutes, and can't be removed within 5 minutes of "
                    "being made.", [facts.NO_REMOVE_WITHIN_MINUTES.source], 2)


@template("service-principal-assignment", "assignments", "entra")
def _service_principal(d: Draw) -> Generated:
    sp = d.rng.choice(["build-pipeline", "backup-agent", "sync-app", "deploy-bot"])
    azure = d.rng.random() < 0.5
    role = d.rng.choice(AZURE_ROLES if azure else ENTRA_ROLES)
    scope = d.rng.choice([SUB, RG]) if azure else DIRECTORY
    tries = [("eligible", None), ("eligible", "P90D"), ("active", "P90D")]
    statements = []
    for kind, dur in tries:
        sim = d.sim(Tenant.build(users=["admin1"], service_principals=[sp], scopes=AZURE_SCOPES))
        err = refused(lambda sim=sim, kind=kind, dur=dur: sim.assign(sp, role, scope, kind=kind, duration=dur or
                                                                    ("P180D" if azure else None), justification="automation"))
        d.outcome(sim, err, "ACTIVE_COMPLETED_TIMEBOUND")
        ok = err is None
        length = "for 90 days" if dur else ("for 180 days" if azure else "permanently")
        statements.append((f"PIM accepts an {kind} assignment {length}.", ok,
                           "Service principals can't be eligible: they can't activate." if kind == "eligible" else
                           "A time-limited active assignment is how PIM covers a service principal.",
                           "service principals can activate like users" if kind == "eligible"
                           else "PIM can't assign roles to service principals"))
    where = SCOPE_NAMES[scope] if azure else "the directory"
    return d.yes_no(f"An administrator wants to give the service principal {sp} the {role} role at {where} through "
                    "PIM. Which assignments does PIM accept?", statements,
                    "Service principals can't be made eligible (for Entra roles, Azure roles or groups); they can only "
                    "get a time-limited active assignment.", [facts.SERVICE_PRINCIPAL_ELIGIBLE.source], 2)


@template("last-global-administrator", "assignments", "emergency")
def _last_global_admin(d: Draw) -> Generated:
    names = d.people(3)
    n_active = d.rng.choice([1, 2, 3])
    sim = d.sim(entra_tenant(names))
    ids = [sim.assign(n, "Global Administrator", kind="active", justification="tier 0").target_schedule
           for n in names[:n_active]]
    for n in names[n_active:]:
        sim.assign(n, "Global Administrator")  # eligible, not active
    sim.advance(60)
    outcomes = []
    for n, sid in zip(names, ids, strict=False):
        err = refused(lambda sid=sid: sim.remove(sid))
        if err:
            d.saw_refusal(sim)
        outcomes.append((n, err is None))
    refused_name = next((n for n, ok in outcomes if not ok), None)
    eligible = ", ".join(names[n_active:]) or "nobody"
    order = ", then ".join(names[:n_active])
    right = f"Removing {refused_name} is refused" if refused_name else "Every removal succeeds"
    wrong = [(f"Removing {names[0]} is refused", "The first removals leave other active Global Administrators.",
              "PIM protects the first Global Administrator"),
             ("Every removal succeeds", "PIM keeps the last active Global Administrator assignment.",
              "nothing stops an administrator removing the last Global Administrator"),
             (f"Removing {refused_name or names[-1]} succeeds because eligible Global Administrators remain",
              "Eligible assignments don't count: the last *active* assignment is protected.",
              "an eligible Global Administrator is enough for lock-out protection")]
    wrong = [w for w in wrong if w[0] != right]
    verb = "holds an active Global Administrator assignment" if n_active == 1 else \
        "hold active Global Administrator assignments"
    return d.single(f"{order} {verb}; eligible only: {eligible}. An "
                    f"administrator removes the active assignments one by one in that order. What happens?", right,
                    wrong[:3], "PIM won't remove the last active Global Administrator assignment (lock-out protection); "
                    "keep emergency-access accounts for that reason.", [facts.LAST_GLOBAL_ADMIN_PROTECTED.source], 2)


@template("licence-lapse", "assignments", "entra")
def _licence_lapse(d: Draw) -> Generated:
    a, b, c, e = d.people(4)
    role = d.rng.choice(ENTRA_ROLES)
    end_b = d.rng.choice([10, 20, 40])
    lapse = d.rng.choice([3, 5, 8])
    look = lapse + d.rng.choice([1, 15, 45])
    sim = d.sim(entra_tenant([a, b, c, e]))
    sim.assign(a, role, kind="active", justification="standing")
    sim.assign(b, role, kind="active", duration=end_b * D, justification="project")
    sim.assign(c, role)
    sim.assign(e, role, duration=60 * D)
    sim.run(lapse * D)
    sim.set_licence(Licence.FREE)
    sim.run(look * D)
    rows = [(a, "a permanent active assignment"), (b, f"an active assignment ending on day {end_b}"),
            (c, "a permanent eligible assignment"), (e, "an eligible assignment ending on day 60")]
    statements = []
    for who, what in rows:
        held = sim.holds(who, role) or sim.find(who, role, kind="eligible") is not None
        d.note(f"day {look}: {who} {'still has' if held else 'has lost'} {role} ({sim.why_not(who, role).reason})")
        statements.append((f"{who} ({what}) still has an assignment of {role} on day {look}.", held,
                           "After a lapse, permanent active stays, time-bound active becomes permanent, eligible "
                           "assignments are removed.",
                           "a licence lapse removes every PIM assignment" if held
                           else "assignments continue unchanged without the licence"))
    return d.yes_no(f"The tenant's Microsoft Entra ID P2 licence lapses on day {lapse} (it becomes Free). Which "
                    f"assignments of {role} remain on day {look}?", statements,
                    "When P2 or ID Governance lapses: eligible assignments are removed, time-bound active assignments "
                    "become permanent active, permanent active assignments are unaffected and role settings are "
                    "removed.", [facts.SOURCES["licence_lapse"]], 3)


# ======================================================================== Azure scopes
@template("inherited-access", "azure", "azure-rbac")
def _inherited_access(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(AZURE_ROLES)
    at = d.rng.choice([MG, SUB, RG])
    sim = d.sim(azure_tenant([user]))
    sim.assign(user, role, at, kind="active", duration="P90D", justification="ops")
    sim.advance(30)
    statements = []
    for scope in (MG, SUB, RG, RES):
        if scope == at:
            continue
        held = sim.holds(user, role, scope)
        why = sim.why_not(user, role, scope)
        d.note(f"{user} at {scope}: {why.reason}: {why.detail}")
        statements.append((f"{user} has {role} on {SCOPE_NAMES[scope]}.", held,
                           "Assignments apply at their scope and every scope below it, never above.",
                           "Azure role assignments inherit upward" if not held
                           else "an assignment applies only at the exact scope where it was made"))
    return d.yes_no(f"{user} has an active PIM assignment of {role} on {SCOPE_NAMES[at]} (the tree is management "
                    "group corp > subscription prod > resource group rg-web > web app app1).", statements,
                    "Azure role assignments inherit down the scope tree: management group > subscription > resource "
                    "group > resource.", [SRC["scope"], facts.SOURCES["azure_settings"]], 1)


@template("settings-not-inherited", "azure", "azure")
def _settings_not_inherited(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(["Contributor", "Owner"])
    strict_at_sub = d.rng.random() < 0.5
    activate_at = d.rng.choice([SUB, RG])
    sim = d.sim(azure_tenant([user, approver]))
    # eligible where it is activated: which scope's settings govern an activation narrowed to a child scope
    # isn't documented, so the question never turns on that
    sim.assign(user, role, activate_at, duration="P180D")
    sim.set_settings(role, SUB, require_approval=strict_at_sub, approvers=(approver,))
    sim.set_settings(role, RG, require_approval=not strict_at_sub, approvers=(approver,))
    sim.advance(30)
    req = sim.activate(user, role, activate_at, duration="PT1H", justification="release")
    d.saw(sim, _records(sim, req.id))
    pending = sim.requests[req.id].status is Status.PENDING_APPROVAL
    right = "It waits for approval" if pending else "It is activated without approval"
    other = "It is activated without approval" if pending else "It waits for approval"
    where = {SUB: "subscription prod", RG: "resource group rg-web"}
    return d.single(f"{role} on subscription prod requires approval: {'yes' if strict_at_sub else 'no'}. {role} on "
                    f"resource group rg-web (inside prod) requires approval: {'no' if strict_at_sub else 'yes'}. Both are "
                    f"set explicitly. {user} is eligible for {role} at {where[activate_at]} and activates it "
                    f"there. What happens?", right,
                    [(other, "The settings of the scope being activated apply; settings don't flow down the tree.",
                      "role settings are inherited from the parent scope" if activate_at == RG
                      else "the strictest setting anywhere in the tree applies")],
                    "Azure role settings are per role per resource and aren't inherited: the settings made on the "
                    "subscription don't apply to its resource groups, whereas the assignment itself is inherited.",
                    [facts.SOURCES["azure_settings"]], 3)


# ======================================================================== groups
@template("group-membership-access", "groups", "groups")
def _group_membership(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    group = d.rng.choice(["tier1-admins", "mail-admins", "sec-ops"])
    t0 = d.minute_of_day()
    tenant = entra_tenant([user], [Group(group, role_assignable=True)])
    sim = d.sim(tenant)
    sim.assign(group, role, kind="active", justification="group holds the role")
    sim.assign(user, "Member", f"/groups/{group}", duration="P90D")
    sim.run(t0)
    before = sim.holds(user, role)
    d.note(f"before activating: {sim.why_not(user, role).detail}")
    sim.activate(user, "Member", f"/groups/{group}", duration="PT2H", justification="mailbox move")
    sim.advance(30)
    during = sim.holds(user, role)
    d.note(f"30 minutes after activating membership: {sim.why_not(user, role).detail}")
    sim.advance(3 * H)
    after = sim.holds(user, role)
    d.note(f"3.5 hours after: {sim.why_not(user, role).detail}")
    group_text = f"The role-assignable group {group}"
    statements = [
        (f"Before activating, {user} has {role}.", before, "Eligible membership grants nothing until activated.",
         "eligible group membership already grants the group's roles"),
        (f"30 minutes after activating membership for 2 hours, {user} has {role}.", during,
         "Activated membership makes the user a member, and members hold the group's role.",
         "the user must also activate the role itself"),
        (f"3.5 hours after activating, {user} still has {role}.", after,
         "When the membership activation expires, the role goes with it.",
         "roles gained through a group stay after the membership ends"),
    ]
    return d.yes_no(f"{group_text} holds an active assignment of {role}. {user} is an eligible member of the group "
                    f"(PIM for Groups). At {when(t0)} {user} activates the membership for 2 hours.", statements,
                    "With PIM for Groups, an eligible member activates membership just in time and, while a member, "
                    "holds the roles assigned to the group.", [SRC["scope"], SRC["groups_api"]], 2)


# ======================================================================== why no access
@template("why-no-access", "activation", "entra")
def _why_no_access(d: Draw) -> Generated:
    from pim_sim import Reason

    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    case = d.rng.choice(["pending", "denied", "expired", "ended", "eligible"])
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    t0 = d.minute_of_day()
    if case in ("pending", "denied", "expired"):
        sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.run(t0)
    look = t0 + 60
    if case != "eligible":
        req = sim.activate(user, role, duration="PT2H", justification="fix")
        if case == "denied":
            sim.advance(20)
            sim.deny(req.id, by=approver, justification="not now")
        if case == "expired":
            look = t0 + 25 * H
        if case == "ended":
            look = t0 + 3 * H
    sim.run(look)
    why = sim.why_not(user, role)
    d.saw(sim, sim.audit)
    texts = {Reason.PENDING_APPROVAL: "The request is still waiting for an approver",
             Reason.REQUEST_DENIED: "The approver denied the request",
             Reason.REQUEST_EXPIRED: "Nobody decided within 24 hours, so the request expired",
             Reason.ACTIVATION_ENDED: "The activation has ended",
             Reason.ELIGIBLE_NOT_ACTIVATED: "The user is eligible but hasn't activated the role"}
    story = {"pending": f"At {when(t0)} {user} requests activation (approval by {approver} is required).",
             "denied": f"At {when(t0)} {user} requests activation; {approver} must approve.",
             "expired": f"At {when(t0)} {user} requests activation; {approver} must approve.",
             "ended": f"At {when(t0)} {user} activates the role for 2 hours.",
             "eligible": f"{user} was made eligible this morning."}[case]
    extra = {"denied": f" {approver} acted at {when(t0 + 20)}.", "expired": f" {approver} is on leave."}.get(case, "")
    right = texts[why.reason]
    mis = {Reason.PENDING_APPROVAL: "a request is approved automatically after a while",
           Reason.REQUEST_DENIED: "a denied request can be re-approved",
           Reason.REQUEST_EXPIRED: "a pending request waits indefinitely",
           Reason.ACTIVATION_ENDED: "an activation lasts until the user deactivates it",
           Reason.ELIGIBLE_NOT_ACTIVATED: "eligible means the role is usable"}
    wrong = [(t, "Not what the records show.", mis[r]) for r, t in texts.items() if r is not why.reason][:3]
    return d.single(f"{user} is eligible for {role}. {story}{extra} At {when(look)} {user} can't use the role. Why?",
                    right, wrong, f"The records show: {why.detail}", [ACTIVATE_PAGE, APPROVAL_PAGE], 2)


# ======================================================================== audit
@template("audit-places", "audit", "audit")
def _audit_places(d: Draw) -> Generated:
    user = d.people(1)[0]
    azure = d.rng.random() < 0.5
    role = d.rng.choice(AZURE_ROLES) if azure else d.rng.choice(ENTRA_ROLES)
    scope = SUB if azure else DIRECTORY
    lapse = d.rng.random() < 0.35
    day = d.rng.choice([2, 5, 10, 20, 29, 45, 80, 100])
    sim = d.sim(azure_tenant([user]))
    sim.assign(user, role, scope, duration="P180D")
    sim.advance(60)
    req = sim.activate(user, role, scope, duration="PT1H", justification="change")
    rec = _records(sim, req.id, [facts_activity("ACTIVATION_COMPLETED")])[0]
    if lapse:
        sim.run(1 * D)
        sim.set_licence(Licence.FREE)
    sim.run(rec.minute + day * D)
    frame = sim.results().where_visible(sim.now)
    seen = set(frame[frame["seq"] == rec.seq]["place"])
    d.saw(sim, [rec])
    d.note(f"on day {day}: visible in {sorted(seen) or 'nowhere'}")
    pim_blade = Place.PIM_AZURE_RESOURCE_AUDIT if azure else Place.PIM_ENTRA_RESOURCE_AUDIT
    choices = []
    for p in (pim_blade, Place.ENTRA_AUDIT_PIM):
        ok = str(p) in seen
        choices.append((str(p), ok, f"{p} {'still shows' if ok else 'no longer shows'} it on day {day}.",
                        "the record is kept there longer" if not ok else "PIM events are only in PIM's own blade"))
    choices.append((str(Place.ENTRA_AUDIT_CORE_DIRECTORY), False,
                    "Core Directory logs the resulting role change ('Add member to role', by MS-PIM), a different "
                    "record; this PIM activity is under Service = PIM.", "every PIM record is under Core Directory"))
    choices.append(("A separate 'PIM > Audit' log kept for a year", False,
                    "There is no separate PIM log; PIM's blades show 30 days and the same events are in the Entra "
                    "audit logs.", "PIM keeps its own separate, long-lived audit log"))
    if not any(c[1] for c in choices):
        choices.append(("None of these any more", True, "Every place's window has passed.", ""))
    else:
        choices.append(("None of these any more", False, "At least one place still shows it.",
                        "audit records vanish after a few days everywhere"))
    tier = "Free (the P2 licence lapsed on day 1)" if lapse else "P2"
    return d.multiple(f"On day 0 {user} activates {role} ({'Azure resource' if azure else 'Microsoft Entra'} role). The "
                      f"tenant's licence is {tier}. On day {day} an auditor looks for the 'Add member to role completed "
                      "(PIM activation)' record. Where can it still be seen?", choices,
                      "PIM's Resource audit shows the past 30 days (and disappears without P2); the same events are in "
                      "the Microsoft Entra audit logs with Service = PIM, kept 7 days on Free and 30 days with P1 or P2.",
                      [facts.PIM_AUDIT_VIEW_MINUTES.source, facts.ENTRA_AUDIT_RETENTION_MINUTES.source,
                       facts.SOURCES["licence_lapse"]], 3)


@template("audit-order", "audit", "audit")
def _audit_order(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    ending = d.rng.choice(["expired", "deactivated"])
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.advance(d.minute_of_day())
    req = sim.activate(user, role, duration="PT1H", justification="migration")
    sim.advance(d.rng.choice([10, 25, 40]))
    sim.approve(req.id, by=approver)
    if ending == "deactivated":
        sim.advance(d.rng.choice([10, 20, 30]))
        deact = sim.deactivate(user, role)
        ids = {req.id, deact.id}
    else:
        ids = {req.id}
    sim.advance(2 * H)
    end = "DEACTIVATE_COMPLETED" if ending == "deactivated" else "ACTIVATION_EXPIRED"
    wanted = [facts_activity(a) for a in ("ACTIVATION_APPROVAL_REQUESTED", "ACTIVATION_APPROVED",
                                          "ACTIVATION_COMPLETED", end)]
    recs = [r for r in sim.audit if r.request_id in ids and r.service == "PIM" and r.activity in wanted]
    d.saw(sim, recs)
    chosen = [r.activity for r in recs]
    return d.ordering(f"{user} requests {role} (approval required), {approver} approves and the activation is later "
                      f"{ending}. Put these PIM audit activities in the order they are recorded.", chosen,
                      "the approval is logged after the activation completes, or the end before the approval",
                      "PIM logs the approval request, then the approval, then the completed activation, then its end.",
                      [facts.SOURCES["activity_names"]], 2)


@template("audit-service-for-event", "audit", "audit")
def _audit_service(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.advance(60)
    req = sim.activate(user, role, duration="PT1H", justification="access review prep")
    sim.advance(15)
    sim.approve(req.id, by=approver)
    sim.advance(5)
    recs = _records(sim, req.id)
    core = [r for r in sim.audit if r.service == "Core Directory" and r.target == user and r.role == role]
    d.saw(sim, [*recs, *core])
    approved_review = next(r for r in recs if r.activity == facts_activity("REVIEW_REQUEST_APPROVED"))
    core_add = core[0]
    services = ["PIM", "Core Directory", "Access Reviews"]
    blanks = []
    for bid, rec in (("approval", approved_review), ("role_change", core_add)):
        wrong = [(s, f"The record is under Service = {rec.service}.",
                  "every PIM-related event is under Service = PIM" if s == "PIM" else
                  "role changes and approvals share one service") for s in services if s != rec.service]
        blanks.append((bid, rec.service, wrong))
    initiator_wrong = [(user, "The requester didn't write the directory change.", "the requester is the initiator"),
                       (approver, "The approver approved the request; PIM made the change.",
                        "the approver is the initiator of the role change")]
    blanks.append(("initiator", core_add.initiator, initiator_wrong))
    return d.dropdown("After an approved activation, the Microsoft Entra audit log shows the approval as 'Request "
                      "approved' under Service = [[approval]], and the role change 'Add member to role' under Service = "
                      "[[role_change]], initiated by [[initiator]].", blanks,
                      "PIM logs its own activities under Service = PIM; approvals also appear under Access Reviews "
                      "('Request approved'); Core Directory logs the resulting role change, initiated by MS-PIM.",
                      [facts.SOURCES["security_operations"], facts.MS_PIM.source, facts.SOURCES["activity_names"]], 3)


# ======================================================================== access reviews
@template("review-no-response", "reviews", "reviews")
def _review_no_response(d: Draw) -> Generated:
    from pim_sim import AccessReview, NoResponse

    kept_yes, denied, silent_active, silent_idle, reviewer = d.people(5)
    role = d.rng.choice(ENTRA_ROLES)
    option = d.rng.choice(list(NoResponse))
    days = d.rng.choice([7, 14, 21])
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
                    f"'If reviewers don't respond' set to '{option.value}' (recommendations use 30 days of sign-ins). "
                    f"All four users are eligible.", statements,
                    "'If reviewers don't respond' applies only to users nobody reviewed: No change keeps them, Remove "
                    "access removes them, Approve access keeps them, Take recommendations keeps those who signed in "
                    "within 30 days and removes the others. Auto-apply applies results when the review ends.",
                    [facts.REVIEWS, facts.RECOMMENDATION_WINDOW_DAYS.source], 3)


@template("time-to-access", "approval", "approval")
def _time_to_access(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day()
    waits = [float(d.rng.randrange(5, 240, 5)) for _ in range(2)]
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.run(t0)
    first = sim.activate(user, role, duration="PT1H", justification="first try")
    sim.advance(waits[0])
    sim.deny(first.id, by=approver, justification="use a ticket")
    sim.advance(10)
    second = sim.activate(user, role, duration="PT1H", justification="ticket 88")
    sim.advance(waits[1])
    sim.approve(second.id, by=approver)
    sim.advance(2 * H)
    d.saw(sim, [*_records(sim, first.id), *_records(sim, second.id)])
    done = _records(sim, second.id, [facts_activity("ACTIVATION_COMPLETED")])[0]
    key = done.minute - t0
    return d.numeric(
        f"At {when(t0)} {user} requests {role} (approval by {approver} required). {approver} denies it "
        f"{waits[0]:g} minutes later; {user} submits a new request 10 minutes after the denial, which {approver} "
        f"approves {waits[1]:g} minutes after it was made. How many minutes after the first request does the "
        "activation begin?", key, "minutes",
        [(waits[1], "The clock started with the first request; the denial didn't reset it.",
          "only the last request's wait counts"),
         (waits[0] + waits[1], "The user waited 10 more minutes before resubmitting.", "a denied request is resubmitted "
          "automatically"),
         (waits[0], "A denied request ends; a new request is needed, and waits for its own approval.",
          "a denied request can be approved later")],
        f"The first request was denied (a denied request ends), the second was approved at {when(done.minute)}, when "
        "the activation began.", [APPROVAL_PAGE], 2)


# ======================================================================== public API
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
