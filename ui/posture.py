"""Posture: a tenant checked against CISA SCuBA MS.AAD.7 (as ScubaGear checks it) and Microsoft's
deployment plan, and the fix-the-tenant exercises: change settings, re-grade. The checks and the
grader are the model's (``pim_sim.posture.baseline``, ``pim_sim.posture.exercises``); the page only asks and draws.
A fix handed in is kept in the learner's progress (Personal mode: the current profile; Classroom mode: the
signed-in learner), through the progress store, which checks whose progress it is."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pim_sim import ModelError
from pim_sim.core.roles import ENTRA_ROLES, HIGHLY_PRIVILEGED_ENTRA
from pim_sim.graph import reader as graph_import
from pim_sim.graph import tenant_reader
from pim_sim.graph import writer as graph_export
from pim_sim.posture import baseline, exercises, snapshot
from quizzes.progress import AccessDenied, ProgressError, exercise_grade, exercise_summary
from ui import quiz_common as qc
from ui import state, uploads
from ui.escape import markdown

EXERCISE = "Fix-the-tenant exercise"
PASTE = "A Graph or ScubaGear export"
FIXES = "posture_fixes"  # the student's fix per exercise, as plain data
ICONS = {"Pass": "✅", "Fail": "❌", "Warning": "⚠️", "Not checked": "➖", "Meets": "✅", "Recommended": "💡"}


def scuba_table(checks) -> pd.DataFrame:
    return pd.DataFrame([{"": ICONS[c.result], "Control": c.control, "Result": c.result, "Requirement": c.requirement,
                          "Details": c.text} for c in checks],
                        columns=["", "Control", "Result", "Requirement", "Details"])


def advice_table(tips) -> pd.DataFrame:
    return pd.DataFrame([{"": ICONS[a.result], "Topic": a.topic, "Role": a.role, "Result": a.result,
                          "Details": a.details} for a in tips], columns=["", "Topic", "Role", "Result", "Details"])


def show_checks(posture: baseline.Posture) -> None:
    checks, tips = baseline.evaluate(posture)
    st.subheader("CISA SCuBA MS.AAD.7")
    st.caption(f"Evaluated on the {posture.source} with ScubaGear's logic. A failed SHALL is a Fail, a failed "
               f"SHOULD a Warning. [Baseline]({baseline.SCUBA_SOURCE})")
    st.dataframe(scuba_table(checks), hide_index=True, width="stretch", key="posture_scuba")
    st.subheader("Microsoft's deployment plan (advisory)")
    st.dataframe(advice_table(tips), hide_index=True, width="stretch", key="posture_advice")


def _recipients(text: str) -> list[str]:
    return [x.strip() for x in text.replace(";", ",").split(",") if x.strip()]


def hand_in(ex: exercises.Exercise, grade: exercises.Grade, fix: exercises.Fix) -> None:
    """A button that keeps this grade and fix in the learner's progress, and their standing so far."""
    learner = qc.learner_picker()  # Classroom mode: the signed-in learner; Personal mode: the profile chosen
    if not learner:
        st.caption("Create a learner profile in the sidebar to keep your grades in your progress.")
        return
    st.caption("Handing in keeps the score, the requirements met and your fix in your progress (see Progress).")
    if st.button("Hand in this fix", key="posture_hand_in", type="primary"):
        try:
            kept = qc.record_exercise(exercise_grade(learner, grade, fix))
        except (ProgressError, AccessDenied) as e:
            st.error(f"**Not kept:** {markdown(e)}")
        else:
            st.success(f"Kept in {markdown(learner)}'s progress: {kept.score:g} / {kept.max_score:g} points, "
                       f"{kept.passed} of {kept.total} requirements met.")
    standing = next((s for s in exercise_summary(qc.exercise_history(learner)) if s.exercise == ex.id), None)
    if standing is not None:
        st.caption(f"Handed in {standing.attempts} time(s): best {standing.best.score:g} / {standing.best.max_score:g}, "
                   f"latest {standing.latest.score:g} / {standing.latest.max_score:g}.")


