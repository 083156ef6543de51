"""Lint the bank: is every verified key proven by a run, and does any item give its answer away?

**Probe classes.** Every observation a bank item reads is classified statically (with
:mod:`ast`, from the probe's source) as

``run``        the value comes from what the simulated engine did (a refusal, a record, a state);
``constant``   the value is a :mod:`pim_sim.facts` constant, or computed from facts and literals
               only, with no call into the simulation;
``tautology``  the value is read from a record the probe looked up by a literal string that the
               item's key contains (the answer's own words), or it reads back the ``action`` of a
               request the probe itself made.

An item counts as **run-verified** when every observation it reads is ``run``; ``doc-cited``
items cite a Learn page and are never counted as simulation-verified.

**Giveaway figures** (on the bank and on generated variants):

- ``key_longest``: share of single-answer items (3 or more options) whose key is strictly the
  longest option, against chance (the mean of 1/options); at most chance + 10 points.
- ``yes_share``: share of Yes/No keys (goal-and-solution items, hotspot statements, Yes/No
  options) that are Yes; between 40 % and 60 %.
- ``none_or_all_of_these``: options such as "None of these" or "All of the above"; none.
- ``absolute_words``: share of distractors and of keys with always/never/every/all/only;
  distractors at most 2 points above keys.
- ``two_option_items``: single-answer items with two options outside a Yes/No series; none.
- ``served_position``: the largest gap between the share of keys at a position and 1/options,
  over items served in the order a learner sees them (:func:`quizzes.session.display_order`,
  400 sessions); at most 5 points.

:func:`main` prints every figure and exits 1 when any is out of bounds or an item claimed
verified reads a constant or tautological observation.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TextIO, cast

from .schema import DropdownQuestion, MultipleQuestion, ProbeCheck, SingleQuestion, YesNoQuestion

RUN, CONSTANT, TAUTOLOGY = "run", "constant", "tautology"
PURE = {"str", "int", "float", "bool", "len", "sorted", "set", "list", "tuple", "dict", "min", "max", "sum", "round",
        "any", "all", "abs", "frozenset", "enumerate", "zip", "range", "reversed", "next", "iter", "isinstance"}
LOOKUPS = {"first"}  # helpers that find a record by a fragment of its activity
ABSOLUTE = re.compile(r"\b(always|never|every|everyone|everything|all|only)\b", re.IGNORECASE)
NONE_ALL = re.compile(r"\b(none|all) of (these|the above|them)\b", re.IGNORECASE)
SESSIONS = 400


# ------------------------------------------------------------------ static probe analysis
@dataclass(frozen=True, slots=True)
class ObservationSource:
    """What an observation's value is computed from."""

    calls_engine: bool  # some call into the simulation (a method, a probe helper)
    reads_facts: bool  # a pim_sim.facts constant
    lookups: tuple[str, ...]  # literal fragments a record was found by
    readback: bool  # the .action of a request the probe made


def _function_tree(fn) -> ast.FunctionDef:
    return cast(ast.FunctionDef, ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0])


def _assignments(func: ast.FunctionDef) -> dict[str, list[ast.AST]]:
    """Every expression a local name is bound to (assignments, loop targets, walrus, appends),
    plus the conditions it was bound under (an ``if`` test, a ``try`` body that may raise): a
    value appended only when PIM accepted a call depends on that call."""
    out: dict[str, list[ast.AST]] = {}

    def bind(target: ast.AST, values: list[ast.AST]) -> None:
        if isinstance(target, ast.Name):
            out.setdefault(target.id, []).extend(values)
        elif isinstance(target, ast.Tuple | ast.List):
            for t in target.elts:
                bind(t, values)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            out.setdefault(target.value.id, []).extend(values)

    def expr_binds(node: ast.AST, guards: list[ast.AST]) -> None:
        for n in ast.walk(node):
            if isinstance(n, ast.NamedExpr):
                bind(n.target, [n.value, *guards])
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name) \
                    and n.func.attr in ("append", "extend", "add", "update", "setdefault", "insert"):
                out.setdefault(n.func.value.id, []).extend([*n.args, *guards])

    def walk(stmts: list[ast.stmt], guards: list[ast.AST]) -> None:
        for st in stmts:
            if isinstance(st, ast.Assign):
                for t in st.targets:
                    bind(t, [st.value, *guards])
                expr_binds(st.value, guards)
            elif isinstance(st, ast.AnnAssign | ast.AugAssign) and st.value is not None:
                bind(st.target, [st.value, *guards])
            elif isinstance(st, ast.For):
                bind(st.target, [st.iter, *guards])
                walk(st.body, guards)
                walk(st.orelse, guards)
            elif isinstance(st, ast.While | ast.If):
                walk(st.body, [*guards, st.test])
                walk(st.orelse, [*guards, st.test])
            elif isinstance(st, ast.Try):
                body = ast.Module(body=st.body, type_ignores=[])
                walk(st.body, [*guards, body])
                for h in st.handlers:
                    walk(h.body, [*guards, body])
                walk(st.orelse, [*guards, body])
                walk(st.finalbody, guards)
            elif isinstance(st, ast.With):
                walk(st.body, guards)
            elif isinstance(st, ast.Expr):
                expr_binds(st.value, guards)
            elif isinstance(st, ast.FunctionDef):
                walk(st.body, guards)

    walk(func.body, [])
    return out


