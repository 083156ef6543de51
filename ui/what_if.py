"""What-if: two variants of a scenario's role settings or workload (and of its just-in-time VM access
policy, :mod:`ui.jit_what_if`), run side by side with replications, compared with 95% confidence
intervals. The page turns each column of widgets into a scenario; :func:`pim_sim.runner.replicate`
runs them (the same replication seeds for both, so the difference is the settings, not the luck of
the draw) and summarises them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pim_sim.runner import summarise
from pim_sim.scenario.budget import BudgetError
from pim_sim.scenario.model import ScenarioError
from ui import charts, jit_what_if, state
from ui.page_state import PageModel, digest

DEFAULT_BASE = "standing-vs-jit"
LAB = "The Scenario lab's current scenario (as changed or uploaded there)"
METRICS = {  # metric: (title, unit)
    "time_to_access_p50_min": ("Time to access, median", "min"),
    "jit_privilege_hours": ("Just-in-time privilege", "h"),
    "standing_privilege_hours": ("Standing privilege", "h"),
    "approval_decisions": ("Approval decisions", "per run"),
    "requests_expired": ("Expired requests", "per run"),
}


st.header("What-if: two variants side by side")
st.caption("Change the role settings or the workload in one column, keep the other as it is, and compare "
           "the two over many replications. Both variants use the same replication seeds.")

infos = state.shipped()
names = [LAB, *infos]
if "scenario" in st.query_params and "model:whatif" not in st.session_state:  # /what-if?scenario=<name>
    wanted = st.query_params.get("scenario")
    overrides = {"base": wanted} if wanted in infos else None
else:
    overrides = None
page = PageModel("whatif", "whatif", {"base": DEFAULT_BASE if DEFAULT_BASE in names else LAB, "reps": 10},
                 overrides=overrides)
b1, b2 = st.columns([2, 1])
name = page.widget(b1.selectbox, "Scenario to vary", "base", options=names,
                   format_func=lambda n: n if n == LAB else f"{infos[n].title} ({n})")
n = page.widget(b2.slider, "Replications per variant", "reps", 2, 50)
raw = state.current_text() if name == LAB else infos[name].path.read_text(encoding="utf-8")
base = state.parse(raw)
if st.query_params.to_dict() != ({} if name == LAB else {"scenario": name}):  # /what-if?scenario=<name>
    st.query_params.from_dict({} if name == LAB else {"scenario": name})
jit_what_if.show(base, raw, n, name)  # just-in-time VM access: two variants of its policy and workload
pairs = list(dict.fromkeys((a.role, a.scope) for a in base.assignments if a.kind == "eligible"))
if not pairs:
    st.info("This scenario has no eligible PIM assignments to vary" + (
        ": its what-if is the just-in-time VM access above." if base.spec.jit is not None else "; choose another."))
    st.stop()
labels = [f"{r} at {s}" for r, s in pairs]
# One model per scenario file: another scenario starts from its own roles, people and settings.
chosen = PageModel("whatif_scenario", f"{name}:{digest(raw)}", {"role": labels[0]})
reset_col = st.columns([3, 2])[1]
role, scope = pairs[labels.index(chosen.widget(st.selectbox, "Role whose settings vary", "role", options=labels))]
current = base.settings.lookup(role, scope, base.tenant.scope(scope).surface)
people = [u.name for u in base.tenant.users]
eligible = {a.principal for a in base.assignments if a.kind == "eligible"}
an_approver = next((p for p in people if p not in eligible), people[0])
rate_now = base.spec.workload.rate_per_day if base.spec.workload else 0.0


def defaults(approval: bool) -> dict:
    return {"max": round(current.activation_max / 60 * 2) / 2, "approval": approval,
            "approvers": [a for a in current.approvers if a in people] or [an_approver], "delay": 45, "rate": rate_now}


models = {tag: PageModel(f"whatif_{tag}", f"{chosen.identity}:{chosen.generation}:{role}:{scope}",
                         defaults(current.require_approval if tag == "a" else not current.require_approval))
          for tag in "ab"}


def reset() -> None:
    for m in models.values():
        m.reset()


reset_col.button("Reset to the file's settings", key="whatif_reset", on_click=reset, width="stretch")


def variant(column, tag: str, label: str) -> tuple[str, str]:
    """One column of widgets -> (label, scenario text)."""
    m = models[tag]
    column.subheader(label)
    hours = m.widget(column.slider, "Activation maximum (hours)", "max", *state.ACTIVATION_RANGE_HOURS, step=0.5)
    needs = m.widget(column.toggle, "Require approval", "approval")
    who = m.widget(column.multiselect, "Approvers", "approvers", options=people, disabled=not needs)
    delay = m.widget(column.slider, "Approvers answer after, median (minutes)", "delay", 5, 480, step=5,
                     disabled=not needs)
    rate = m.widget(column.slider, "Activations per user per working day", "rate", 0.0, 10.0, step=0.5)
    data = base.to_dict()
    state.set_role_settings(data, role, scope, {"activation_max": hours * 60, "require_approval": needs,
                                                "approvers": who if needs else []})
    if needs:
        data["approvers"] = {**data.get("approvers", {}), "*": {"median_delay": float(delay)}}
    if base.spec.workload is not None or rate > 0:
        data["workload"] = {**data.get("workload", {}), "rate_per_day": rate}
    try:
        return label, state.variant(data)[1]
    except ScenarioError as error:
        column.error(state.issues_markdown(error))
        st.stop()


left, right = st.columns(2)
variants = [variant(left, "a", "Variant A"), variant(right, "b", "Variant B")]

st.session_state["whatif_texts"] = dict(variants)
try:  # every replication of both variants counts against the dashboard's work budget
    state.within_budget([state.parse(text) for _, text in variants], n)
except ScenarioError as error:
    st.error(state.issues_markdown(error))
    st.stop()
bar = st.progress(0.0, text="Replicating...")
runs = {}
try:
    for k, (label, text) in enumerate(variants):
        runs[label] = state.replications(text, n, lambda done, total, k=k, label=label: bar.progress(
            (k + done / total) / 2, text=f"{label}: replication {done} of {total}"))
except BudgetError as error:
    bar.empty()
    st.error(f"**These runs were stopped:** {error}")
    st.stop()
bar.empty()

def compare() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each replication's metrics (with the approval decisions it took) and each variant's summary."""
    tables = []
    for label, reps in runs.items():
        metrics = reps.metrics
        requests = reps.frame("requests")
        decided = requests[(requests["action"] == "selfActivate") & (requests["approver"] != "")]
        metrics["approval_decisions"] = [int((decided["replication"] == i).sum()) for i in metrics["replication"]]
        tables.append(metrics.assign(variant=label))
    summary = pd.concat([summarise(t.drop(columns=["variant"])).assign(variant=t["variant"].iloc[0]) for t in tables],
                        ignore_index=True)
    # Every metric shown is a count, a duration or an amount of privilege: never below 0. Student's t
    # interval around a small mean can reach below 0; the bound is clipped there (and the page says so).
    shown = summary["metric"].isin(METRICS)
    summary["clipped"] = shown & (summary["ci_low"] < 0)
    summary.loc[shown, "ci_low"] = summary.loc[shown, "ci_low"].clip(lower=0.0)
    return pd.concat(tables, ignore_index=True), summary


