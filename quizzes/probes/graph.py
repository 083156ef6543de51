"""Probes on Microsoft Graph actions, statuses and policy export."""

from __future__ import annotations

from typing import Any

from quizzes.probes.base import DAY, Lab, eligible_alice, must, probe


# --- Microsoft Graph actions and statuses ----------------------------------------------------------------
@probe("Every request type is made once: admin assign, update, extend, renew and remove; self activate, "
       "deactivate, extend and renew; one activation waits for approval and one is denied.")
def graph_actions(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("graph-actions")
    sim.assign("bob", "Privileged Role Administrator", kind="active", justification="x")
    assign = sim.assign("alice", "Security Administrator", kind="eligible", duration="P10D")
    sid = must(sim.find("alice", "Security Administrator", kind="eligible")).id
    sim.advance("PT10M")
    act = sim.activate("alice", "Security Administrator", duration="PT1H", justification="x")
    sim.advance("PT10M")
    deact = sim.deactivate("alice", "Security Administrator")
    ext = sim.request_extend("alice", "Security Administrator", justification="x")
    ext_status = str(ext.status)
    sim.decide_update(ext.id, by="bob")
    adm_ext = sim.admin_extend(sid, "P1D", by="bob")
    upd = sim.admin_update(sid, end="P60D", by="bob", justification="x")
    sim.run("P61D")
    renew = sim.request_renew("alice", "Security Administrator", justification="x")
    sim.decide_update(renew.id, by="bob")
    new_sid = must(sim.find("alice", "Security Administrator", kind="eligible")).id
    sim.run(sim.now + 10)
    remove = sim.remove(new_sid, by="bob")
    sim.assign("carol", "Security Reader", kind="eligible", duration="P5D")
    carol_sid = must(sim.find("carol", "Security Reader", kind="eligible")).id
    sim.run(sim.now + 6 * DAY)
    adm_renew = sim.admin_renew(carol_sid, "P5D", by="bob")
    sim.set_settings("Reports Reader", require_approval=True, approvers=("bob",))
    sim.assign("dave", "Reports Reader", kind="eligible")
    sim.advance("PT10M")
    waiting = sim.activate("dave", "Reports Reader", duration="PT1H", justification="x")
    waiting_status = str(waiting.status)
    sim.deny(waiting.id, by="bob")
    return {
        "action_assign": str(assign.action),
        "action_activate": str(act.action),
        "action_deactivate": str(deact.action),
        "action_self_extend": str(ext.action),
        "action_self_renew": str(renew.action),
        "action_admin_extend": str(adm_ext.action),
        "action_admin_renew": str(adm_renew.action),
        "action_admin_update": str(upd.action),
        "action_remove": str(remove.action),
        "self_actions": sorted({str(r.action) for r in sim.requests.values() if str(r.action).startswith("self")}),
        "admin_actions": sorted({str(r.action) for r in sim.requests.values() if str(r.action).startswith("admin")}),
        "status_waiting_for_approver": waiting_status,
        "status_waiting_for_admin": ext_status,
        "status_denied": str(sim.requests[waiting.id].status),
        "status_deactivated": str(deact.status),
        "status_activated": str(sim.requests[act.id].status),
    }


@probe("Global Administrator's settings are changed (approval by bob), then every role's settings are exported as "
       "Microsoft Graph role management policies.")
def graph_policy_export(lab: Lab) -> dict[str, Any]:
    from pim_sim.graph.writer import policy_assignments

    sim = eligible_alice(lab, "policy-export", require_approval=True, approvers=("bob",))
    doc = policy_assignments(sim.settings, tenant=sim.tenant)
    counts = sorted({len(a["policy"]["rules"]) for a in doc["value"]})
    return {
        "rules_per_policy": counts[0] if len(counts) == 1 else counts,
        "rule_kinds": sorted({r["@odata.type"].rsplit("Policy", 1)[-1].removesuffix("Rule")
                              for a in doc["value"] for r in a["policy"]["rules"]}),
    }
