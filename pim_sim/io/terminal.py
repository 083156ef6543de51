"""Text from files reaching the terminal: never markup, never escape codes.

A scenario title, an unknown key, a ScubaGear display name or a policy value is printed as the
characters it holds. Two things stand in the way:

- Rich reads ``[bold]``, ``[/bold]`` and ``[link=...]`` in any string it prints as markup (a stray
  closing tag raises ``MarkupError``; a link hides its target); ``:name:`` becomes an emoji. The
  console :func:`console` returns never parses markup or emoji codes, in tables and titles too.
- A terminal obeys control characters: ``ESC ] 0 ; title BEL`` sets the window title,
  ``ESC [ 2 J`` clears the screen, ``ESC ] 8 ;;`` makes a hidden hyperlink, a carriage return
  overwrites the line. :func:`clean` removes escape sequences whole, then every other C0 and C1
  control character (tab and line feed stay), and the bidirectional overrides that make text
  display in an order other than the one it is read in. Every string the console prints passes
  through it; text printed another way (``typer.echo``) calls it directly.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.text import Text

_SEQUENCES = re.compile(
    r"\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL or ST (window title, hyperlinks)
    r"|\x1b[P^_X][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, PM, APC, SOS ... ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI (colours, cursor moves, clear screen)
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"  # 8-bit OSC
    r"|\x1b[ -/]*[0-~]?"  # any other escape sequence
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: object) -> str:
    """``text`` without escape sequences or control characters (tab and line feed are kept)."""
    return _CONTROLS.sub("", _SEQUENCES.sub("", str(text)))


class SafeConsole(Console):
    """A Rich console for text that came from files: no markup, no emoji codes, no control characters."""

    def render_str(self, text: str, **kwargs) -> Text:
        kwargs["markup"] = False
        kwargs["emoji"] = False
        return super().render_str(clean(text), **kwargs)


def console(stderr: bool = False, width: int | None = None) -> SafeConsole:
    """The console every ``pim-sim`` command prints through."""
    return SafeConsole(stderr=stderr, highlight=False, soft_wrap=True, width=width, markup=False, emoji=False)
