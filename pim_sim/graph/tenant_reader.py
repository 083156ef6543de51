"""Read a whole tenant from what an administrator can export read-only: Microsoft Graph responses (or the output of
the read-only Microsoft Graph PowerShell SDK script in the README, one JSON object of named sections), or
ScubaGear's provider export.

What is read (keys and enum values in any case; PowerShell's ``/Date(ms)/`` dates too):

* ``roleEligibilitySchedules`` and ``roleAssignmentSchedules`` (their ``...Instances`` when the schedules are
  absent): who holds which role at which scope, eligible or active, from when to when. An active instance with no
  ``startDateTime`` was made outside PIM (ScubaGear's MS.AAD.7.5 reads it so); ``Activated`` assignments are an
  activation in progress, not an assignment, and are left out; PIM for Groups' eligibility and assignment schedules
  (``identityGovernance/privilegedAccess/group/...``: ``accessId`` member or owner of ``groupId``) the same way;
* ``roleManagementPolicyAssignments`` with ``policy($expand=rules)``: the role settings (:mod:`pim_sim.graph.reader`);
* ``users`` (``onPremisesImmutableId`` or ``onPremisesSyncEnabled``: synced), ``groups`` (``isAssignableToRole``,
  dynamic ``groupTypes``, ``onPremisesSyncEnabled``, ``owners`` and ``members`` expanded or as sections
  ``groupOwners``/``groupMembers`` keyed by group id), ``administrativeUnits``, ``subscribedSkus`` (service plans:
  ``AAD_PREMIUM_P2`` is P2, ``AAD_PREMIUM`` P1) and ``roleDefinitions`` (``isBuiltIn: false``: custom roles).

Sources: https://learn.microsoft.com/en-us/graph/api/resources/unifiedroleeligibilityschedule,
https://learn.microsoft.com/en-us/graph/api/resources/unifiedroleassignmentscheduleinstance,
https://learn.microsoft.com/en-us/graph/api/resources/user, https://learn.microsoft.com/en-us/graph/api/resources/group,
https://learn.microsoft.com/en-us/graph/api/resources/administrativeunit,
https://learn.microsoft.com/en-us/graph/api/resources/subscribedsku,
https://learn.microsoft.com/en-us/graph/api/resources/privilegedaccessgroupeligibilityschedule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pim_sim.catalogue import CustomRole, RoleCatalogue, builtin_catalogue
from pim_sim.core.roles import UnknownRole, role_by_id, using
from pim_sim.graph.reader import PolicyImport, read_policies
from pim_sim.graph.shapes import GraphImportError, ImportNote, as_list, as_object, fold, load_json

_GROUP_SECTIONS = ("privilegedaccessgroupeligibilityschedules", "privilegedaccessgroupeligibilityscheduleinstances",
                   "privilegedaccessgroupassignmentschedules", "privilegedaccessgroupassignmentscheduleinstances")
SECTIONS = (*_GROUP_SECTIONS, "roleeligibilityschedules", "roleeligibilityscheduleinstances", "roleassignmentschedules",
            "roleassignmentscheduleinstances", "rolemanagementpolicyassignments", "users", "groups", "groupowners",
            "groupmembers", "administrativeunits", "subscribedskus", "roledefinitions")
_PS_DATE = re.compile(r"/Date\((-?\d+)\)/")


@dataclass(frozen=True, slots=True)
class TenantUser:
    id: str
    name: str
    synced: bool = False
    guest: bool = False


@dataclass(frozen=True, slots=True)
class TenantGroup:
    id: str
    name: str
    role_assignable: bool = False
    dynamic: bool = False
    synced: bool = False
    members: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TenantAssignment:
    principal: str  # object id
    role: str  # role name in the catalogue
    surface: str
    scope: str  # "/" or "/administrativeUnits/{unit id}"
    kind: str  # eligible or active
    start: datetime | None  # None: made outside PIM (active only)
    end: datetime | None  # None: permanent


@dataclass(frozen=True)
class TenantExport:
    """A whole tenant as read from its exports; object ids as the tenant has them."""

    source: str
    users: tuple[TenantUser, ...] = ()
    groups: tuple[TenantGroup, ...] = ()
    units: dict[str, str] = field(default_factory=dict)  # administrative unit id -> display name
    assignments: tuple[TenantAssignment, ...] = ()
    policies: PolicyImport | None = None
    custom_roles: tuple[CustomRole, ...] = ()
    service_plans: frozenset[str] = frozenset()
    notes: tuple[ImportNote, ...] = ()

    @property
    def licence(self) -> str:
        if "AAD_PREMIUM_P2" in self.service_plans:
            return "P2"
        return "P1" if "AAD_PREMIUM" in self.service_plans else "Free"

    @property
    def catalogue(self) -> RoleCatalogue | None:
        return builtin_catalogue().with_custom(*self.custom_roles) if self.custom_roles else None

    def latest(self) -> datetime | None:
        """The latest start date-time found: the export was made after it."""
        starts = [a.start for a in self.assignments if a.start is not None]
        return max(starts) if starts else None


def when(value, where: str, name: str) -> datetime | None:
    """A Graph date-time (``2026-01-05T09:00:00Z``) or PowerShell's ``/Date(1777406310050)/``; null is None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        found = _PS_DATE.fullmatch(value.strip())
        if found:
            return datetime.fromtimestamp(int(found.group(1)) / 1000, UTC)
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise GraphImportError(where, name, f"{str(value)[:60]!r} is not a date-time such as 2026-01-05T09:00:00Z")


