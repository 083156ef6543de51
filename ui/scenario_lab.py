"""Scenario lab: pick a shipped scenario or upload one, change its key settings, run it, and read
what happened. The page turns widgets into a scenario (plain data, validated by
:class:`pim_sim.scenario.model.Scenario`), runs it through the shared cache and draws the results."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pim_sim import facts
from pim_sim.features.reviews import NoResponse
from pim_sim.io.csv_safe import frame_csv
from pim_sim.scenario.budget import BudgetError
from pim_sim.scenario.model import DEFAULT_SCENARIO, ScenarioError
from pim_sim.scenario.reader import MAX_BYTES
from ui import charts, jit_views, state, tables, uploads

SHIPPED, UPLOAD = "Shipped scenario", "Upload a YAML file"
ROLE_KEYS = ("lab_activation_max", "lab_approval", "lab_approvers", "lab_mfa", "lab_justification", "lab_ticket")
SCENARIO_KEYS = ("lab_role", *ROLE_KEYS, "lab_workload", "lab_rate", "lab_seed", "lab_review_no_response",
                 "lab_review_auto_apply", "lab_review_duration")
MAX_ROWS = 30  # timeline rows drawn; every row is in the downloads


def forget(keys: tuple[str, ...]) -> None:
    """Another scenario (or role) starts from its own settings, not the previous one's widgets."""
    for key in keys:
        st.session_state.pop(key, None)


st.header("Scenario lab")

# ------------------------------------------------------------------ choose a scenario
infos = state.shipped()
pick_col, upload_col = st.columns([1, 1])
origin = pick_col.radio("Scenario", [SHIPPED, UPLOAD], key="lab_origin", horizontal=True, on_change=forget, args=(SCENARIO_KEYS,))
if origin == SHIPPED:
    default = list(infos).index(DEFAULT_SCENARIO) if DEFAULT_SCENARIO in infos else 0
    name = pick_col.selectbox("Shipped scenario", list(infos), index=default, key="lab_scenario",
                              format_func=lambda n: f"{infos[n].title} ({n})", on_change=forget, args=(SCENARIO_KEYS,))
    raw = infos[name].path.read_text(encoding="utf-8")
else:
    upload = uploads.uploader(upload_col, f"Scenario file (YAML, at most {MAX_BYTES // 1024} KB)", type=["yaml", "yml"],
                              key="lab_upload", on_change=forget, args=(SCENARIO_KEYS,))
    if upload is None:
        st.info("Choose a scenario file; `pim-sim schema` prints the fields it may use.")
        st.stop()
try:
    base = state.parse(state.read_upload(upload.name, upload.getvalue()) if origin == UPLOAD else raw)
except ScenarioError as error:
    st.error(state.issues_markdown(error))
    st.stop()

st.subheader(base.title)
if base.lesson:
    st.markdown(base.lesson)

# ------------------------------------------------------------------ key settings as widgets
pairs = list(dict.fromkeys([(a.role, a.scope) for a in base.assignments if a.kind == "eligible"]
                           + [(s.role, s.scope) for s in base.spec.settings]))
with st.expander("Change the key settings", expanded=True):
    changes: dict = {}
    if pairs:
        labels = [f"{r} at {s}" for r, s in pairs]
        role, scope = pairs[labels.index(st.selectbox("Role settings to change", labels, key="lab_role",
                                                      on_change=forget, args=(ROLE_KEYS,)))]
        current = base.settings.lookup(role, scope, base.tenant.scope(scope).surface)
        c1, c2, c3 = st.columns(3)
        hours = c1.slider("Activation maximum duration (hours)", *state.ACTIVATION_RANGE_HOURS, current.activation_max / 60, 0.5,
                          key="lab_activation_max", help=f"{' to '.join(f'{h:g}' for h in state.ACTIVATION_RANGE_HOURS)} hours "
                          f"([source]({facts.ACTIVATION_MAX_RANGE_MINUTES.source}))")
        wanted = {"activation_max": hours * 60,
                  "require_mfa": c2.toggle("Require MFA on activation", current.require_mfa, key="lab_mfa"),
                  "require_justification": c2.toggle("Require justification", current.require_justification,
                                                     key="lab_justification"),
                  "require_ticket": c2.toggle("Require ticket information", current.require_ticket, key="lab_ticket"),
                  "require_approval": c3.toggle("Require approval to activate", current.require_approval,
                                                key="lab_approval")}
        people = [p.name for p in (*base.tenant.users, *base.tenant.groups)]
        wanted["approvers"] = tuple(c3.multiselect(
            "Approvers (none: Privileged Role and Global Administrators, Entra roles only)", people,
            [a for a in current.approvers if a in people], key="lab_approvers", disabled=not wanted["require_approval"]))
        changes = {k: v for k, v in wanted.items() if getattr(current, k) != v}
    else:
        st.caption("This scenario has no eligible assignments to configure.")
    reviews = [(i, step) for i, step in enumerate(base.spec.timeline) if step.do == "review"]
    review_changes: dict = {}
    if reviews:
        i, step = reviews[0]
        st.markdown(f"**Access review** “{step.name}” (starts {state.when_offset(base, step.at)})")
        r1, r2, r3 = st.columns(3)
        wanted_review = {
            "no_response": r1.selectbox("If reviewers don't respond", [n.value for n in NoResponse],
                                        index=[n.value for n in NoResponse].index(step.no_response),
                                        key="lab_review_no_response"),
            "auto_apply": r2.toggle("Auto apply results to resource", step.auto_apply, key="lab_review_auto_apply"),
            "duration_days": r3.slider("Duration (days)", 1, 90, step.duration_days, key="lab_review_duration"),
        }
        review_changes = {k: v for k, v in wanted_review.items() if getattr(step, k) != v}
    w1, w2, w3 = st.columns(3)
    workload_on = w1.toggle("Stochastic workload (users activate at random in working hours)",
                            base.spec.workload is not None, key="lab_workload")
    rate = w2.slider("Activations per user per working day", 0.0, 10.0,
                     base.spec.workload.rate_per_day if base.spec.workload else 1.0, 0.5, key="lab_rate",
                     disabled=not workload_on)
    seed = int(w3.number_input("Seed (same seed, same run)", 0, 2**31, base.seed, key="lab_seed"))