def exercise_page() -> None:
    all_ex = {ex.id: ex for ex in exercises.list_exercises()}
    name = st.selectbox("Exercise", list(all_ex), format_func=lambda i: all_ex[i].title, key="posture_exercise")
    ex = all_ex[name]
    st.info(ex.goal)
    if ex.hint:
        with st.expander("Hint"):
            st.write(ex.hint)
    fixes = st.session_state.setdefault(FIXES, {})
    fix_data = fixes.setdefault(ex.id, {"settings": {}, "make_eligible": []})
    fix = exercises.Fix.from_dict(fix_data)

    st.subheader("Change the tenant")
    sim = exercises.configured(ex, fix)
    groups = [f"{r}@/groups/{g.name}" for g in sim.tenant.groups for r in ("Member", "Owner")]
    roles = [*HIGHLY_PRIVILEGED_ENTRA, *(r for r in ENTRA_ROLES if r not in HIGHLY_PRIVILEGED_ENTRA), *groups]
    role = st.selectbox("Role (PIM for Groups roles are named Member@/groups/NAME)", roles, key="posture_role")
    role_name, _, scope = role.partition("@")
    scope = scope or "/"
    current = sim.settings_for(role_name, scope)
    alert = {n.event.value: n for n in current.notifications if n.recipient.value == "Admin"}
    users = [u.name for u in sim.tenant.users]
    prefix = f"posture_{ex.id}_{role}"
    with st.form(key=f"{prefix}_form"):
        c1, c2 = st.columns(2)
        hours = c1.number_input("Activation maximum (hours)", 1.0, 24.0, current.activation_max / 60, 0.5,
                                key=f"{prefix}_hours")
        mfa = c1.checkbox("On activation, require Azure MFA", current.require_mfa, key=f"{prefix}_mfa")
        justification = c1.checkbox("Require justification on activation", current.require_justification,
                                    key=f"{prefix}_justification")
        ticket = c1.checkbox("Require ticket information on activation", current.require_ticket, key=f"{prefix}_ticket")
        approval = c2.checkbox("Require approval to activate", current.require_approval, key=f"{prefix}_approval")
        approvers = c2.multiselect("Approvers", users, [a for a in current.approvers if a in users],
                                   key=f"{prefix}_approvers")
        a1 = c2.text_input("Role assignment alert, eligible (additional recipients)",
                           ", ".join(alert["Eligibility"].additional_recipients), key=f"{prefix}_alert_eligible")
        a2 = c2.text_input("Role assignment alert, active (additional recipients)",
                           ", ".join(alert["Assignment"].additional_recipients), key=f"{prefix}_alert_active")
        a3 = c2.text_input("Role activation alert (additional recipients)",
                           ", ".join(alert["Activation"].additional_recipients), key=f"{prefix}_alert_activation")
        applied = st.form_submit_button(f"Apply to {role}")
    if applied:
        changes = {"activation_max": f"PT{hours * 60:g}M", "require_mfa": mfa, "require_justification": justification,
                   "require_ticket": ticket, "require_approval": approval, "approvers": approvers,
                   "alerts": {"eligibility": _recipients(a1), "assignment": _recipients(a2),
                              "activation": _recipients(a3)}}
        candidate = {**fix_data, "settings": {**fix_data["settings"], role: changes}}
        try:
            exercises.configured(ex, exercises.Fix.from_dict(candidate))
        except ModelError as e:
            st.error(f"**Not possible:** {e}")
        else:
            fixes[ex.id] = fix_data = candidate
            fix = exercises.Fix.from_dict(fix_data)

    standing = sorted({f"{a.principal} · {a.role}" for a in ex.scenario.assignments
                       if a.kind == "active" and a.duration is None and not a.outside_pim})
    chosen = st.multiselect("Make these standing assignments eligible (just-in-time)", standing,
                            [f"{p} · {r}" for p, r in fix_data["make_eligible"] if f"{p} · {r}" in standing],
                            key=f"posture_{ex.id}_eligible")
    fix_data["make_eligible"] = [x.split(" · ", 1) for x in chosen]
    fix = exercises.Fix.from_dict(fix_data)
    if st.button("Start over", key="posture_reset"):
        fixes[ex.id] = {"settings": {}, "make_eligible": []}
        st.rerun()

    try:
        grade = exercises.grade(ex, fix)
    except ModelError as e:
        st.error(f"**Not possible:** {e}")
        return
    st.subheader("Grade")
    st.metric("Score", f"{grade.score:g} / {grade.max_score:g}")
    if grade.solved:
        st.success("Every requirement is met.")
    handing_in = st.container()  # filled last: a progress store that can't be read stops only this part
    st.dataframe(pd.DataFrame([{"": "✅" if r.passed else "❌", "Requirement": r.text, "Points": f"{r.earned:g}/{r.points:g}",
                                "Why": r.detail} for r in grade.results],
                              columns=["", "Requirement", "Points", "Why"]),
                 hide_index=True, width="stretch", key="posture_grade")
    with st.expander("Your changes"):
        st.json(fix.to_dict())
    replay, posture = exercises.run(ex, fix)
    show_checks(posture)
    with st.expander(f"What Microsoft Graph shows: {role}'s policy, the replay's requests and refusals"):
        st.caption("GET /policies/roleManagementPolicyAssignments?$expand=policy($expand=rules): the 17 rules")
        surface = replay.tenant.scope(scope).surface
        st.json(graph_export.policy_assignment(role_name, scope, surface, replay.settings_for(role_name, scope),
                                               tenant_id=graph_export.object_id("tenant", replay.tenant.name),
                                               groups=frozenset(g.name for g in replay.tenant.groups)),
                expanded=False)
        st.caption("roleAssignmentScheduleRequests (first 10)")
        st.json(graph_export.requests_to_graph(replay)["roleAssignmentScheduleRequests"][:10], expanded=False)
        st.caption("Refused requests as Graph answers them (first 10)")
        st.json(graph_export.refusals_to_graph(replay)[:10], expanded=False)
    with handing_in:
        hand_in(ex, grade, fix)


