"""Who is using the dashboard, and what they may see.

**Personal** mode (the default): one learner on their own machine, no sign-in; every page is open.

**Classroom** mode (``PIM_SIM_MODE=classroom``, or ``mode = "classroom"`` under ``[pim_sim]`` in
``.streamlit/secrets.toml``): nobody sees a page before signing in, either

- with the school's identity provider through Streamlit's OpenID Connect sign-in (``st.login``;
  the provider is configured under ``[auth]`` in ``.streamlit/secrets.toml``, e.g. a Microsoft
  Entra ID app registration), instructors being the e-mail addresses listed in ``instructors``; or
- with a code from the class roster (:mod:`quizzes.roster`; ``roster`` setting or
  ``PIM_SIM_ROSTER``), which the instructor issues with ``pim-sim kit roster add``.

A learner's progress is read and written only under the signed-in name (no profile picker, no
list of other learners); the Instructor's kit, answer keys, class results and learner data are
for instructors. Every rule is checked on the server by the page that serves the data
(:func:`require_instructor`, :func:`learner_name`), not only by leaving a link out of the menu.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import streamlit as st

from quizzes import roster

MODE_ENV, INSTRUCTORS_ENV = "PIM_SIM_MODE", "PIM_SIM_INSTRUCTORS"
PERSON = "access_person"
FAILURES = "access_failures"
MAX_FAILURES, LOCKOUT_SECONDS = 5, 30


@dataclass(frozen=True)
class Who:
    name: str
    instructor: bool
    how: str  # "personal", "roster" or "oidc"


def _settings() -> dict:
    try:
        return dict(st.secrets.get("pim_sim", {}))
    except (FileNotFoundError, KeyError, AttributeError, st.errors.StreamlitSecretNotFoundError):
        return {}


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def mode() -> str:
    return (os.environ.get(MODE_ENV) or _settings().get("mode") or "personal").strip().lower()


def classroom() -> bool:
    return mode() == "classroom"


def uses_oidc() -> bool:
    return classroom() and _oidc_configured() and not (os.environ.get(roster.ENV_VAR) or _settings().get("roster"))


def roster_path() -> str | None:
    return os.environ.get(roster.ENV_VAR) or _settings().get("roster")


def instructors() -> set[str]:
    listed = os.environ.get(INSTRUCTORS_ENV)
    names = listed.split(",") if listed else _settings().get("instructors", [])
    return {str(n).strip().lower() for n in names if str(n).strip()}


def who() -> Who | None:
    """The person using this session: anyone in Personal mode, the signed-in person in Classroom mode, else None."""
    if not classroom():
        return Who("", True, "personal")
    if uses_oidc():
        user = st.user
        if not user.is_logged_in:
            return None
        email = str(user.get("email") or user.get("preferred_username") or user.get("sub") or "")
        return Who(email, email.lower() in instructors(), "oidc")
    person = st.session_state.get(PERSON)
    return person if isinstance(person, Who) else None


def is_instructor() -> bool:
    person = who()
    return person is not None and person.instructor


def require_instructor() -> None:
    """Stop the page unless the session belongs to an instructor (Personal mode: always)."""
    if not is_instructor():
        st.error("This page is for the class's instructors.")
        st.stop()


def learner_name() -> str | None:
    """In Classroom mode the signed-in name, the only profile this session may read or write."""
    person = who()
    return None if person is None or person.how == "personal" else person.name


# ------------------------------------------------------------------ signing in and out
def _sign_in_with_code() -> None:
    failures = st.session_state.get(FAILURES, [])
    now = time.monotonic()
    recent = [t for t in failures if now - t < LOCKOUT_SECONDS]
    if len(recent) >= MAX_FAILURES:
        st.session_state["access_error"] = f"Too many attempts: wait {LOCKOUT_SECONDS} seconds and try again."
        return
    name = st.session_state.get("access_name", "").strip()
    code = st.session_state.get("access_code", "").strip()
    try:
        person = roster.check(name, code, roster_path())
    except roster.RosterError as e:
        st.session_state["access_error"] = f"The class roster can't be read ({e})."
        return
    st.session_state["access_code"] = ""
    if person is None:
        st.session_state[FAILURES] = [*recent, now]
        st.session_state["access_error"] = "That name and code don't match the class roster."
        return
    st.session_state[PERSON] = Who(person.name, person.instructor, "roster")
    st.session_state.pop(FAILURES, None)


def sign_in_page() -> None:
    st.header("Sign in")
    if uses_oidc():
        st.write("This class signs in with the school's account.")
        st.button("Sign in", key="access_login", type="primary", on_click=st.login)
        return
    st.write("Type your name and the code your instructor gave you.")
    st.text_input("Name", key="access_name", max_chars=64)
    st.text_input("Code", key="access_code", type="password", max_chars=roster.MAX_CODE)
    st.button("Sign in", key="access_sign_in", type="primary", on_click=_sign_in_with_code)
    if "access_error" in st.session_state:
        st.error(st.session_state.pop("access_error"))


def sign_out() -> None:
    if uses_oidc():
        st.logout()
    for key in list(st.session_state):
        del st.session_state[key]


def sidebar(person: Who) -> None:
    """Who is signed in (as plain text, never markdown) and a way out."""
    if person.how == "personal":
        return
    st.sidebar.caption("Signed in as")
    st.sidebar.text(person.name + (" (instructor)" if person.instructor else ""))
    st.sidebar.button("Sign out", key="access_sign_out", on_click=sign_out)
