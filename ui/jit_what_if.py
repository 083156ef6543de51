"""What-if for just-in-time VM access: two variants of a scenario's JIT policy (the maximum request time of
every port) and request workload (requests per user per day), replicated with the same seeds and compared
with 95% confidence intervals, as the What-if page does for PIM's role settings. A requested time range is
capped at its port's maximum (Defender for Cloud's rule), so a shorter maximum means fewer minutes open."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pim_sim.errors import ModelError
from pim_sim.features.jit_vm import facts as jit_facts
from pim_sim.runner import summarise
from pim_sim.scenario.budget import BudgetError
from ui import charts, state
from ui.escape import markdown
from ui.page_state import PageModel, digest

METRICS = {  # metric: (title, unit), each a count or minutes: never below 0
    "jit_exposure_minutes": ("Exposure through JIT", "min"),
    "jit_standing_exposure_minutes": ("Standing exposure", "min"),
    "jit_requests": ("JIT requests granted", "per run"),
    "jit_refusals": ("JIT requests refused", "per run"),
}
LOW, HIGH = (m / 60 for m in jit_facts.MAX_DURATION_RANGE_MINUTES.value)  # 5 minutes to 1 day, in hours
STEP = 0.5


def _ports(data: dict):
    """The ports the scenario's JIT policies list (a policy without ports takes the portal's defaults)."""
    for policy in data["jit"].get("policies") or []:
        yield from policy.get("ports") or []


def _file_max_hours(scenario) -> float | None:
    """The longest maximum request time among the ports the scenario's JIT policies list (None: none listed)."""
    from pim_sim.core.clock import minutes

    found = [minutes(p.max_duration) for policy in scenario.spec.jit.policies or [] for p in policy.ports or []]
    return max(found) / 60 if found else None


def variant_data(scenario, max_hours: float, rate: float) -> dict:
    """The scenario as plain data with every JIT port's maximum request time and the request rate changed."""
    data = scenario.to_dict()
    for port in _ports(data):
        port["max_duration"] = max_hours * 60
    if "workload" in data["jit"]:
        data["jit"]["workload"]["rate_per_day"] = rate
    return data


def show(scenario, raw: str, n: int, key: str) -> None:
    """Two JIT variants of ``scenario`` (whose file text is ``raw``) over ``n`` replications each."""
    if scenario.spec.jit is None:
        return
    st.subheader("Just-in-time VM access: two variants side by side")
    st.caption("Change the maximum request time of the JIT policy's ports or how often people ask, in one column; "
               "each request's time range is capped at its port's maximum. Both variants use the same seeds.")
    listed = _file_max_hours(scenario)
    workload = scenario.spec.jit.workload
    if listed is None and workload is None:
        st.info("This scenario's JIT policies take the portal's default ports and maximum, and its requests are "
                "scripted: there is nothing here to vary. jit-standing-rdp-vs-jit has a policy and a workload to try.")
        return
    file_hours = min(max(round((listed or 3.0) / STEP) * STEP, STEP), HIGH)
    file_rate = workload.rate_per_day if workload is not None else 0.0
    other = 1.0 if file_hours != 1.0 else 3.0  # variant B starts at another maximum, so the difference shows
    models = {tag: PageModel(f"whatif_jit_{tag}", f"{key}:{digest(raw)}", {"max": hours, "rate": file_rate})
              for tag, hours in (("a", file_hours), ("b", other))}
    st.button("Reset the JIT variants to the file's settings", key="whatif_jit_reset",
              on_click=lambda: [m.reset() for m in models.values()])
    texts = {}
    for (tag, model), column in zip(models.items(), st.columns(2), strict=True):
        label = f"JIT variant {tag.upper()}"
        column.markdown(f"**{label}**")
        hours = model.widget(column.slider, "Maximum request time (hours)", "max", STEP, HIGH, step=STEP,
                             disabled=listed is None,
                             help=f"Every port the policies list; Azure accepts {LOW * 60:g} minutes to {HIGH:g} hours."
                             if listed is not None else "This scenario's policies list no ports (the portal's defaults).")
        rate = model.widget(column.slider, "Requests per user per day", "rate", 0.0, 10.0, step=0.5,
                            disabled=workload is None, help=None if workload else "This scenario has no JIT workload.")
        try:
            texts[label] = state.variant(variant_data(scenario, hours, rate))[1]
        except ModelError as error:
            column.error(markdown(str(error)))
            return
    try:  # every replication of both variants counts against the dashboard's work budget
        state.within_budget([state.parse(t) for t in texts.values()], n)
        summary = state.cached(("jit-what-if", *texts.values(), n), lambda: compare(texts, n))
    except (ModelError, BudgetError) as error:
        st.error(markdown(str(error)))
        return
    show_summary(summary, key)
    st.caption(f"{n} replications per variant; intervals use Student's t and are shown from 0 where they reach "
               "below it (minutes and counts can't be negative); a metric every replication shares has no interval.")


def compare(texts: dict[str, str], n: int) -> pd.DataFrame:
    """Each variant's mean and 95% interval of the JIT metrics, intervals clipped at 0."""
    parts = [summarise(state.replications(text, n).metrics).assign(variant=label) for label, text in texts.items()]
    summary = pd.concat(parts, ignore_index=True)
    summary = summary[summary["metric"].isin(METRICS)].reset_index(drop=True)
    summary["ci_low"] = summary["ci_low"].clip(lower=0.0)
    return summary


def show_summary(summary: pd.DataFrame, key: str) -> None:
    exposure = summary[summary["metric"] == "jit_exposure_minutes"]
    for column, row in zip(st.columns(len(exposure)), exposure.itertuples(), strict=True):
        interval = "" if pd.isna(row.ci_low) else f"95% interval {row.ci_low:,.0f} to {row.ci_high:,.0f} min"
        with column.container(key=f"{key}_jit_exposure_{row.variant[-1].lower()}"):
            st.metric(f"Exposure through JIT, {row.variant}", f"{row.mean:,.0f} min", help=interval or None)
            st.caption(interval or "the same in every replication")
    left, right = st.columns(2)
    for column, metric in zip((left, right), ("jit_exposure_minutes", "jit_requests"), strict=True):
        title, unit = METRICS[metric]
        column.altair_chart(charts.with_interval(summary[summary["metric"] == metric], title, unit),
                            key=f"{key}_jit_{metric}")
    table = summary.assign(metric=[f"{METRICS[m][0]} ({METRICS[m][1]})" for m in summary["metric"]])
    st.dataframe(table.pivot(index="metric", columns="variant", values=["mean", "ci_low", "ci_high"]).round(1),
                 key=f"{key}_jit_table")
