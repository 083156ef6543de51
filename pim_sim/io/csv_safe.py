"""The one CSV writer every export uses: cells a spreadsheet would run as formulas are written as text.

Excel, LibreOffice Calc and Google Sheets treat a cell that begins with ``=``, ``+``, ``-`` or
``@`` (or a tab or carriage return) as a formula, so a justification such as
``=HYPERLINK("http://evil", "click")`` or ``=cmd|' /C calc'!A0`` would run when a teacher opens
``audit.csv``. OWASP's advice (https://owasp.org/www-community/attacks/CSV_Injection), followed
here:

- a text cell whose first character, or first character after leading spaces and quotes, is
  one of those is prefixed with a single quote, which spreadsheets read as "this is text";
- every text cell is wrapped in double quotes and its double quotes doubled (RFC 4180), so a
  ``;`` or ``,`` inside a cell can't start a new cell in a spreadsheet that splits on another
  separator. Numbers stay unquoted numbers.

OWASP ASVS 1.2.10 adds the NUL character; the full-width forms of the four signs are included
because some spreadsheets read them as the signs themselves.

:func:`restore` undoes :func:`neutralise` exactly, so a sheet written here and read back (a class
answer sheet filled in and uploaded) gives the original text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final, overload

import pandas as pd

TRIGGERS = frozenset("=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20")
SKIPPED = " \t\r\n\x0b\x0c\u00a0\u3000'\""  # leading characters a spreadsheet passes over before the formula sign
QUOTING: Final = csv.QUOTE_NONNUMERIC
LINE = "\n"


def _starts_formula(text: str) -> bool:
    return bool(text) and (text[0] in TRIGGERS or text.lstrip(SKIPPED)[:1] in TRIGGERS)


def _marked(text: str) -> bool:
    """Does :func:`neutralise` prefix ``text``? When it starts a formula, and also when it starts with quotes
    followed by a formula sign (``'\\n``): restore() would otherwise take its own first quote for the mark."""
    return _starts_formula(text) or (text.startswith("'") and text.lstrip("'")[:1] in TRIGGERS)


def neutralise(value: Any) -> Any:
    """``value`` as a spreadsheet cell that can't run: text that would start a formula gets a
    leading ``'``; anything that isn't text is returned as it is."""
    if isinstance(value, str) and _marked(value):
        return "'" + value
    return value


def restore(text: str) -> str:
    """The text :func:`neutralise` was given (``restore(neutralise(s)) == s`` for every string)."""
    if text.startswith("'") and _marked(text[1:]):
        return text[1:]
    return text


def is_safe(text: str) -> bool:
    """True when a spreadsheet would read ``text`` (one cell, as read back from a CSV) as text: it
    starts with the ``'`` text marker, or nothing in it could start a formula."""
    return text.startswith("'") or not _starts_formula(text)


def rows_csv(rows: Iterable[Sequence[Any]], header: Sequence[str] | None = None) -> str:
    """Rows (and a header) as CSV text, every cell neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf, quoting=QUOTING, lineterminator=LINE)
    if header is not None:
        w.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return neutralise(str(value))
    return neutralise(value)


def _text_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns
            if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_datetime64_any_dtype(frame[c])
                    or isinstance(frame[c].dtype, pd.PeriodDtype | pd.IntervalDtype))]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised."""
    out = frame.copy()
    for c in _text_columns(frame):
        column = out[c]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        out[c] = column.map(lambda v: neutralise(v) if isinstance(v, str) else
                            (v if v is None or _isna(v) or isinstance(v, int | float) else neutralise(str(v))))
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object:
        out.index = out.index.map(neutralise)
    return out


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):  # a list or array cell
        return False


@overload
def frame_csv(frame: pd.DataFrame, path: None = None, *, index: bool = False) -> str: ...
@overload
def frame_csv(frame: pd.DataFrame, path: str | Path, *, index: bool = False) -> None: ...
def frame_csv(frame: pd.DataFrame, path: str | Path | None = None, *, index: bool = False) -> str | None:
    """``frame`` as CSV (to ``path``, or returned as text), every text cell neutralised and quoted."""
    safe = safe_frame(frame)
    if path is None:
        return safe.to_csv(index=index, quoting=QUOTING, lineterminator=LINE)
    safe.to_csv(path, index=index, quoting=QUOTING, lineterminator=LINE)
    return None