def _returned_dict(func: ast.FunctionDef, binds: dict[str, list[ast.AST]]) -> dict[str, ast.AST]:
    out: dict[str, ast.AST] = {}

    def take(d: ast.Dict, guards: tuple[ast.expr, ...] = ()) -> None:
        for k, v in zip(d.keys, d.values, strict=True):
            if k is None and isinstance(v, ast.Name):
                bound = binds.get(v.id, [])
                conditions = tuple(b for b in bound if isinstance(b, ast.expr) and not isinstance(b, ast.Dict))
                for b in bound:
                    if isinstance(b, ast.Dict):
                        take(b, guards + conditions)
            elif isinstance(k, ast.Constant) and isinstance(k.value, str):
                out[k.value] = ast.Tuple(elts=[v, *guards], ctx=ast.Load()) if guards else v

    for node in ast.walk(func):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict):
            take(node.value)
    return out


def _source(expr: ast.AST, binds: dict[str, list[ast.AST]], facts_names: set[str]) -> ObservationSource:
    calls = facts_used = readback = False
    lookups: list[str] = []
    seen: set[str] = set()

    def visit(node: ast.AST) -> None:
        nonlocal calls, facts_used, readback
        compared = {id(a) for c in ast.walk(node) if isinstance(c, ast.Compare)
                    for a in ast.walk(c) if isinstance(a, ast.Attribute)}  # a filter, not the value observed
        for n in ast.walk(node):
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "facts":
                facts_used = True
            if isinstance(n, ast.Attribute) and n.attr == "action" and id(n) not in compared:
                readback = True  # a request's action is the call the probe made, read back
            if isinstance(n, ast.Call):
                f = n.func
                name = f.id if isinstance(f, ast.Name) else None
                if name in LOOKUPS:
                    lookups.extend(a.value for a in n.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
                if name in facts_names:
                    facts_used = True
                elif isinstance(f, ast.Attribute) or (name is not None and name not in PURE):
                    calls = True
            if isinstance(n, ast.Compare) and any(isinstance(op, ast.In | ast.Eq) for op in n.ops):
                sides = [n.left, *n.comparators]
                if any(isinstance(s, ast.Attribute) and s.attr == "activity" for s in sides):
                    lookups.extend(s.value for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str))
            if isinstance(n, ast.Name) and n.id in facts_names:
                facts_used = True
            if isinstance(n, ast.Name) and n.id in binds and n.id not in seen:
                seen.add(n.id)
                for v in binds[n.id]:
                    visit(v)

    visit(expr)
    return ObservationSource(calls, facts_used, tuple(dict.fromkeys(lookups)), readback)


@cache
def probe_sources(name: str) -> dict[str, ObservationSource]:
    """Every observation of a probe and what it is computed from."""
    from . import probes

    fn = probes.PROBES[name].fn
    module = inspect.getmodule(fn)
    facts_names = {k for k, v in vars(module).items() if getattr(v, "__module__", "") == "pim_sim.facts"
                   and not inspect.ismodule(v) and k != "facts"}
    func = _function_tree(fn)
    binds = _assignments(func)
    return {k: _source(v, binds, facts_names) for k, v in _returned_dict(func, binds).items()}


def classify(source: ObservationSource, key_tokens: Iterable[Any]) -> tuple[str, str]:
    """(class, why) of an observation for an item whose key reads ``key_tokens``."""
    if source.readback:
        return TAUTOLOGY, "reads back the action of the request the probe itself made"
    keys = [str(t).casefold() for t in key_tokens if isinstance(t, str)]
    for lit in source.lookups:
        if any(lit.casefold() in k for k in keys):
            return TAUTOLOGY, f"finds its record by {lit!r}, words of the key"
    if not source.calls_engine:
        return CONSTANT, "reads pim_sim.facts" if source.reads_facts else "computed from literals only"
    return RUN, ""


