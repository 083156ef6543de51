"""One session-state model per page, so a widget never shows a value the run didn't use.

A page keeps what the user chose in a plain dictionary in session state (a *model*), never only
in widget keys: Streamlit forgets a widget's value when a run doesn't draw it (a visit to another
page), and the browser sends a widget's last value back on the next click even after the server
dropped it. So:

- each model has an *identity* (a scenario's name and the hash of its file, a role, ...); when it
  changes, the model starts again from the defaults the page gives (the file's settings);
- widget keys are derived from the identity and a generation counter, so a widget of another
  scenario (or from before "reset to the file's settings") is a different widget, whose stale
  browser value is never sent back under the new one's key;
- each widget is set from the model before it is drawn, and a change the user makes reaches the
  model through the widget's ``on_change`` (which runs before the page), so a value survives any
  number of visits to other pages and no widget state left over from another page can win.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

PREFIX = "model:"


def digest(*parts: object) -> str:
    """A short stable identity for text (a scenario file) or a tuple of names."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:12]


class PageModel:
    """The values one page (or one part of it) shows, kept under ``model:<name>`` in session state."""

    def __init__(self, name: str, identity: str, defaults: Mapping[str, Any],
                 overrides: Mapping[str, Any] | None = None):
        self.name, self.identity, self.defaults = name, identity, dict(defaults)
        ss = st.session_state
        model = ss.get(PREFIX + name)
        if model is None or model["identity"] != identity:
            generation = model["generation"] + 1 if model else 0
            values = {**self.defaults, **{k: v for k, v in (overrides or {}).items() if k in self.defaults}}
            model = {"identity": identity, "generation": generation, "values": values}
            ss[PREFIX + name] = model
        self.model = model

    # ------------------------------------------------------------------ values
    @property
    def values(self) -> dict[str, Any]:
        return self.model["values"]

    @property
    def generation(self) -> int:
        return self.model["generation"]

    def get(self, field: str) -> Any:
        return self.values.get(field, self.defaults.get(field))

    def set(self, field: str, value: Any) -> None:
        """Change a value from code (a callback, a link from another page): the widget shows it next run."""
        self.values[field] = value
        for key in [k for k in st.session_state if str(k).startswith(f"{self.name}_{field}_")]:
            del st.session_state[key]

    def changed(self) -> dict[str, Any]:
        """The values that differ from the defaults (what a URL needs to carry)."""
        return {k: v for k, v in self.values.items() if self.defaults.get(k) != v}

    def reset(self) -> None:
        """Back to the defaults, with new widget keys (the browser's values of the old ones are dropped)."""
        self.model["generation"] += 1
        self.model["values"] = dict(self.defaults)

    # ------------------------------------------------------------------ widgets
    def key(self, field: str) -> str:
        """``<page>_<field>_<digest>``: the digest changes with the identity and the generation."""
        return f"{self.name}_{field}_{digest(self.identity, self.generation)}"

    def widget(self, draw: Callable[..., Any], label: str, field: str, *args: Any,
               options: list | None = None, **kwargs: Any) -> Any:
        """Draw ``draw(label, *args, key=..., **kwargs)`` showing the model's value, and keep what it returns.

        ``options`` (selectbox, radio, multiselect) are passed on as the first positional argument;
        a kept value that is no longer among them falls back to the default (the widget is set from the
        model on every run, so it never shows a value its options don't have)."""
        key = self.key(field)
        value = self.get(field)
        if options is not None:
            value = _within(value, options, self.defaults.get(field))
        # The model is the one truth: the widget is set from it on every run (a value the user
        # changes reaches the model first, through on_change, which runs before the page).
        st.session_state[key] = value
        also = kwargs.pop("on_change", None)
        values = self.values

        def changed(*cb_args, **cb_kwargs) -> None:
            values[field] = st.session_state[key]
            if also is not None:
                also(*cb_args, **cb_kwargs)

        if options is not None:
            args = (options, *args)
        out = draw(label, *args, key=key, on_change=changed, **kwargs)
        self.values[field] = out
        return out


def _within(value: Any, options: list, default: Any) -> Any:
    if isinstance(value, list | tuple):
        return [v for v in value if v in options]
    if value in options:
        return value
    if default in options:
        return default
    return options[0] if options else None


def model(name: str) -> dict[str, Any] | None:
    """Another page's model values (read-only), if that page was drawn in this session."""
    found = st.session_state.get(PREFIX + name)
    return None if found is None else found["values"]
