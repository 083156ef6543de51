"""The Audit explorer page: the same run seen from every place, with retention applied for the
chosen "viewed on" moment, and every place one record appears; its choices kept in page models
(across page switches, started again from the run whenever the lab's scenario changes)."""

from __future__ import annotations

import datetime
from pathlib import Path

from page_widgets import widget
from streamlit.testing.v1 import AppTest

from pim_sim import Place
from pim_sim.core.access import audit_readers
from pim_sim.core.audit import places
from pim_sim.scenario.model import Scenario, default_scenario

APP = str(Path(__file__).resolve().parents[2] / "app.py")
RESOURCE_AUDITS = [Place.PIM_ENTRA_RESOURCE_AUDIT, Place.PIM_AZURE_RESOURCE_AUDIT, Place.PIM_GROUPS_RESOURCE_AUDIT]


def open_audit() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("ui/audit_explorer.py").run()
    assert not at.exception
    return at


def counts(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def expected_counts(results, minute: float, persona: str = "alice") -> dict[str, int]:
    seen = results.where_visible(minute)
    mine = seen[seen["place"].str.contains("My audit") & seen["readers"].str.split(", ").apply(lambda r: persona in r)]
    return {"PIM Resource audit": int(seen["place"].isin([str(p) for p in RESOURCE_AUDITS]).sum()),
            f"PIM My audit ({persona})": len(mine),
            "Entra audit logs, Service = PIM": int((seen["place"] == str(Place.ENTRA_AUDIT_PIM)).sum()),
            "Azure Activity Log": int((seen["place"] == str(Place.AZURE_ACTIVITY_LOG)).sum())}


def view_on(at: AppTest, day: datetime.date) -> None:
    widget(at, "datetime_input", "audit_when", "moment").set_value(datetime.datetime.combine(day, datetime.time(0, 0))).run()
    assert not at.exception


def test_at_the_end_of_the_run_every_place_shows_what_the_model_says():
    at = open_audit()
    scenario = default_scenario()
    results = scenario.run()
    shown = counts(at)
    assert shown == expected_counts(results, results.sim.now)
    assert shown["PIM Resource audit"] == shown["Entra audit logs, Service = PIM"] > 0  # the same events, twice


def test_retention_differs_by_place_pim_blades_30_days_activity_log_90():
    at = open_audit()
    results = default_scenario().run()
    start = results.sim.clock.start.date()
    view_on(at, start + datetime.timedelta(days=40))
    shown = counts(at)
    assert shown == expected_counts(results, results.sim.clock.minute_of(
        datetime.datetime.combine(start + datetime.timedelta(days=40), datetime.time(0, 0), tzinfo=datetime.UTC)))
    assert shown["PIM Resource audit"] == shown["Entra audit logs, Service = PIM"] == 0
    assert shown["Azure Activity Log"] > 0  # Azure role assignments are kept 90 days
    view_on(at, start + datetime.timedelta(days=100))
    assert counts(at)["Azure Activity Log"] == 0


def test_my_audit_is_per_persona():
    at = open_audit()
    results = default_scenario().run()
    for persona in ("alice", "dave", "frank"):
        widget(at, "selectbox", "audit_run", "persona").set_value(persona).run()
        assert counts(at)[f"PIM My audit ({persona})"] == expected_counts(results, results.sim.now, persona)[
            f"PIM My audit ({persona})"]
    assert counts(at)["PIM My audit (frank)"] == 0  # frank did nothing and nothing was done to him


def test_entra_audit_log_service_filter():
    at = open_audit()
    results = default_scenario().run()
    seen = results.where_visible(results.sim.now)
    for service, place in (("PIM", Place.ENTRA_AUDIT_PIM), ("Core Directory", Place.ENTRA_AUDIT_CORE_DIRECTORY)):
        widget(at, "selectbox", "audit_run", "service").set_value(service).run()
        n = int((seen["place"] == str(place)).sum())
        assert f"**{place.value}** ({n} records)" in [m.value for m in at.markdown]
        assert n > 0


def test_selecting_a_record_shows_every_place_it_appears():
    at = open_audit()
    results = default_scenario().run()
    pim = next(r for r in results.sim.audit if r.service == "PIM")
    core = next(r for r in results.sim.audit if r.service == "Core Directory")
    for record in (pim, core):
        widget(at, "selectbox", "audit_run", "record").set_value(record.seq).run()
        table = next(d.value for d in at.dataframe if "Who can read it" in d.value.columns)
        assert list(table["Place"]) == [p.value for p in places(record)]
        assert table["Visible on the chosen date"].all()
        assert list(table["People who can read it then"]) == [
            ", ".join(audit_readers(results.sim, record, p, results.sim.now)) for p in places(record)]
    assert len(places(pim)) == 3 and len(places(core)) == 1


def test_the_sandbox_tenant_can_be_explored_too():
    at = open_audit()
    widget(at, "radio", "audit", "source").set_value("Portal sandbox").run()
    sim = at.session_state["sandbox"]
    assert counts(at) == expected_counts(sim.results(), sim.now)


def test_the_filters_and_numbers_survive_a_visit_to_other_pages():
    at = open_audit()
    results = default_scenario().run()
    day = results.sim.clock.start.date() + datetime.timedelta(days=40)
    view_on(at, day)
    widget(at, "selectbox", "audit_run", "persona").set_value("dave").run()
    widget(at, "selectbox", "audit_run", "service").set_value("Core Directory").run()
    before = counts(at)
    minute = results.sim.clock.minute_of(datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=datetime.UTC))
    assert before == expected_counts(results, minute, "dave")
    for page in ("ui/why_not.py", "ui/portal.py", "ui/scenario_lab.py", "ui/audit_explorer.py"):
        at.switch_page(page).run()
        assert not at.exception
    assert widget(at, "selectbox", "audit_run", "persona").value == "dave"
    assert widget(at, "selectbox", "audit_run", "service").value == "Core Directory"
    assert widget(at, "datetime_input", "audit_when", "moment").value == datetime.datetime.combine(day, datetime.time(0, 0))
    assert counts(at) == before


