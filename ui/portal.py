"""Portal sandbox: an interactive tenant, seen as one persona at a time.

The page reads the sandbox simulation and calls its actions (activate, approve, deny, cancel,
deactivate, extend, renew, decide); the engine enforces every rule and its refusals are shown
with the rule PIM names. The clock buttons advance the SimPy model.
"""

from __future__ import annotations

from datetime import UTC

import pandas as pd
import streamlit as st

from pim_sim import Kind, Origin, Status, facts
from ui import sandbox, state, tables
from ui.page_state import PageModel

st.header("Portal sandbox")
st.caption("A small tenant you can click through as the real Privileged Identity Management portal would "
           "let you: what the portal refuses is refused here too, with its reason.")

sim = state.sandbox_sim()
st.page_link("ui/jit_blade.py", label="Microsoft Defender for Cloud › Just-in-time VM access",
             icon=":material/vpn_key:")  # the same sandbox's network side: VM ports opened on request
page = PageModel("portal", "portal", {"persona": next(iter(sandbox.PERSONAS))})


def me() -> str:
    """The persona signed in when a button was pressed (callbacks run before the page is drawn)."""
    return page.get("persona")


# ------------------------------------------------------------------ clock
def advance(by: str) -> None:
    sim = state.sandbox_sim()
    state.attempt(lambda: sim.advance(by), lambda _: f"Clock advanced by {by}: now {state.when(sim, sim.now)}.")


def go_to() -> None:
    sim = state.sandbox_sim()
    moment = st.session_state["portal_to"]
    if moment is None:  # the field was cleared
        st.session_state[state.FLASH] = ("error", "**Not possible:** type a date and time to advance to.")
        return
    target = state.minute_of(sim, moment.replace(tzinfo=UTC))
    state.attempt(lambda: sim.run(target), lambda _: f"Clock moved to {state.when(sim, sim.now)}.")


persona_col, clock_col = st.columns([1, 2])
persona = page.widget(persona_col.selectbox, "Signed in as", "persona", options=list(sandbox.PERSONAS),
                      format_func=lambda p: f"{p} ({sandbox.PERSONAS[p]})")
with clock_col:
    st.markdown(f"**Now:** {state.when(sim, sim.now)}")
    (b1, b2), (b3, b4) = st.columns(2), st.columns(2)  # two a row: each label whole on a 1024-pixel screen
    b1.button("+5 minutes", key="portal_plus5m", on_click=advance, args=("PT5M",), width="stretch")
    b2.button("+1 hour", key="portal_plus1h", on_click=advance, args=("PT1H",), width="stretch")
    b3.button("+1 day", key="portal_plus1d", on_click=advance, args=("P1D",), width="stretch")
    b4.button("Reset tenant", key="portal_reset", on_click=state.reset_sandbox, width="stretch")
    if st.session_state.get("portal_to_synced") != (id(sim), sim.now):  # the target starts at "now" whenever the clock moves
        st.session_state["portal_to"] = sim.clock.at(sim.now).replace(tzinfo=None)
        st.session_state["portal_to_synced"] = (id(sim), sim.now)
    # A form: a typed date and time are sent with Enter (which submits it) or with Go, never only on leaving the field.
    with st.form("portal_to_form", border=False):
        d, go = st.columns([4, 1], vertical_alignment="bottom")
        d.datetime_input("Advance to (UTC)", key="portal_to", step=60,
                         help="Type a date and time and press Enter, or pick them and press Go.")
        go.form_submit_button("Go", key="portal_go", on_click=go_to, width="stretch")

state.show_flash()
now = sim.now

mine = sim.schedules_of(persona)
eligible = [s for s in mine if s.kind is Kind.ELIGIBLE and s.holds_at(now)]
active = [s for s in mine if s.kind is Kind.ACTIVE and s.holds_at(now)]
expired = [s for s in mine if s.origin is Origin.ASSIGNED and s.removed is None and s.end is not None and s.end <= now]



def inbox_of(who: str) -> list:
    """The emails PIM sent this persona: named as a recipient, or one of the default admins (Privileged
    Role Administrators and Global Administrators) when the email goes to them."""
    admin = sim.holds(who, "Privileged Role Administrator") or sim.holds(who, "Global Administrator")
    return [n for n in sim.notifications if who in [r.strip() for r in n.recipients.split(",")]
            or (admin and n.recipients == "default admins")]


