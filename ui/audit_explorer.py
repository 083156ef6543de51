"""Audit explorer: one run seen from every place a person would look for PIM's audit trail.

PIM's own Resource audit and My audit blades, the Microsoft Entra audit logs (Service = PIM,
and the role change again under Core Directory) and the Azure Activity Log, each with its
retention applied for the chosen "viewed on" moment. Which record is visible where, until when
and to whom is the model's answer (``Results.where_visible``, ``audit.sightings``).
"""

from __future__ import annotations

from datetime import UTC

import pandas as pd
import streamlit as st

from pim_sim import Place, facts
from pim_sim.core.access import audit_readers
from pim_sim.core.audit import sightings, visible
from ui import jit_views, state, tables
from ui.page_state import PageModel, digest

ENTRA = facts.ENTRA_AUDIT_RETENTION_MINUTES.value

st.header("Audit explorer: where do PIM audit logs live?")
st.caption(
    "Not in one separate log. PIM's **Resource audit** and **My audit** blades show the past "
    f"{state.days(facts.PIM_AUDIT_VIEW_MINUTES.value)} ([source]({facts.PIM_AUDIT_VIEW_MINUTES.source})); the "
    "same events are in the **Microsoft Entra audit logs** with *Service = PIM* "
    f"({state.days(ENTRA['Free'])} on Free, {state.days(ENTRA['P1'])} on P1 or P2, "
    f"[source]({facts.ENTRA_AUDIT_RETENTION_MINUTES.source})), the role change itself is logged again under *Core "
    "Directory* by MS-PIM, and Azure role changes reach the **Azure Activity Log** "
    f"({state.days(facts.ACTIVITY_LOG_RETENTION_MINUTES.value)}, "
    f"[source]({facts.ACTIVITY_LOG_RETENTION_MINUTES.source})).")

# One model per page part (ui/page_state.py): the tenant looked at; what is looked at in that run, which
# starts again from the run's own people and end whenever the lab's scenario, its settings or its seed
# change; and the moment, which for the ever-changing sandbox also follows its clock.
page = PageModel("audit", "audit", {"source": state.SCENARIO_RUN})
source = page.widget(st.radio, "Tenant", "source", options=list(state.SOURCES), horizontal=True)
results = state.results_for(source)
sim = results.sim
run_key = state.run_key(source)
tenant = digest(source, *(run_key or (id(sim),)))
end = sim.clock.at(sim.now).replace(second=0, microsecond=0, tzinfo=None)
users = [u.name for u in sim.tenant.users]
look = PageModel("audit_run", tenant, {"persona": users[0] if users else None, "service": "PIM",
                                       "record": sim.audit[0].seq if sim.audit else None})
when = PageModel("audit_when", digest(tenant, sim.now), {"moment": end})

c1, c2 = st.columns([1, 1])
# st.datetime_input applies a typed date and time when Enter is pressed (a date_input only on leaving the field)
moment = when.widget(c1.datetime_input, "Viewed on (UTC)", "moment", min_value=sim.clock.start.replace(tzinfo=None),
                     step=60, help="Type a date and time and press Enter, or pick them from the calendar.") or end
persona = look.widget(c2.selectbox, "My audit of", "persona", options=users)
view = state.minute_of(sim, moment.replace(tzinfo=UTC))
licence = sim.licence_at(view)
st.markdown(f"Looking on **{state.when(sim, view)}**, {(view - sim.now) / facts.DAY:+.1f} days after the end of the run. "
            f"Licence then: **{licence.value}** (Entra audit log retention tier {licence.audit_tier}).")

COLUMNS = ["#", "Date (UTC)", "Activity", "Initiated by", "Target", "Role", "Resource", "Justification", "Visible until"]


def visible_rows() -> pd.DataFrame:
    """Every (record, place) pair visible at the chosen moment, ready to show."""
    rows = results.where_visible(view).rename(columns={"seq": "#", "activity": "Activity"})
    rows = rows[~rows["#"].astype(str).str.startswith("jit-")].astype({"#": int})  # JIT's entries: their own table
    rows["Visible until"] = [state.when(sim, m) for m in rows["visible_until"]]
    return rows.merge(tables.audit(sim, sim.audit).drop(columns=["Activity"]), on="#")


