"""Why / why not: for a person, a role, a scope and a moment, who holds what and the first
reason access is missing. The explanation is the model's (``Simulation.why_not``); the page
only asks and draws."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pim_sim import Reason
from pim_sim.core.access import holders
from pim_sim.core.roles import CATALOGUE
from ui import charts, jit_views, state

st.header("Why / why not")
st.caption("Pick a person, a role, a scope and a moment. The model says who holds the role there and then, "
           "and the first reason the person's access is missing: not eligible, not activated, waiting for "
           "approval, expired, a scope that doesn't cover this one, ...")

source = st.radio("Tenant", state.SOURCES, key="whynot_source", horizontal=True)
results = state.results_for(source)
sim = results.sim

users = [u.name for u in sim.tenant.users]
scopes = [s.id for s in sim.tenant.scopes]
c1, c2, c3 = st.columns(3)
user = c1.selectbox("User", users, key="whynot_user")
scope = c2.selectbox("Scope", scopes, key="whynot_scope")
surface = sim.tenant.scope(scope).surface
roles = sorted(CATALOGUE[surface])
held = {x.role for x in sim.schedules_of(user)}
role = c3.selectbox("Role", roles, key="whynot_role",  # opens on a role the user has had, if any
                    index=next((i for i, r in enumerate(roles) if r in held), 0))
hours = st.slider("Moment (hours since the start of the simulation)", min_value=0.0, max_value=max(sim.now / 60, 0.25),
                  value=sim.now / 60, step=0.25, key="whynot_hours")
minute = hours * 60
st.markdown(f"**At** {state.when(sim, minute)} (minute {minute:g})")

answer = sim.why_not(user, role, scope, at=minute)
(st.success if answer.reason is Reason.HAS_ACCESS else st.warning)(f"**{answer.reason.value.capitalize()}.** {answer.detail}")
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