inbox = inbox_of(persona)
roles_tab, requests_tab, approve_tab, admin_tab, review_tab, audit_tab, inbox_tab = st.tabs(
    ["My roles", "My requests", "Approve requests", "Extend or renew", "Reviews", "Audit",
     f"Inbox ({len(inbox)})"])
with inbox_tab:
    st.caption(f"The emails PIM sent {persona}, newest first.")
    if inbox:
        st.dataframe(pd.DataFrame([{"Received (UTC)": state.when(sim, n.minute), "Subject": n.subject,
                                    "Notification": n.rule_id, "Request": n.request_id} for n in reversed(inbox)]),
                     hide_index=True, width="stretch", key="portal_inbox")
    else:
        st.info(f"No email for {persona} yet.")


# ------------------------------------------------------------------ My roles
def activate() -> None:
    s = sim.schedules[st.session_state["activate_role"]]
    ss = st.session_state
    state.attempt(
        lambda: sim.activate(me(), s.role, s.scope, duration=ss["activate_hours"] * 60,
                             justification=ss.get("activate_justification", ""), ticket=ss.get("activate_ticket", ""),
                             mfa=ss.get("activate_mfa", True)),
        lambda r: f"Request {r.id} for {r.role}: **{r.status.value}**{NEXT.get(r.status, '.').format(approvers(r.id))}")


NEXT = {Status.PENDING_APPROVAL: ", waiting for {} (approvers have " + state.hours(facts.APPROVAL_WINDOW_MINUTES.value) + ").",
        Status.GRANTED: ". PIM creates the active assignment within seconds: advance the clock to see it."}


def approvers(request_id: str) -> str:
    return ", ".join(sorted(sim.approvers_for(request_id)))


def reset_duration() -> None:
    st.session_state.pop("activate_hours", None)


def deactivate() -> None:
    s = sim.schedules[st.session_state["deactivate_pick"]]
    state.attempt(lambda: sim.deactivate(me(), s.role, s.scope), lambda r: f"{s.role} deactivated ({r.id}).")


def request_update(kind: str) -> None:
    s = sim.schedules[st.session_state[f"{kind}_pick"]]
    ask = sim.request_extend if kind == "extend" else sim.request_renew
    state.attempt(lambda: ask(me(), s.role, s.scope, kind=s.kind, justification=f"Please {kind} {s.role}"),
                  lambda r: f"{kind.capitalize()} request {r.id} sent: **{r.status.value}** until an administrator decides.")


with roles_tab:
    el_tab, ac_tab, ex_tab = st.tabs([f"Eligible roles ({len(eligible)})", f"Active roles ({len(active)})",
                                      f"Expired roles ({len(expired)})"])
    with el_tab:
        st.dataframe(tables.schedules(sim, eligible), hide_index=True, width="stretch")
        if eligible:
            st.subheader("Activate")
            pick = st.selectbox("Role to activate", [s.id for s in eligible], key="activate_role",
                                on_change=reset_duration, format_func=lambda i: f"{sim.schedules[i].role} "
                                f"({sim.schedules[i].scope})")
            chosen = sim.schedules[pick]
            rules = sim.settings_for(chosen.role, chosen.scope)
            needs = [f"maximum {rules.activation_max / 60:g} hours"]
            if rules.require_approval:
                who = ", ".join(rules.approvers) or " and ".join(facts.ENTRA_DEFAULT_APPROVER_ROLES.value)
                needs.append(f"approval by {who} (they have {state.hours(facts.APPROVAL_WINDOW_MINUTES.value)})")
            needs += [n for n, on in (("multifactor authentication", rules.require_mfa or rules.auth_context),
                                      ("a justification", rules.require_justification),
                                      ("a ticket number", rules.require_ticket)) if on]
            st.caption("This role's settings require " + "; ".join(needs) + ".")
            st.slider("Duration (hours)", min_value=0.5, max_value=rules.activation_max / 60, step=0.5,
                      value=rules.activation_max / 60, key="activate_hours")
            if rules.require_mfa or rules.auth_context:
                st.checkbox("I completed the multifactor authentication prompt", value=False, key="activate_mfa")
            if rules.require_justification:
                st.text_area("Reason (justification)", key="activate_justification")
            if rules.require_ticket:
                st.text_input("Ticket number", key="activate_ticket")
            st.button("Activate", key="activate_submit", type="primary", on_click=activate)
    with ac_tab:
        st.dataframe(tables.schedules(sim, active), hide_index=True, width="stretch")
        activations = [s for s in active if s.origin is Origin.ACTIVATED]
        if activations:
            st.selectbox("Activation", [s.id for s in activations], key="deactivate_pick",
                         format_func=lambda i: sim.schedules[i].role)
            st.button("Deactivate", key="deactivate_submit", on_click=deactivate)
        bounded = [s for s in (*eligible, *active) if s.origin is Origin.ASSIGNED and s.end is not None]
        if bounded:
            st.markdown("**Extend** a time-bound assignment (possible once it ends within "
                        f"{state.days(facts.EXTEND_WINDOW_MINUTES.value)})")
            st.selectbox("Assignment", [s.id for s in bounded], key="extend_pick",
                         format_func=lambda i: f"{sim.schedules[i].role} ({sim.schedules[i].kind.value}, ends "
                         f"{state.when(sim, sim.schedules[i].end)})")
            st.button("Extend", key="extend_submit", on_click=request_update, args=("extend",))
    with ex_tab:
        st.dataframe(tables.schedules(sim, expired), hide_index=True, width="stretch")
        if expired:
            st.selectbox("Expired assignment", [s.id for s in expired], key="renew_pick",
                         format_func=lambda i: f"{sim.schedules[i].role} (ended {state.when(sim, sim.schedules[i].end)})")
            st.button("Renew", key="renew_submit", on_click=request_update, args=("renew",))


