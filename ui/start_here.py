"""Start here: a first path through the dashboard for a student who has never used it, and the
lessons in the order they build on each other."""

from __future__ import annotations

import streamlit as st

from ui import lab_url, state

LESSONS = ("jit-basics", "standing-vs-jit", "approval-expiry", "approver-holiday", "extend-and-renew",
           "azure-settings-not-inherited", "review-no-response", "outside-pim-alert", "licence-lapse")
STEPS = (
    ("ui/scenario_lab.py", "Run a lesson in the Scenario lab", "Pick a lesson below, read what to observe, change one "
     "setting (for example *Require approval*) and see what changes in the numbers."),
    ("ui/portal.py", "Do it yourself in the Portal sandbox", "Sign in as a persona, activate a role, approve (or try "
     "to approve your own request) and read PIM's refusal with its rule."),
    ("ui/audit_explorer.py", "Find the audit trail", "Where each record appears, for how long and to whom."),
    ("ui/why_not.py", "Ask why (not)", "For a person, role, scope and moment: who holds what and the first reason "
     "access is missing."),
    ("ui/quiz_practice.py", "Practise", "Questions with feedback, sources and the simulation's evidence."),
    ("ui/quiz_exam.py", "Take a timed exam", "No feedback until you submit; then a result per topic."),
    ("ui/progress.py", "Read your progress", "Readiness per domain and topic, misconceptions, past exams."),
)


def open_lesson(name: str) -> None:
    lab_url.choose(name)
    st.switch_page("ui/scenario_lab.py")


st.header("Start here")
st.markdown("pim-sim simulates Microsoft Entra Privileged Identity Management: eligible and active roles, "
            "activation with approval, MFA and justification, access reviews, alerts and the audit trail. "
            "Follow these steps the first time.")
for number, (page, title, text) in enumerate(STEPS, start=1):
    c1, c2 = st.columns([1, 1])  # the link's words whole on a 1024-pixel screen
    c1.page_link(page, label=f"{number}. {title}")
    c2.caption(text)

st.subheader("The lessons, in order")
infos = state.shipped()
for name in [n for n in LESSONS if n in infos] + [n for n in infos if n not in LESSONS]:
    info = infos[name]
    if st.button(info.title, key=f"start_lesson_{name}"):  # its own row: the whole title on a 1024-pixel screen
        open_lesson(name)
    st.caption(info.lesson.splitlines()[0] if info.lesson else name)
