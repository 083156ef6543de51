"""Anki decks as Anki itself stores them: a ``.apkg`` package (a zip holding a SQLite collection) written by
``genanki`` (https://github.com/kerrickstaley/genanki), beside the text export of :mod:`quizzes.export.anki`.

Install the ``anki`` extra (``pip install 'pim-sim[anki]'``) to use it. Each question is one note of the
"pim-sim question" note type (fields Id, Front, Back; one card showing Front, then Back under it), with a GUID made
from the question id, so importing a newer deck updates the notes instead of duplicating them
(https://docs.ankiweb.net/importing/packaged-decks.html). The field contents are the text export's.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable

from quizzes.export.anki import _anki_back, _anki_front, _html, anki_tag
from quizzes.export.common import ExportError, header_name

MODEL_NAME = "pim-sim question"
FIELDS = ("Id", "Front", "Back")


def _stable_id(text: str) -> int:
    """A deck or note type id that stays the same from one export to the next (Anki wants an integer)."""
    return 1 << 30 | zlib.crc32(text.encode("utf-8"))


def to_apkg(questions: Iterable, deck: str = "pim-sim", *, timestamp: float | None = None) -> bytes:
    """The questions as an Anki package (``.apkg`` bytes). ``timestamp`` fixes the collection's times (for
    reproducible files)."""
    try:
        import genanki
    except ImportError:  # pragma: no cover - depends on the environment
        raise ExportError("Anki packages need genanki: pip install 'pim-sim[anki]' (or export the text form)") from None
    name = header_name(deck)
    model = genanki.Model(
        _stable_id(MODEL_NAME), MODEL_NAME, fields=[{"name": f} for f in FIELDS],
        templates=[{"name": "Question", "qfmt": "{{Front}}", "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}])
    package_deck = genanki.Deck(_stable_id(f"deck/{name}"), name)
    for q in questions:
        tags = [anki_tag(t) for t in ("pim-sim", q.topic, q.type, *q.outline) if t]
        package_deck.add_note(genanki.Note(model=model, fields=[_html(q.id), _anki_front(q), _anki_back(q)],
                                           guid=genanki.guid_for("pim-sim", q.id), tags=tags))
    buf = io.BytesIO()
    genanki.Package(package_deck).write_to_file(buf, timestamp=timestamp)
    return buf.getvalue()