def export_page() -> None:
    text = st.text_area("Paste a policy export (Graph, PowerShell or ARM JSON) or ScubaGear's "
                        "ProviderSettingsExport.json", key="posture_json", height=200)
    upload = uploads.uploader(st, "... or upload it", type=["json"], key="posture_upload")
    data = uploads.content(upload) if upload is not None else text.strip()
    if upload is not None and data is None:
        return  # over the upload limit; content() said so
    if not data:
        st.caption("The file is read as data only and never run.")
        return
    try:
        raw = graph_import.load_json(data)
        if baseline.is_scubagear_export(raw):
            posture = baseline.posture_from_scubagear(raw)
        elif tenant_reader.is_tenant_export(raw):  # a whole tenant (the README's snapshot script): its snapshot
            posture = snapshot.posture_from_export(raw)
        else:
            imported = graph_import.read_policies(raw)
            posture = baseline.posture_from_policies(imported)
            for note in imported.notes:
                st.caption(f"{note.where}: {note.message}")
    except ModelError as e:
        st.error(f"**Can't read this export:** {markdown(e)}")
        return
    show_checks(posture)


st.header("Posture")
st.caption("How a tenant measures up to CISA's SCuBA baseline for privileged access (MS.AAD.7) and to "
           "Microsoft's PIM deployment plan, and exercises to practise fixing one.")
source = st.radio("Tenant", (EXERCISE, *state.SOURCES, PASTE), key="posture_source", horizontal=True)
if source == EXERCISE:
    exercise_page()
elif source == PASTE:
    export_page()
else:
    sim = state.simulation_for(source)
    if sim is not None:
        show_checks(baseline.posture_from_simulation(sim))