def _sections(docs: Iterable) -> dict[str, list]:
    """Graph responses (told apart by ``@odata.context``) or objects of named sections, merged."""
    out: dict[str, list] = {}
    for n, doc in enumerate(docs):
        doc = fold(load_json(doc))
        where = f"export {n}"
        if isinstance(doc, dict) and "value" in doc and "@odata.context" in doc:
            context = str(doc["@odata.context"]).casefold()
            path = context.split("#", 1)[-1].split("(", 1)[0].split("/")
            if "privilegedaccess/group/" in context:  # PIM for Groups: identityGovernance/privilegedAccess/group/...
                path = [f"privilegedaccessgroup{p}" for p in path]
            name = next((p for p in reversed(path) if p in SECTIONS), None)
            if name is None:
                raise GraphImportError(where, "@odata.context", f"{doc['@odata.context'][:120]!r} is not one of the "
                                       "collections a tenant snapshot reads")
            out.setdefault(name, []).extend(as_list(doc["value"], where, "value"))
            continue
        doc = as_object(doc, where, "(top level)")
        known = {k: v for k, v in doc.items() if k in SECTIONS}
        if not known:
            raise GraphImportError(where, "(top level)", "no section a tenant snapshot reads (users, groups, "
                                   "roleEligibilitySchedules, roleAssignmentSchedules, roleManagementPolicyAssignments, "
                                   "...)")
        for k, v in known.items():
            v = v.get("value", v) if isinstance(v, dict) and k not in ("groupowners", "groupmembers") else v
            out.setdefault(k, []).extend(as_list(v, where, k) if not isinstance(v, dict) else [v])
    return out


def _ids(listed, where: str, name: str) -> tuple[str, ...]:
    out = []
    for i, item in enumerate(as_list(listed, where, name)):
        if isinstance(item, dict):
            item = item.get("id")
        if not isinstance(item, str) or not item:
            raise GraphImportError(where, f"{name}[{i}]", "has no id")
        out.append(item)
    return tuple(out)


