"""Finding a page's widgets in AppTest: their keys are derived from the page model's identity
(``<model>_<field>_<digest>``, see ui/page_state.py), so tests look them up by model and field."""

from __future__ import annotations


def widget(at, kind: str, model: str, field: str):
    """The one ``kind`` widget (slider, toggle, selectbox, ...) of ``model``'s ``field`` on the page."""
    prefix = f"{model}_{field}_"
    found = [w for w in getattr(at, kind) if (w.key or "").startswith(prefix) and w.key.count("_") == prefix.count("_")]
    assert len(found) == 1, f"{len(found)} {kind} widgets with keys {prefix}*: {[w.key for w in getattr(at, kind)]}"
    return found[0]
