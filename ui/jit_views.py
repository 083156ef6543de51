"""Just-in-time VM access as a student sees it: the blade's VM tables, a VM's inbound port rules, the Azure
Activity Log, the port-exposure timeline of a run and the answer to "why can't I connect on this port now".

Functions returning frames and charts hold no rules: they read ``sim.jit``'s records. The ``show_*`` functions
draw a section on the page that calls them (the Scenario lab, What-if, the Audit explorer, Why / why not and the
JIT blade).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from pim_sim.errors import ModelError
from pim_sim.features.jit_vm import metrics as jit_tables
from pim_sim.features.jit_vm.explain import why_connection
from pim_sim.results import run as attached
from ui.escape import markdown

EXPOSURE = ("Open to the internet (standing rule)", "Open through JIT only")
EXPOSURE_COLOURS = ("#D55E00", "#0072B2")  # Okabe-Ito vermillion and blue
METRIC_LABELS = {
    "jit_standing_exposure_minutes": "Standing exposure (min)",
    "jit_exposure_minutes": "Exposure through JIT (min)",
    "jit_requests": "JIT requests granted",
    "jit_refusals": "JIT requests refused",
    "jit_connections_allowed": "Connections allowed",
    "jit_connections_denied": "Connections denied",
}


def jit_of(sim):
    """The run's JIT model, or None when the run didn't use just-in-time VM access."""
    return attached.jit(sim)


def _when(sim, minute: float) -> str:
    return f"{sim.clock.at(minute):%a %d %b %H:%M} UTC"


def vm_rows(jit, status: str) -> pd.DataFrame:
    """The VMs in one tab of the blade (Configured, Not configured or Unsupported)."""
    rows = []
    for vid, vm in jit.vms.items():
        state = jit.jit_state(vid)
        if state.status != status:
            continue
        row = {"Virtual machine": vm.name, "Resource group": vm.resource_group.rsplit("/", 1)[-1],
               "OS": vm.os.value}
        if status == "Configured":
            entry = jit.entry_of(vid)
            open_now = sorted(p for (v, p) in jit.grants if v == vid)
            last = next((r for r in reversed(jit.requests) if any(p.vm == vid for p in r.ports)), None)
            row |= {"Ports": ", ".join(str(p.number) for p in entry.ports),
                    "Open now": ", ".join(map(str, open_now)) or "none",
                    "Last user": last.requestor if last else "", "Approved": sum(
                        1 for r in jit.requests if any(p.vm == vid for p in r.ports))}
        elif status == "Unsupported":
            row["Reason"] = state.reason
        rows.append(row)
    return pd.DataFrame(rows)


def rule_rows(jit, nsg: str) -> pd.DataFrame:
    """An NSG's inbound rules as the VM's Networking view lists them (a JIT rule is known by its name; port and
    protocol share a column, ``3389/TCP``, so the table fits a 1024-pixel screen), custom rules by priority then
    the defaults."""
    rows = []
    for r in jit.rules(nsg):
        if r.direction != "Inbound":
            continue
        ports = ", ".join(str(lo) if lo == hi else ("Any" if (lo, hi) == (0, 65535) else f"{lo}-{hi}")
                          for lo, hi in r.ports)
        protocol = "Any" if r.protocol == "*" else r.protocol
        rows.append({"Priority": r.priority, "Name": r.name, "Port": ports if protocol == "Any" else f"{ports}/{protocol}",
                     "Source": ", ".join("Any" if s == "*" else s for s in r.sources),
                     "Destination": ", ".join("Any" if s == "*" else s for s in r.destinations),
                     "Action": r.access.value})
    for name, priority, source, access in (("AllowVnetInBound", 65000, "VirtualNetwork", "Allow"),
                                           ("AllowAzureLoadBalancerInBound", 65001, "AzureLoadBalancer", "Allow"),
                                           ("DenyAllInBound", 65500, "Any", "Deny")):
        rows.append({"Priority": priority, "Name": name, "Port": "Any", "Source": source,
                     "Destination": "Any", "Action": access})
    return pd.DataFrame(rows)


def activity_rows(sim, jit, view_minute: float | None = None) -> pd.DataFrame:
    """The Azure Activity Log entries of JIT, as they show at ``view_minute`` (after their delay, within 90 days)."""
    from pim_sim.features.jit_vm.records import sightings

    t = jit.now if view_minute is None else view_minute
    rows = []
    for e in jit.activity:
        if not any(s.visible_from <= t < s.visible_until for s in sightings(e)):
            continue
        rows.append({"Time (UTC)": _when(sim, e.minute), "Operation name": e.operation_name, "Status": e.status,
                     "Event initiated by": e.caller, "Resource": e.resource_id.rsplit("/", 1)[-1],
                     "Documented": "yes" if e.documented else "model choice"})
    return pd.DataFrame(rows, columns=["Time (UTC)", "Operation name", "Status", "Event initiated by", "Resource",
                                       "Documented"])


def exposure_frame(sim, jit, horizon: float) -> pd.DataFrame:
    """Intervals when each VM port was reachable from the internet, by kind, with UTC times."""
    rows = []
    current: dict[tuple[str, int], tuple[float, str]] = {}
    for e in [*jit.exposure, None]:
        if e is not None and e.minute > horizon:
            e = None
        items = [((e.vm, e.port), e.minute, e.state)] if e is not None else [
            (k, horizon, "closed") for k in list(current)]
        for key, minute, state in items:
            if key in current:
                since, was = current.pop(key)
                if was != "closed" and minute > since:
                    rows.append({"VM port": f"{key[0].rsplit('/', 1)[-1]}:{key[1]}", "Exposure": EXPOSURE[was == "jit"],
                                 "From": sim.clock.at(since), "Until": sim.clock.at(minute),
                                 "Minutes": round(minute - since, 1)})
            current[key] = (minute, state)
        if e is None:
            break
    return pd.DataFrame(rows, columns=["VM port", "Exposure", "From", "Until", "Minutes"])


def exposure_chart(frame: pd.DataFrame) -> alt.Chart:
    """A Gantt-style port-exposure timeline: one row per VM port, a bar while it was reachable."""
    rows = max(1, frame["VM port"].nunique())
    return alt.Chart(frame).mark_bar(cornerRadius=2, size=14).encode(
        x=alt.X("From:T", title="Time (UTC)"), x2="Until:T",
        y=alt.Y("VM port:N", title="VM : port", sort="ascending"),
        color=alt.Color("Exposure:N", title="Reachable from the internet",
                        scale=alt.Scale(domain=list(EXPOSURE), range=list(EXPOSURE_COLOURS)),
                        legend=alt.Legend(orient="bottom", labelLimit=320)),
        tooltip=["VM port", "Exposure", alt.Tooltip("From:T", format="%a %d %b %H:%M"),
                 alt.Tooltip("Until:T", format="%a %d %b %H:%M"), alt.Tooltip("Minutes:Q", title="Minutes (min)")],
    ).properties(height=min(max(120, 60 + 30 * rows), 800))


def show_run(results, key: str) -> None:
    """A run's just-in-time VM access: headline numbers and the port-exposure timeline (nothing without JIT)."""
    jit = jit_of(results.sim)
    if jit is None:
        return
    st.subheader("Just-in-time VM access")
    values = results.jit_metrics()
    cols = st.columns(len(METRIC_LABELS))
    for col, (name, label) in zip(cols, METRIC_LABELS.items(), strict=True):
        col.metric(label, f"{values[name]:,.0f}")
    frame = exposure_frame(results.sim, jit, results.horizon)
    st.markdown("**Port exposure**: when each VM port could be reached from the internet, through a rule someone "
                "created (standing) or only through a rule JIT wrote for a request.")
    if frame.empty:
        st.info("No VM port was reachable from the internet during this run.")
    else:
        st.altair_chart(exposure_chart(frame), key=f"{key}_exposure_chart")
    totals = jit_tables.exposure_minutes(jit, results.horizon)
    totals = totals[totals["minutes"] > 0].rename(columns={"vm": "VM", "port": "Port", "kind": "Kind",
                                                          "minutes": "Minutes"}).drop(columns=["vm_id"])
    st.dataframe(totals, hide_index=True, key=f"{key}_exposure_table")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.markdown("**Requests per user**")
        st.dataframe(jit_tables.requests_per_user(jit).rename(columns=str.capitalize), hide_index=True,
                     key=f"{key}_jit_per_user")
    with c2:
        st.markdown("**Refusals by reason**")
        st.dataframe(jit_tables.refusals_by_reason(jit).rename(columns=str.capitalize), hide_index=True,
                     key=f"{key}_jit_refusals")
    with c3:
        st.markdown("**Time from first attempt to access (min)**")
        waits = jit_tables.time_to_access(jit)[["requestor", "minutes"]]
        st.dataframe(waits.rename(columns=str.capitalize), hide_index=True, key=f"{key}_jit_waits")


