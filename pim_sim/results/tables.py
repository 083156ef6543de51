"""Results: tidy DataFrames and metrics built from a simulation's records, on demand."""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import asdict
from functools import cached_property
from operator import itemgetter
from typing import cast

import pandas as pd

from pim_sim.core.records import frame
from pim_sim.core.requests import ACTION, CREATED, STATUS, STATUS_REASON, Action, Status
from pim_sim.core.schedules import Kind, Origin
from pim_sim.results import run as attached
from pim_sim.results.run import Run


class Results:
    """What one run produced. Frames are built the first time they are asked for."""

    def __init__(self, sim: Run, horizon: float | None = None):
        self.sim = sim
        self.horizon = sim.now if horizon is None else horizon

    @cached_property
    def audit(self) -> pd.DataFrame:
        return self.sim.audit.frame()

    @cached_property
    def requests(self) -> pd.DataFrame:
        from pim_sim.core.records import field_names
        from pim_sim.core.requests import Request

        # the engine's rows are the records' values in field order: the frame is made from them directly
        df = pd.DataFrame(list(self.sim.requests.rows.values()), columns=list(field_names(Request)))
        for col in ("action", "status"):
            df[col] = df[col].astype(str)
        return df

    @cached_property
    def status_changes(self) -> pd.DataFrame:
        from pim_sim.core.requests import StatusChange

        df = frame(self.sim.status_log, StatusChange)
        df["status"] = df["status"].astype(str)
        return df

    @cached_property
    def intervals(self) -> pd.DataFrame:
        """Every assignment interval: eligible, active, activated, outside PIM and standing."""
        rows = []
        for s in self.sim.schedules.values():
            stop = min(s.stop, self.horizon)
            row = asdict(s)
            row.update(kind=str(s.kind), origin=str(s.origin), stop=stop, hours=max(0.0, stop - s.start) / 60.0)
            rows.append(row)
        cols = ["id", "principal", "role", "scope", "surface", "kind", "origin", "start", "end", "stop", "hours",
                "created", "request_id", "activated_from", "usable_from", "removed"]
        return pd.DataFrame(rows, columns=cols)

    @cached_property
    def effective_access(self) -> pd.DataFrame:
        """Usable privileged access intervals (active schedules from when a token carries them)."""
        df = self.intervals
        df = df[(df["kind"] == str(Kind.ACTIVE)) & (df["origin"] != str(Origin.STANDING))].copy()
        df["usable_from"] = df["usable_from"].fillna(df["start"]).astype(float)
        df = df[df["stop"] > df["usable_from"]]
        df["hours"] = (df["stop"] - df["usable_from"]) / 60.0
        return df[["principal", "role", "scope", "origin", "usable_from", "stop", "hours"]].reset_index(drop=True)

    @cached_property
    def notifications(self) -> pd.DataFrame:
        from pim_sim.core.events import Notification

        return frame(self.sim.notifications, Notification)

    @cached_property
    def refusals(self) -> pd.DataFrame:
        from pim_sim.core.events import Refusal

        return frame(self.sim.refusals, Refusal)

    def metrics(self) -> dict[str, float]:
        """Headline numbers of the run, read from the records directly (no frame is built): the same
        numbers the frames give (``requests``, ``time_to_access()``, ``effective_access``)."""
        import numpy as np

        requests = self.sim.requests.rows  # rows, not records: nothing is made
        active, standing_origin, activation, self_activate = Kind.ACTIVE, Origin.STANDING, Origin.ACTIVATED, Action.SELF_ACTIVATE
        acts = [r for r in requests.values() if r[ACTION] is self_activate]
        statuses, reasons = Counter(map(itemgetter(STATUS), acts)), Counter(map(itemgetter(STATUS_REASON), acts))
        # unboxed: numpy reads the same values (and sums them the same way); quantiles see no order, so the times
        # to access are read from each activation's schedule (no index of the schedules built)
        ttu: array[float] = array("d")
        jit: array[float] = array("d")
        standing: array[float] = array("d")
        horizon = self.horizon
        for sc in self.sim.schedules.values():
            if sc.kind is not active or sc.origin is standing_origin:
                continue
            usable = sc.start if sc.usable_from is None else sc.usable_from
            activated = sc.origin is activation
            if activated:
                request = requests[sc.request_id]
                if request[ACTION] is self_activate:
                    ttu.append(usable - request[CREATED])
            stop = sc.stop
            if stop > horizon:
                stop = horizon
            if stop > usable:
                (jit if activated else standing).append((stop - usable) / 60.0)
        return {
            "activations_requested": float(len(acts)),
            "activations_provisioned": float(statuses[Status.PROVISIONED]),
            "requests_denied": float(statuses[Status.DENIED]),
            "requests_expired": float(reasons["ApprovalExpired"]),
            "refusals": float(len(self.sim.refusals)),
            "time_to_access_p50_min": float(np.quantile(ttu, 0.5)) if ttu else float("nan"),
            "time_to_access_p95_min": float(np.quantile(ttu, 0.95)) if ttu else float("nan"),
            "jit_privilege_hours": float(np.sum(np.array(jit, dtype=float))),
            "standing_privilege_hours": float(np.sum(np.array(standing, dtype=float))),
            "audit_records": float(len(self.sim.audit)),
        }

    def jit_metrics(self) -> dict[str, float]:
        """Headline numbers of just-in-time VM access (all zero when the run didn't use it); see
        :mod:`pim_sim.results.jit`."""
        from pim_sim.results.jit import jit_metrics

        return jit_metrics(self.sim, self.horizon)

    # --- governance (pim_sim.results.governance holds each implementation) ---------------------------
    @cached_property
    def privilege_hours(self) -> pd.DataFrame:
        from pim_sim.results import governance

        return governance.privilege_hours(self.effective_access)

    @cached_property
    def approvals_by_approver(self) -> pd.DataFrame:
        from pim_sim.results import governance

        return governance.approvals_by_approver(self.sim)

    @cached_property
    def expired_requests(self) -> pd.DataFrame:
        from pim_sim.results import governance

        return governance.expired_requests(self.sim)

    @cached_property
    def review_outcomes(self) -> pd.DataFrame:
        from pim_sim.results import governance

        return governance.review_outcomes(self.sim)

    @cached_property
    def review_decisions(self) -> pd.DataFrame:
        from pim_sim.results import governance

        return governance.review_decisions(self.sim)

    @cached_property
    def alert_incidents(self) -> pd.DataFrame:
        from pim_sim.results import governance

        return governance.alert_incidents(self.sim)

    def alert_timeline(self, step: float = 24 * 60.0) -> pd.DataFrame:
        from pim_sim.results import governance

        return governance.alert_timeline(self.sim, step, self.horizon)

    def governance_metrics(self) -> dict[str, float]:
        from pim_sim.results import governance

        return governance.metrics(self.sim)

    def time_to_access(self) -> pd.Series:
        """Minutes from an activation request to usable access, for activations that got there."""
        return pd.Series(self._time_to_access(), dtype=float, name="time_to_access_min")

    def _time_to_access(self) -> list[float]:
        sched = {s.request_id: s for s in self.sim.schedules.values() if s.origin is Origin.ACTIVATED}
        return [cast(float, sched[r.id].usable_from) - r.created for r in self.sim.requests.values()
                if r.action is Action.SELF_ACTIVATE and r.id in sched]

    def where_visible(self, view_minute: float) -> pd.DataFrame:
        """Each audit record with every place it is visible at ``view_minute``; with just-in-time VM access in
        the run (``sim.jit``), its Azure Activity Log entries too (``seq`` ``jit-N``)."""
        from pim_sim.core.access import audit_readers
        from pim_sim.core.audit import sightings, visible

        tier = self.sim.licence_at(view_minute).audit_tier
        pim = self.sim.licence_at(view_minute).has_pim
        rows = []
        known: dict = {}  # holders at view_minute per (role, scope), found once
        for rec in self.sim.audit:
            for s in sightings(rec, tier):
                if visible(rec, s.place, view_minute, tier, pim):
                    rows.append({"seq": rec.seq, "activity": str(rec.activity), "place": str(s.place),
                                 "visible_until": s.visible_until, "readers": ", ".join(s.readers),
                                 "people": ", ".join(audit_readers(self.sim, rec, s.place, view_minute, known)),
                                 "documented": s.documented})
        jit = attached.jit(self.sim)
        if jit is not None:
            from pim_sim.features.jit_vm.visibility import visibility_rows

            rows.extend(visibility_rows(jit, view_minute))
        return pd.DataFrame(rows, columns=["seq", "activity", "place", "visible_until", "readers", "people",
                                           "documented"])