def read_graph(*docs) -> TenantExport:
    """A tenant from Graph responses or the snapshot script's output (see the module's docstring)."""
    s = _sections(docs)
    notes: list[ImportNote] = []
    custom = []
    for n, d in enumerate(s.get("roledefinitions", ())):
        d = as_object(d, f"roleDefinitions[{n}]", "(item)")
        if d.get("isbuiltin") is False:
            custom.append(CustomRole(str(d.get("displayname") or d.get("id")), str(d.get("templateid") or d.get("id")),
                                     "entra"))
    users = []
    for n, u in enumerate(s.get("users", ())):
        u = as_object(u, f"users[{n}]", "(item)")
        uid = str(u.get("id") or "")
        if not uid:
            raise GraphImportError(f"users[{n}]", "id", "missing")
        users.append(TenantUser(uid, str(u.get("userprincipalname") or u.get("displayname") or uid),
                                u.get("onpremisesimmutableid") is not None or u.get("onpremisessyncenabled") is True,
                                str(u.get("usertype") or "").casefold() == "guest"))
    owners = {str(k): v for d in s.get("groupowners", ()) if isinstance(d, dict) for k, v in d.items()}
    members = {str(k): v for d in s.get("groupmembers", ()) if isinstance(d, dict) for k, v in d.items()}
    groups = []
    for n, g in enumerate(s.get("groups", ())):
        where = f"groups[{n}]"
        g = as_object(g, where, "(item)")
        gid = str(g.get("id") or "")
        if not gid:
            raise GraphImportError(where, "id", "missing")
        types = [str(t).casefold() for t in as_list(g.get("grouptypes"), where, "groupTypes")]
        groups.append(TenantGroup(gid, str(g.get("displayname") or gid), g.get("isassignabletorole") is True,
                                  "dynamicmembership" in types, g.get("onpremisessyncenabled") is True,
                                  _ids(g.get("members", members.get(gid.casefold())), where, "members"),
                                  _ids(g.get("owners", owners.get(gid.casefold())), where, "owners")))
    units = {}
    for n, au in enumerate(s.get("administrativeunits", ())):
        au = as_object(au, f"administrativeUnits[{n}]", "(item)")
        units[str(au.get("id"))] = str(au.get("displayname") or au.get("id"))
    plans = set()
    for n, sku in enumerate(s.get("subscribedskus", ())):
        sku = as_object(sku, f"subscribedSkus[{n}]", "(item)")
        for p in as_list(sku.get("serviceplans"), f"subscribedSkus[{n}]", "servicePlans", dict):
            if str(p.get("provisioningstatus") or "Success").casefold() != "disabled":
                plans.add(str(p.get("serviceplanname")))
    catalogue = builtin_catalogue().with_custom(*custom) if custom else None
    with using(catalogue):
        assignments = _assignments(s, notes)
        policies = (read_policies(s["rolemanagementpolicyassignments"])
                    if s.get("rolemanagementpolicyassignments") else None)
    return TenantExport("Microsoft Graph export", tuple(users), tuple(groups), units, tuple(assignments), policies,
                        tuple(custom), frozenset(plans), tuple(notes) + (policies.notes if policies else ()))


def _assignments(s: dict, notes: list) -> list[TenantAssignment]:
    out = []
    for kind, schedules, instances in (("eligible", "roleeligibilityschedules", "roleeligibilityscheduleinstances"),
                                       ("active", "roleassignmentschedules", "roleassignmentscheduleinstances"),
                                       ("eligible", *_GROUP_SECTIONS[:2]), ("active", *_GROUP_SECTIONS[2:])):
        name = schedules if s.get(schedules) else instances
        activated = 0
        for n, a in enumerate(s.get(name, ())):
            where = f"{name}[{n}]"
            a = as_object(a, where, "(item)")
            if str(a.get("assignmenttype") or "assigned").casefold() == "activated":
                activated += 1
                continue
            info = as_object(a.get("scheduleinfo"), where, "scheduleInfo")
            start = when(a.get("startdatetime", info.get("startdatetime")), where, "startDateTime")
            exp = as_object(info.get("expiration"), where, "scheduleInfo.expiration")
            end = when(a.get("enddatetime", exp.get("enddatetime")), where, "endDateTime")
            if name.startswith("privilegedaccessgroup"):  # PIM for Groups: accessId member or owner of groupId
                access, group = str(a.get("accessid") or "").casefold(), a.get("groupid")
                if access not in ("member", "owner") or not isinstance(group, str) or not group:
                    raise GraphImportError(where, "accessId", "a PIM for Groups schedule needs accessId (member or "
                                           "owner) and groupId")
                out.append(TenantAssignment(str(a.get("principalid")), access.title(), "groups", f"/groups/{group}",
                                            kind, start, end))
                continue
            found = _role(a.get("roledefinitionid"), where, notes)
            if found is None:
                continue
            scope = str(a.get("directoryscopeid") or "/")
            if scope != "/" and not scope.casefold().startswith("/administrativeunits/"):
                notes.append(ImportNote(where, f"scope {scope!r} (not the directory or an administrative unit) is "
                                        "left out"))
                continue
            out.append(TenantAssignment(str(a.get("principalid")), found.name, found.surface.value, scope, kind,
                                        start, end))
        if activated:
            notes.append(ImportNote(name, f"{activated} activation(s) in progress left out (assignmentType Activated)"))
    return out