def show_activity(sim, view_minute: float, key: str) -> None:
    """The Azure Activity Log entries of just-in-time VM access visible at ``view_minute``."""
    jit = jit_of(sim)
    if jit is None:
        return
    st.subheader("Azure Activity Log: just-in-time VM access")
    st.caption("Entries appear a few minutes after the operation and are kept 90 days. Operations the "
               "documentation doesn't name are marked as model choices.")
    st.dataframe(activity_rows(sim, jit, view_minute), hide_index=True, key=f"{key}_jit_activity")


def show_connection_answer(jit, source: str, vm: str, port: int, principal: str | None = None) -> None:
    """"Why can't I connect to this VM on this port now?" as a success or error box and its reasons."""
    from ui.state import readable

    answer = why_connection(jit, source, vm, port, principal=principal)
    box = st.success if answer.allowed else st.error
    box(markdown(readable(jit.host, answer.headline)))  # "ended at minute 600" as the portal's date and time
    for line in answer.lines:
        st.markdown(f"- {markdown(readable(jit.host, line))}")


def jit_at(results, minute: float):
    """The run's JIT model as it stood at ``minute``: the run itself at its end, else the Scenario lab's scenario run
    again (same seed) up to that minute."""
    from ui import state

    sim = results.sim
    if minute >= sim.now:
        return sim.jit
    text, seed = state.current_text(), state.current_seed()

    def build():
        again = state.parse(text).simulation(seed)
        again.run(minute)
        return again

    return state.cached(("jit_at", text, seed, minute), build).jit