# ------------------------------------------------------------------ per item
def observations_of(q) -> list[tuple[str, list[Any]]]:
    """(observation, the key tokens that observation decides) for every observation an item reads."""
    check = q.verify
    out: list[tuple[str, list[Any]]] = []
    if isinstance(q, YesNoQuestion):
        for s in q.statements:
            out.append((s.observe or check.observe, [s.token] if s.key else []))
    elif isinstance(q, DropdownQuestion):
        for b in q.blanks:
            key = [c.token for c in b.choices if c.id == b.key]
            out.append((b.observe or check.observe, key))
    elif isinstance(q, SingleQuestion):
        out.append((check.observe, [o.token for o in q.options if o.id == q.key]))
    elif isinstance(q, MultipleQuestion):
        out.append((check.observe, [o.token for o in q.options if o.id in q.key]))
    else:
        tokens = [i.token for i in getattr(q, "items", ())]
        out.append((check.observe, tokens))
    merged: dict[str, list[Any]] = {}
    for name, toks in out:
        merged.setdefault(name, []).extend(toks)
    return list(merged.items())


@dataclass(frozen=True, slots=True)
class ItemClass:
    question_id: str
    kind: str  # run | constant | tautology | doc-cited
    probe: str = ""
    why: tuple[str, ...] = ()


def classify_item(q) -> ItemClass:
    if not isinstance(q.verify, ProbeCheck):
        return ItemClass(q.id, "doc-cited")
    sources = probe_sources(q.verify.probe)
    worst, why = RUN, []
    for obs, tokens in observations_of(q):
        src = sources.get(obs)
        if src is None:
            kind, reason = CONSTANT, "the probe returns no such observation as a literal key"
        else:
            kind, reason = classify(src, tokens)
        if kind != RUN:
            why.append(f"{obs}: {reason}")
            if worst != TAUTOLOGY:
                worst = kind
    return ItemClass(q.id, worst, q.verify.probe, tuple(why))


# ------------------------------------------------------------------ giveaways
@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    value: float
    bound: str
    ok: bool
    detail: str = ""


def _texts_single(q) -> list[tuple[str, bool]]:
    return [(o.text, o.id == q.key) for o in q.options]


def _yes_no_option(q) -> bool:
    return isinstance(q, SingleQuestion) and sorted(str(o.value).lower() for o in q.options) == ["false", "true"] \
        and len(q.options) == 2


def display_order(parts: Sequence, question_id: str, prefix: str) -> list:
    from .session import display_order as order

    return order(parts, question_id, prefix)


def giveaways(questions: Sequence) -> list[Figure]:
    singles = [q for q in questions if isinstance(q, SingleQuestion) and len(q.options) >= 3]
    longest = [q for q in singles
               if all(len(q.options[[o.id for o in q.options].index(q.key)].text) > len(o.text)
                      for o in q.options if o.id != q.key)]
    share = len(longest) / len(singles) if singles else 0.0
    chance = sum(1 / len(q.options) for q in singles) / len(singles) if singles else 0.0
    figs = [Figure("key_longest", share, f"<= chance {chance:.1%} + 10 points", share <= chance + 0.10,
                   f"{len(longest)} of {len(singles)} single-answer items with 3+ options")]

    yes = no = 0
    for q in questions:
        if _yes_no_option(q):
            k = next(o for o in q.options if o.id == q.key)
            yes += str(k.value).lower() == "true"
            no += str(k.value).lower() != "true"
        elif isinstance(q, YesNoQuestion):
            yes += sum(s.key for s in q.statements)
            no += sum(not s.key for s in q.statements)
    ys = yes / (yes + no) if yes + no else 0.5
    figs.append(Figure("yes_share", ys, "40% to 60%", 0.40 <= ys <= 0.60, f"{yes} Yes of {yes + no} Yes/No keys"))

    texts: list[tuple[str, bool]] = []
    for q in questions:
        if isinstance(q, SingleQuestion) and not _yes_no_option(q):
            texts += _texts_single(q)
        elif isinstance(q, MultipleQuestion):
            texts += [(o.text, o.id in q.key) for o in q.options]
        elif isinstance(q, DropdownQuestion):
            texts += [(c.text, c.id == b.key) for b in q.blanks for c in b.choices]
        elif isinstance(q, YesNoQuestion):
            texts += [(s.text, s.key) for s in q.statements]
    none_all = [t for t, _ in texts if NONE_ALL.search(t)]
    figs.append(Figure("none_or_all_of_these", len(none_all), "0", not none_all, "; ".join(none_all[:3])))
    keys = [t for t, k in texts if k]
    wrong = [t for t, k in texts if not k]
    ak = sum(bool(ABSOLUTE.search(t)) for t in keys) / len(keys) if keys else 0.0
    aw = sum(bool(ABSOLUTE.search(t)) for t in wrong) / len(wrong) if wrong else 0.0
    figs.append(Figure("absolute_words", aw - ak, "distractors <= keys + 2 points", aw <= ak + 0.02,
                       f"distractors {aw:.1%}, keys {ak:.1%}"))

    two = [q.id for q in questions if isinstance(q, SingleQuestion) and len(q.options) == 2
           and q.form != "goal_solution"]
    figs.append(Figure("two_option_items", len(two), "0 outside Yes/No series", not two, ", ".join(two[:5])))

    positions: dict[int, Counter] = {}
    for q in questions:
        if isinstance(q, SingleQuestion) and q.form != "goal_solution":
            for s in range(SESSIONS):
                order = [o.id for o in display_order(q.options, q.id, f"s{s}")]
                positions.setdefault(len(order), Counter())[order.index(q.key)] += 1
    gap, worst = 0.0, ""
    for n, c in positions.items():
        total = sum(c.values())
        for p in range(n):
            g = abs(c[p] / total - 1 / n)
            if g > gap:
                gap, worst = g, f"{n} options, position {p + 1}: {c[p] / total:.1%}"
    figs.append(Figure("served_position", gap, "<= 5 points from uniform", gap <= 0.05, worst))
    return figs