key = ("what-if", *(text for _, text in variants), n)
per_run, summary = state.cached(key, compare)

st.subheader("Means with 95% confidence intervals")
cols = st.columns(3) + st.columns(3)
for col, (metric, (title, unit)) in zip(cols, METRICS.items(), strict=False):
    col.vega_lite_chart(spec=state.cached((*key, metric), lambda metric=metric, title=title, unit=unit: charts.with_interval(
        summary[summary["metric"] == metric], title, unit).to_dict()), width="stretch")

st.subheader("Every replication")
for metric in ("time_to_access_p50_min", "jit_privilege_hours"):
    title, unit = METRICS[metric]
    st.vega_lite_chart(spec=state.cached((*key, "strip", metric), lambda metric=metric, title=title, unit=unit: (
        charts.replications_strip(per_run.rename(columns={metric: "value"})[["variant", "value"]], title, unit).to_dict())),
        width="stretch")

st.subheader("The numbers")
table = summary[summary["metric"].isin(METRICS)].copy()
table["metric"] = [f"{METRICS[m][0]} ({METRICS[m][1]})" for m in table["metric"]]
st.dataframe(table.pivot(index="metric", columns="variant", values=["mean", "ci_low", "ci_high"]).round(2),
             width="stretch")
if summary["clipped"].any():
    st.caption("Some intervals reached below 0 and are shown from 0: these quantities can't be negative ("
               + ", ".join(sorted({METRICS[m][0] for m in summary.loc[summary["clipped"], "metric"]})) + ").")
st.caption(f"{n} replications per variant; intervals use Student's t. Overlapping intervals mean the data can't "
           "tell the variants apart at this number of replications: add replications.")
