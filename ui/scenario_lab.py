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
from ui import charts, jit_views, lab_url, state, tables, uploads
from ui.escape import markdown
from ui.lab_url import SHIPPED, UPLOAD
from ui.page_state import PageModel, digest

MAX_ROWS = 30  # timeline rows drawn; every row is in the downloads


def hours_of(minutes: float) -> float:
    return round(minutes / 60 * 2) / 2  # the slider's half-hour steps


st.header("Scenario lab")

# ------------------------------------------------------------------ choose a scenario
infos = state.shipped()
url = lab_url.read(infos)  # a shared link's setup, read once per browser session
choice = PageModel("lab", "lab", {"origin": SHIPPED, "scenario": DEFAULT_SCENARIO if DEFAULT_SCENARIO in infos
                                  else next(iter(infos)), "upload_name": None, "upload_text": None},
                   overrides={"scenario": url["scenario"]} if "scenario" in url else None)
pick_col, upload_col = st.columns([1, 1])
origin = choice.widget(pick_col.radio, "Scenario", "origin", options=[SHIPPED, UPLOAD], horizontal=True)
if origin == SHIPPED:
    name = choice.widget(pick_col.selectbox, "Shipped scenario", "scenario", options=list(infos),
                         format_func=lambda n: f"{infos[n].title} ({n})")
    raw = infos[name].path.read_text(encoding="utf-8")
else:
    upload = uploads.uploader(upload_col, f"Scenario file (YAML, at most {MAX_BYTES // 1024} KB)", type=["yaml", "yml"],
                              key="lab_upload")
    if upload is not None:  # kept in the model: the upload widget forgets its file on a visit to another page
        try:
            choice.values["upload_text"] = state.read_upload(upload.name, upload.getvalue())
            choice.values["upload_name"] = upload.name
        except ScenarioError as error:
            st.error(state.issues_markdown(error))
            st.stop()
    if choice.get("upload_text") is None:
        st.info("Choose a scenario file; `pim-sim schema` prints the fields it may use.")
        st.stop()
    name, raw = f"upload:{choice.get('upload_name')}", choice.get("upload_text")
    if upload is None:
        upload_col.caption(f"Using {markdown(choice.get('upload_name'))}, uploaded earlier in this session.")
try:
    base = state.parse(raw)
except ScenarioError as error:
    st.error(state.issues_markdown(error))
    st.stop()

st.subheader(base.title)
if base.lesson:
    st.markdown(base.lesson)

# ------------------------------------------------------------------ key settings: one model per scenario file
pairs = list(dict.fromkeys([(a.role, a.scope) for a in base.assignments if a.kind == "eligible"]
                           + [(s.role, s.scope) for s in base.spec.settings]))
labels = [f"{r} at {s}" for r, s in pairs]
reviews = [(i, step) for i, step in enumerate(base.spec.timeline) if step.do == "review"]
file_settings = {"role": labels[0] if labels else None, "workload": base.spec.workload is not None,
                 "rate": base.spec.workload.rate_per_day if base.spec.workload else 1.0, "seed": base.seed}
if reviews:
    step = reviews[0][1]
    file_settings |= {"review_no_response": step.no_response, "review_auto_apply": step.auto_apply,
                      "review_duration": step.duration_days}
pending = url if url.get("scenario") == name else {}
settings = PageModel("lab_settings", f"{name}:{digest(raw)}", file_settings,
                     overrides=lab_url.scenario_values(pending, labels, file_settings))
top = st.columns([3, 2])
top[1].button("Reset to the file's settings", key="lab_reset", on_click=settings.reset, width="stretch",
              help="Every setting of this scenario back to what its file says.")
with st.expander("Change the key settings", expanded=True):
    changes: dict = {}
    if pairs:
        role, scope = pairs[labels.index(settings.widget(st.selectbox, "Role settings to change", "role", options=labels))]
        current = base.settings.lookup(role, scope, base.tenant.scope(scope).surface)
        people = [p.name for p in (*base.tenant.users, *base.tenant.groups)]
        role_file = {"max": hours_of(current.activation_max), "mfa": current.require_mfa,
                     "justification": current.require_justification, "ticket": current.require_ticket,
                     "approval": current.require_approval, "approvers": [a for a in current.approvers if a in people]}
        role_settings = PageModel("lab_role", f"{settings.identity}:{settings.generation}:{role}:{scope}", role_file,
                                  overrides=lab_url.role_values(pending if pending.get("role", labels[0]) ==
                                                                f"{role} at {scope}" else {}, role_file, people))
        hours = role_settings.widget(
            st.slider, "Activation maximum duration (hours)", "max", *state.ACTIVATION_RANGE_HOURS, step=0.5,
            help=f"{' to '.join(f'{h:g}' for h in state.ACTIVATION_RANGE_HOURS)} hours "
                 f"([source]({facts.ACTIVATION_MAX_RANGE_MINUTES.source}))")
        c2, c3 = st.columns(2)  # two a row: each label whole on a 1024-pixel screen
        wanted = {"activation_max": hours * 60 if hours != role_file["max"] else current.activation_max,
                  "require_mfa": role_settings.widget(c2.toggle, "Require MFA on activation", "mfa"),
                  "require_justification": role_settings.widget(c2.toggle, "Require justification", "justification"),
                  "require_ticket": role_settings.widget(c2.toggle, "Require ticket information", "ticket"),
                  "require_approval": role_settings.widget(c3.toggle, "Require approval to activate", "approval")}
        wanted["approvers"] = tuple(role_settings.widget(
            c3.multiselect, "Approvers (none: Privileged Role and Global Administrators, Entra roles only)", "approvers",
            options=people, disabled=not wanted["require_approval"]))
        changes = {k: v for k, v in wanted.items() if getattr(current, k) != v}
    else:
        role_settings = None
        st.caption("This scenario has no eligible assignments to configure.")
    review_changes: dict = {}
    if reviews:
        i, step = reviews[0]
        st.markdown(f"**Access review** “{step.name}” (starts {state.when_offset(base, step.at)})")
        r1, r2 = st.columns(2)
        r3 = st
        wanted_review = {
            "no_response": settings.widget(r1.selectbox, "If reviewers don't respond", "review_no_response",
                                           options=[n.value for n in NoResponse]),
            "auto_apply": settings.widget(r2.toggle, "Auto apply results to resource", "review_auto_apply"),
            "duration_days": settings.widget(r3.slider, "Duration (days)", "review_duration", 1, 90),
        }
        review_changes = {k: v for k, v in wanted_review.items() if getattr(step, k) != v}
    (w1, w2), w3 = st.columns(2), st.columns(2)[0]
    workload_on = settings.widget(w1.toggle, "Stochastic workload", "workload",
                                  help="Users activate at random in working hours.")
    rate = settings.widget(w2.slider, "Activations per user per working day", "rate", 0.0, 10.0, step=0.5,
                           disabled=not workload_on)
    seed = int(settings.widget(w3.number_input, "Seed (same seed, same run)", "seed", 0, 2**31))

