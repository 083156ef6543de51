"""What the quiz pages share: the bank, the learner's profile, the progress store, drawing a
question of any type as widgets, and the feedback a learner reads after answering.

The store is opened for each use (a SQLite connection belongs to the thread that made it, and
Streamlit may run a session's reruns on different threads); where it lives comes from
``PIM_SIM_PROGRESS`` (a file path or a ``postgresql://`` URL), else ``~/.pim-sim``.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import sqlite3
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from quizzes import BankError, load_bank
from quizzes.export import key_in_words, response_in_words
from quizzes.progress import ENV_VAR, AccessDenied, Actor, Answer, ExerciseGrade, ProgressError, check_learner, open_store
from quizzes.schema import BLANK
from quizzes.session import DEFAULT_OUTLINE, Feedback, Item, PracticeSession, display_order, items, select
from ui import access, state
from ui.escape import markdown
from ui.page_state import PageModel

LEARNER = "quiz_learner"


@st.cache_resource(show_spinner="Loading the question bank…")
def _load_bank():
    return load_bank()


def bank():
    """The validated bank (read once per server); if it doesn't validate, the page says why and stops."""
    try:
        return _load_bank()
    except BankError as e:
        st.error(f"The question bank doesn't load:\n\n```\n{e}\n```")
        st.stop()


def actor() -> Actor:
    """Who this session is, as the progress store checks it (the store refuses a learner's session
    another learner's data or the class's list, :class:`quizzes.progress.AccessDenied`)."""
    person = access.who()
    if person is None:
        raise AccessDenied("nobody is signed in")
    if person.how == "personal":
        return Actor.personal()
    return Actor.instructor(person.name) if person.instructor else Actor.learner(person.name)


class StorePerCall:
    """The progress store as a session sees it: each answer is written through a connection
    opened for that write, so it is committed before the page draws the feedback."""

    def __init__(self, location: str | None = None):
        self.location = location

    def record(self, answer: Answer) -> Answer:
        with open_store(self.location) as store:
            return store.record(answer, actor=actor())


def _store_errors() -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (ProgressError, OSError, sqlite3.Error)
    try:
        import psycopg
    except ImportError:
        return errors
    return (*errors, psycopg.Error)


def learners() -> list[str]:
    """The profiles in the store; if the store can't be opened, the page says where and why and stops.
    In Classroom mode only an instructor's session may list them (the store refuses the others)."""
    who = actor()
    try:
        with open_store(readonly=True) as store:
            return store.learners(actor=who)
    except _store_errors() as e:
        _store_failed(e)


def _store_failed(e: BaseException):
    st.error(f"The progress store can't be opened ({ENV_VAR} = {os.environ.get(ENV_VAR) or 'not set'}): {e}")
    st.stop()


def _read(what: str, learner: str) -> list:
    who = actor()
    try:
        with open_store(readonly=True) as store:
            return getattr(store, what)(learner, actor=who)
    except _store_errors() as e:
        _store_failed(e)


def history(learner: str) -> list[Answer]:
    """A learner's answers, read without taking a write lock; a store that can't be read stops the page with why.
    In Classroom mode a learner's session reads only its own (the store refuses the others)."""
    return _read("answers", learner)


def exercise_history(learner: str) -> list[ExerciseGrade]:
    """A learner's fix-the-tenant grades, read like :func:`history` (and refused like it)."""
    return _read("exercise_grades", learner)


def record_exercise(grade: ExerciseGrade) -> ExerciseGrade:
    """Keep a graded fix, committed before this returns (a connection opened for this write)."""
    with open_store() as store:
        return store.record_exercise(grade, actor=actor())


def _create_profile() -> None:
    """Create the profile typed in the sidebar and switch to it (runs before the next draw)."""
    try:
        name = check_learner(st.session_state.get("quiz_new_profile", "").strip())
        with open_store() as store:
            store.add_learner(name, actor=actor())
    except ProgressError as e:
        st.session_state["quiz_profile_error"] = markdown(e)  # it quotes the name typed
    else:
        st.session_state[LEARNER] = name
        PageModel("learner", "learner", {"profile": name}).set("profile", name)
        st.session_state["quiz_new_profile"] = ""


