"""Broken scenario files: every one is rejected with all its problems (file, line, field path,
what was expected) and never with a traceback. Each file in tests/broken_scenarios states the
messages it expects in its ``# expect:`` lines, in order."""

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pim_sim import Scenario, ScenarioError, load_scenario
from pim_sim.cli import app
from pim_sim.scenario.reader import MAX_BYTES, MAX_VALUES

CORPUS = Path(__file__).resolve().parents[1] / "broken_scenarios"
FILES = sorted(CORPUS.glob("*.yaml"))


def expected(path: Path) -> list[str]:
    lines = path.read_bytes().decode("latin-1").splitlines()
    return [line.removeprefix("# expect: ") for line in lines if line.startswith("# expect: ")]


def test_the_corpus_has_at_least_thirty_broken_files():
    assert len(FILES) >= 30
    assert all(expected(p) for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_broken_file_is_rejected_with_each_expected_message(path):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    got = [str(issue) for issue in caught.value.issues]
    want = expected(path)
    assert len(got) == len(want), got
    for message, text in zip(want, got, strict=True):
        assert text.startswith(f"{path}")
        assert message in text


def test_validate_reports_every_broken_file_without_a_traceback():
    result = CliRunner().invoke(app, ["validate", *map(str, FILES)], env={"COLUMNS": "300"})
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{len(FILES)} of {len(FILES)} file(s) have problems" in result.output
    for path in FILES:
        for message in expected(path):
            assert message in result.output


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("name: big\nhorizon: P1D\n" + "# padding\n" * (MAX_BYTES // 10))
    with pytest.raises(ScenarioError, match="limited to"):
        load_scenario(big)
    with pytest.raises(ScenarioError, match="limited to"):
        Scenario.from_yaml(big.read_text())


def test_a_python_tag_is_never_constructed(tmp_path):
    marker = tmp_path / "owned"
    text = f"name: x\nhorizon: P1D\ntitle: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(ScenarioError, match="not allowed"):
        Scenario.from_yaml(text)
    assert not marker.exists()


def test_aliases_within_the_limit_are_fine():
    text = "name: x\nhorizon: P1D\ntenant:\n  users: &u [alice, bob]\n  groups:\n    - {name: g, members: *u}\n"
    assert Scenario.from_yaml(text).tenant.group("g").members == ("alice", "bob")


def test_the_alias_limit_counts_expanded_values():
    levels = ["a0: &a0 [" + ",".join(["x"] * 10) + "]"]
    levels += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 6)]
    with pytest.raises(ScenarioError, match=f"more than {MAX_VALUES:,} values"):
        Scenario.from_yaml("name: x\nhorizon: P1D\n" + "\n".join(levels) + "\n")


def test_a_missing_file_is_an_error_not_a_crash(tmp_path):
    with pytest.raises(ScenarioError, match="can't read the file"):
        load_scenario(tmp_path / "nope.yaml")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_is_a_scenario_or_a_scenario_error(text):
    try:
        Scenario.from_yaml(text)
    except ScenarioError as e:
        assert e.issues and all(i.message for i in e.issues)


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False),
                     st.sampled_from(["alice", "P1D", "PT8H", "Global Administrator", "eligible", "/", "approve"]))
_keys = st.sampled_from(["name", "horizon", "tenant", "users", "role", "principal", "timeline", "do", "at", "kind",
                         "settings", "assignments", "seed", "x"])
_data = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=5),
                     max_leaves=20)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _data, max_size=6))
def test_any_data_is_a_scenario_or_a_scenario_error(data):
    data = {"name": "x", "horizon": "P1D", **data}
    try:
        Scenario.from_dict(data)
    except ScenarioError as e:
        assert e.issues
    # and the same data written as YAML gets the same verdict with line numbers
    text = yaml.safe_dump(data)
    try:
        Scenario.from_yaml(text)
    except ScenarioError as e:
        assert all(i.line is not None for i in e.issues)
