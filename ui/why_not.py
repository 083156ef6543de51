"""Why / why not: for a person, a role, a scope and a moment, who holds what and the first
reason access is missing. The explanation is the model's (``Simulation.why_not``); the page
only asks and draws."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from pim_sim import Reason
from pim_sim.core.access import holders
from pim_sim.core.roles import CATALOGUE
from ui import charts, jit_views, state
from ui.page_state import PageModel

st.header("Why / why not")
st.caption("Pick a person, a role, a scope and a moment. The model says who holds the role there and then, "
           "and the first reason the person's access is missing: not eligible, not activated, waiting for "
           "approval, expired, a scope that doesn't cover this one, ...")

page = PageModel("whynot", "whynot", {"source": state.SCENARIO_RUN, "user": None, "scope": None, "role": None,
                                     "role_of": None, "hours": None})
source = page.widget(st.radio, "Tenant", "source", options=list(state.SOURCES), horizontal=True)
results = state.results_for(source)
sim = results.sim

users = [u.name for u in sim.tenant.users]
scopes = [s.id for s in sim.tenant.scopes]
c1, c2, c3 = st.columns(3)
user = page.widget(c1.selectbox, "User", "user", options=users)
scope = page.widget(c2.selectbox, "Scope", "scope", options=scopes)
surface = sim.tenant.scope(scope).surface
roles = sorted(CATALOGUE[surface])
held = {x.role for x in sim.schedules_of(user)}
if page.get("role") not in roles or page.get("role_of") != user:  # opens on a role the user has had, if any
    page.set("role", next((r for r in roles if r in held), page.get("role") if page.get("role") in roles else roles[0]))
    page.values["role_of"] = user
role = page.widget(c3.selectbox, "Role", "role", options=roles)
top = max(sim.now / 60, 0.25)
if page.get("hours") is None or not 0 <= page.get("hours") <= top:  # a moment of this run (the end until moved)
    page.set("hours", math.floor(sim.now / 60 * 4) / 4)
hours = page.widget(st.slider, "Moment (hours since the start of the simulation)", "hours", 0.0, top, step=0.25)
minute = hours * 60
st.markdown(f"**At** {state.when(sim, minute)}")

answer = sim.why_not(user, role, scope, at=minute)
(st.success if answer.reason is Reason.HAS_ACCESS else st.warning)(
    f"**{answer.reason.value.capitalize()}.** {state.readable(sim, answer.detail)}")
if answer.settings_note:
    st.info(answer.settings_note)

st.subheader(f"Who holds {role} at {scope} then")
held = holders(sim, role, scope, minute)
st.dataframe(pd.DataFrame([{"Person": h.principal, "How": h.how.value, "Assigned at": h.assigned_scope,
                            "Inherited": h.inherited, "Through group": h.via_group} for h in held],
                          columns=["Person", "How", "Assigned at", "Inherited", "Through group"]),
             hide_index=True, width="stretch", key="whynot_holders")

st.subheader(f"{user}'s assignments of {role}")
intervals = results.intervals
mine = intervals[(intervals["principal"] == user) & (intervals["role"] == role)]
if mine.empty:
    st.caption(f"{user} has never had an assignment of {role}.")
else:
    st.altair_chart(charts.timeline(mine, sim.clock), width="stretch")

jit_views.show_why_connect(results, minute, user)  # "why can't I connect to this VM on port 3389 now?"
