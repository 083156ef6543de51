"""The class roster: codes are issued once and only their scrypt hashes are kept."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes import roster


def test_a_code_signs_in_its_person_and_is_never_stored(tmp_path):
    path = tmp_path / "roster.json"
    code = roster.issue("ann", path=path)
    teacher = roster.issue("teach", "instructor", path=path)
    stored = path.read_text(encoding="utf-8")
    assert code not in stored and teacher not in stored
    assert roster.check("ann", code, path) == roster.Person("ann", "learner")
    assert roster.check("teach", teacher, path).instructor
    assert roster.check("ann", teacher, path) is None  # another person's code
    assert roster.check("nobody", code, path) is None
    entry = json.loads(stored)["people"]["ann"]
    assert len(bytes.fromhex(entry["salt"])) == 16 and len(bytes.fromhex(entry["hash"])) == 32


def test_issuing_again_replaces_the_code_and_removing_ends_it(tmp_path):
    path = tmp_path / "roster.json"
    first = roster.issue("ann", path=path)
    second = roster.issue("ann", path=path)
    assert roster.check("ann", first, path) is None and roster.check("ann", second, path) is not None
    assert roster.remove("ann", path) and roster.check("ann", second, path) is None


def test_bad_roles_names_and_files_are_refused(tmp_path):
    with pytest.raises(roster.RosterError):
        roster.issue("ann", "admin", path=tmp_path / "r.json")
    with pytest.raises(ValueError):
        roster.issue("", path=tmp_path / "r.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(roster.RosterError, match="not a pim-sim roster"):
        roster.check("ann", "x", bad)


@settings(max_examples=15, deadline=None)
@given(code=st.text(max_size=200))
def test_no_other_code_signs_in(tmp_path_factory, code):
    path = tmp_path_factory.mktemp("r") / "roster.json"
    real = roster.issue("ann", path=path)
    assert (roster.check("ann", code, path) is not None) == (code == real)