seen = state.cached(None if run_key is None else ("visible", *run_key, view), visible_rows)


def show(rows: pd.DataFrame, key: str) -> None:
    st.dataframe(rows[COLUMNS], hide_index=True, width="stretch", key=key)


resource_places = [Place.PIM_ENTRA_RESOURCE_AUDIT, Place.PIM_AZURE_RESOURCE_AUDIT, Place.PIM_GROUPS_RESOURCE_AUDIT]
my_places = [Place.PIM_ENTRA_MY_AUDIT, Place.PIM_AZURE_MY_AUDIT, Place.PIM_GROUPS_MY_AUDIT]
in_place = {p: seen[seen["place"] == str(p)] for p in Place}
mine = {p: rows.loc[[persona in r.split(", ") for r in rows["readers"]]] for p, rows in in_place.items() if p in my_places}

counts = st.columns(2) + st.columns(2)  # two a row: each label whole on a 1024-pixel screen
counts[0].metric("PIM Resource audit", sum(len(in_place[p]) for p in resource_places))
counts[1].metric(f"PIM My audit ({persona})", sum(len(r) for r in mine.values()))
counts[2].metric("Entra audit logs, Service = PIM", len(in_place[Place.ENTRA_AUDIT_PIM]))
jit = jit_views.jit_of(sim)  # just-in-time VM access writes to the Azure Activity Log too
jit_entries = jit_views.activity_rows(sim, jit, view) if jit is not None else pd.DataFrame()
counts[3].metric("Azure Activity Log", len(in_place[Place.AZURE_ACTIVITY_LOG]) + len(jit_entries))
if not licence.has_pim:
    st.warning("Without P2 or ID Governance the PIM blades are unavailable; the Entra audit logs keep their records.")

res_tab, my_tab, entra_tab, arm_tab = st.tabs(
    ["PIM › Resource audit", f"PIM › My audit ({persona})", "Microsoft Entra audit logs", "Azure Activity Log"])
with res_tab:
    for p in resource_places:
        st.markdown(f"**{p.value}** ({len(in_place[p])} records)")
        show(in_place[p], f"audit_table_{p.name}")
with my_tab:
    st.caption("My audit lists the records a person initiated or was the target of.")
    for p, rows in mine.items():
        st.markdown(f"**{p.value}** ({len(rows)} records)")
        show(rows, f"audit_table_{p.name}")
with entra_tab:
    services = {"PIM": Place.ENTRA_AUDIT_PIM, "Core Directory": Place.ENTRA_AUDIT_CORE_DIRECTORY,
                "Access Reviews": Place.ENTRA_AUDIT_ACCESS_REVIEWS}
    service = look.widget(st.selectbox, "Service", "service", options=list(services))
    st.markdown(f"**{services[service].value}** ({len(in_place[services[service]])} records)")
    show(in_place[services[service]], "audit_table_entra")
with arm_tab:
    st.caption("Modelled, not documented: no Microsoft Learn page shows how PIM activations appear here.")
    show(in_place[Place.AZURE_ACTIVITY_LOG], "audit_table_arm")
    jit_views.show_activity(sim, view, "audit")

st.subheader("Every place one record appears")
if not sim.audit:
    st.info("This run has no audit records.")
    st.stop()
seq = look.widget(st.selectbox, "Record", "record", options=[r.seq for r in sim.audit],
                  format_func=lambda i: " · ".join(str(part) for part in (
                      f"#{i}", state.when(sim, sim.audit[i].minute), sim.audit[i].activity, sim.audit[i].target,
                      sim.audit[i].role) if part))
record = sim.audit[seq]
st.dataframe(pd.DataFrame(
    [{"Place": s.place.value, "Visible on the chosen date": visible(record, s.place, view, licence.audit_tier, licence.has_pim),
      "From": state.when(sim, s.visible_from), "Until": state.when(sim, s.visible_until), "Who can read it": ", ".join(s.readers),
      "People who can read it then": ", ".join(audit_readers(sim, record, s.place, view)),
      "Documented by Microsoft": s.documented, "Source": s.source} for s in sightings(record, licence.audit_tier)]),
    hide_index=True, width="stretch", key="audit_sightings",
    column_config={"Source": st.column_config.LinkColumn("Source")})
