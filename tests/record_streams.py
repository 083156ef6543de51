"""A busy random year on a mid-size tenant, and its record streams in a canonical text form.

The golden file ``tests/golden/busy-year-streams.json.gz`` holds every stream of this run (audit,
status log, notifications, refusals, requests, schedules, licence changes, access-review decisions,
instances and outcomes, alert incidents), one line per record. ``tests/core/test_record_streams.py``
compares a fresh run with it, so any change to what the engine records shows up there.

Regenerate (only when a change to the records is intended): ``.venv/bin/python tests/record_streams.py --write``
"""

from __future__ import annotations

import dataclasses
import enum
import gzip
import hashlib
import json
import sys
from datetime import datetime
from pathlib import Path

from pim_sim import AccessReview, ApproverBehaviour, Group, ReviewerBehaviour, Simulation, Tenant, User
from pim_sim.core.policy import RoleSettings, SettingsBook
from pim_sim.core.roles import ENTRA_ROLES
from pim_sim.scenario.workload import ActivationWorkload, start

GOLDEN = Path(__file__).resolve().parent / "golden" / "busy-year-streams.json.gz"
USERS, PRIVILEGED, DAYS = 240, 30, 365
ROLES = sorted(r for r in ENTRA_ROLES if r not in ("Global Administrator", "Privileged Role Administrator"))


def busy_year(days: float = DAYS, seed: int = 13) -> Simulation:
    """240 users, 48 of them eligible (directly or through a group) for one to three Microsoft Entra
    roles; a third of the roles need approval from a group of approvers who answer late, deny or don't
    answer at all; another set needs approval with no approvers chosen (the default approvers);
    quarterly access reviews that remove what reviewers deny; alerts monitored; assignments outside
    PIM, sign-ins and removals during the year."""
    users = [User(f"u{i:03d}") for i in range(USERS)]
    groups = [Group("approvers", members=tuple(f"u{i:03d}" for i in range(1, 6))),
              Group("helpdesk", role_assignable=True, members=tuple(f"u{i:03d}" for i in range(200, 212)))]
    tenant = Tenant.build(users=users, groups=groups)
    book = SettingsBook()
    for role in ROLES[::3]:
        book = book.with_setting(role, "/", ENTRA_ROLES[role].surface,
                                 RoleSettings(require_approval=True, approvers=("approvers",)))
    for role in ROLES[1::7]:
        book = book.with_setting(role, "/", ENTRA_ROLES[role].surface, RoleSettings(require_approval=True))
    sim = Simulation(tenant, book, seed=seed, approvers={
        "*": ApproverBehaviour(respond_probability=0.7, median_minutes=90.0, spread=1.5, approve_probability=0.85)})
    sim.assign("u000", "Global Administrator", kind="active", justification="break glass")
    sim.assign("u239", "Privileged Role Administrator", kind="active", justification="approver of last resort")
    sim.assign("u238", "Global Administrator", kind="eligible")
    eligible = []
    for i in range(10, 10 + PRIVILEGED):
        user = f"u{i:03d}"
        for k in range(1 + i % 3):
            role = ROLES[(i + k * 5) % len(ROLES)]
            sim.assign(user, role, kind="eligible", duration=f"P{120 + 30 * (i % 9)}D" if i % 4 == 0 else None)
            eligible.append((user, role, "/"))
    sim.assign("helpdesk", "Helpdesk Administrator", kind="eligible")
    eligible += [(f"u{i:03d}", "Helpdesk Administrator", "/") for i in range(200, 212)]
    sim.alerts.configure("redundantAssignment", unused_days=30)
    horizon = days * 24 * 60
    start(sim, ActivationWorkload(rate_per_day=1.0), eligible, horizon)
    sim.reviews.create(AccessReview(
        "quarterly helpdesk", "Helpdesk Administrator", frequency="quarterly", duration_days=14, start=10 * 1440,
        reviewers="selectedUsers", selected=("u239",), auto_apply=True, no_response="Remove access",
        behaviour=ReviewerBehaviour(respond_probability=0.8, approve_probability=0.7)))
    sim.reviews.create(AccessReview(
        "monthly self", ROLES[4], frequency="monthly", duration_days=7, start=3 * 1440, reviewers="self",
        auto_apply=True, no_response="Take recommendations", inactive_days=30,
        behaviour=ReviewerBehaviour(respond_probability=0.6)))
    for day in range(5, int(days), 17):
        who = f"u{60 + day % 150:03d}"
        sim.at(day * 1440 + 600, lambda who=who: sim.assign_outside_pim(who, "Security Reader"))
    for day in range(2, int(days), 3):
        for i in range(10 + day % 7, 10 + PRIVILEGED, 7):
            sim.at(day * 1440 + 540 + i, lambda u=f"u{i:03d}": sim.sign_in(u))
    for day in range(40, int(days), 61):
        sim.at(day * 1440 + 720, lambda d=day: _remove_one(sim, d))
    sim.run(horizon)
    return sim


def _remove_one(sim: Simulation, day: int) -> None:
    live = sorted(s.id for s in sim.schedules.values()
                  if s.origin.value == "assigned" and s.kind.value == "eligible" and s.holds_at(sim.now)
                  and s.principal.startswith("u"))
    if live:
        sim.remove(live[day % len(live)], justification="left the team")


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple | list | frozenset | set):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, frozenset | set) else items
    if dataclasses.is_dataclass(value):  # fields at their default left out: a new optional field changes nothing
        return {f.name: _plain(v) for f in dataclasses.fields(value)
                if ((v := getattr(value, f.name)) is not f.default and v != f.default) or f.default is dataclasses.MISSING}
    return value


def _lines(records) -> list[str]:
    return [json.dumps(_plain(r), separators=(",", ":")) for r in records]


def streams(sim: Simulation) -> dict[str, list[str]]:
    """Every record stream of a run, one canonical line per record."""
    reviews, alerts = sim.reviews, sim.alerts
    return {
        "audit": _lines(sim.audit),
        "status_log": _lines(sim.status_log),
        "notifications": _lines(sim.notifications),
        "refusals": _lines(sim.refusals),
        "requests": _lines(sim.requests[k] for k in sorted(sim.requests)),
        "schedules": _lines(sim.schedules[k] for k in sorted(sim.schedules)),
        "licence_log": _lines(sim.licence_log),
        "review_decisions": _lines(reviews.history),
        "review_instances": _lines(reviews.instances[k] for k in sorted(reviews.instances)),
        "review_outcomes": _lines(reviews.outcomes),
        "alert_incidents": _lines(alerts.history),
    }


def digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def read_golden() -> dict[str, list[str]]:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as f:
        return json.load(f)


def write_golden() -> None:
    found = streams(busy_year())
    GOLDEN.write_bytes(gzip.compress(json.dumps(found, indent=0).encode(), mtime=0))
    print(GOLDEN, GOLDEN.stat().st_size, {k: len(v) for k, v in found.items()})


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write_golden()
