"""How long a tenant snapshot of a generated tenant takes to import: read the export, write the scenario, load it
(validation and the set-up dry run) and build its simulation at minute 0.

    .venv/bin/python bench/snapshot_import.py [USERS]

The tenant has USERS users (default 10,000), one group per 50 users (a tenth of them role-assignable, each with an
owner), 20 administrative units, an eligible assignment for every 20th user over eight roles (some scoped to an
administrative unit), a permanent active assignment for every 500th, and the Microsoft Graph policy example for
Global Administrator; it is written as the README's PowerShell script writes it (one JSON document).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROLES = ("62e90394-69f5-4237-9190-012177145e10", "fe930be7-5e62-47db-91af-98c3a49a38b1",
         "729827e3-9c14-49f7-bb1b-9608f156bbb8", "194ae4cb-b126-40b2-bd5b-6091b380977d",
         "5d6b6bb7-de71-4623-b4af-96380a352509", "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
         "fdd7a751-b60b-444a-984c-02652fe8fa1c", "4a5d8f65-41da-4de4-8968-e035b65339cf")
AU_SCOPABLE = {"fe930be7-5e62-47db-91af-98c3a49a38b1", "729827e3-9c14-49f7-bb1b-9608f156bbb8",
               "fdd7a751-b60b-444a-984c-02652fe8fa1c"}
POLICY = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "graph" / "learn_policy_assignment_ga.json"


def tenant(users: int) -> dict:
    ids = [f"00000000-0000-4000-8000-{i:012d}" for i in range(users)]
    out: dict = {
        "Users": [{"Id": u, "DisplayName": f"User {i}", "UserPrincipalName": f"user{i}@contoso.com"}
                  for i, u in enumerate(ids)],
        "Groups": [], "GroupOwners": {}, "GroupMembers": {},
        "AdministrativeUnits": [{"Id": f"au-{k}", "DisplayName": f"Unit {k}"} for k in range(20)],
        "SubscribedSkus": [{"ServicePlans": [{"ServicePlanName": "AAD_PREMIUM_P2"}]}],
        "RoleEligibilitySchedules": [], "RoleAssignmentScheduleInstances": [],
        "RoleManagementPolicyAssignments": json.loads(POLICY.read_text())["value"],
    }
    for g in range(users // 50):
        gid = f"10000000-0000-4000-8000-{g:012d}"
        out["Groups"].append({"Id": gid, "DisplayName": f"Group {g}", "IsAssignableToRole": g % 10 == 0})
        out["GroupOwners"][gid] = [{"Id": ids[g * 50]}]
        out["GroupMembers"][gid] = [{"Id": u} for u in ids[g * 50:(g + 1) * 50]]
    for i in range(0, users, 20):
        role = ROLES[(i // 20) % len(ROLES)]
        scope = f"/administrativeUnits/au-{i % 20}" if role in AU_SCOPABLE and i % 40 == 0 else "/"
        out["RoleEligibilitySchedules"].append({"PrincipalId": ids[i], "RoleDefinitionId": role, "DirectoryScopeId": scope,
                                                "ScheduleInfo": {"StartDateTime": "2026-01-05T09:00:00Z"}})
    for i in range(0, users, 500):
        out["RoleAssignmentScheduleInstances"].append({
            "PrincipalId": ids[i], "RoleDefinitionId": ROLES[1], "DirectoryScopeId": "/", "AssignmentType": "Assigned",
            "StartDateTime": "2026-01-05T08:00:00Z", "EndDateTime": None})
    return out


def main(users: int = 10_000) -> None:
    from pim_sim.graph.tenant_reader import read_tenant
    from pim_sim.posture.snapshot import write_snapshot
    from pim_sim.scenario.model import load_scenario

    with tempfile.TemporaryDirectory() as folder:
        src = Path(folder) / "tenant.json"
        src.write_text(json.dumps(tenant(users)))
        t0 = time.perf_counter()
        export = read_tenant(src)
        t1 = time.perf_counter()
        out, _ = write_snapshot([src], Path(folder) / "tenant.yaml")
        t2 = time.perf_counter()
        scenario = load_scenario(out, budget=None)
        t3 = time.perf_counter()
        sim = scenario.simulation()
        t4 = time.perf_counter()
        print(f"{users:,} users, {len(export.groups):,} groups, {len(export.assignments):,} assignments, "
              f"export {src.stat().st_size / 1e6:.1f} MB, scenario {out.stat().st_size / 1e6:.1f} MB")
        print(f"read the export {t1 - t0:.2f} s; pim-sim snapshot (read, convert, write) {t2 - t1:.2f} s; load the scenario "
              f"(validation, dry run) {t3 - t2:.2f} s; build the simulation {t4 - t3:.2f} s; "
              f"snapshot to simulation {t4 - t1:.2f} s")
        assert len(sim.schedules) > 0


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