data = base.to_dict()
if changes:
    state.set_role_settings(data, role, scope, changes)
if review_changes:
    data["timeline"][i].update(review_changes)
if workload_on:
    data["workload"] = {**data.get("workload", {}), "rate_per_day": rate}
else:
    data.pop("workload", None)
try:
    scenario, text = state.variant(data)
except ScenarioError as error:
    st.error(state.issues_markdown(error))
    st.stop()

# ------------------------------------------------------------------ run (cached by text and seed)
bar = st.progress(0.0, text="Simulating...")
try:  # bounded: the dashboard's record cap and time limit
    results = state.run(text, seed, progress=lambda minute: bar.progress(min(1.0, minute / scenario.horizon),
                                                                            text=f"Simulating: minute {minute:,.0f}"))
except BudgetError as error:
    bar.empty()
    st.error(f"**This run was stopped:** {error}")
    st.stop()
bar.empty()
# Other pages explain the lab's run: only one that finished becomes the current scenario.
st.session_state[state.LAB_TEXT], st.session_state[state.LAB_SEED] = text, seed
sim = results.sim
key = (text, seed)
m = state.cached(("metrics", *key), results.metrics)


def minutes(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.1f}"


st.subheader("Key metrics")
cols = st.columns(4)
cols[0].metric("Activations requested", f"{m['activations_requested']:.0f}")
cols[1].metric("Activations provisioned", f"{m['activations_provisioned']:.0f}")
cols[2].metric("Denied / expired requests", f"{m['requests_denied']:.0f} / {m['requests_expired']:.0f}")
cols[3].metric("Refused by PIM", f"{m['refusals']:.0f}")
cols = st.columns(4)
cols[0].metric("Time to access, median (min)", minutes(m["time_to_access_p50_min"]))
cols[1].metric("Time to access, 95th percentile (min)", minutes(m["time_to_access_p95_min"]))
cols[2].metric("Just-in-time privilege (h)", f"{m['jit_privilege_hours']:.1f}")
cols[3].metric("Standing privilege (h)", f"{m['standing_privilege_hours']:.1f}")

observations = state.cached(("observe", *key), lambda: scenario.observe(results))
if observations:
    st.subheader("What to observe")
    st.dataframe(pd.DataFrame([{"Seen": o.passed, "Observation": o.text, "Expected": o.expected,
                                "In this run": o.actual} for o in observations]), hide_index=True, width="stretch")

jit_views.show_run(results, "lab")  # just-in-time VM access: numbers and the port-exposure timeline

st.subheader("Who held what, when")
intervals = results.intervals
rows = intervals["principal"] + " · " + intervals["role"]
shown = intervals[rows.isin(rows.drop_duplicates().head(MAX_ROWS))]
if len(shown) < len(intervals):
    st.caption(f"The first {MAX_ROWS} people and roles of {rows.nunique()}; download the intervals for all.")
st.vega_lite_chart(spec=state.cached(("timeline", *key), lambda: charts.timeline(shown, sim.clock).to_dict()),
                   width="stretch")

st.subheader("Requests and approvals")
st.dataframe(tables.requests(sim, sim.requests.values()), hide_index=True, width="stretch")
for title, frame in (("Decisions by approver", "approvals_by_approver"),
                     ("Requests that expired unanswered", "expired_requests")):
    rows = state.cached((frame, *key), lambda frame=frame: getattr(results, frame))
    if len(rows):
        st.markdown(f"**{title}**")
        st.dataframe(rows, hide_index=True, width="stretch")
if sim.refusals:
    st.subheader("Refused by PIM")
    st.dataframe(results.refusals[["minute", "principal", "action", "role", "rule", "code", "message"]],
                 hide_index=True, width="stretch")
for title, frame in (("Access reviews", "review_outcomes"), ("Access review decisions", "review_decisions"),
                     ("PIM security alerts", "alert_incidents")):
    rows = state.cached((frame, *key), lambda frame=frame: getattr(results, frame))
    if len(rows):
        st.subheader(title)
        st.dataframe(rows, hide_index=True, width="stretch")

st.subheader("Downloads")
FRAMES = ("audit", "requests", "status_changes", "intervals", "effective_access", "notifications", "refusals",
          "approvals_by_approver", "expired_requests", "review_outcomes", "review_decisions", "alert_incidents")
cols = [c for _ in range(3) for c in st.columns(5)]
for col, table in zip(cols, FRAMES, strict=False):
    col.download_button(f"{table}.csv", data=lambda table=table: frame_csv(getattr(results, table)),
                        file_name=f"{scenario.name}-{table}.csv", mime="text/csv", key=f"lab_download_{table}",
                        on_click="ignore", width="stretch")
cols[len(FRAMES)].download_button("scenario.yaml", data=text, file_name=f"{scenario.name}.yaml",
                                  mime="application/x-yaml", key="lab_download_scenario", on_click="ignore",
                                  width="stretch")