# ------------------------------------------------------------------ the report
@dataclass(frozen=True, slots=True)
class LintReport:
    items: tuple[ItemClass, ...]
    bank_figures: tuple[Figure, ...]
    variant_figures: tuple[Figure, ...] = ()
    variant_errors: tuple[str, ...] = ()
    forms: dict = field(default_factory=dict)

    def count(self, kind: str) -> int:
        return sum(i.kind == kind for i in self.items)

    @property
    def bad_probes(self) -> tuple[ItemClass, ...]:
        return tuple(i for i in self.items if i.kind in (CONSTANT, TAUTOLOGY))

    @property
    def ok(self) -> bool:
        return (not self.bad_probes and all(f.ok for f in self.bank_figures)
                and all(f.ok for f in self.variant_figures) and not self.variant_errors)


def variants(count: int = 1000, seed: int = 0) -> tuple[list, list[str]]:
    """``count`` generated variants (their questions), and the errors of any that failed to build."""
    from .generate import TEMPLATES, generate

    names = sorted(TEMPLATES)
    out, errors = [], []
    for n in range(count):
        name = names[n % len(names)]
        try:
            out.append(generate(name, seed + n // len(names)).question)
        except Exception as e:
            errors.append(f"{name} seed {seed + n // len(names)}: {type(e).__name__}: {e}")
    return out, errors


def lint(bank=None, *, variant_count: int = 1000) -> LintReport:
    from .bank import load_bank

    bank = bank or load_bank()
    items = tuple(classify_item(q) for q in bank)
    made, errors = variants(variant_count) if variant_count else ([], [])
    forms = Counter(q.form for q in bank)
    return LintReport(items, tuple(giveaways(bank.questions)), tuple(giveaways(made)) if made else (),
                      tuple(errors), dict(forms))


def print_report(report: LintReport, out: TextIO | None = None, *, verbose: bool = False) -> None:
    out = out or sys.stdout
    n = len(report.items)
    print(f"items={n} run={report.count(RUN)} constant={report.count(CONSTANT)} tautology={report.count(TAUTOLOGY)} "
          f"doc_cited={report.count('doc-cited')}", file=out)
    exam = sum(v for k, v in report.forms.items() if k in ("case_study", "goal_solution", "hotspot", "sequence",
                                                             "multi_part"))
    print("forms: " + " ".join(f"{k}={v}" for k, v in sorted(report.forms.items())) + f" exam_forms={exam}", file=out)
    for i in report.items:
        if i.kind in (CONSTANT, TAUTOLOGY) or verbose:
            print(f"  {i.kind:9} {i.question_id} [{i.probe}] {'; '.join(i.why)}".rstrip(), file=out)
    for label, figs in (("bank", report.bank_figures), ("variants", report.variant_figures)):
        for f in figs:
            value = f"{f.value:.1%}" if isinstance(f.value, float) and f.name not in ("none_or_all_of_these",
                                                                                      "two_option_items") else f"{f.value:g}"
            print(f"{label:8} {f.name:22} {value:>7}  {'ok ' if f.ok else 'OUT'}  bound {f.bound}; {f.detail}".rstrip(),
                  file=out)
    for e in report.variant_errors[:10]:
        print(f"variant error: {e}", file=out)
    if len(report.variant_errors) > 10:
        print(f"... and {len(report.variant_errors) - 10} more variant errors", file=out)
    print(f"lint={'ok' if report.ok else 'FAILED'}", file=out)


def main(argv: Sequence[str] | None = None) -> int:
    report = lint()
    print_report(report, verbose="-v" in (argv or sys.argv[1:]))
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