# The lab's setup in the address bar: reload it or share it and the same run comes back.
lab_url.write(name if origin == SHIPPED else None, settings, role_settings)
top[0].caption("The address bar holds this setup: copy it to share or reload exactly this run."
               if origin == SHIPPED else "An uploaded scenario can't be shared by its address; download it below.")

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
# Other pages explain the lab's scenario as set here (the run below is cached under the same key).
st.session_state[state.LAB_TEXT], st.session_state[state.LAB_SEED] = text, seed
# ------------------------------------------------------------------ run (cached by text and seed)
bar = st.progress(0.0, text="Simulating...")
try:  # bounded: the dashboard's record cap and time limit
    results = state.run(text, seed, progress=lambda minute: bar.progress(
        min(1.0, minute / scenario.horizon), text=f"Simulating: {state.when_offset(scenario, minute)}"))
except BudgetError as error:
    bar.empty()
    st.error(f"**This run was stopped:** {error}")
    st.stop()
bar.empty()
sim = results.sim
key = (text, seed)
m = state.cached(("metrics", *key), results.metrics)


def minutes(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.1f}"


st.subheader("Key metrics")
cols = st.columns(3)  # three a row: each label whole on a 1024-pixel screen
cols[0].metric("Activations requested", f"{m['activations_requested']:.0f}")
cols[1].metric("Activations provisioned", f"{m['activations_provisioned']:.0f}")
cols[2].metric("Denied / expired requests", f"{m['requests_denied']:.0f} / {m['requests_expired']:.0f}")
cols = st.columns(3)
cols[0].metric("Refused by PIM", f"{m['refusals']:.0f}")
cols[1].metric("Time to access, median (min)", minutes(m["time_to_access_p50_min"]))
cols[2].metric("Time to access, p95 (min)", minutes(m["time_to_access_p95_min"]), help="The 95th percentile.")
cols = st.columns(3)
cols[0].metric("Just-in-time privilege (h)", f"{m['jit_privilege_hours']:.1f}")
cols[1].metric("Standing privilege (h)", f"{m['standing_privilege_hours']:.1f}")

observations = state.cached(("observe", *key), lambda: scenario.observe(results))
if observations:
    st.subheader("What to observe")
    st.dataframe(pd.DataFrame([{"Seen": o.passed, "Observation": o.text, "Expected": state.readable(results.sim, o.expected),
                                "In this run": state.readable(results.sim, o.actual)} for o in observations]),
                 hide_index=True, width="stretch")

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
    refused = results.refusals[["minute", "principal", "action", "role", "rule", "code", "message"]].copy()
    refused.insert(0, "When (UTC)", [state.when(sim, m) for m in refused.pop("minute")])
    refused["message"] = [state.readable(sim, m) for m in refused["message"]]
    st.dataframe(refused, hide_index=True, width="stretch")
for title, frame in (("Access reviews", "review_outcomes"), ("Access review decisions", "review_decisions"),
                     ("PIM security alerts", "alert_incidents")):
    rows = state.cached((frame, *key), lambda frame=frame: getattr(results, frame))
    if len(rows):
        st.subheader(title)
        st.dataframe(rows, hide_index=True, width="stretch")

st.subheader("Downloads")
FRAMES = ("audit", "requests", "status_changes", "intervals", "effective_access", "notifications", "refusals",
          "approvals_by_approver", "expired_requests", "review_outcomes", "review_decisions", "alert_incidents")
cols = [c for _ in range(7) for c in st.columns(2)]  # two a row: each file name whole on a 1024-pixel screen
for col, table in zip(cols, FRAMES, strict=False):
    col.download_button(f"{table}.csv", data=lambda table=table: frame_csv(getattr(results, table)),
                        file_name=f"{scenario.name}-{table}.csv", mime="text/csv", key=f"lab_download_{table}",
                        on_click="ignore", width="stretch")
cols[len(FRAMES)].download_button("scenario.yaml", data=text, file_name=f"{scenario.name}.yaml",
                                  mime="application/x-yaml", key="lab_download_scenario", on_click="ignore",
                                  width="stretch")
