"""Read role management policies and schedule requests as Microsoft Graph (or Azure Resource
Manager, or the PowerShell SDK) returns them, into the model's role settings and actions.

Real exports vary (https://learn.microsoft.com/en-us/graph/api/resources/unifiedrolemanagementpolicy,
https://learn.microsoft.com/en-us/graph/api/resources/unifiedrolemanagementpolicyrule): camelCase from
Graph REST and PascalCase from PowerShell, enum values in any case, a ``value`` wrapper or a bare
object, ``rules`` next to ``effectiveRules``, approvers as ``userId``, ``groupId`` or ``id``, and
``null``, ``""``, ``[]`` or ``[""]`` for "nothing". Every variation is accepted; anything else is
refused with an error that names the rule and the field. A missing rule takes the surface's
documented default and the import says so in a note.

Semantics worth knowing:

* ``Expiration_EndUser_Assignment.isExpirationRequired`` is ``false`` in many real tenants;
  activation is still time-bound, so only ``maximumDuration`` is read.
* Approvers stay listed when approval is off; "approval required" is read only from
  ``isApprovalRequired``.
* Graph refuses turning MFA on while an authentication context is on (``MfaAndAcrsConflict``);
  PIM tooling reports that the opposite order is accepted (each rule is its own PATCH), so real
  policies can carry both. Microsoft doesn't document either (a community report; EasyPIM,
  https://github.com/kayasax/EasyPIM, strips MFA for it). The model keeps the context (which
  falls back to MFA when no Conditional Access policy targets it) and notes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pim_sim.catalogue import CustomRole
from pim_sim.core.policy import DEFAULT_PROVENANCE, NotificationRule, RoleSettings, default_settings
from pim_sim.core.roles import Surface, using, with_custom
from pim_sim.core.roles import role as lookup_role
from pim_sim.core.tenant import DIRECTORY
from pim_sim.errors import SettingError
from pim_sim.graph.request_reader import ImportedRequest, read_requests, timeline_from_requests
from pim_sim.graph.rules import changes_of, check_type_and_target, parse_rule
from pim_sim.graph.shapes import MAX_BYTES, GraphImportError, ImportNote, as_list, as_object, fold, items_of, load_json
from pim_sim.graph.vocabulary import GRAPH_DOCS, ROLE_BY_ID, RULE_IDS

__all__ = ["MAX_BYTES", "GraphImportError", "ImportNote", "ImportedPolicy", "ImportedRequest", "PolicyImport",
           "as_list", "as_object", "fold", "items_of", "load_json", "read_policies", "read_requests",
           "settings_from_file", "timeline_from_requests"]

_RULE_BY_FOLDED = {r.casefold(): r for r in RULE_IDS}


@dataclass(frozen=True, slots=True)
class ImportedPolicy:
    role: str
    scope: str
    surface: Surface
    settings: RoleSettings
    policy_id: str = ""


@dataclass(frozen=True)
class PolicyImport:
    """What an import understood: one policy per (role, scope), and notes on the way."""

    policies: tuple[ImportedPolicy, ...]
    notes: tuple[ImportNote, ...] = ()

    @property
    def settings(self) -> dict[tuple[str, str], RoleSettings]:
        """Role settings by (role, scope), as a scenario's settings book holds them."""
        return {(p.role, p.scope): p.settings for p in self.policies}


# ------------------------------------------------------------------------------- policies
def read_policies(data, *, names: Mapping[str, str] | None = None, role: str | None = None,
                  custom_roles: Iterable[CustomRole] = ()) -> PolicyImport:
    """Role settings from a Graph or ARM export.

    Accepts policy assignments (``$expand=policy($expand=rules)``), bare policies with ``rules``
    or ``effectiveRules`` (name the ``role`` when the policy doesn't say it), ARM policies with
    ``ruleType``, in a ``value`` wrapper, a list or alone, and ScubaGear's provider export (its
    ``privileged_roles`` entries name their role: ``DisplayName``, ``RoleTemplateId``). ``names`` maps object ids
    (approvers, groups) to the names used in the simulated tenant; ``custom_roles`` are the tenant's own roles the
    export may name, beside the built-in ones."""
    custom = tuple(custom_roles)
    with using(with_custom(*custom) if custom else None):
        return _read_policies(data, dict(names or {}), role)


