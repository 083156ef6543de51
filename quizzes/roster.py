"""A class roster for Classroom mode without an identity provider: the instructor issues each
learner (and each instructor) a sign-in code; only a salted scrypt hash of the code is stored.

The roster is a JSON file (``PIM_SIM_ROSTER`` or the ``roster`` setting of Classroom mode)::

    {"version": 1, "people": {"ann": {"role": "learner", "salt": "<hex>", "hash": "<hex>"}}}

Codes are 12 random URL-safe characters (:func:`secrets.token_urlsafe`, 72 bits); the hash is
:func:`hashlib.scrypt` with n=2**14, r=8, p=1 (the parameters Python's documentation and RFC 7914
use for interactive logins) and a 16-byte salt per person. Checking compares with
:func:`hmac.compare_digest`. A code is shown once, when it is issued; issuing again replaces it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from quizzes.errors import QuizError
from quizzes.progress import check_learner

ENV_VAR = "PIM_SIM_ROSTER"
ROLES = ("learner", "instructor")
N, R, P = 2**14, 8, 1
MAX_CODE = 128


class RosterError(QuizError):
    """A roster that can't be read or written, or a name or role it can't hold."""


@dataclass(frozen=True)
class Person:
    name: str
    role: str

    @property
    def instructor(self) -> bool:
        return self.role == "instructor"


def _hash(code: str, salt: bytes) -> bytes:
    return hashlib.scrypt(code.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)


def location(path: str | os.PathLike | None = None) -> Path:
    found = path or os.environ.get(ENV_VAR)
    if not found:
        raise RosterError(f"no roster: set {ENV_VAR} or Classroom mode's roster setting")
    return Path(found)


def _read(path: Path) -> dict:
    if not path.exists():
        return {"version": 1, "people": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RosterError(f"the roster {path} can't be read: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("people"), dict):
        raise RosterError(f"the roster {path} is not a pim-sim roster")
    return data


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def issue(name: str, role: str = "learner", path: str | os.PathLike | None = None) -> str:
    """Add (or re-issue) ``name`` with ``role``; the new code, to hand to that person once."""
    if role not in ROLES:
        raise RosterError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    name = check_learner(name)
    where = location(path)
    data = _read(where)
    code = secrets.token_urlsafe(9)
    salt = secrets.token_bytes(16)
    data["people"][name] = {"role": role, "salt": salt.hex(), "hash": _hash(code, salt).hex()}
    _write(where, data)
    return code


def remove(name: str, path: str | os.PathLike | None = None) -> bool:
    where = location(path)
    data = _read(where)
    gone = data["people"].pop(name, None) is not None
    _write(where, data)
    return gone


def people(path: str | os.PathLike | None = None) -> list[Person]:
    return [Person(n, e["role"]) for n, e in sorted(_read(location(path))["people"].items())]


def check(name: str, code: str, path: str | os.PathLike | None = None) -> Person | None:
    """The person whose name and code these are, or None (the same answer for a wrong name or code)."""
    entry = _read(location(path))["people"].get(str(name))
    code = str(code)[:MAX_CODE]
    if entry is None:
        _hash(code, b"\0" * 16)  # the same work either way: a wrong name takes as long as a wrong code
        return None
    try:
        salt, expected = bytes.fromhex(entry["salt"]), bytes.fromhex(entry["hash"])
    except (KeyError, ValueError, TypeError):
        return None
    if hmac.compare_digest(_hash(code, salt), expected) and entry.get("role") in ROLES:
        return Person(str(name), entry["role"])
    return None
