"""A tenant snapshot: a real tenant's read-only export (:mod:`pim_sim.graph.tenant_reader`) as a scenario an
instructor can edit and a learner can run what-ifs on ("what if approval were required", "what does a year of
activations cost in standing privilege").

The scenario starts at the snapshot's moment (given, else the latest start date-time in the export: the export
was made after it) and holds the tenant (users, groups with members and owners, administrative units, licence from
the service plans, custom roles), the assignments that hold at that moment (an assignment's remaining time becomes
its duration; one with no start was made outside PIM) and, beside it in ``{stem}.policies.json``, the role
policies with all 17 rules as Graph writes them (``settings_from``), so notification recipients survive too.
Object ids become names: a user's user principal name, a group's display name (made unique, and kept to the
characters a scenario name allows); ``settings_from.names`` maps the policy file's ids to them.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from pim_sim.core.clock import DEFAULT_START, iso, minutes
from pim_sim.core.roles import Surface, using
from pim_sim.graph.tenant_reader import TenantExport, read_tenant
from pim_sim.graph.writer import policy_assignments
from pim_sim.posture.baseline import Posture, posture_from_simulation

_BAD = re.compile(r"[^A-Za-z0-9._@' -]+")


def _safe(text: str) -> str:
    """A name the scenario file accepts: letters, digits and ``. _ @ ' -`` and spaces, starting with a letter or
    digit, at most 80 characters."""
    name = _BAD.sub("-", text).strip(" -._@'")[:80].strip()
    return name if name and name[0].isalnum() else ""


class _Names:
    """Object id -> unique scenario name."""

    def __init__(self) -> None:
        self.by_id: dict[str, str] = {}
        self._taken: set[str] = set()

    def add(self, object_id: str, wanted: str) -> str:
        if object_id in self.by_id:
            return self.by_id[object_id]
        base = _safe(wanted) or _safe(object_id) or "object"
        name, n = base, 1
        while name.casefold() in self._taken:
            n += 1
            name = f"{base[:74]}-{n}"
        self._taken.add(name.casefold())
        self.by_id[object_id] = name
        return name


def snapshot_scenario(export: TenantExport, *, name: str = "tenant-snapshot", horizon: str = "P30D",
                      at: datetime | None = None, policies_file: str | None = None) -> tuple[dict, dict | None, list[str]]:
    """(scenario document, policy export for ``settings_from`` or None, notes) of a tenant export."""
    moment = at or export.latest() or DEFAULT_START
    if moment.second or moment.microsecond:  # the next whole minute: every start read is at or before it
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    names = _Names()
    notes = [f"{n.where}: {n.message}" for n in export.notes]
    keep = _people_who_matter(export)
    users = [{"name": names.add(u.id, u.name), **({"kind": "guest"} if u.guest else {})} for u in export.users
             if u.id in keep]
    if len(users) < len(export.users):
        notes.append(f"{len(export.users) - len(users)} of {len(export.users)} users hold no role, are in no "
                     "role-assignable group and approve nothing: left out (scenario files stay small)")
    group_ids = {g.id for g in export.groups}
    for g in export.groups:
        names.add(g.id, g.name)

    def principal(object_id: str, what: str) -> str:
        if object_id not in names.by_id:
            users.append({"name": names.add(object_id, object_id)})
            notes.append(f"{object_id} ({what}) is not among the export's users or groups: added as a user")
        return names.by_id[object_id]

    groups = []
    for g in export.groups:
        groups.append({"name": names.by_id[g.id], "role_assignable": g.role_assignable,
                       "members": [principal(m, "a group member") for m in g.members if m not in group_ids
                                   and (m in keep or m in names.by_id)],
                       "owners": [principal(o, "a group owner") for o in g.owners if o not in group_ids
                                  and (o in keep or o in names.by_id)],
                       **({"dynamic": True} if g.dynamic else {}), **({"synced": True} if g.synced else {})})
    units = {uid: names.add(f"au:{uid}", title) for uid, title in export.units.items()}
    # a custom role's name as a scenario file accepts it (letters, digits and . _ @ ' - and spaces)
    custom_names = {c.name: names.add(f"role:{c.id}", c.name) for c in export.custom_roles}
    for c in export.custom_roles:
        if custom_names[c.name] != c.name:
            notes.append(f"custom role {c.name!r} is named {custom_names[c.name]!r} in the scenario")
    assignments = []
    for a in export.assignments:
        if a.end is not None and a.end <= moment:
            continue  # ended before the snapshot
        scope = a.scope
        if scope.startswith("/groups/"):  # PIM for Groups: member or owner of a group of the export
            group = scope.removeprefix("/groups/")
            if group not in group_ids:
                notes.append(f"{a.role} of group {group} is left out: the group is not in the export")
                continue
            scope = f"/groups/{names.by_id[group]}"
        elif scope != "/":
            unit = scope.split("/", 2)[2]
            if unit not in units:
                units[unit] = names.add(f"au:{unit}", unit)
                notes.append(f"administrative unit {unit} is not among the export's administrative units: added")
            scope = f"/administrativeUnits/{units[unit]}"
        spec: dict = {"principal": principal(a.principal, f"holder of {a.role}"),
                      "role": custom_names.get(a.role, a.role), "scope": scope,
                      "kind": a.kind}
        if a.start is None:
            spec["outside_pim"] = True  # no start: made outside PIM (permanent)
        else:
            begin = max(a.start, moment)
            if a.start > moment:
                spec["start"] = iso((a.start - moment) / timedelta(minutes=1))
            if a.end is not None:
                spec["duration"] = iso(max(math.ceil((a.end - begin) / timedelta(minutes=1)), 5))
        assignments.append(spec)
    relaxed = _relaxations(export, assignments, notes)
    tenant: dict = {"licence": export.licence, "users": users, "groups": groups,
                    "scopes": [f"/administrativeUnits/{n}" for n in dict.fromkeys(units.values())]}
    doc: dict = {
        "name": name,
        "title": f"Snapshot of a tenant ({export.source}, {moment:%Y-%m-%d %H:%M} UTC)",
        "lesson": "A real tenant's PIM configuration as exported read-only; change its settings: or timeline: to "
                  "ask what-if questions.",
        "start": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "horizon": horizon,
        "tenant": tenant,
    }
    if export.custom_roles:
        doc["custom_roles"] = [{"name": custom_names[c.name], "id": c.id, "surface": c.surface}
                               for c in export.custom_roles]
    policies = None
    if export.policies is not None:
        book = {}
        for (role, scope), s in export.policies.settings.items():
            if scope.startswith("/groups/"):
                group = scope.removeprefix("/groups/")
                if group in group_ids:  # a Graph export names the group by id
                    scope = f"/groups/{names.by_id[group]}"
                elif group not in {g["name"] for g in groups}:
                    notes.append(f"the PIM for Groups policy of {scope} is left out: the group is not in the export")
                    continue
            if not scope.startswith(("/groups/", "/")) or (scope != "/" and not scope.startswith("/groups/")):
                continue
            book[(role, scope)] = s
        entra = tuple(r for (r, scope) in book if scope == "/" and _surface(export, r) is Surface.ENTRA)
        with using(export.catalogue):
            policies = policy_assignments(book, roles=entra) if entra else None
        if policies is not None:
            approvers = {a for s in book.values() for a in s.approvers}
            for approver in sorted(approvers):
                principal(approver, "an approver")
            doc["settings_from"] = {"file": policies_file or f"{name}.policies.json",
                                    "names": {i: n for i, n in names.by_id.items() if i in approvers and i != n}}
    if relaxed:
        doc["settings"] = relaxed
    doc["assignments"] = assignments
    return doc, policies, notes


def _people_who_matter(export: TenantExport) -> set[str]:
    """The object ids a PIM scenario needs: role holders, members and owners of role-assignable groups (they hold
    the groups' roles and manage them), and approvers."""
    keep = {a.principal for a in export.assignments}
    for g in export.groups:
        if g.role_assignable or g.id in keep:
            keep |= set(g.members) | set(g.owners)
    if export.policies is not None:
        keep |= {a for s in export.policies.settings.values() for a in s.approvers}
    return keep


def _relaxations(export: TenantExport, assignments: list[dict], notes: list[str]) -> list[dict]:
    """``settings:`` entries that let the tenant's existing assignments be made at minute 0: an assignment made
    before its role's policy changed (permanent where the policy now requires an end date, or longer than its
    maximum) exists in the tenant, and PIM would refuse it now. Only the expiration settings are relaxed (the MS.AAD.7
    checks read approval and notification rules, which stay as exported), and each is noted."""
    wanted: dict[str, dict] = {}
    for spec in assignments:
        if spec.get("outside_pim") or spec["scope"] != "/" or export.policies is None:
            continue
        s = export.policies.settings.get((spec["role"], "/"))
        if s is None:
            continue
        active = spec["kind"] == "active"
        permanent_ok, maximum = s.expiry_rule(active)
        prefix = "active" if active else "eligible"
        entry = wanted.setdefault(spec["role"], {"role": spec["role"]})
        if "duration" not in spec and not permanent_ok:
            entry[f"{prefix}_permanent_allowed"] = True
            notes.append(f"{spec['principal']} holds {spec['role']} ({prefix}) permanently, which the role's policy "
                         f"no longer allows: the scenario allows permanent {prefix} assignments of it")
        elif "duration" in spec and not permanent_ok and minutes(spec["duration"]) > maximum:
            entry[f"{prefix}_max"] = iso(max(minutes(spec["duration"]), minutes(entry.get(f"{prefix}_max", "PT0M"))))
            notes.append(f"{spec['principal']}'s {prefix} {spec['role']} lasts longer than the role's policy now "
                         f"allows: the scenario raises its {prefix} maximum")
    return [e for e in wanted.values() if len(e) > 1]


def _surface(export: TenantExport, role: str) -> Surface:
    found = next((a.surface for a in export.assignments if a.role == role), "entra")
    return Surface(found)


def write_snapshot(files, out: Path, *, horizon: str = "P30D", at: datetime | None = None) -> tuple[Path, list[str]]:
    """Read exports, write ``out`` (the scenario) and ``{out stem}.policies.json`` beside it; return the scenario's
    path and the notes."""
    export = read_tenant(*[Path(f) for f in files])
    name = _safe(out.stem.casefold()).replace(" ", "-").replace(".", "-") or "tenant-snapshot"
    name = re.sub(r"[^a-z0-9-]", "-", name).strip("-")[:60] or "tenant-snapshot"
    policies_file = f"{out.stem}.policies.json"
    doc, policies, notes = snapshot_scenario(export, name=name, horizon=horizon, at=at, policies_file=policies_file)
    if policies is not None:
        (out.parent / policies_file).write_text(json.dumps(policies, indent=1), encoding="utf-8")
    out.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out, notes


def posture_from_export(data) -> Posture:
    """The baseline posture of a tenant export read in memory (an upload or a paste): its snapshot's tenant and
    assignments at the first minute, under the export's directory role policies."""
    from pim_sim.core.policy import SettingsBook
    from pim_sim.scenario.model import Scenario

    export = read_tenant(data)
    doc, _, _ = snapshot_scenario(export)
    for key in ("settings_from", "settings"):  # the policies are applied whole below (no file to read here)
        doc.pop(key, None)
    with using(export.catalogue):
        sim = Scenario.from_dict(doc, budget=None).simulation()
    if export.policies is not None:
        sim.settings = SettingsBook({k: s for k, s in export.policies.settings.items() if k[1] == "/"})
    keep = _people_who_matter(export)
    kept = [u for u in export.users if u.id in keep]  # the scenario's first users, in this order
    synced = tuple(spec["name"] for u, spec in zip(kept, doc["tenant"]["users"], strict=False) if u.synced)
    return posture_from_simulation(sim, synced=synced)


def posture_from_snapshot(path: Path) -> Posture:
    """The baseline posture of a snapshot scenario at its first minute (users, assignments, policies)."""
    from pim_sim.scenario.model import load_scenario

    return posture_from_simulation(load_scenario(path).simulation())