def show_why_connect(results, minute: float, user: str) -> None:
    """Why / why not for a VM port: "why can't I connect to this VM on port 3389 now?" (nothing without JIT)."""
    if jit_of(results.sim) is None:
        return
    st.subheader("Why can't I connect to this VM?")
    st.caption("Just-in-time VM access: the network security groups decide each new connection by their first "
               "matching rule; JIT's deny rule, an allow rule it wrote for a request, or someone's own rule.")
    jit = jit_at(results, minute)
    names = list(jit.vms)
    c1, c2, c3 = st.columns(3)
    vm = c1.selectbox("Virtual machine", names, key="whynot_jit_vm", format_func=lambda v: jit.vm(v).name)
    port = c2.number_input("Port", min_value=0, max_value=65535, value=3389, key="whynot_jit_port")
    mine = [p.source for r in jit.requests if r.requestor == user for p in r.ports]
    source = c3.text_input("From IP address", value=mine[-1] if mine else "203.0.113.50", key="whynot_jit_source")
    try:
        show_connection_answer(jit, source.strip(), vm, int(port), principal=user)
    except ModelError as e:
        st.error(markdown(f"Can't answer: {e}"))


def recommendation_rows(sim, jit) -> pd.DataFrame:
    """Each VM's state of the recommendation "Management ports of virtual machines should be protected with
    just-in-time network access control" now, and since when."""
    rows = []
    for vid, vm in jit.vms.items():
        history = jit.recommendation_history(vid)
        if history:
            last = history[-1]
            rows.append({"Virtual machine": vm.name, "State": last.state, "Since": _when(sim, last.minute),
                         "Open management ports": ", ".join(map(str, last.open_ports)) or "none"})
    return pd.DataFrame(rows, columns=["Virtual machine", "State", "Since", "Open management ports"])
