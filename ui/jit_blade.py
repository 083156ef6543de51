"""Portal sandbox > Microsoft Defender for Cloud > Just-in-time VM access.

The blade's three tabs (Configured, Not configured, Unsupported with the reason), enabling JIT on a VM, requesting
access (ports, "My IP" or a range, a duration up to the port's maximum, a justification), the VM's Networking
view with its NSG rules as JIT writes and removes them, the Activity Log, and "why can't I connect to this VM on
port 3389 now". The world is :mod:`ui.jit_sandbox`; every rule and refusal is the engine's (``sim.jit``).
"""

from __future__ import annotations

import streamlit as st

from pim_sim.errors import ModelError
from ui import jit_sandbox, jit_views, state
from ui.escape import markdown

KEY = "jit_sim"
TABS = ("Configured", "Not configured", "Unsupported")
DURATIONS = {"30 minutes": "PT30M", "1 hour": "PT1H", "2 hours": "PT2H", "3 hours": "PT3H", "6 hours": "PT6H"}

st.header("Just-in-time VM access")
st.caption("Portal sandbox › Microsoft Defender for Cloud › Workload protections › Just-in-time VM access. "
           "Network ports opened on request: there is no approver in JIT itself; the Azure role of the person "
           "asking decides, and a request opens the port at once or is refused with its reason.")


def sim():
    if KEY not in st.session_state:
        st.session_state[KEY] = jit_sandbox.build()
    return st.session_state[KEY]


def me() -> str:
    return st.session_state.get("jit_persona") or next(iter(jit_sandbox.PERSONAS))


def flash(kind: str, text: str) -> None:
    st.session_state["jit_flash"] = (kind, text)


def act(action, success) -> None:
    """Run an action of the model; a refusal or a model error becomes the message shown, never a traceback."""
    try:
        result = action()
    except ModelError as e:
        reason = getattr(e, "reason", None)
        if reason is None:
            flash("error", f"Refused: {state.readable(sim(), e)}")
        else:
            model_choice = "" if e.documented else " This rule is a model choice the documentation doesn't state."
            flash("error", f"Refused ({reason.value}): {state.readable(sim(), e.message)}. Source: {e.source}.{model_choice}")
        return
    flash("success", success(result))


# ------------------------------------------------------------------ callbacks (run before the page is drawn)
def advance(by: str) -> None:
    s = sim()
    act(lambda: s.advance(by), lambda _: f"Clock advanced by {by}.")


def reset() -> None:
    st.session_state[KEY] = jit_sandbox.build()
    flash("success", "The JIT sandbox is back at its start.")


def enable() -> None:
    s, vm = sim(), st.session_state["jit_enable_vm"]
    act(lambda: s.jit.enable(vm, by=me(), path="defender"),
        lambda p: f"JIT enabled on {s.jit.vm(vm).name} (ports 22, 3389, 5985, 5986; 3 hours; any source).")


def request() -> None:
    s, vm = sim(), st.session_state["jit_req_vm"]
    ports = list(st.session_state.get("jit_req_ports") or [])
    use_range = st.session_state.get("jit_req_source_kind") == "IP range"
    source = st.session_state.get("jit_req_range", "").strip() if use_range else None
    duration = DURATIONS[st.session_state["jit_req_duration"]]
    if not ports:
        flash("error", "Choose at least one port to open.")
        return
    act(lambda: s.jit.request(me(), vm, ports, duration=duration, source=source or None,
                              caller_ip=jit_sandbox.MY_IP[me()],
                              justification=st.session_state.get("jit_req_justification", "")),
        lambda r: f"Access requested by {r.requestor}: port(s) {', '.join(str(p.number) for p in r.ports)} "
                  f"open for {r.ports[0].source} until {s.clock.at(r.ports[0].end_minute):%H:%M} UTC.")


def pim_activate() -> None:
    s = sim()
    act(lambda: s.activate("erin", jit_sandbox.PIM_ROLE, jit_sandbox.RG, duration="PT2H",
                           justification="Patch db1 through JIT"),
        lambda r: f"erin asked PIM to activate Contributor on app-rg: {r.status.value} (bob must approve).")


def pim_approve() -> None:
    s = sim()
    pending = [r for r in s.requests.values() if r.principal == "erin" and r.status.value == "PendingApproval"]
    if not pending:
        flash("error", "No PIM request of erin's is waiting for approval.")
        return
    act(lambda: s.approve(pending[-1].id, by="bob", justification="Change approved"),
        lambda _: "bob approved erin's Contributor activation in PIM.")


# ------------------------------------------------------------------ header: persona and clock
s = sim()
jit = s.jit
left, right = st.columns([1, 2])
left.selectbox("Signed in as", list(jit_sandbox.PERSONAS), key="jit_persona")
left.caption(jit_sandbox.PERSONAS[me()])  # the role, below the name: it would be cut off inside the box at 1024 px
with right:
    st.markdown(f"**Now:** {s.clock.at(s.now):%a %d %b %Y %H:%M} UTC · My IP: `{jit_sandbox.MY_IP[me()]}`")
    b1, b2, b3 = st.columns(3)
    b1.button("+1 hour", key="jit_plus1h", on_click=advance, args=("PT1H",), width="stretch")
    b2.button("+3 hours", key="jit_plus3h", on_click=advance, args=("PT3H",), width="stretch")
    b3.button("Reset", key="jit_reset", on_click=reset, width="stretch")