# ------------------------------------------------------------------ My requests
def cancel() -> None:
    state.attempt(lambda: sim.cancel(st.session_state["cancel_pick"], by=me()), lambda r: f"Request {r.id} canceled.")


with requests_tab:
    own = [r for r in sim.requests.values() if r.principal == persona and r.created_by == persona]
    st.dataframe(tables.requests(sim, own), hide_index=True, width="stretch")
    cancellable = [r.id for r in own if r.status in (Status.PENDING_APPROVAL, Status.PENDING_ADMIN_DECISION)]
    if cancellable:
        st.selectbox("Pending request", cancellable, key="cancel_pick")
        st.button("Cancel request", key="cancel_submit", on_click=cancel)


# ------------------------------------------------------------------ approvals
def decide(approve: bool) -> None:
    rid, why = st.session_state["approve_pick"], st.session_state.get("approve_justification", "")
    act = sim.approve if approve else sim.deny
    state.attempt(lambda: act(rid, by=me(), justification=why),
                  lambda r: f"Request {r.id} {'approved' if approve else 'denied'}: **{r.status.value}**"
                            f"{NEXT.get(r.status, '.')}")


with approve_tab:
    waiting = [r for r in sim.requests.values() if r.status is Status.PENDING_APPROVAL and persona in sim.approvers_for(r.id)]
    if not waiting:
        st.info(f"No activation requests wait for {persona}'s approval.")
    else:
        st.dataframe(tables.requests(sim, waiting), hide_index=True, width="stretch")
        st.selectbox("Request", [r.id for r in waiting], key="approve_pick",
                     format_func=lambda i: f"{i}: {sim.requests[i].principal} → {sim.requests[i].role}")
        st.text_input("Justification (required to approve or deny)", key="approve_justification")
        a, d = st.columns(2)
        a.button("Approve", key="approve_submit", type="primary", on_click=decide, args=(True,), width="stretch")
        d.button("Deny", key="deny_submit", on_click=decide, args=(False,), width="stretch")
    own = [r for r in sim.requests.values() if r.status is Status.PENDING_APPROVAL and r.principal == persona]
    if own:  # the portal never lists these for approval; trying shows PIM's refusal and its rule
        st.markdown(f"**{persona}'s own requests waiting for approval**")
        st.selectbox("Own request", [r.id for r in own], key="self_approve_pick",
                     format_func=lambda i: f"{i}: {sim.requests[i].role}")
        st.button("Try to approve my own request", key="self_approve_submit", on_click=lambda: state.attempt(
            lambda: sim.approve(st.session_state["self_approve_pick"], by=me(), justification="Approving my own"),
            lambda r: f"Request {r.id} approved: **{r.status.value}**."))


# ------------------------------------------------------------------ admin decisions on extend and renew
def admin_decide(approve: bool) -> None:
    rid = st.session_state["admin_pick"]
    state.attempt(lambda: sim.decide_update(rid, by=me(), approve=approve, justification="Reviewed"),
                  lambda r: f"Request {r.id} {'approved' if approve else 'denied'}: **{r.status.value}**.")