def _read_policies(data, names: dict, role: str | None) -> PolicyImport:
    policies: list[ImportedPolicy] = []
    notes: list[ImportNote] = []
    top = fold(load_json(data))
    items = scubagear_items(top) if isinstance(top, dict) and "privileged_roles" in top else items_of(top)
    for n, raw in enumerate(items):
        where = f"item {n}"
        if not isinstance(raw, dict):
            raise GraphImportError(where, "(item)", "expected a policy or a policy assignment object")
        if "roletemplateid" in raw and "roledefinitionid" not in raw:
            raw = _scubagear_role(raw, where)
        got = _one_policy(raw, where, names, role, notes)
        if got is not None and raw.get("_shared") and any((p.role, p.scope) == (got.role, got.scope) for p in policies):
            continue  # a PIM group holding several privileged roles: its member policy is exported under each
        if got is not None:
            if any((p.role, p.scope) == (got.role, got.scope) for p in policies):
                raise GraphImportError(where, "roleDefinitionId",
                                       f"a second policy for {got.role} at {got.scope}; each role has one policy")
            policies.append(got)
    if not policies:
        raise GraphImportError("export", "value", "no role management policy found (nothing with rules)")
    return PolicyImport(tuple(policies), tuple(notes))


def scubagear_items(doc: dict) -> list:
    """ScubaGear's ``privileged_roles`` (keys folded) as policy assignments: each role's own rules (``RuleSourceType``
    "Directory Role") and, for a PIM-managed group holding the role, the group's member policy ("PIM Group" rules,
    ``RuleSource`` the group's name)
    (https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/Modules/Providers/ExportAADProvider.psm1)."""
    out = []
    for n, entry in enumerate(as_list(doc.get("privileged_roles"), "ScubaGear export", "privileged_roles")):
        if not isinstance(entry, dict):
            raise GraphImportError("ScubaGear export", f"privileged_roles[{n}]", "must be an object")
        out.append(_scubagear_role(entry, f"privileged_roles[{n}]"))
        groups: dict[str, list] = {}
        for rule in entry.get("rules") or ():
            if isinstance(rule, dict) and str(rule.get("rulesourcetype") or "").casefold() == "pim group":
                groups.setdefault(str(rule.get("rulesource") or ""), []).append(rule)
        out += [{"roledefinitionid": "member", "scopetype": "group", "scopeid": group, "policy": {"rules": rules},
                 "_shared": True} for group, rules in groups.items() if group]
    return out


def _scubagear_role(entry: dict, where: str) -> dict:
    """One ``privileged_roles`` entry as a directory role's policy assignment: its template id names the role."""
    rules = entry.get("rules")
    if isinstance(rules, list):
        rules = [r for r in rules if not isinstance(r, dict)
                 or str(r.get("rulesourcetype") or "directory role").casefold() == "directory role"]
    role_id = entry.get("roletemplateid")
    if not isinstance(role_id, str) or not role_id:
        raise GraphImportError(where, "RoleTemplateId", f"{role_id!r} is not a role template id")
    return {"roledefinitionid": role_id, "scopetype": "directoryrole", "scopeid": "/",
            "displayname": entry.get("displayname"), "policy": {"rules": rules}}


def settings_from_file(path, **kwargs) -> dict[tuple[str, str], RoleSettings]:
    """``settings_from: policy.json`` in a scenario file: role settings by (role, scope)."""
    return read_policies(path, **kwargs).settings


def _one_policy(item: dict, where: str, names: dict, role_hint: str | None, notes: list) -> ImportedPolicy | None:
    policy = item.get("policy", item)
    if policy is None:
        raise GraphImportError(where, "policy", "is null; export with $expand=policy($expand=rules)")
    if not isinstance(policy, dict):
        raise GraphImportError(where, "policy", "must be an object")
    policy = fold(policy)
    rules = policy.get("rules")
    if not rules:
        rules = policy.get("effectiverules")
    if rules is None:
        if "policy" in item or "rules" in policy or "effectiverules" in policy:
            raise GraphImportError(where, "policy.rules", "missing; export with $expand=policy($expand=rules)")
        if "roledefinitionid" in item or "policyid" in item:
            raise GraphImportError(where, "policy", "not expanded; export with $expand=policy($expand=rules)")
        raise GraphImportError(where, "rules", "this object is neither a policy nor a policy assignment")
    if not isinstance(rules, list):
        raise GraphImportError(where, "rules", "must be a list of rule objects")
    role, scope, surface = _role_and_scope(item, policy, where, names, role_hint)
    if role is None:
        notes.append(ImportNote(where, f"skipped: role {item.get('roledefinitionid')} is not in the model's role "
                                       "catalogue"))
        return None
    label = f"{role} at {scope}"
    settings = _settings(rules, label, surface, names, notes)
    try:
        settings.validate(surface)
    except SettingError as e:
        raise GraphImportError(label, e.setting, f"{e.value!r}: {e.allowed}", e.source or GRAPH_DOCS) from None
    return ImportedPolicy(role, scope, surface, settings, str(policy.get("id") or item.get("policyid") or ""))


