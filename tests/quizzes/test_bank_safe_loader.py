"""The bank is read with a safe YAML loader (the C one when PyYAML has it): tags that would build
Python objects are refused as invalid YAML, never run."""

from __future__ import annotations

import pytest
import yaml

from quizzes import bank as bank_mod
from quizzes.bank import BankError, load_file


def test_the_loader_is_a_safe_loader():
    assert issubclass(bank_mod.SAFE_LOADER, yaml.SafeLoader) or bank_mod.SAFE_LOADER is getattr(yaml, "CSafeLoader", None)
    if yaml.__with_libyaml__:
        assert bank_mod.SAFE_LOADER is yaml.CSafeLoader


def test_a_python_tag_is_refused(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "evil.yaml"
    path.write_text(f"topic: evil\ntitle: x\nquestions: !!python/object/apply:os.system ['touch {marker}']\n",
                    encoding="utf-8")
    with pytest.raises(BankError, match="not valid YAML"):
        load_file(path)
    assert not marker.exists()
