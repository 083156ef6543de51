"""Probes on Conditional Access authentication context in PIM role settings.

A Conditional Access policy that targets an authentication context (say ``c1``) is modelled as
the tenant's ``auth_contexts``; whether the user's sign-in meets that policy (a compliant device,
an authentication strength) is the activation's ``context_satisfied``. Each probe tries the same
activation with one setting changed, so an observation says what the engine did, not what a
setting is called.
"""

from __future__ import annotations

from typing import Any

from pim_sim import Simulation
from quizzes.probes.base import Lab, probe, refusal, setting_refused

ROLE = "Security Administrator"
OTHER = "Exchange Administrator"


def _tenant(lab: Lab, label: str, *, policy: bool) -> Simulation:
    """alice eligible for Security Administrator and Exchange Administrator; with ``policy`` a
    Conditional Access policy targets the authentication context c1."""
    sim = lab.sim(label, auth_contexts=("c1",) if policy else ())
    sim.assign("alice", ROLE, kind="eligible")
    sim.assign("alice", OTHER, kind="eligible")
    sim.advance("PT10M")
    return sim


def _try(sim: Simulation, role: str, *, mfa: bool, device_ok: bool) -> bool:
    """Does PIM accept alice's activation (MFA done or not, the context's policy met or not)?"""
    return refusal(lambda: sim.activate("alice", role, duration="PT1H", justification="change 7",
                                        mfa=mfa, context_satisfied=device_ok)) is None


@probe("alice is eligible for Security Administrator and Exchange Administrator. Security Administrator is set to "
       "require authentication context c1 on activation, first with a Conditional Access policy targeting c1 "
       "(a compliant device), then with none; she activates from a compliant and from an unmanaged device, with "
       "and without MFA. Other tenants try MFA alone, a ticket requirement, and both MFA and c1 together.")
def auth_context_rules(lab: Lab) -> dict[str, Any]:
    # a policy targets c1 and the role requires c1
    with_policy = _tenant(lab, "context-with-policy", policy=True)
    with_policy.set_settings(ROLE, require_mfa=False, auth_context="c1")
    unmanaged = _try(with_policy, ROLE, mfa=True, device_ok=False)
    unmet = refusal(lambda: with_policy.activate("alice", ROLE, duration="PT1H", justification="x",
                                                 context_satisfied=False))
    other_role_unmanaged = _try(with_policy, OTHER, mfa=True, device_ok=False)
    compliant = _try(with_policy, ROLE, mfa=False, device_ok=True)
    holds_after = with_policy.holds("alice", ROLE)
    # the role requires c1 but no policy targets it: MFA is required instead
    no_policy = _tenant(lab, "context-without-policy", policy=False)
    no_policy.set_settings(ROLE, require_mfa=False, auth_context="c1")
    no_policy_without_mfa = _try(no_policy, ROLE, mfa=False, device_ok=False)
    fallback = refusal(lambda: no_policy.activate("alice", ROLE, duration="PT1H", justification="x", mfa=False,
                                                  context_satisfied=False))
    no_policy_unmanaged_with_mfa = _try(no_policy, ROLE, mfa=True, device_ok=False)
    # the policy exists but the role asks only for MFA: the device isn't checked at activation
    mfa_only = _tenant(lab, "mfa-only", policy=True)
    mfa_only_unmanaged = _try(mfa_only, ROLE, mfa=True, device_ok=False)
    # a ticket number instead: any text is accepted, the device is never checked
    ticket = _tenant(lab, "ticket-only", policy=True)
    ticket.set_settings(ROLE, require_ticket=True)
    ticket_unmanaged = refusal(lambda: ticket.activate("alice", ROLE, duration="PT1H", justification="x",
                                                       ticket="INC-1", context_satisfied=False)) is None
    # both MFA and c1 on one role
    both = _tenant(lab, "mfa-and-context", policy=True)
    both_refused = setting_refused(lambda: both.set_settings(ROLE, require_mfa=True, auth_context="c1"))
    # which changes make Security Administrator activatable only from a compliant device: every
    # combination of the candidate changes is tried; the parts are the smallest combination that works
    candidates = ("policy", "role_c1", "ticket", "justification")
    works = {}
    for n in range(1 << len(candidates)):
        chosen = tuple(c for i, c in enumerate(candidates) if n >> i & 1)
        works[chosen] = _device_goal(lab, chosen)
    meeting = sorted((c for c, ok in works.items() if ok), key=len)
    return {
        "context_policy_blocks_unmanaged_device": not unmanaged,
        "context_policy_compliant_device_activates": compliant and holds_after,
        "context_policy_unmet_rule": unmet.rule if unmet else "accepted",
        "context_policy_unmet_code": unmet.code if unmet else "accepted",
        "context_applies_only_to_its_role": other_role_unmanaged,
        "context_without_policy_rule": fallback.rule if fallback else "accepted",
        "context_without_policy_mfa_needed": not no_policy_without_mfa,
        "context_without_policy_unmanaged_activates": no_policy_unmanaged_with_mfa,
        "mfa_and_context_together_saved": not both_refused,
        # goal: Security Administrator can be activated only from a compliant device
        "goal_policy_and_role_setting": (not unmanaged) and compliant,
        "goal_role_setting_without_policy": not no_policy_unmanaged_with_mfa,
        "goal_policy_with_mfa_setting": not mfa_only_unmanaged,
        "goal_ticket_number": not ticket_unmanaged,
        "compliant_device_parts": list(meeting[0]) if meeting else [],
    }


def _device_goal(lab: Lab, changes: tuple[str, ...]) -> bool:
    """With these changes, is Security Administrator refused from an unmanaged device and granted
    from a compliant one?"""
    sim = lab.sim("device-goal-" + ("+".join(changes) or "nothing"),
                  auth_contexts=("c1",) if "policy" in changes else ())
    sim.assign("alice", ROLE, kind="eligible")
    settings: dict[str, Any] = {}
    if "role_c1" in changes:
        settings.update(require_mfa=False, auth_context="c1")
    if "ticket" in changes:
        settings["require_ticket"] = True
    if "justification" in changes:
        settings["require_justification"] = True
    if settings:
        sim.set_settings(ROLE, **settings)
    sim.advance("PT10M")

    def attempt(device_ok: bool) -> bool:
        return refusal(lambda: sim.activate("alice", ROLE, duration="PT1H", justification="x", ticket="T-1",
                                            context_satisfied=device_ok)) is None

    unmanaged = attempt(False)
    if unmanaged:
        return False
    return attempt(True)
