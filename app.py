"""pim-sim dashboard entry point: ``streamlit run app.py``.

Each page is a script under ``ui/``; adding a page is one line in ``PAGES``.
"""

from pathlib import Path

import streamlit as st

from ui import access

FAVICON = Path(__file__).resolve().parent / "ui" / "static" / "favicon.png"  # served by this server, never fetched
st.set_page_config(page_title="pim-sim", page_icon=str(FAVICON), layout="wide")

PAGES = {  # every page has a stable address: /lab, /what-if, ... (the README lists them); "Start here" is /
    "Start": [
        st.Page("ui/start_here.py", title="Start here", icon=":material/flag:", url_path="start", default=True),
    ],
    "Simulate": [
        st.Page("ui/scenario_lab.py", title="Scenario lab", icon=":material/science:", url_path="lab"),
        st.Page("ui/what_if.py", title="What-if", icon=":material/compare_arrows:", url_path="what-if"),
        st.Page("ui/portal.py", title="Portal sandbox", icon=":material/touch_app:", url_path="portal"),
        st.Page("ui/jit_blade.py", title="Just-in-time VM access", icon=":material/vpn_key:", url_path="jit"),
        st.Page("ui/audit_explorer.py", title="Audit explorer", icon=":material/manage_search:", url_path="audit"),
        st.Page("ui/why_not.py", title="Why / why not", icon=":material/help:", url_path="why-not"),
        st.Page("ui/posture.py", title="Posture", icon=":material/shield:", url_path="posture"),
    ],
    "Learn": [
        st.Page("ui/quiz_practice.py", title="Practice", icon=":material/edit:", url_path="practice"),
        st.Page("ui/quiz_exam.py", title="Exam", icon=":material/timer:", url_path="exam"),
        st.Page("ui/quiz_due.py", title="Due reviews", icon=":material/replay:", url_path="due"),
        st.Page("ui/progress.py", title="Progress", icon=":material/trending_up:", url_path="progress"),
        st.Page("ui/instructor.py", title="Instructor's kit", icon=":material/school:", url_path="instructor"),
    ],
}

INSTRUCTORS_ONLY = ("instructor",)  # each of these pages checks again itself (ui/access.py)

person = access.who()
if person is None:  # Classroom mode and nobody signed in: the sign-in page is the only page
    PAGES = {"": [st.Page(access.sign_in_page, title="Sign in", icon=":material/login:", url_path="sign-in")]}
else:
    access.sidebar(person)
    if not person.instructor:
        PAGES = {section: [p for p in pages if p.url_path not in INSTRUCTORS_ONLY] for section, pages in PAGES.items()}
page = st.navigation(PAGES, expanded=True)  # every page listed, none behind "View more"
page.run()