message = st.session_state.pop("jit_flash", None)
if message is not None:
    (st.success if message[0] == "success" else st.error)(markdown(message[1]))

counts = {t: len(jit_views.vm_rows(jit, t)) for t in TABS}
configured_tab, not_configured_tab, unsupported_tab = st.tabs([f"{t} ({counts[t]})" for t in TABS])

with configured_tab:
    st.caption("VMs with a JIT policy. Request access to open a port for your IP address for a limited time.")
    st.dataframe(jit_views.vm_rows(jit, "Configured"), hide_index=True, key="jit_configured_table")
    configured = [v for v in jit.vms if jit.jit_state(v).status == "Configured"]
    if configured:
        with st.container(border=True, key="jit_request_form"):
            st.markdown("**Request access**")
            vm = st.selectbox("Virtual machine", configured, key="jit_req_vm", format_func=lambda v: jit.vm(v).name)
            ports = [p.number for p in jit.entry_of(vm).ports]
            st.multiselect("Ports to open", ports, key="jit_req_ports")
            kind = st.radio("Allowed source IP", ["My IP", "IP range"], key="jit_req_source_kind", horizontal=True)
            if kind == "IP range":
                st.text_input("IP range (CIDR)", key="jit_req_range", placeholder="203.0.113.0/24")
            st.selectbox("Time range", list(DURATIONS), index=2, key="jit_req_duration")
            st.text_input("Justification (optional)", key="jit_req_justification")
            st.button("Open ports", key="jit_req_go", on_click=request, type="primary")

with not_configured_tab:
    st.caption("Supported VMs without a JIT policy: their management ports are as their NSG rules leave them.")
    st.dataframe(jit_views.vm_rows(jit, "Not configured"), hide_index=True, key="jit_not_configured_table")
    candidates = [v for v in jit.vms if jit.jit_state(v).status == "Not configured"]
    if candidates:
        st.selectbox("Virtual machine", candidates, key="jit_enable_vm", format_func=lambda v: jit.vm(v).name)
        st.button("Enable JIT on 1 VM", key="jit_enable_go", on_click=enable)

with unsupported_tab:
    st.caption("VMs JIT can't protect, each with the reason the page gives.")
    st.dataframe(jit_views.vm_rows(jit, "Unsupported"), hide_index=True, key="jit_unsupported_table")

st.markdown("**Recommendation**: Management ports of virtual machines should be protected with just-in-time "
            "network access control")
st.dataframe(jit_views.recommendation_rows(s, jit), hide_index=True, key="jit_recommendations")

# ------------------------------------------------------------------ the VM's Networking view
st.subheader("Networking: inbound port rules")
net_vm = st.selectbox("Virtual machine", list(jit.vms), key="jit_net_vm", format_func=lambda v: jit.vm(v).name)
nsgs = jit.nsgs_of(jit.vm(net_vm))
# Rule names such as MicrosoftDefenderForCloud-JITRule_-web1 wrap inside their cell, so the table fits a 1024-pixel
# screen instead of scrolling sideways (Streamlit's tables never wrap a cell by default).
st.html('<style>[class*="st-key-jit_rules_"] table { table-layout: fixed; width: 100%; } '
        '[class*="st-key-jit_rules_"] :is(td, th, td *, th *) { white-space: normal; overflow-wrap: anywhere; }</style>')
if not nsgs:
    st.info("No network security group is associated with this VM's subnet or network interface.")
for nsg in nsgs:
    where = "subnet" if nsg == jit.subnets[jit.vm(net_vm).subnet].nsg else "network interface"
    with st.container(key=f"jit_rules_{nsg}"):
        st.markdown(f"**{markdown(nsg)}** ({where}): evaluated in priority order, the first match decides")
        st.table(jit_views.rule_rows(jit, nsg).set_index("Priority"))

# ------------------------------------------------------------------ why can't I connect
st.subheader("Why can't I connect to this VM now?")
c1, c2 = st.columns(2)
port = c1.number_input("Port", min_value=0, max_value=65535, value=3389, key="jit_why_port")
source = c2.text_input("From IP address", value=jit_sandbox.MY_IP[me()], key="jit_why_source")
with st.container(key="jit_why_answer"):
    try:
        jit_views.show_connection_answer(jit, source.strip(), net_vm, int(port), principal=me())
    except ModelError as e:
        st.error(markdown(f"Can't answer: {e}"))

# ------------------------------------------------------------------ PIM in front of JIT, and the Activity Log
with st.expander("JIT behind a PIM-eligible role (erin)"):
    st.markdown("erin is eligible for Contributor on app-rg through PIM, and Contributor there needs bob's "
                "approval. Her JIT requests are refused until the activation is approved and in force.")
    p1, p2 = st.columns(2)
    p1.button("erin: activate Contributor in PIM", key="jit_pim_activate", on_click=pim_activate)
    p2.button("bob: approve erin's request", key="jit_pim_approve", on_click=pim_approve)
jit_views.show_activity(s, s.now, "jit_blade")