def _role_and_scope(item: dict, policy: dict, where: str, names: dict, role_hint: str | None):
    scope: str | None
    scope_type = str(item.get("scopetype") or policy.get("scopetype") or "").casefold()
    scope_id = item.get("scopeid") if item.get("scopeid") is not None else policy.get("scopeid")
    arm_scope = item.get("scope") or policy.get("scope")
    role_id = item.get("roledefinitionid")
    if role_id is None and isinstance(item.get("policyassignmentproperties"), dict):
        definition = item["policyassignmentproperties"].get("roledefinition") or {}
        role_id = as_object(definition, where, "policyAssignmentProperties.roleDefinition").get("id")
    if isinstance(arm_scope, str) and arm_scope.startswith("/") and not scope_type:
        scope_type, scope_id = "arm", arm_scope.rstrip("/") or "/"
    if scope_type == "group":
        if not isinstance(scope_id, str) or not scope_id:
            raise GraphImportError(where, "scopeId", "a Group policy needs the group id in scopeId")
        scope = f"/groups/{names.get(scope_id, scope_id)}"
        key = str(role_id or role_hint or "").casefold()
        if key not in ("member", "owner"):
            raise GraphImportError(where, "roleDefinitionId", f"{role_id!r}: PIM for Groups policies are for "
                                   "'member' or 'owner'")
        return ("Member" if key == "member" else "Owner"), scope, Surface.GROUPS
    if scope_type in ("directoryrole", "directory", ""):
        if scope_type and scope_id not in (None, "/", ""):
            raise GraphImportError(where, "scopeId", f"{scope_id!r}: directory role policies are tenant-wide ('/')")
        surface, scope = Surface.ENTRA, DIRECTORY
    elif scope_type == "arm":
        surface, scope = Surface.AZURE, scope_id
    else:
        raise GraphImportError(where, "scopeType", f"{scope_type!r} is not DirectoryRole, Directory or Group")
    if role_id is None and role_hint is None:
        raise GraphImportError(where, "roleDefinitionId", "missing: a bare policy doesn't say which role it governs; "
                               "export policy assignments with $expand=policy($expand=rules) or name the role "
                               "(pim-sim import-policy --role, read_policies(role=...))")
    if role_id is None and role_hint is not None:
        try:
            return lookup_role(surface, role_hint).name, scope, surface
        except KeyError as e:
            raise GraphImportError(where, "role", str(e.args[0])) from None
    key = str(role_id).rstrip("/").rsplit("/", 1)[-1].casefold()
    found = ROLE_BY_ID.get(key)
    if found is None or found.surface is not surface:
        return None, scope, surface
    return found.name, scope, surface


def _settings(rules: list, label: str, surface: Surface, names: dict, notes: list) -> RoleSettings:
    by_id: dict = {}
    for n, rule in enumerate(rules):
        if not isinstance(rule, dict):
            raise GraphImportError(label, f"rules[{n}]", "must be an object")
        rid = rule.get("id")
        if not isinstance(rid, str) or not rid:
            raise GraphImportError(label, f"rules[{n}].id", "missing; every rule has one of the 17 fixed ids")
        canonical = _RULE_BY_FOLDED.get(rid.casefold())
        if canonical is None:
            notes.append(ImportNote(label, f"rule {rid!r} is not one of the 17 PIM rules; ignored"))
            continue
        if canonical in by_id:
            raise GraphImportError(f"{label}, rule {canonical}", "id", "appears twice")
        parsed = parse_rule(canonical, rule, f"{label}, rule {canonical}")
        check_type_and_target(parsed, canonical, label)
        by_id[canonical] = parsed
    base = default_settings(surface)
    provenance = DEFAULT_PROVENANCE[surface]
    kind_of_default = "documented" if provenance.documented else f"assumed (not documented: {provenance.note})"
    changes: dict = {}
    for rid in RULE_IDS:
        rule = by_id.get(rid)
        where = f"{label}, rule {rid}"
        if rule is None:
            if rid != "Enablement_Admin_Eligibility":  # no portal setting reads it
                notes.append(ImportNote(label, f"rule {rid} is missing; the {kind_of_default} {surface.value} default is used"))
            continue
        changes.update(changes_of(rid, rule, where, surface, names, notes))
    notifications = list(base.notifications)
    for key in [k for k in changes if k.startswith("notify:")]:
        new: NotificationRule = changes.pop(key)
        notifications = [new if (x.event, x.recipient) == (new.event, new.recipient) else x for x in notifications]
    changes["notifications"] = tuple(notifications)
    if changes.get("auth_context", base.auth_context) and changes.get("require_mfa", base.require_mfa):
        notes.append(ImportNote(label, "both MFA and an authentication context are on. Graph refuses turning MFA on "
                                "while a context is on (MfaAndAcrsConflict); PIM tooling reports the reverse order is "
                                "accepted (not documented by Microsoft). The model keeps the context, which falls back "
                                "to MFA when no Conditional Access policy targets it"))
        changes["require_mfa"] = False
    return base.with_changes(**changes)