def learner_picker(where=st.sidebar) -> str | None:
    """Pick a profile or create one; the choice is kept for every quiz page of this session (one
    model, so a visit to another page never moves it to another profile)."""
    signed_in = access.learner_name()
    if signed_in is not None:  # Classroom mode: the signed-in learner, nobody else's profile
        st.session_state[LEARNER] = signed_in
        return signed_in
    where.markdown("**Learner profile**")
    current = st.session_state.get(LEARNER)
    options = sorted(set(learners()) | ({current} if current else set()))
    if options:
        page = PageModel("learner", "learner", {"profile": current or options[0]})
        st.session_state[LEARNER] = page.widget(where.selectbox, "Profile", "profile", options=options)
    where.text_input("New profile name", key="quiz_new_profile", max_chars=64)
    where.button("Create profile", key="quiz_create_profile", on_click=_create_profile)
    if "quiz_profile_error" in st.session_state:
        where.error(st.session_state.pop("quiz_profile_error"))
    return st.session_state.get(LEARNER)


def outline_picker(key: str, where=st) -> str:
    outlines = bank().outlines
    names = sorted(outlines)
    default = names.index(DEFAULT_OUTLINE) if DEFAULT_OUTLINE in names else 0
    return where.selectbox("Exam outline", names, index=default, key=key, format_func=lambda o: outlines[o].title)


def objective_labels(outline_id: str) -> dict[str, str]:
    """Outline tag -> "1.1.1 Implement and configure PIM" for every bullet of the outline."""
    o = bank().outlines[outline_id]
    return {f"{o.id}:{b.id}": f"{b.id} {b.text}" for d in o.domains for s in d.sections for b in s.bullets}


def skill_labels(outline_id: str) -> dict[str, str]:
    """Outline tag -> words, for every outline: the chosen one's bullets as in :func:`objective_labels`,
    another outline's prefixed with its id ("SC-300 4.3.2 ..."), so a skill practised under another
    outline is still named, not shown as a bare tag."""
    every = {f"{o.id}:{b.id}": f"{o.id} {b.id} {b.text}" for o in bank().outlines.values()
             for d in o.domains for s in d.sections for b in s.bullets}
    return every | objective_labels(outline_id)


@st.cache_resource(max_entries=64, show_spinner="Generating question variants…")
def generated(seed: int, count: int, topics: tuple[str, ...] | None) -> tuple:
    """``count`` generated variants (each runs a small simulation, so they are made once per server)."""
    from quizzes.generate import TEMPLATES, generate_set

    if topics is not None and not any(t.topic in topics for t in TEMPLATES.values()):
        return ()
    return tuple(generate_set(seed, count, topics=topics))


def domain_labels(outline_id: str) -> dict[str, str]:
    """Domain tag -> "1 Manage identity, access, and governance"."""
    o = bank().outlines[outline_id]
    return {f"{o.id}:{d.id}": f"{d.id} {d.name}" for d in o.domains}


def pool(outline_id: str, *, topics=None, objectives=None, generated_count: int = 0, seed: int = 0,
         strict: bool = False) -> list[Item]:
    """Bank questions on the topics and objectives, plus fresh generated variants on them."""
    outline = bank().outlines[outline_id]
    chosen = select(items(bank().questions, outline, strict=strict), topics=topics, objectives=objectives)
    if generated_count:
        made = generated(seed, generated_count, tuple(topics) if topics else None)
        chosen += select(items(made, outline, strict=strict), objectives=objectives)
    return chosen


def fresh_seed() -> int:
    """A seed nobody typed: a new set of questions, in a new order, for each start."""
    return secrets.randbelow(2**31)


def half_and_half(chosen: list[Item], count: int, seed: int) -> list[Item]:
    """``count`` items in a seeded order, generated variants and bank questions taking turns (one kind
    fills in when the other runs out): drawn from one shuffled pool, the few variants among a bank
    of a hundred and more questions would hardly ever be served."""
    rng = random.Random(seed)
    made, banked = [it for it in chosen if it.seed is not None], [it for it in chosen if it.seed is None]
    rng.shuffle(made)
    rng.shuffle(banked)
    turns = [it for pair in zip(made, banked, strict=False) for it in pair]
    taken = (turns + made[len(banked):] + banked[len(made):])[:count]
    rng.shuffle(taken)
    return taken


# ------------------------------------------------------------------ a question as widgets
def _in_display_order(parts, q, prefix: str) -> list:
    """Options in an order of their own for this question and session (:func:`quizzes.session.display_order`,
    the order lint measures): the bank writes the right option first, and a learner must not learn the
    position instead of the fact. A goal-and-solution item keeps Yes then No, as the exam shows it."""
    if getattr(q, "form", "") == "goal_solution":
        return list(parts)
    return display_order(parts, q.id, prefix)


