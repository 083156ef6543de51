"""Verify the bank: run every probe once and check each probe-verified key against it.

For each question that names a probe, the key is *derived* from the probe's observation (an
option whose value the simulation produced, the order in which records appeared, the number
of hours the engine waited) and compared with the key the question declares. Every option is
then judged on its own (:class:`Verdict`): the key must hold in the run and each distractor
must be shown false by it, each with the observation that shows it; a question agrees only
when all its verdicts do. Document-cited questions are counted and labelled (``doc-cited``),
not run, and never counted as simulation-verified. Whether a probe's observation is a real run
(not a constant or the answer's own words) is :mod:`quizzes.lint`'s job.
:func:`print_report` ends with exactly ``questions=<n> probe_verified=<m> disagreements=<k>``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from quizzes.errors import QuizError

from .bank import Bank, load_bank
from .probes import ProbeResult, run_probe
from .schema import (
    DropdownQuestion,
    MultipleQuestion,
    NumericQuestion,
    OrderingQuestion,
    ProbeCheck,
    Question,
    SingleQuestion,
    YesNoQuestion,
)


class Disagreement(QuizError):
    """The probe's records don't support the declared key (or can't decide it)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """One option (statement, blank choice, item, wrong value) judged against the run."""

    part: str  # the option id, "statement id", "blank=choice", "item id" or "value"
    text: str
    is_key: bool  # the bank says this part is (part of) the right answer
    holds: bool  # the run shows it true
    shown_by: str  # "observation = value" that decides it

    @property
    def agrees(self) -> bool:
        return self.is_key == self.holds


@dataclass(frozen=True, slots=True)
class Check:
    """One question's verification. ``agrees`` is None for document-cited questions."""

    question_id: str
    probe: str | None
    agrees: bool | None
    declared: Any
    derived: Any
    detail: str = ""
    verdicts: tuple[Verdict, ...] = ()

    @property
    def distractors_refuted(self) -> int:
        return sum(1 for v in self.verdicts if not v.is_key and not v.holds)

    @property
    def kind(self) -> str:
        return "doc-cited" if self.probe is None else "probe"


@dataclass(frozen=True, slots=True, eq=False)
class Report:
    checks: tuple[Check, ...]
    results: Mapping[str, ProbeResult]

    @property
    def questions(self) -> int:
        return len(self.checks)

    @property
    def probe_verified(self) -> int:
        return sum(c.probe is not None for c in self.checks)

    @property
    def disagreements(self) -> int:
        return sum(c.agrees is False for c in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.agrees is False)

    def counts(self) -> dict[str, int]:
        return {"questions": self.questions, "probe_verified": self.probe_verified,
                "disagreements": self.disagreements}

    def summary_line(self) -> str:
        return f"questions={self.questions} probe_verified={self.probe_verified} disagreements={self.disagreements}"


# --- deriving a key from an observation --------------------------------------------------------
def same(a: Any, b: Any) -> bool:
    """Equal as the bank means it: numbers by value, text ignoring case and outer spaces."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 1e-9
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().casefold() == b.strip().casefold()
    return a == b


def _collection(obs: Any, what: str) -> list:
    if isinstance(obs, str) or not isinstance(obs, Iterable):
        raise Disagreement(f"{what} needs a list observation, got {obs!r}")
    return list(obs)


def derive_key(q: Question, result: ProbeResult) -> Any:
    """The key the probe's observation implies, in the question's own key form."""
    check = q.verify
    assert isinstance(check, ProbeCheck)

    def observed(name: str) -> Any:
        try:
            return result.observed(name)
        except KeyError as e:
            raise Disagreement(str(e.args[0])) from None

    if isinstance(q, SingleQuestion):
        obs = observed(check.observe)
        hits = [o.id for o in q.options if same(o.token, obs)]
        if len(hits) != 1:
            raise Disagreement(f"observation {obs!r} matches {len(hits)} options, not exactly one")
        return hits[0]
    if isinstance(q, MultipleQuestion):
        obs = _collection(observed(check.observe), "a multiple-answer question")
        return tuple(o.id for o in q.options if any(same(o.token, x) for x in obs))
    if isinstance(q, YesNoQuestion):
        out = []
        for s in q.statements:
            if s.observe:
                out.append(same(observed(s.observe), s.expected))
            else:
                out.append(any(same(s.token, x) for x in _collection(observed(check.observe), "a statement")))
        return tuple(out)
    if isinstance(q, OrderingQuestion):
        obs = _collection(observed(check.observe), "an ordering question")
        position = {}
        for item in q.items:
            found = [i for i, x in enumerate(obs) if same(item.token, x)]
            if not found:
                raise Disagreement(f"item {item.id!r} ({item.token!r}) never appears in the observation {obs!r}")
            position[item.id] = found[0]
        return tuple(sorted(position, key=position.__getitem__))
    if isinstance(q, DropdownQuestion):
        whole = observed(check.observe) if check.observe else None
        chosen: dict[str, str] = {}
        for i, b in enumerate(q.blanks):
            obs = observed(b.observe) if b.observe else _part(whole, i, b.id)
            hits = [c.id for c in b.choices if same(c.token, obs)]
            if len(hits) != 1:
                raise Disagreement(f"blank {b.id!r}: observation {obs!r} matches {len(hits)} choices")
            chosen[b.id] = hits[0]
        return chosen
    if isinstance(q, NumericQuestion):
        obs = observed(check.observe)
        if isinstance(obs, bool) or not isinstance(obs, int | float):
            raise Disagreement(f"a numeric question needs a number, got {obs!r}")
        return float(obs)
    raise TypeError(f"unknown question type {type(q).__name__}")


def _part(whole: Any, index: int, blank: str) -> Any:
    """A blank's share of a whole-question observation: by blank id, or by position in a list."""
    if isinstance(whole, Mapping):
        return whole.get(blank)
    if isinstance(whole, list | tuple) and index < len(whole):
        return whole[index]
    raise Disagreement(f"blank {blank!r}: the observation {whole!r} has no part for it")


def verdicts(q: Question, result: ProbeResult) -> tuple[Verdict, ...]:
    """Each option judged on its own against the observation that decides it."""
    check = q.verify
    assert isinstance(check, ProbeCheck)

    def obs(name: str) -> Any:
        try:
            return result.observed(name)
        except KeyError as e:
            raise Disagreement(str(e.args[0])) from None

    out: list[Verdict] = []
    if isinstance(q, SingleQuestion | MultipleQuestion):
        o = obs(check.observe)
        keys = {q.key} if isinstance(q, SingleQuestion) else set(q.key)
        for opt in q.options:
            holds = same(opt.token, o) if isinstance(q, SingleQuestion) else \
                any(same(opt.token, x) for x in _collection(o, "a multiple-answer question"))
            out.append(Verdict(opt.id, opt.text, opt.id in keys, holds, f"{check.observe} = {o!r}"))
    elif isinstance(q, YesNoQuestion):
        for st in q.statements:
            if st.observe:
                o = obs(st.observe)
                holds, shown = same(o, st.expected), f"{st.observe} = {o!r}"
            else:
                o = _collection(obs(check.observe), "a statement")
                holds, shown = any(same(st.token, x) for x in o), f"{check.observe} = {o!r}"
            out.append(Verdict(st.id, st.text, st.key, holds, shown))
    elif isinstance(q, DropdownQuestion):
        whole = obs(check.observe) if check.observe else None
        for i, b in enumerate(q.blanks):
            o = obs(b.observe) if b.observe else _part(whole, i, b.id)
            name = b.observe or check.observe
            for c in b.choices:
                out.append(Verdict(f"{b.id}={c.id}", c.text, c.id == b.key, same(c.token, o), f"{name} = {o!r}"))
    elif isinstance(q, OrderingQuestion):
        o = _collection(obs(check.observe), "an ordering question")
        derived = derive_key(q, result)
        for n, item in enumerate(q.key):
            text = next(i.text for i in q.items if i.id == item)
            out.append(Verdict(item, text, True, derived[n] == item if n < len(derived) else False,
                               f"{check.observe} = {o!r}"))
    elif isinstance(q, NumericQuestion):
        o = obs(check.observe)
        value = float(o) if isinstance(o, int | float) and not isinstance(o, bool) else float("nan")
        out.append(Verdict("key", f"{q.key:g} {q.unit}", True, q.accepts(value), f"{check.observe} = {o!r}"))
        for w in q.wrong_values:
            out.append(Verdict(f"{w.value:g}", f"{w.value:g} {q.unit}", False,
                               abs(value - w.value) <= max(q.tolerance, 1e-9), f"{check.observe} = {o!r}"))
    return tuple(out)


def _agrees(q: Question, derived: Any) -> bool:
    if isinstance(q, MultipleQuestion):
        return set(derived) == set(q.key)
    if isinstance(q, NumericQuestion):
        return q.accepts(derived)
    return derived == q.key


def check_question(q: Question, result: ProbeResult | Exception | None) -> Check:
    """Compare a question's declared key with the key its probe implies."""
    if not isinstance(q.verify, ProbeCheck):
        return Check(q.id, None, None, q.key, None, f"doc-cited: {q.verify.document}")
    name = q.verify.probe
    if isinstance(result, Exception):
        return Check(q.id, name, False, q.key, None, f"probe failed: {type(result).__name__}: {result}")
    if result is None:
        return Check(q.id, name, False, q.key, None, "probe failed: it did not run")
    try:
        derived = derive_key(q, result)
        judged = verdicts(q, result)
    except Disagreement as e:
        return Check(q.id, name, False, q.key, None, str(e))
    wrong = [v for v in judged if not v.agrees]
    ok = _agrees(q, derived) and not wrong
    detail = "" if ok else (f"the simulation implies {derived!r}, the bank says {q.key!r}"
                            + "".join(f"; {v.part} ({v.text!r}) {'holds' if v.holds else 'fails'} in the run: "
                                      f"{v.shown_by}" for v in wrong[:3]))
    return Check(q.id, name, ok, q.key, derived, detail, judged)


def run_probes(names: Iterable[str]) -> dict[str, ProbeResult | Exception]:
    """Run each named probe once (questions sharing a probe share its result)."""
    out: dict[str, ProbeResult | Exception] = {}
    for name in dict.fromkeys(names):
        try:
            out[name] = run_probe(name)
        except Exception as e:  # a broken probe is a disagreement, reported with its error
            out[name] = e
    return out


def verify_bank(bank: Bank | None = None) -> Report:
    """Run every probe the bank names, once, and check every question."""
    bank = bank or load_bank()
    names = [q.verify.probe for q in bank if isinstance(q.verify, ProbeCheck)]
    results = run_probes(names)
    checks = tuple(check_question(q, results[q.verify.probe] if isinstance(q.verify, ProbeCheck) else None)
                   for q in bank)
    return Report(checks, {n: r for n, r in results.items() if isinstance(r, ProbeResult)})


def evidence(question: Question) -> ProbeResult | None:
    """What happened in the simulated tenant that decides this question (None if document-cited)."""
    if not isinstance(question.verify, ProbeCheck):
        return None
    return run_probe(question.verify.probe)


def print_report(report: Report, out: TextIO | None = None, *, verbose: bool = False) -> None:
    """Print disagreements (and with ``verbose`` every check); the last line is the summary."""
    out = out or sys.stdout
    for c in report.checks:
        if c.agrees is False or verbose:
            state = {True: "ok", False: "DISAGREES", None: "doc-cited"}[c.agrees]
            probe = f" [{c.probe}]" if c.probe else ""
            print(f"{state:9} {c.question_id}{probe} {c.detail}".rstrip(), file=out)
    print(report.summary_line(), file=out)


def main() -> int:
    report = verify_bank()
    print_report(report)
    return 1 if report.disagreements else 0


if __name__ == "__main__":
    raise SystemExit(main())
