"""The Just-in-time VM access blade of the Portal sandbox: tab counts, enabling, requesting and the refusal
reasons, the NSG rules as JIT writes and removes them, the connection answer and the Activity Log. Every number
the page shows is checked against the model run the same way."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui import jit_sandbox

APP = str(Path(__file__).resolve().parents[2] / "app.py")
WEB1, DB1 = jit_sandbox.vm_id("web1"), jit_sandbox.vm_id("db1")


def open_blade() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("ui/jit_blade.py").run()
    assert not at.exception, at.exception
    return at


def tab_labels(at: AppTest) -> list[str]:
    return [t.label for t in at.tabs]


def rule_names(at: AppTest, nsg: str) -> list[str]:
    table = next(t for t in at.table if "Name" in t.value.columns and
                 any(n.startswith(("allow-", "Microsoft", "Allow", "Deny")) for n in t.value["Name"]) and
                 _nsg_of(at, t) == nsg)
    return list(table.value["Name"])


def _nsg_of(at: AppTest, table) -> str:
    # the markdown heading just before the table names the NSG
    texts = [m.value for m in at.markdown]
    index = [i for i, m in enumerate(at.markdown) if "evaluated in priority order" in m.value]
    tables = [t for t in at.table]
    return texts[index[tables.index(table)]].split("**")[1].replace("\\", "")


def text(element) -> str:
    """An alert's text as a person reads it (the page escapes markdown)."""
    return element.value.replace("\\", "")


def frame(at: AppTest, column: str):
    """The table on the page with this column (Reason: Unsupported; Open now: Configured; Operation name: the
    Activity Log)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def sandbox_model():
    return jit_sandbox.build().jit


def test_the_tabs_count_vms_as_the_model_sorts_them():
    at = open_blade()
    jit = sandbox_model()
    expected = {s: sum(1 for v in jit.vms if jit.jit_state(v).status == s)
                for s in ("Configured", "Not configured", "Unsupported")}
    assert tab_labels(at)[:3] == [f"{k} ({n})" for k, n in expected.items()] == [
        "Configured (1)", "Not configured (1)", "Unsupported (2)"]
    reasons = set(frame(at, "Reason")["Reason"])
    assert reasons == {jit.jit_state(v).reason for v in jit.vms if jit.jit_state(v).status == "Unsupported"}


def test_enabling_db1_moves_it_to_configured_and_writes_a_deny_rule_below_the_users_rule():
    at = open_blade()
    at.selectbox(key="jit_enable_vm").set_value(DB1).run()
    at.button(key="jit_enable_go").click().run()
    assert not at.exception
    assert tab_labels(at)[:3] == ["Configured (2)", "Not configured (0)", "Unsupported (2)"]
    at.selectbox(key="jit_net_vm").set_value(DB1).run()
    names = rule_names(at, "nsg-db1")
    assert names.index("allow-ssh-any") < names.index("MicrosoftDefenderForCloud-JITRule_-db1")
    at.number_input(key="jit_why_port").set_value(22).run()
    answer = " ".join(text(a) for a in at.success)
    assert "not JIT" in answer  # the user's SSH rule still lets anyone in


def test_a_request_opens_the_port_and_its_allow_rule_goes_at_the_end_time():
    at = open_blade()
    at.selectbox(key="jit_net_vm").set_value(WEB1).run()
    before = rule_names(at, "nsg-web1")
    assert not any(n.startswith("MicrosoftDefenderForCloud-JITRule-web1-3389") for n in before)
    at.multiselect(key="jit_req_ports").set_value([3389]).run()
    at.selectbox(key="jit_req_duration").set_value("1 hour").run()
    at.button(key="jit_req_go").click().run()
    assert not at.exception
    assert "Access requested by alice" in text(at.success[0])
    during = rule_names(at, "nsg-web1")
    allow = [n for n in during if n.startswith("MicrosoftDefenderForCloud-JITRule-web1-3389")]
    assert len(allow) == 1 and during.index(allow[0]) < during.index("MicrosoftDefenderForCloud-JITRule_-web1")
    assert frame(at, "Open now")["Open now"].tolist() == ["3389"]
    assert "Yes" in text(at.success[-1])  # the connection answer from alice's IP
    at.button(key="jit_plus1h").click().run()
    after = rule_names(at, "nsg-web1")
    assert after == before
    assert frame(at, "Open now")["Open now"].tolist() == ["none"]
    activity = frame(at, "Operation name")
    assert "Initiate JIT Network Access Policy" in set(activity["Operation name"])
    said = " ".join(text(e) for e in (*at.error, *at.success, *at.markdown))
    assert "ended at" in said and "minute" not in said  # when the grant ended, as a date and time


def test_a_security_reader_is_refused_with_the_reason_and_no_rule_is_written():
    at = open_blade()
    at.selectbox(key="jit_persona").set_value("dave").run()
    at.selectbox(key="jit_net_vm").set_value(WEB1).run()
    before = rule_names(at, "nsg-web1")
    at.multiselect(key="jit_req_ports").set_value([3389]).run()
    at.button(key="jit_req_go").click().run()
    assert at.error and "Refused (no permission)" in text(at.error[0]) and "initiate" in text(at.error[0])
    assert rule_names(at, "nsg-web1") == before


def test_a_source_outside_the_allowed_range_or_a_duration_over_the_maximum_is_refused():
    at = open_blade()
    at.multiselect(key="jit_req_ports").set_value([22]).run()
    at.selectbox(key="jit_req_duration").set_value("6 hours").run()
    at.button(key="jit_req_go").click().run()
    assert "Refused (duration over the maximum)" in text(at.error[0]) and "PT3H" in text(at.error[0])


def test_erin_can_request_only_while_her_pim_activation_is_in_force():
    at = open_blade()
    at.selectbox(key="jit_persona").set_value("erin").run()
    at.multiselect(key="jit_req_ports").set_value([3389]).run()
    at.button(key="jit_req_go").click().run()
    assert "no permission" in text(at.error[0])
    at.button(key="jit_pim_activate").click().run()
    assert "PendingApproval" in text(at.success[0])
    at.multiselect(key="jit_req_ports").set_value([3389]).run()
    at.button(key="jit_req_go").click().run()
    assert "no permission" in text(at.error[0])  # waiting for bob
    at.button(key="jit_pim_approve").click().run()
    at.multiselect(key="jit_req_ports").set_value([3389]).run()
    at.button(key="jit_req_go").click().run()
    assert "Access requested by erin" in text(at.success[0])


def test_the_recommendation_turns_healthy_when_db1_is_configured():
    at = open_blade()
    before = frame(at, "State").set_index("Virtual machine")["State"]
    assert before["web1"] == "Healthy" and before["db1"] == "Unhealthy"  # SSH open to the internet, no JIT
    at.selectbox(key="jit_enable_vm").set_value(DB1).run()
    at.button(key="jit_enable_go").click().run()
    after = frame(at, "State").set_index("Virtual machine")["State"]
    assert after["db1"] == "Healthy"
    model = sandbox_model()
    model.enable(DB1)
    assert model.recommendation_state(DB1).state == "Healthy"