def case_text(q) -> str | None:
    """The case study an item belongs to, as the exam shows it beside the question (None if none)."""
    case = bank().cases.get(getattr(q, "case", "") or "")
    return None if case is None else case.text()


def ask(q, prefix: str, where=st):
    """Draw ``q`` as widgets keyed under ``prefix``; the response, or None until complete. An item of a
    case study is drawn beside the case's text."""
    text = case_text(q)
    if text is not None:
        case_col, where = where.columns([1, 1])
        case_col.markdown(text)
    t = q.type
    if t == "dropdown":
        where.markdown(BLANK.sub(lambda m: f"**[{m.group(1)}]**", q.stem))
    else:
        where.markdown(q.stem)
    if t == "single":
        labels = {o.id: o.text for o in _in_display_order(q.options, q, prefix)}
        return where.radio("Choose one answer", list(labels), index=None, format_func=labels.get, key=f"{prefix}_single")
    if t == "multiple":
        where.caption("Choose every right answer.")
        picked = [o.id for o in _in_display_order(q.options, q, prefix) if where.checkbox(o.text, key=f"{prefix}_opt_{o.id}")]
        return sorted(picked) or None
    if t == "yes_no":
        out = {}
        for s in q.statements:
            out[s.id] = where.radio(s.text, ["Yes", "No"], index=None, horizontal=True, key=f"{prefix}_yn_{s.id}")
        return None if None in out.values() else {k: v == "Yes" for k, v in out.items()}
    if t == "ordering":
        labels = {i.id: i.text for i in _in_display_order(q.items, q, prefix)}
        order = where.multiselect("Click the items in order, first to last", list(labels), format_func=labels.get,
                                  key=f"{prefix}_order")
        return order if len(order) == len(labels) else None
    if t == "dropdown":
        out = {}
        for b in q.blanks:
            labels = {c.id: c.text for c in _in_display_order(b.choices, q, f"{prefix}_{b.id}")}
            out[b.id] = where.selectbox(f"[{b.id}]", list(labels), index=None, format_func=labels.get,
                                        key=f"{prefix}_blank_{b.id}")
        return None if None in out.values() else out
    return where.number_input(f"Your answer (in {q.unit})", value=None, step=1.0, key=f"{prefix}_number")


def part_in_words(q, part: str) -> str:
    """A graded part (an option id, ``blank=choice``, a statement id) as the learner saw it."""
    if q.type in ("single", "multiple"):
        return next((o.text for o in q.options if o.id == part), part)
    if q.type == "yes_no":
        return next((s.text for s in q.statements if s.id == part), part)
    if q.type == "dropdown" and "=" in part:
        blank, choice = part.split("=", 1)
        b = next((b for b in q.blanks if b.id == blank), None)
        return f"[{blank}] " + next((c.text for c in b.choices if c.id == choice), choice) if b else part
    return part


def related_scenario(item: Item):
    """The scenario the item is about (:func:`quizzes.lab_links.lab_link`): its case's tenant, the shipped
    scenario its probe plays out, or for a generated variant its topic's scenario with the variant's seed."""
    from quizzes.generate import TEMPLATES
    from quizzes.lab_links import lab_link

    template = TEMPLATES.get(item.question.id.removeprefix("gen-").rpartition("-")[0]) if item.seed is not None else None
    link = lab_link(item.question, cases=bank().cases, seed=item.seed, template_topic=template.topic if template else None)
    if link is not None and link.path is None and link.name not in state.shipped():
        return None
    return link


def open_in_lab(link) -> None:
    """Open the lab on the item's own scenario (a case's file as if uploaded) and seed."""
    from ui import lab_url

    lab_url.choose(link.name)
    if link.path is not None:
        st.session_state["model:lab"]["values"] |= {"origin": lab_url.UPLOAD, "upload_name": link.path.name,
                                                    "upload_text": link.text()}
    if link.seed is not None:
        st.session_state[lab_url.PENDING] = {"scenario": link.name, "seed": str(link.seed)}
    st.switch_page("ui/scenario_lab.py")


def verdict_lines(item: Item) -> list[str]:
    """What the run shows for each option (:attr:`quizzes.verify.Check.verdicts`): the observation that
    proves the key, and the one that refutes each distractor; empty for generated or document-cited items."""
    q = item.question
    if item.seed is not None or not q.probe_verified:
        return []
    from quizzes.verify import check_question, evidence

    try:
        check = check_question(q, evidence(q))
    except Exception:  # the timeline already says the probe failed
        return []
    lines = []
    for v in check.verdicts:
        shown = v.shown_by.replace("`", "'")  # shown as code: the observation and its value, verbatim
        if v.is_key:
            lines.append(f"- ✔ proves the answer **{markdown(v.text)}**: `{shown}`")
        else:
            lines.append(f"- ✘ refutes **{markdown(v.text)}**: `{shown}`")
    return lines


