"""pim-sim dashboard entry point: ``streamlit run app.py``.

Each page is a script under ``ui/``; adding a page is one line in ``PAGES``.
"""

import streamlit as st

from ui import state

st.set_page_config(page_title="pim-sim", page_icon="🔐", layout="wide")

PAGES = {
    "Simulate": [
        st.Page("ui/scenario_lab.py", title="Scenario lab", icon="🧪", url_path="lab", default=True),
        st.Page("ui/what_if.py", title="What-if", icon="⚖️", url_path="what-if"),
        st.Page("ui/portal.py", title="Portal sandbox", icon="🖱️", url_path="portal"),
        st.Page("ui/audit_explorer.py", title="Audit explorer", icon="🔎", url_path="audit"),
        st.Page("ui/why_not.py", title="Why / why not", icon="❓", url_path="why-not"),
        st.Page("ui/posture.py", title="Posture", icon="🛡️", url_path="posture"),
    ],
    "Learn": [
        st.Page("ui/quiz_practice.py", title="Practice", icon="✏️", url_path="practice"),
        st.Page("ui/quiz_exam.py", title="Exam", icon="⏱️", url_path="exam"),
        st.Page("ui/quiz_due.py", title="Due reviews", icon="🔁", url_path="due"),
        st.Page("ui/progress.py", title="Progress", icon="📈", url_path="progress"),
        st.Page("ui/instructor.py", title="Instructor's kit", icon="🎓", url_path="instructor"),
    ],
}

page = st.navigation(PAGES)
state.keep_widget_values(page.url_path)
page.run()
