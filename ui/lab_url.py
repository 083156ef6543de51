"""The Scenario lab's setup in the address bar, so a run can be shared and reloaded.

``/lab?scenario=standing-vs-jit&seed=7&approval=on&approver=Ann&max=4`` opens the lab on that
shipped scenario with those settings; anything left out is the file's. The address is untrusted
text: every value is checked against what the widget could show (a shipped scenario, a role of
that scenario, a number in the slider's range, a person of the tenant) and a value that isn't is
ignored, with a note saying which.

Fields: ``scenario`` (a shipped scenario's name), ``seed``, ``workload`` (on/off), ``rate``
(activations per user per working day), ``review_no_response``, ``review_auto_apply`` (on/off),
``review_duration`` (days), ``role`` ("<role> at <scope>"), and for that role ``max`` (hours),
``mfa``, ``justification``, ``ticket``, ``approval`` (on/off) and ``approver`` (repeated).
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from pim_sim.features.reviews import NoResponse
from ui import state

SHIPPED, UPLOAD = "Shipped scenario", "Upload a YAML file"
PENDING = "lab_url_pending"
IGNORED = "lab_url_ignored"
SWITCHES = {"on": True, "off": False, "true": True, "false": False, "1": True, "0": False}
ROLE_FIELDS = ("max", "mfa", "justification", "ticket", "approval", "approver")
SCENARIO_FIELDS = ("scenario", "seed", "workload", "rate", "review_no_response", "review_auto_apply",
                   "review_duration", "role")
MAX_SEED = 2**31


def read(infos: dict) -> dict[str, Any]:
    """The address's values not yet applied (read on the lab's first draw in a browser session)."""
    if PENDING not in st.session_state:
        raw = {k: st.query_params.get(k) for k in SCENARIO_FIELDS + ROLE_FIELDS if k in st.query_params}
        if "approver" in raw:
            raw["approver"] = st.query_params.get_all("approver")
        ignored = []
        if "scenario" in raw and raw["scenario"] not in infos:
            ignored.append("scenario")
            raw = {}  # settings of a scenario that isn't shipped mean nothing
        st.session_state[PENDING], st.session_state[IGNORED] = raw, ignored
    return st.session_state[PENDING]


def _switch(text: str) -> bool | None:
    return SWITCHES.get(str(text).strip().lower())


def _number(text: str, low: float, high: float, step: float | None = None) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value) or not low <= value <= high:
        return None
    if step is not None and abs(value / step - round(value / step)) > 1e-9:
        return None
    return value


def _take(pending: dict, checks: dict[str, Any]) -> dict[str, Any]:
    """The pending values that pass their check; the names of the others are noted."""
    out = {}
    for field, check in checks.items():
        if field in pending:
            value = check(pending[field])
            if value is None:
                st.session_state.setdefault(IGNORED, []).append(field)
            else:
                out[field] = value
    return out


def scenario_values(pending: dict, labels: list[str], file: dict) -> dict[str, Any]:
    def seed(text: str) -> int | None:
        value = _number(text, 0, MAX_SEED, 1)
        return None if value is None else int(value)

    values = _take(pending, {
        "seed": seed, "workload": _switch, "rate": lambda t: _number(t, 0.0, 10.0, 0.5),
        "role": lambda t: t if t in labels else None,
        "review_no_response": lambda t: t if t in [n.value for n in NoResponse] and "review_no_response" in file else None,
        "review_auto_apply": lambda t: _switch(t) if "review_auto_apply" in file else None,
        "review_duration": lambda t: None if "review_duration" not in file or (v := _number(t, 1, 90, 1)) is None
        else int(v)})
    return values


def role_values(pending: dict, file: dict, people: list[str]) -> dict[str, Any]:
    low, high = state.ACTIVATION_RANGE_HOURS
    values = _take(pending, {"max": lambda t: _number(t, low, high, 0.5), "mfa": _switch,
                             "justification": _switch, "ticket": _switch, "approval": _switch,
                             "approver": lambda names: names if all(n in people for n in names) else None})
    if "approver" in values:
        values["approvers"] = values.pop("approver")
    return values


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return str(value)


def params(name: str | None, settings, role_settings) -> dict[str, Any]:
    """What the address holds for this setup: the scenario and seed always, the rest when not the file's."""
    if name is None:
        return {}
    out: dict[str, Any] = {"scenario": name, "seed": str(settings.get("seed"))}
    changed = settings.changed()
    for field in ("workload", "rate", "review_no_response", "review_auto_apply", "review_duration"):
        if field in changed:
            out[field] = _text(changed[field])
    role_changed = role_settings.changed() if role_settings is not None else {}
    if "role" in changed or role_changed:
        out["role"] = settings.get("role")
    for field, value in role_changed.items():
        if field == "approvers":
            out["approver"] = list(value)
        else:
            out[field] = _text(value)
    return out


def write(name: str | None, settings, role_settings) -> None:
    """Put this setup in the address bar (only when it changed), and say which address values were ignored."""
    st.session_state[PENDING] = {}  # the address applies once; later scenario changes start from the file
    wanted = params(name, settings, role_settings)
    now = {k: (st.query_params.get_all(k) if k == "approver" else st.query_params.get(k)) for k in st.query_params}
    if now != wanted:
        st.query_params.from_dict(wanted)
    ignored = st.session_state.pop(IGNORED, [])
    if ignored:
        st.warning("These values in the address were not valid here and were ignored: "
                   + ", ".join(sorted(set(ignored))) + ".")


def choose(name: str) -> None:
    """Open the lab on a shipped scenario with its file's settings (a link from another page)."""
    old = st.session_state.get("model:lab")
    st.session_state["model:lab"] = {"identity": "lab", "generation": old["generation"] + 1 if old else 0,
                                     "values": {"origin": SHIPPED, "scenario": name, "upload_name": None,
                                                "upload_text": None}}
    st.session_state.pop("model:lab_settings", None)  # the file's settings, not those of an earlier visit
    st.session_state[PENDING] = {}