def audit_rows(item: Item) -> pd.DataFrame | None:
    """The audit rows that prove a bank question's key (its probe's records)."""
    q = item.question
    if item.seed is not None or not q.probe_verified:
        return None
    from quizzes.verify import evidence

    try:
        result = evidence(q)
    except Exception:  # the timeline already says the probe failed
        return None
    return None if result is None else result.evidence


def show_feedback(fb: Feedback, prefix: str, where=st) -> None:
    """Right or wrong, the key, the explanation, each misconception, sources and the evidence."""
    q = fb.item.question
    score = fb.grade.score
    if fb.grade.correct:
        where.success(f"**Right.** {key_in_words(q)}")
    elif score > 0:
        where.warning(f"**Partly right ({score:.0%}).** The answer: {key_in_words(q)}")
    else:
        where.error(f"**Not right.** The answer: {key_in_words(q)}")
    where.markdown(fb.explanation)
    for slip in fb.grade.slips:
        named = f" *Misconception: {slip.misconception}.*" if slip.misconception else ""
        where.markdown(f"- **{part_in_words(q, slip.part)}**: {slip.explanation}{named}")
    if fb.exam_note:
        where.info(f"Exam note: {fb.exam_note}")
    where.markdown("Sources: " + " · ".join(f"[{s.rsplit('/', 1)[-1] or s}]({s})" for s in fb.sources))
    if fb.evidence:
        with where.expander("The simulation's evidence", expanded=False):
            verdicts = verdict_lines(fb.item)
            if verdicts:  # a bank item: its story, then the observation behind each option
                where.markdown(fb.evidence[0] if fb.evidence else "")
                where.markdown("\n".join(verdicts))
            else:  # a generated variant: the records its key was read from
                where.markdown("\n".join(f"- {line}" for line in fb.evidence))
    link = related_scenario(fb.item)
    if link and where.button(f"Open this question's scenario ({link.label}) in the Scenario lab", key=f"{prefix}_lab"):
        open_in_lab(link)


# ------------------------------------------------------------------ a practice loop
def start_practice(key: str, chosen: list[Item], learner: str) -> None:
    st.session_state[key] = PracticeSession(list(chosen), learner, StorePerCall())
    st.session_state.pop(f"{key}_last", None)


def practice(key: str) -> None:
    """Run the practice session kept under ``key``: one question, then its feedback."""
    session: PracticeSession | None = st.session_state.get(key)
    if session is None:
        return
    last: Feedback | None = st.session_state.get(f"{key}_last")
    done = len(session.results)
    st.progress(min(1.0, done / max(1, len(session.items))), text=f"{done} of {len(session.items)} answered, "
                                                                   f"score {round(session.score, 2):g}")
    if last is not None:
        q = last.item.question
        if (text := case_text(q)) is not None:
            with st.expander("The case study", expanded=False):
                st.markdown(text)
        st.markdown(BLANK.sub(lambda m: f"**[{m.group(1)}]**", q.stem) if q.type == "dropdown" else q.stem)
        st.caption(f"Your answer: {response_summary(q, last.response)}")
        show_feedback(last, f"{key}_fb{done}")
        if not session.finished and st.button("Next question", key=f"{key}_next", type="primary"):
            st.session_state.pop(f"{key}_last")
            st.rerun()
        if not session.finished:
            return
    if session.finished:
        st.success(f"Done: {round(session.score, 2):g} of {len(session.items)} points.")
        return
    item = session.current()
    st.caption(f"Question {done + 1} · {item.objective.tag} · {item.question.type.replace('_', '/')}")
    response = ask(item.question, f"{key}_q{done}")
    if st.button("Check my answer", key=f"{key}_check", type="primary", disabled=response is None):
        st.session_state[f"{key}_last"] = session.answer(response)
        st.rerun()


def response_from_json(text: str):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def today_end(now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    return now.replace(hour=23, minute=59, second=59, microsecond=0)


def response_summary(q, response) -> str:
    """A learner's answer in the words they saw (the page shows texts, never option ids)."""
    try:
        return response_in_words(q, response)
    except (TypeError, ValueError, KeyError, AttributeError, StopIteration):
        return str(response)