def test_another_scenario_in_the_lab_is_the_run_the_explorer_shows():
    at = open_audit()
    widget(at, "selectbox", "audit_run", "persona").set_value("dave").run()
    at.switch_page("ui/scenario_lab.py").run()
    widget(at, "selectbox", "lab", "scenario").set_value("standing-vs-jit").run()
    at.switch_page("ui/audit_explorer.py").run()
    assert not at.exception
    text = (Path(APP).parent / "scenarios" / "standing-vs-jit.yaml").read_text(encoding="utf-8")
    results = Scenario.from_yaml(text).run()
    first = results.sim.tenant.users[0].name
    assert widget(at, "selectbox", "audit_run", "persona").value == first  # that run's people, from the start
    end = results.sim.clock.at(results.sim.now).replace(second=0, microsecond=0, tzinfo=None)
    assert widget(at, "datetime_input", "audit_when", "moment").value == end
    minute = results.sim.clock.minute_of(end.replace(tzinfo=datetime.UTC))
    assert counts(at) == expected_counts(results, minute, first)
    assert counts(at) != expected_counts(default_scenario().run(), results.sim.now, first)


def test_the_sandbox_moment_follows_its_clock():
    at = open_audit()
    widget(at, "radio", "audit", "source").set_value("Portal sandbox").run()
    at.switch_page("ui/portal.py").run()
    at.button(key="portal_plus1d").click().run()
    at.switch_page("ui/audit_explorer.py").run()
    sim = at.session_state["sandbox"]
    assert widget(at, "radio", "audit", "source").value == "Portal sandbox"
    assert widget(at, "datetime_input", "audit_when", "moment").value == sim.clock.at(sim.now).replace(tzinfo=None)
    assert counts(at) == expected_counts(sim.results(), sim.now)