def _role(role_id, where: str, notes: list):
    if not isinstance(role_id, str) or not role_id:
        raise GraphImportError(where, "roleDefinitionId", "missing")
    try:
        return role_by_id(role_id)
    except UnknownRole:
        notes.append(ImportNote(where, f"role {role_id} is neither a built-in role nor a custom role of the export "
                                "(roleDefinitions with isBuiltIn false); left out"))
        return None


def read_scubagear(doc) -> TenantExport:
    """A tenant from ScubaGear's provider export: its privileged users (names, on-premises ids), its highly
    privileged roles' active assignments and policies, and its service plans."""
    raw = fold(load_json(doc))
    raw = as_object(raw, "ScubaGear export", "(top level)")
    users_raw = raw.get("privileged_users") or {}
    if isinstance(users_raw, list):
        users_raw = {str(u.get("id", i)) if isinstance(u, dict) else str(i): u for i, u in enumerate(users_raw)}
    users = []
    for uid, u in as_object(users_raw, "ScubaGear export", "privileged_users").items():
        u = as_object(u, "ScubaGear export", f"privileged_users.{uid}")
        users.append(TenantUser(str(uid), str(u.get("displayname") or uid), u.get("onpremisesimmutableid") is not None))
    notes: list[ImportNote] = []
    assignments = []
    for n, entry in enumerate(as_list(raw.get("privileged_roles"), "ScubaGear export", "privileged_roles", dict)):
        role_id = entry.get("roletemplateid")
        found = _role(role_id, f"privileged_roles[{n}]", notes)
        if found is None:
            continue
        for m, a in enumerate(as_list(entry.get("assignments"), "ScubaGear export", f"privileged_roles[{n}].Assignments",
                                      dict)):
            where = f"privileged_roles[{n}].Assignments[{m}]"
            scope = str(a.get("directoryscopeid") or "/")
            assignments.append(TenantAssignment(str(a.get("principalid")), found.name, found.surface.value, scope,
                                                "active", when(a.get("startdatetime"), where, "StartDateTime"),
                                                when(a.get("enddatetime"), where, "EndDateTime")))
    policies = read_policies({"privileged_roles": raw.get("privileged_roles")}) if raw.get("privileged_roles") else None
    plans = {str(p.get("serviceplanname")) for p in as_list(raw.get("service_plans"), "ScubaGear export",
                                                           "service_plans", dict)}
    return TenantExport("ScubaGear provider export", tuple(users), (), {}, tuple(assignments), policies, (),
                        frozenset(plans), tuple(notes) + (policies.notes if policies else ()))


def is_tenant_export(data) -> bool:
    """A Graph response of a collection a snapshot reads, or an object of such sections (the script's output)."""
    if isinstance(data, dict):
        keys = {str(k).casefold() for k in data}
        if keys & set(SECTIONS):
            return True
        context = str(next((v for k, v in data.items() if str(k).casefold() == "@odata.context"), "")).casefold()
        return any(context.split("#", 1)[-1].split("(", 1)[0].endswith(s) for s in SECTIONS
                   if s != "rolemanagementpolicyassignments")
    return False


def read_tenant(*docs) -> TenantExport:
    """ScubaGear's provider export (one file) or Graph exports (one or more files), told apart by content."""
    parsed = [load_json(d) for d in docs]
    if not parsed:
        raise GraphImportError("snapshot", "(files)", "give at least one export")
    scuba = [p for p in parsed if isinstance(p, dict) and "privileged_roles" in {str(k).casefold() for k in p}]
    if scuba:
        if len(parsed) > 1:
            raise GraphImportError("snapshot", "(files)", "a ScubaGear provider export is read alone")
        return read_scubagear(scuba[0])
    return read_graph(*parsed)