with admin_tab:
    st.caption("Extend and renew requests wait for a Privileged Role Administrator or Global Administrator "
               f"([source]({facts.EXTEND_WINDOW_MINUTES.source})). Any persona may try; the model refuses "
               "those who lack the role.")
    updates = [r for r in sim.requests.values() if r.status is Status.PENDING_ADMIN_DECISION]
    if not updates:
        st.info("No extend or renew requests are waiting.")
    else:
        st.dataframe(tables.requests(sim, updates), hide_index=True, width="stretch")
        st.selectbox("Request", [r.id for r in updates], key="admin_pick",
                     format_func=lambda i: f"{i}: {sim.requests[i].principal} {sim.requests[i].action.value} "
                     f"{sim.requests[i].role}")
        a, d = st.columns(2)
        a.button("Approve", key="admin_approve", on_click=admin_decide, args=(True,), width="stretch")
        d.button("Deny", key="admin_deny", on_click=admin_decide, args=(False,), width="stretch")

# ------------------------------------------------------------------ access reviews
def review_decide(approve: bool) -> None:
    inst, who = st.session_state["review_instance"], st.session_state["review_subject"]
    why = st.session_state.get("review_reason", "")
    state.attempt(lambda: sim.reviews.decide(inst, who, approve, by=me(), reason=why),
                  lambda d: f"{d.decision.value} recorded for {d.principal}; nothing changes until the results are applied.")


def review_close(step: str) -> None:
    inst = st.session_state["review_instance"]
    act = sim.reviews.stop if step == "stop" else sim.reviews.apply
    state.attempt(lambda: act(inst, by=me()), lambda i: f"Review {i.id}: **{i.status.value}**.")


with review_tab:
    st.caption("Reviewers approve or deny each person's continued access; denied assignments are removed when "
               f"the results are applied ([source]({facts.REVIEWS})).")
    instances = list(sim.reviews.instances.values())
    if not instances:
        st.info("No access reviews in this tenant.")
    else:
        pick = st.selectbox("Review", [i.id for i in instances], key="review_instance",
                            format_func=lambda i: f"{sim.reviews.series[sim.reviews.instances[i].review_id].definition.name}"
                            f" ({sim.reviews.instances[i].status.value})")
        inst = sim.reviews.instances[pick]
        decided = sim.reviews.decisions(inst.id)
        st.markdown(f"**{inst.status.value}**, from {state.when(sim, inst.start)} to {state.when(sim, inst.end)}")
        st.dataframe(pd.DataFrame([{"Person": x.principal, "Assignment": x.assignment, "Reviewers": ", ".join(x.reviewers),
                                    "Recommendation": x.recommendation,
                                    "Decision": decided[x.principal].decision.value if x.principal in decided else "",
                                    "Decided by": decided[x.principal].by if x.principal in decided else ""}
                                   for x in inst.subjects]), hide_index=True, width="stretch")
        if inst.subjects:
            st.selectbox("Person", list(inst.principals()), key="review_subject")
            st.text_input("Reason", key="review_reason")
        a, d, s_, p_ = st.columns(4)
        if inst.subjects:
            a.button("Approve", key="review_approve", on_click=review_decide, args=(True,), width="stretch")
            d.button("Deny", key="review_deny", on_click=review_decide, args=(False,), width="stretch")
        if sim.holds(persona, "Privileged Role Administrator"):  # who manages reviews of Microsoft Entra roles
            s_.button("Stop review", key="review_stop", on_click=review_close, args=("stop",), width="stretch")
            p_.button("Apply results", key="review_apply", on_click=review_close, args=("apply",), width="stretch")

with audit_tab:
    st.caption(f"The audit records {persona} can read now, newest first, and where: a requester sees their own "
               "in My audit; reading the Resource audit or the Entra audit logs takes a role such as Security Reader.")
    seen = sim.results().where_visible(now)
    readable = seen.loc[[persona in people.split(", ") for people in seen["people"]]]
    if readable.empty:
        st.info(f"{persona} can't read any audit record now.")
    else:
        shown = readable[["seq", "place"]].rename(columns={"seq": "#", "place": "Where"}).merge(
            tables.audit(sim, sim.audit), on="#").sort_values("#", ascending=False)
        st.dataframe(shown, hide_index=True, width="stretch")
