"""Hostile input, reading side: fuzzing. Whatever bytes, text, nesting, numbers or encodings reach
the JSON and YAML readers, the answer is a valid result or an error of the ModelError family:
never another exception, never a hang."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pim_sim.errors import ModelError
from pim_sim.graph import reader as graph_import
from pim_sim.io import untrusted
from pim_sim.posture import baseline
from pim_sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "graph"
# CI runs 120 examples a test; PIM_SIM_FUZZ_EXAMPLES=5000 runs a longer campaign locally.
FUZZ = settings(max_examples=int(os.environ.get("PIM_SIM_FUZZ_EXAMPLES", "120")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

numbers = (st.integers() | st.integers(min_value=-(10**400), max_value=10**400)
           | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0, -0.0, 1e308, 2**63, -(2**63)]))
strings = st.text(max_size=12) | st.sampled_from(["PT8H", "P9999999999D", "2026-01-05T09:00:00", "/etc/passwd",
                                                   "\ufeff", "NaN", "Infinity", "x" * 300, "P1M"])
scalars = st.none() | st.booleans() | numbers | strings
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(strings, inner, max_size=4), max_leaves=25)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"])
READERS = [graph_import.load_json, graph_import.read_policies, graph_import.read_requests,
           baseline.posture_from_scubagear, baseline.posture_from_file, baseline.scubagear_results]


def read_or_refuse(reader, source) -> None:
    try:
        reader(source)
    except ModelError:
        pass


def nest(value, depth: int, kind: str):
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


@FUZZ
@given(value=json_values, depth=st.integers(0, 120), kind=st.sampled_from(["list", "dict"]),
       encoding=encodings, reader=st.sampled_from(READERS))
def test_any_json_in_any_encoding_is_read_or_refused(value, depth, kind, encoding, reader):
    text = json.dumps(nest(value, depth, kind), allow_nan=True, ensure_ascii=False)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")
    read_or_refuse(reader, data)
    read_or_refuse(reader, text)


@FUZZ
@given(data=st.binary(max_size=400), reader=st.sampled_from(READERS))
def test_any_bytes_are_read_or_refused(data, reader):
    read_or_refuse(reader, data)


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list('{}[]:,"\\ -+.eE0123456789aflnrstu\ufeff/*#\n\t\x00')), max_size=200),
       reader=st.sampled_from(READERS))
def test_any_json_like_text_is_read_or_refused(text, reader):
    read_or_refuse(reader, text)


def places(node) -> list:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    return [spot for key, value in items for spot in ((node, key), *places(value))]


@FUZZ
@given(data=st.data(), name=st.sampled_from(["ga_exchange_v1.json", "requests.json", "ProviderSettingsExport.json",
                                             "pra_powershell.json", "eligibility_requests.json"]),
       reader=st.sampled_from(READERS))
def test_any_corruption_of_a_real_export_is_read_or_refused(data, name, reader):
    doc = json.loads((FIX / name).read_text())
    for _ in range(data.draw(st.integers(1, 4))):
        parent, key = data.draw(st.sampled_from(places(doc)))
        parent[key] = data.draw(json_values)
    read_or_refuse(reader, copy.deepcopy(doc))
    read_or_refuse(reader, json.dumps(doc, allow_nan=True))


def test_parsed_documents_are_objects_or_lists_within_the_depth_limit():
    for top in ("42", "null", '"x"', "true"):
        try:
            untrusted.parse_json(top, "t")
        except untrusted.InputError as e:
            assert "the top level is" in str(e)
        else:
            raise AssertionError(top)


# ------------------------------------------------------------------ YAML scenarios
VALID = (ROOT / "scenarios" / "jit-basics.yaml").read_text()
yaml_text = st.text(alphabet=st.sampled_from(list("abcdefnPTHDM0123456789 :-[]{},&*!<>|'\"#%@.\n\t\ufeff\x00\u00e9")),
                    max_size=300)


def scenario_or_refusal(source) -> None:
    try:
        Scenario.from_yaml(source, file="fuzz.yaml", budget=20_000)
    except ModelError:
        pass


@FUZZ
@given(text=yaml_text)
def test_any_yaml_like_text_is_a_scenario_or_a_scenario_error(text):
    scenario_or_refusal(text)


@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_are_a_scenario_or_a_scenario_error(data):
    scenario_or_refusal(data)


@FUZZ
@given(data=st.data(), encoding=encodings, depth=st.integers(0, 60))
def test_any_corruption_of_a_shipped_scenario_in_any_encoding_is_valid_or_refused(data, encoding, depth):
    doc = yaml.safe_load(VALID)
    for _ in range(data.draw(st.integers(1, 3))):
        parent, key = data.draw(st.sampled_from(places(doc)))
        parent[key] = nest(data.draw(json_values), depth, data.draw(st.sampled_from(["list", "dict"])))
    text = yaml.safe_dump(doc, allow_unicode=True)
    try:
        scenario_or_refusal(text.encode(encoding))
    except UnicodeEncodeError:
        pass
    scenario_or_refusal(text)
    try:
        Scenario.from_dict(doc, budget=20_000)
    except ModelError:
        pass
