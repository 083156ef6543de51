"""Reading what a user hands over: files named on the command line, uploads and pastes.

Only a :class:`pathlib.Path` is ever a path. Uploaded bytes and pasted text are *content*, parsed
once; a string that came out of a parse is never opened as a file. A file is read only when it is
a regular file (not a directory, a FIFO that would block, or a device such as ``/dev/zero``), and
never more than ``cap + 1`` bytes are read, so a file that grows or lies about its size is still
bounded.

Text is decoded by its byte-order mark: Windows PowerShell 5.1 writes UTF-16 with a BOM by default
(``Out-File``, ``>``; https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.core/about/about_character_encoding),
other tools UTF-8 with or without one. Anything else (Latin-1, UTF-16 without a BOM) is refused
with a line that says how to save the file instead of being guessed at.

JSON is parsed with limits a real export never reaches: no ``NaN``/``Infinity``, finite floats,
integers of at most :data:`MAX_INT_DIGITS` digits, at most :data:`MAX_DEPTH` levels of nesting,
and a top level that is an object or a list.
"""

from __future__ import annotations

import codecs
import json
import math
import os
import stat
from pathlib import Path

from pim_sim.errors import ModelError

MAX_DEPTH = 64
MAX_INT_DIGITS = 100
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
         (codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class InputError(ModelError):
    """Input that can't be read: names where (a file, "upload", "pasted text"), the field or line
    when known, and the problem, on one line."""

    def __init__(self, where: str, problem: str, field: str = ""):
        self.where, self.field, self.problem = where, field, problem
        super().__init__(f"{where}: {field + ': ' if field else ''}{problem}")


def read_file(path: Path, cap: int) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes, or :class:`InputError`.

    The file is opened without blocking (a FIFO with no writer would otherwise hang), checked with
    ``fstat`` on the open descriptor (so a swapped symlink can't slip through) and read up to
    ``cap + 1`` bytes whatever its size claims."""
    where = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError(where, "no such file") from None
    except IsADirectoryError:
        raise InputError(where, "is a directory, not a file") from None
    except OSError as e:
        raise InputError(where, f"can't open it ({e.strerror or e})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
            raise InputError(where, f"is {kind}, not a regular file")
        chunks, size = [], 0
        while size <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as e:
        raise InputError(where, f"can't read it ({e.strerror or e})") from None
    finally:
        os.close(fd)
    if size > cap:
        raise InputError(where, f"larger than {cap:,} bytes")
    return b"".join(chunks)


def decode(data: bytes, where: str) -> str:
    """Text from bytes: UTF-32, UTF-8 or UTF-16 by their byte-order mark, else strict UTF-8."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as e:
                raise InputError(where, f"starts with a {name} byte-order mark but is not valid {name} "
                                        f"(byte {e.start + len(bom)})") from None
    if b"\x00" in data:
        raise InputError(where, "contains NUL bytes: UTF-16 or UTF-32 without a byte-order mark, or not text at "
                                "all; save it as UTF-8 (PowerShell: Out-File -Encoding utf8)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(where, f"not UTF-8 text (byte {e.start} is 0x{data[e.start]:02X}; Latin-1 or another "
                                "code page?); save it as UTF-8 (PowerShell: Out-File -Encoding utf8)") from None


class _Refused(ValueError):
    pass


def _constant(name: str):
    raise _Refused(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:20]}{'...' if len(text) > 20 else ''} is too large")
    return value


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _Refused(f"an integer of {digits:,} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _type_name(value) -> str:
    return {type(None): "null", bool: "true or false", int: "a number", float: "a number",
            str: "a string"}.get(type(value), type(value).__name__)


def parse_json(text: str | bytes, where: str) -> dict | list:
    """A JSON object or list from text or bytes, or :class:`InputError` naming line and column."""
    if isinstance(text, bytes | bytearray | memoryview):
        text = decode(bytes(text), where)
    elif text.startswith("\ufeff"):
        raise InputError(where, "starts with an invisible byte-order mark (U+FEFF); paste the text without it, or "
                                "upload the file instead", "line 1 column 1")
    try:
        data = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except json.JSONDecodeError as e:
        line = text.splitlines()[e.lineno - 1].lstrip() if e.lineno <= len(text.splitlines()) else ""
        if line.startswith(("//", "/*", "#")):
            raise InputError(where, f"JSON has no comments; remove the line starting with {line[:2]!r}",
                             f"line {e.lineno}") from None
        raise InputError(where, f"not valid JSON ({e.msg})", f"line {e.lineno} column {e.colno}") from None
    except _Refused as e:
        raise InputError(where, f"not a number JSON exports use: {e}") from None
    except RecursionError:
        raise InputError(where, "lists or objects nested too deeply to read") from None
    except ValueError as e:  # the interpreter's own limits (e.g. integer string conversion)
        raise InputError(where, f"not valid JSON ({e})") from None
    if not isinstance(data, dict | list):
        raise InputError(where, f"the top level is {_type_name(data)}; expected a JSON object {{...}} or a list [...]")
    check_depth(data, where)
    return data


def check_depth(data, where: str, limit: int = MAX_DEPTH) -> None:
    """Refuse lists or objects nested more than ``limit`` levels (walked without recursion)."""
    todo = [(data, 1)]
    while todo:
        node, depth = todo.pop()
        if depth > limit:
            raise InputError(where, f"lists or objects nested more than {limit} levels deep")
        if isinstance(node, dict):
            todo.extend((v, depth + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            todo.extend((v, depth + 1) for v in node if isinstance(v, dict | list))
