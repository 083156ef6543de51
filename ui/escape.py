"""Text from a user (a learner's profile name, a student's name, a file name, a quiz-set title, a
message quoting them) shown inside Streamlit's markdown, which would otherwise render
``**bold**``, ``[a link](https://...)``, ``:red[colour]``, ``:emoji:``, ``$math$`` or ``# a heading``.

Each character that could start markdown is backslash-escaped, which CommonMark allows for every
ASCII punctuation character (https://spec.commonmark.org/0.31.2/#backslash-escapes). Characters
that can't start anything where they stand are left alone, so messages stay readable: ``_`` between
two letters or digits (``question_id``, never emphasis), ``:`` before a space or at the end
(Streamlit's ``:emoji:`` and ``:color[...]`` need a character after the colon). Line breaks and
other control characters become spaces: the text is one line, so no list, table or heading can
begin after it.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+")
_ALWAYS = set("\\`*[]<>$|~(){}!&#")
_LINE_START = re.compile(r"^(\s*)([-+=>#]|\d+[.)])")


def markdown(text: object) -> str:
    """``text`` as literal characters inside a markdown string."""
    s = _CONTROL.sub(" ", str(text))
    out = []
    for i, ch in enumerate(s):
        before, after = s[i - 1] if i else "", s[i + 1] if i + 1 < len(s) else ""
        if ch in _ALWAYS:
            out.append("\\" + ch)
        elif ch == "_" and not (before.isalnum() and after.isalnum()):
            out.append("\\_")
        elif ch == ":" and after and not after.isspace():
            out.append("\\:")
        else:
            out.append(ch)
    escaped = "".join(out)
    m = _LINE_START.match(escaped)
    if m:  # a list item, heading, quote or setext underline at the start
        lead, mark = m.group(1), m.group(2)
        escaped = lead + (mark[:-1] + "\\" + mark[-1] if mark[-1] in ".)" else "\\" + mark) + escaped[m.end():]
    return escaped


def code(text: object) -> str:
    """``text`` as a markdown code span, whatever backticks it holds: the fence is one backtick
    longer than the longest run inside (https://spec.commonmark.org/0.31.2/#code-spans)."""
    s = _CONTROL.sub(" ", str(text))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"
