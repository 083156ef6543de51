# ruff: noqa: E501  (the corpus is a table: one case per row)
"""Hostile input, reading side: Graph policy exports, schedule requests and ScubaGear exports, as
pasted text, uploaded bytes and files, through the Python API, the CLI and the Posture page. Every
case gives one line naming where (file, "upload", "pasted text", the policy and rule) and the field
or line, and never a traceback."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from pim_sim.cli import app
from pim_sim.errors import ModelError
from pim_sim.graph import reader as graph_import
from pim_sim.posture import baseline

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "graph"
GA = json.loads((FIX / "ga_exchange_v1.json").read_text())
REQ = json.loads((FIX / "requests.json").read_text())
SCUBA = json.loads((FIX / "ProviderSettingsExport.json").read_text())


def ga(mut):
    d = copy.deepcopy(GA)
    mut(d)
    return d


def req(mut):
    d = copy.deepcopy(REQ)
    mut(d)
    return d


def scuba(mut):
    d = copy.deepcopy(SCUBA)
    mut(d)
    return d


def first_item(d):
    return d["value"][0] if isinstance(d, dict) and "value" in d else (d[0] if isinstance(d, list) else d)


def rules(d):
    item = first_item(d)
    pol = item.get("policy", item)
    return pol["rules"] if "rules" in pol else pol["effectiveRules"]


def rule(d, rid):
    return next(r for r in rules(d) if r["id"] == rid)


TEXT = [  # (id, text) parsed as pasted text by every JSON reader
 ("empty", ""), ("blank", "   \n  "), ("top-42", "42"), ("top-null", "null"), ("top-text", '"text"'),
 ("top-true", "true"), ("top-path", '"/etc/passwd"'), ("bare-path", "/etc/passwd"), ("bare-dev-zero", "/dev/zero"),
 ("nan", '{"value": [NaN]}'), ("infinity", '{"value": [Infinity]}'), ("neg-infinity", '[-Infinity]'),
 ("float-1e400", '[1e400]'), ("int-400", "[" + "9" * 400 + "]"), ("int-5000", "[" + "9" * 5000 + "]"),
 ("nested-500", "[" * 500 + "]" * 500), ("nested-100000", "[" * 100000 + "]" * 100000),
 ("nested-obj-500", '{"a":' * 500 + "1" + "}" * 500), ("bom-pasted", "\ufeff{}"),
 ("comment-slash", '// export\n{"value": []}'), ("comment-block", '/* x */ {"value": []}'), ("comment-hash", "# x\n{}"),
 ("trailing-comma", '{"value": [],}'), ("single-quotes", "{'value': []}"), ("truncated", '{"value": [{"id": "a"'),
 ("two-docs", '{} {}'), ("control-char", '["a\x01b"]'), ("nul", '{"a": "\x00"}'),
 ("yaml-not-json", "value:\n  - a\n"), ("xml", "<xml/>"), ("powershell-table", "Id   Rules\n--   -----\n"),
]
BYTES = [  # (id, bytes) uploaded
 ("latin1", '{"displayName": "caf\xe9"}'.encode("latin-1")), ("cp1252", '{"x": "\u2019"}'.encode("cp1252")),
 ("utf16-nobom", b'{"value": []}'.decode().encode("utf-16-le")), ("utf16-odd", b"\xff\xfe{\x00["),
 ("utf32-bad", b"\xff\xfe\x00\x00{"), ("binary", bytes(range(256))), ("gzip", b"\x1f\x8b\x08\x00\x00\x00\x00\x00"),
 ("utf8-bom-42", b"\xef\xbb\xbf42"), ("utf16-bom-null", "null".encode("utf-16")),
]
POLICY = [  # (id, maker, expected) through read_policies
 ("rules-not-list", lambda: ga(lambda d: first_item(d)["policy"].__setitem__("rules", "x")), "rules: must be a list"),
 ("rule-not-object", lambda: ga(lambda d: rules(d).__setitem__(0, "x")), "rules[0]: must be an object"),
 ("roledefinition-x", lambda: ga(lambda d: (first_item(d).pop("roleDefinitionId", None), first_item(d).__setitem__("policyAssignmentProperties", {"roleDefinition": "x"}))), "roleDefinition: must be an object"),
 ("roledefinition-list", lambda: ga(lambda d: (first_item(d).pop("roleDefinitionId", None), first_item(d).__setitem__("policyAssignmentProperties", {"roleDefinition": [1]}))), "roleDefinition: must be an object"),
 ("duration-number", lambda: ga(lambda d: rule(d, "Expiration_EndUser_Assignment").__setitem__("maximumDuration", 8)), "maximumDuration: 8 is not an ISO-8601 duration"),
 ("duration-huge", lambda: ga(lambda d: rule(d, "Expiration_EndUser_Assignment").__setitem__("maximumDuration", "P9999999999D")), "is too long a duration"),
 ("duration-nan-text", lambda: ga(lambda d: rule(d, "Expiration_EndUser_Assignment").__setitem__("maximumDuration", "NaN")), "is not an ISO-8601 duration"),
 ("duration-months", lambda: ga(lambda d: rule(d, "Expiration_Admin_Eligibility").__setitem__("maximumDuration", "P1Y")), "uses months or years"),
 ("duration-long-text", lambda: ga(lambda d: rule(d, "Expiration_Admin_Eligibility").__setitem__("maximumDuration", "P" + "9" * 5000 + "D")), "characters) is not an ISO-8601 duration"),
 ("approval-bool-number", lambda: ga(lambda d: rule(d, "Approval_EndUser_Assignment")["setting"].__setitem__("isApprovalRequired", 1)), "isApprovalRequired: 1 is not true or false"),
 ("approval-stages-text", lambda: ga(lambda d: rule(d, "Approval_EndUser_Assignment")["setting"].__setitem__("approvalStages", "x")), "approvalStages: must be a list of stage objects"),
 ("approvers-text", lambda: ga(lambda d: rule(d, "Approval_EndUser_Assignment")["setting"]["approvalStages"][0].__setitem__("primaryApprovers", "x")), "primaryApprovers: must be a list"),
 ("approver-number", lambda: ga(lambda d: rule(d, "Approval_EndUser_Assignment")["setting"]["approvalStages"][0].__setitem__("primaryApprovers", [5])), "primaryApprovers[0]: must be an object"),
 ("approver-id-list", lambda: ga(lambda d: rule(d, "Approval_EndUser_Assignment")["setting"]["approvalStages"][0].__setitem__("primaryApprovers", [{"userId": ["a"]}])), "has no userId, groupId or id"),
 ("enabled-rules-number", lambda: ga(lambda d: rule(d, "Enablement_EndUser_Assignment").__setitem__("enabledRules", 5)), "is not a list of strings"),
 ("enabled-rules-unknown", lambda: ga(lambda d: rule(d, "Enablement_EndUser_Assignment").__setitem__("enabledRules", ["Telepathy"])), "'Telepathy' is not MultiFactorAuthentication"),
 ("claim-number", lambda: ga(lambda d: rule(d, "AuthenticationContext_EndUser_Assignment").__setitem__("claimValue", 5)), "claimValue: 5 is not a string"),
 ("level-unknown", lambda: ga(lambda d: rule(d, "Notification_Admin_Admin_Eligibility").__setitem__("notificationLevel", "Loud")), "'Loud' is not None, Critical or All"),
 ("recipients-number", lambda: ga(lambda d: rule(d, "Notification_Admin_Admin_Eligibility").__setitem__("notificationRecipients", 7)), "is not a list of strings"),
 ("value-not-list", lambda: {"value": {"a": 1}}, "value: must be a list of objects"),
 ("value-empty", lambda: {"value": []}, "no role management policy found"),
 ("item-text", lambda: {"value": ["x"]}, "expected a policy or a policy assignment object"),
 ("policy-null", lambda: ga(lambda d: first_item(d).__setitem__("policy", None)), "policy: is null"),
 ("policy-text", lambda: ga(lambda d: first_item(d).__setitem__("policy", "x")), "policy: must be an object"),
 ("scope-type-unknown", lambda: ga(lambda d: first_item(d).__setitem__("scopeType", "Planet")), "'planet' is not DirectoryRole"),
 ("scope-id-object", lambda: ga(lambda d: (first_item(d).__setitem__("scopeType", "Group"), first_item(d).__setitem__("scopeId", {"a": 1}))), "a Group policy needs the group id"),
 ("approvers-80000", lambda: ga(lambda d: rule(d, "Approval_EndUser_Assignment")["setting"]["approvalStages"][0].__setitem__("primaryApprovers", [{"userId": f"u{i}"} for i in range(80000)] + [5])), "primaryApprovers[80000]: must be an object"),
]
REQUESTS = [  # (id, maker, expected) through read_requests / timeline_from_requests
 ("naive-start", lambda: req(lambda d: d["value"][0]["scheduleInfo"].__setitem__("startDateTime", "2026-01-05T09:00:00")), "has no time zone"),
 ("naive-end", lambda: req(lambda d: d["value"][0]["scheduleInfo"]["expiration"].__setitem__("endDateTime", "2026-01-06T09:00:00")), "has no time zone"),
 ("start-number", lambda: req(lambda d: d["value"][0]["scheduleInfo"].__setitem__("startDateTime", 5)), "5 is not an ISO-8601 date-time"),
 ("start-garbage", lambda: req(lambda d: d["value"][0]["scheduleInfo"].__setitem__("startDateTime", "soon")), "'soon' is not an ISO-8601 date-time"),
 ("start-year-0", lambda: req(lambda d: d["value"][0]["scheduleInfo"].__setitem__("startDateTime", "0000-01-01T00:00:00Z")), "is not an ISO-8601 date-time"),
 ("end-before-start", lambda: req(lambda d: d["value"][0]["scheduleInfo"]["expiration"].__setitem__("endDateTime", "2026-01-04T09:00:00Z")), "must be after startDateTime"),
 ("duration-huge", lambda: req(lambda d: d["value"][1]["scheduleInfo"]["expiration"].__setitem__("duration", "P9999999999D")), "is too long a duration"),
 ("duration-number", lambda: req(lambda d: d["value"][1]["scheduleInfo"]["expiration"].__setitem__("duration", 5)), "5 is not an ISO-8601 duration"),
 ("roledefinition-x", lambda: req(lambda d: d["value"][0].__setitem__("roleDefinitionId", "x")), "'x' is not a role template id"),
 ("roledefinition-object", lambda: req(lambda d: d["value"][0].__setitem__("roleDefinitionId", {"id": "x"})), "roleDefinitionId: missing"),
 ("principal-number", lambda: req(lambda d: d["value"][0].__setitem__("principalId", 5)), "principalId: missing"),
 ("action-unknown", lambda: req(lambda d: d["value"][0].__setitem__("action", "selfDestruct")), "'selfDestruct' is not a Graph request action"),
 ("action-list", lambda: req(lambda d: d["value"][0].__setitem__("action", ["adminAssign"])), "is not a Graph request action"),
 ("schedule-text", lambda: req(lambda d: d["value"][0].__setitem__("scheduleInfo", "x")), "scheduleInfo: must be an object"),
 ("expiration-text", lambda: req(lambda d: d["value"][0]["scheduleInfo"].__setitem__("expiration", "x")), "scheduleInfo.expiration: must be an object"),
 ("expiration-type-unknown", lambda: req(lambda d: d["value"][0]["scheduleInfo"]["expiration"].__setitem__("type", "forever")), "'forever' is not noExpiration"),
 ("ticket-text", lambda: req(lambda d: d["value"][1].__setitem__("ticketInfo", "x")), "ticketInfo: must be an object"),
 ("item-number", lambda: {"value": [5]}, "expected a schedule request object"),
 ("value-text", lambda: {"value": "x"}, "value: must be a list of objects"),
]
SCUBA_CASES = [  # (id, maker, expected) through posture_from_scubagear
 ("users-text", lambda: scuba(lambda d: d.__setitem__("privileged_users", "x")), "privileged_users: must be an object"),
 ("user-text", lambda: scuba(lambda d: d["privileged_users"].__setitem__("u1", "x")), "privileged_users.u1: must be an object"),
 ("user-roles-text", lambda: scuba(lambda d: d["privileged_users"].__setitem__("u1", {"roles": "x"})), "privileged_users.u1.roles: must be a list"),
 ("roles-text", lambda: scuba(lambda d: d.__setitem__("privileged_roles", "x")), "privileged_roles: must be a list"),
 ("role-text", lambda: scuba(lambda d: d.__setitem__("privileged_roles", ["x"])), "privileged_roles[0]"),
 ("role-rules-text", lambda: scuba(lambda d: d["privileged_roles"][0].__setitem__("Rules", "x")), "Rules"),
  ("service-plans-text", lambda: scuba(lambda d: d.__setitem__("service_plans", "x")), "service_plans"),
]

TEXT_EXPECTED = {'empty': 'line 1 column 1: not valid JSON (Expecting value)', 'blank': 'line 2 column 3: not valid JSON', 'top-42': 'the top level is a number', 'top-null': 'the top level is null', 'top-text': 'the top level is a string', 'top-true': 'the top level is true or false', 'top-path': 'the top level is a string', 'bare-path': 'line 1 column 1: not valid JSON', 'bare-dev-zero': 'line 1 column 1: not valid JSON', 'nan': 'NaN is not a JSON number', 'infinity': 'Infinity is not a JSON number', 'neg-infinity': '-Infinity is not a JSON number', 'float-1e400': 'the number 1e400 is too large', 'int-400': 'an integer of 400 digits', 'int-5000': 'an integer of 5,000 digits', 'nested-500': 'nested more than 64 levels deep', 'nested-100000': 'nested too deeply to read', 'nested-obj-500': 'nested more than 64 levels deep', 'bom-pasted': 'byte-order mark (U+FEFF)', 'comment-slash': "JSON has no comments; remove the line starting with '//'", 'comment-block': "remove the line starting with '/*'", 'comment-hash': "remove the line starting with '# '", 'trailing-comma': 'line 1 column 14: not valid JSON', 'single-quotes': 'line 1 column 2: not valid JSON', 'truncated': 'line 1 column 22: not valid JSON', 'two-docs': '(Extra data)', 'control-char': 'Invalid control character', 'nul': 'Invalid control character', 'yaml-not-json': 'line 1 column 1: not valid JSON', 'xml': 'line 1 column 1: not valid JSON', 'powershell-table': 'line 1 column 1: not valid JSON'}
BYTES_EXPECTED = {'latin1': 'not UTF-8 text (byte 20 is 0xE9', 'cp1252': 'not UTF-8 text (byte 7 is 0x92', 'utf16-nobom': 'contains NUL bytes', 'utf16-odd': 'not valid UTF-16', 'utf32-bad': 'not valid UTF-32', 'binary': 'contains NUL bytes', 'gzip': 'contains NUL bytes', 'utf8-bom-42': 'the top level is a number', 'utf16-bom-null': 'the top level is null'}
READERS = {"read_policies": graph_import.read_policies, "read_requests": graph_import.read_requests,
           "posture_from_scubagear": baseline.posture_from_scubagear, "posture_from_file": baseline.posture_from_file,
           "scubagear_results": baseline.scubagear_results}


def one_line(error: Exception) -> str:
    text = str(error)
    assert "\n" not in text and len(text) < 1000, text[:300]
    return text


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize(("case", "text"), TEXT, ids=[c[0] for c in TEXT])
def test_pasted_text_is_refused_with_its_line(reader, case, text):
    with pytest.raises(ModelError) as e:
        READERS[reader](text)
    line = one_line(e.value)
    assert line.startswith("pasted text: ") and TEXT_EXPECTED[case] in line


@pytest.mark.parametrize(("case", "data"), BYTES, ids=[c[0] for c in BYTES])
def test_uploaded_bytes_are_decoded_by_their_mark_or_refused(case, data):
    with pytest.raises(ModelError) as e:
        graph_import.read_policies(data)
    line = one_line(e.value)
    assert line.startswith("upload: ") and BYTES_EXPECTED[case] in line


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-32"])
def test_exports_in_the_encodings_windows_writes_read_alike(tmp_path, encoding):
    text = (FIX / "ga_exchange_v1.json").read_text()
    boms = {"utf-16-le-bom": (b"\xff\xfe", "utf-16-le"), "utf-16-be-bom": (b"\xfe\xff", "utf-16-be")}
    bom, codec = boms.get(encoding, (b"", encoding))
    path = tmp_path / "export.json"
    path.write_bytes(bom + text.encode(codec))
    expected = graph_import.read_policies(FIX / "ga_exchange_v1.json").settings
    assert graph_import.read_policies(path).settings == expected
    assert graph_import.read_policies(path.read_bytes()).settings == expected


@pytest.mark.parametrize(("case", "make", "expected"), POLICY, ids=[c[0] for c in POLICY])
def test_a_hostile_policy_export_names_the_rule_and_field(case, make, expected):
    with pytest.raises(graph_import.GraphImportError) as e:
        graph_import.read_policies(make())
    assert expected in one_line(e.value)


@pytest.mark.parametrize(("case", "make", "expected"), REQUESTS, ids=[c[0] for c in REQUESTS])
def test_hostile_schedule_requests_name_the_request_and_field(case, make, expected):
    with pytest.raises(graph_import.GraphImportError) as e:
        graph_import.timeline_from_requests(make())
    assert expected in one_line(e.value)


@pytest.mark.parametrize(("case", "make", "expected"), SCUBA_CASES, ids=[c[0] for c in SCUBA_CASES])
def test_a_hostile_scubagear_export_names_the_field(case, make, expected):
    with pytest.raises(ModelError) as e:
        baseline.posture_from_scubagear(make())
    assert expected in one_line(e.value)


CLI_TEXT = ["top-42", "top-null", "top-text", "nested-500", "int-5000", "nan", "comment-slash", "truncated"]


@pytest.mark.parametrize("command", ["baseline", "import-policy", "import-requests"])
@pytest.mark.parametrize("case", CLI_TEXT)
def test_the_cli_prints_one_line_naming_the_file(tmp_path, command, case):
    path = tmp_path / "export.json"
    path.write_text(dict(TEXT)[case])
    res = CliRunner().invoke(app, [command, str(path)], env={"COLUMNS": "250"})
    assert res.exit_code == 1 and "Traceback" not in res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(path)) and TEXT_EXPECTED[case] in lines[0]


def test_import_requests_with_naive_date_times_gives_one_line(tmp_path):
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(dict((c[0], c[1]) for c in REQUESTS)["naive-start"]()))
    res = CliRunner().invoke(app, ["import-requests", str(path)], env={"COLUMNS": "250"})
    assert res.exit_code == 1 and "has no time zone" in res.output and len(res.output.strip().splitlines()) == 1


def test_approver_de_duplication_keeps_the_first_of_each_in_order():
    doc = ga(lambda d: rule(d, "Approval_EndUser_Assignment")["setting"]["approvalStages"][0].__setitem__(
        "primaryApprovers", [{"userId": f"u{i % 1000}"} for i in range(20_000)]))
    got = graph_import.read_policies(doc).settings[("Global Administrator", "/")]
    assert got.approvers == tuple(f"u{i}" for i in range(1000))


PAGE_TEXT = ["top-42", "top-path", "bare-path", "nested-100000", "int-5000", "bom-pasted", "comment-slash", "nan", "empty-object"]


def open_posture() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("ui/posture.py").run()
    at.radio(key="posture_source").set_value("A Graph or ScubaGear export").run()
    return at


def test_the_posture_page_shows_one_error_for_each_hostile_paste():
    at = open_posture()
    cases = dict(TEXT) | {"empty-object": "{}"}
    expected = TEXT_EXPECTED | {"empty-object": "this object is neither a policy nor a policy assignment"}
    for case in PAGE_TEXT:
        at.text_area(key="posture_json").set_value(cases[case]).run()
        assert not at.exception, case
        shown = re.sub(r"\\(.)", r"\1", at.error[0].value) if at.error else ""  # as rendered: markdown escapes removed
        assert len(at.error) == 1 and expected[case] in shown, (case, [e.value for e in at.error])
