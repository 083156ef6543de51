"""``Results.metrics()`` reads the records directly; its numbers are exactly the ones the frames give."""

from record_streams import busy_year

from pim_sim.core.requests import Action, Status
from pim_sim.core.schedules import Origin


def test_metrics_from_the_records_equal_the_numbers_the_frames_give():
    sim = busy_year(days=40)
    res = sim.results()
    got = res.metrics()
    req = res.requests
    acts = req[req["action"] == str(Action.SELF_ACTIVATE)]
    ttu, access = res.time_to_access(), res.effective_access
    want = {
        "activations_requested": float(len(acts)),
        "activations_provisioned": float((acts["status"] == str(Status.PROVISIONED)).sum()),
        "requests_denied": float((acts["status"] == str(Status.DENIED)).sum()),
        "requests_expired": float((acts["status_reason"] == "ApprovalExpired").sum()),
        "refusals": float(len(res.refusals)),
        "time_to_access_p50_min": float(ttu.quantile(0.5)),
        "time_to_access_p95_min": float(ttu.quantile(0.95)),
        "jit_privilege_hours": float(access[access["origin"] == str(Origin.ACTIVATED)]["hours"].sum()),
        "standing_privilege_hours": float(access[access["origin"] != str(Origin.ACTIVATED)]["hours"].sum()),
        "audit_records": float(len(res.audit)),
    }
    assert got == want
    assert want["requests_denied"] and want["activations_provisioned"] and want["jit_privilege_hours"]
