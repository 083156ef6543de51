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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pim_sim import facts
from pim_sim.core.clock import DEFAULT_START, iso, minutes
from pim_sim.core.policy import DEFAULT_PROVENANCE, NOTIFICATION_RULE_IDS, NotificationRule, RoleSettings, default_settings
from pim_sim.core.roles import Surface
from pim_sim.core.roles import role as lookup_role
from pim_sim.core.tenant import DIRECTORY
from pim_sim.errors import ModelError, SettingError
from pim_sim.graph.vocabulary import ARM_DOCS, GRAPH_DOCS, ROLE_BY_ID, RULE_IDS, arm_rule_type, odata_type, rule_type, target_of
from pim_sim.io import untrusted

MAX_BYTES = 10_000_000  # uploads are bounded; a whole-tenant export is well under this
ENABLEMENT_VALUES = {"multifactorauthentication": "MultiFactorAuthentication", "justification": "Justification",
                     "ticketing": "Ticketing"}
LEVELS = {"none": "None", "critical": "Critical", "all": "All"}
APPROVAL_MODES = {"singlestage", "serial", "parallel", "noapproval"}
_RULE_BY_FOLDED = {r.casefold(): r for r in RULE_IDS}
_NOTIFICATION_BY_ID = {v: k for k, v in NOTIFICATION_RULE_IDS.items()}


class GraphImportError(ModelError):
    """An export the model can't read. Names where (policy, rule, field) and what is wrong."""

    def __init__(self, where: str, field_name: str, problem: str, source: str = GRAPH_DOCS):
        self.where, self.field, self.problem, self.source = where, field_name, problem, source
        super().__init__(f"{where}: {field_name}: {problem}" + (f" (see {source})" if source else ""))


@dataclass(frozen=True, slots=True)
class ImportNote:
    """Something the import decided on the reader's behalf (a default used, a rule skipped)."""

    where: str
    message: str


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


# ------------------------------------------------------------------------------- generic shape
def fold(obj):
    """The same JSON with every key case-folded, so ``Setting.ApprovalStages`` and
    ``setting.approvalStages`` read alike. ARM's ``properties`` envelope is merged up."""
    if isinstance(obj, list):
        return [fold(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {str(k).casefold(): fold(v) for k, v in obj.items()}
    props = out.get("properties")
    if isinstance(props, dict) and ("rules" in props or "effectiverules" in props or "roledefinitionid" in props
                                    or "requesttype" in props):
        out = {**{k: v for k, v in out.items() if k != "properties"}, **props}
    return out


def load_json(source, *, name: str | None = None) -> dict | list:
    """A parsed export: a JSON object or list read from a :class:`~pathlib.Path` (a regular file
    of at most :data:`MAX_BYTES`), from uploaded bytes or pasted text, or given already parsed.

    Only a ``Path`` is ever opened: a ``str`` is JSON text, never a file name, and what a parse
    returns is never read again. ``name`` says where the content came from in errors (default:
    the file's path, "upload" for bytes, "pasted text" for text)."""
    if isinstance(source, dict | list):
        return source
    try:
        if isinstance(source, Path):
            where = name or str(source)
            return untrusted.parse_json(untrusted.read_file(source, MAX_BYTES), where)
        if isinstance(source, bytes | bytearray | memoryview):
            where = name or "upload"
            if len(source) > MAX_BYTES:
                raise untrusted.InputError(where, f"larger than {MAX_BYTES:,} bytes")
            return untrusted.parse_json(bytes(source), where)
        if isinstance(source, str):
            where = name or "pasted text"
            if len(source) > MAX_BYTES:
                raise untrusted.InputError(where, f"larger than {MAX_BYTES:,} characters")
            return untrusted.parse_json(source, where)
    except untrusted.InputError as e:
        raise GraphImportError(e.where, e.field or "(top level)", e.problem, source="") from None
    raise GraphImportError(name or "input", "(top level)", f"a {type(source).__name__} is not an export: give a "
                           "pathlib.Path, bytes, JSON text or a parsed object or list", source="")


def items_of(data, where: str = "export") -> list:
    """The objects of an export: a ``value`` wrapper, a bare list or one bare object."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if "value" in data:
            if not isinstance(data["value"], list):
                raise GraphImportError(where, "value", "must be a list of objects")
            return data["value"]
        return [data]
    raise GraphImportError(where, "(top level)", "expected a JSON object or a list of objects")


def as_object(value, where: str, name: str) -> dict:
    """A JSON object (``null`` reads as empty), or an error naming the field."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise GraphImportError(where, name, f"must be an object, not {type(value).__name__} {value!r:.40}")
    return value


def as_list(value, where: str, name: str, of: type | tuple = object) -> list:
    """A JSON array (``null`` reads as empty) whose items are of type ``of``, or an error naming the field."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise GraphImportError(where, name, f"must be a list, not {type(value).__name__} {value!r:.40}")
    for i, item in enumerate(value):
        if not isinstance(item, of):
            raise GraphImportError(where, f"{name}[{i}]", f"{item!r:.40} is not {getattr(of, '__name__', 'valid')}")
    return value


def _bool(value, where: str, name: str, default: bool | None = None) -> bool:
    if value is None and default is not None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.casefold() in ("true", "false"):
        return value.casefold() == "true"  # PowerShell sometimes stringifies booleans
    raise GraphImportError(where, name, f"{value!r} is not true or false")


def _strings(value, where: str, name: str) -> tuple[str, ...]:
    """A string collection; ``null``, ``[]`` and ``[""]`` all mean "none"."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | type(None)) for v in value):
        raise GraphImportError(where, name, f"{value!r} is not a list of strings")
    return tuple(v.strip() for v in value if v and v.strip())


def _duration(value, where: str, name: str) -> float:
    if not isinstance(value, str) or not value.strip():
        raise GraphImportError(where, name, f"{value!r} is not an ISO-8601 duration such as PT8H or P365D")
    try:
        mins = minutes(value)
    except ModelError as e:
        raise GraphImportError(where, name, str(e)) from None
    if mins <= 0:
        raise GraphImportError(where, name, f"{value!r} must be longer than zero")
    return mins


# ------------------------------------------------------------------------------- policies
def read_policies(data, *, names: Mapping[str, str] | None = None, role: str | None = None) -> PolicyImport:
    """Role settings from a Graph or ARM export.

    Accepts policy assignments (``$expand=policy($expand=rules)``), bare policies with ``rules``
    or ``effectiveRules`` (name the ``role`` when the policy doesn't say it), ARM policies with
    ``ruleType``, in a ``value`` wrapper, a list or alone. ``names`` maps object ids (approvers,
    groups) to the names used in the simulated tenant."""
    names = dict(names or {})
    policies: list[ImportedPolicy] = []
    notes: list[ImportNote] = []
    for n, raw in enumerate(items_of(fold(load_json(data)))):
        where = f"item {n}"
        if not isinstance(raw, dict):
            raise GraphImportError(where, "(item)", "expected a policy or a policy assignment object")
        got = _one_policy(raw, where, names, role, notes)
        if got is not None:
            if any((p.role, p.scope) == (got.role, got.scope) for p in policies):
                raise GraphImportError(where, "roleDefinitionId",
                                       f"a second policy for {got.role} at {got.scope}; each role has one policy")
            policies.append(got)
    if not policies:
        raise GraphImportError("export", "value", "no role management policy found (nothing with rules)")
    return PolicyImport(tuple(policies), tuple(notes))


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
    if role_id is None:
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
    by_id: dict[str, dict] = {}
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
        _check_type_and_target(rule, canonical, label)
        by_id[canonical] = rule
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
        changes.update(_read_rule(rid, rule, where, surface, names, notes))
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


def _check_type_and_target(rule: dict, rid: str, label: str) -> None:
    where = f"{label}, rule {rid}"
    declared = rule.get("@odata.type")
    if declared is not None and str(declared).casefold() != odata_type(rid).casefold():
        raise GraphImportError(where, "@odata.type", f"{declared!r} but rule {rid} is a {odata_type(rid)}")
    arm = rule.get("ruletype")
    if arm is not None and str(arm).casefold() != arm_rule_type(rid).casefold():
        raise GraphImportError(where, "ruleType", f"{arm!r} but rule {rid} is a {arm_rule_type(rid)}", ARM_DOCS)
    target = rule.get("target")
    if target is None:
        return
    if not isinstance(target, dict):
        raise GraphImportError(where, "target", "must be an object with caller and level")
    caller, level = target_of(rid)
    for name, want in (("caller", caller), ("level", level)):
        got = target.get(name)
        if got is not None and str(got).casefold() != want.casefold():
            raise GraphImportError(where, f"target.{name}", f"{got!r} contradicts the rule id (expected {want})")
    ops = target.get("operations")
    if ops is not None and not (isinstance(ops, list) and all(isinstance(o, str) for o in ops)):
        raise GraphImportError(where, "target.operations", f"{ops!r} is not a list of operations such as ['All']")


def _read_rule(rid: str, rule: dict, where: str, surface: Surface, names: dict, notes: list) -> dict:
    kind = rule_type(rid)
    if kind == "Expiration":
        return _expiration(rid, rule, where, notes)
    if kind == "Enablement":
        enabled = _strings(rule.get("enabledrules"), where, "enabledRules")
        unknown = [v for v in enabled if v.casefold() not in ENABLEMENT_VALUES]
        if unknown:
            raise GraphImportError(where, "enabledRules", f"{unknown[0]!r} is not MultiFactorAuthentication, "
                                   "Justification or Ticketing")
        on = {ENABLEMENT_VALUES[v.casefold()] for v in enabled}
        if rid == "Enablement_EndUser_Assignment":
            return {"require_mfa": "MultiFactorAuthentication" in on, "require_justification": "Justification" in on,
                    "require_ticket": "Ticketing" in on}
        if rid == "Enablement_Admin_Assignment":
            if "Ticketing" in on:
                raise GraphImportError(where, "enabledRules", "'Ticketing' is not offered on active assignment")
            return {"mfa_on_active_assignment": "MultiFactorAuthentication" in on,
                    "justification_on_active_assignment": "Justification" in on}
        if on:
            notes.append(ImportNote(where, f"enabledRules {sorted(on)} on eligible assignment: no portal setting "
                                    "reads this rule; ignored"))
        return {}
    if kind == "Approval":
        return _approval(rule, where, names)
    if kind == "AuthenticationContext":
        enabled = _bool(rule.get("isenabled"), where, "isEnabled", default=False)
        claim = rule.get("claimvalue")
        if claim is not None and not isinstance(claim, str):
            raise GraphImportError(where, "claimValue", f"{claim!r} is not a string")
        if enabled and not (claim or "").strip():
            raise GraphImportError(where, "claimValue", "isEnabled is true but no authentication context (e.g. 'c1') "
                                   "is named")
        return {"auth_context": claim.strip() if enabled else None}
    return _notification(rid, rule, where, notes)


def _expiration(rid: str, rule: dict, where: str, notes: list) -> dict:
    required = _bool(rule.get("isexpirationrequired"), where, "isExpirationRequired", default=True)
    raw = rule.get("maximumduration")
    if rid == "Expiration_EndUser_Assignment":
        if raw is None:
            raise GraphImportError(where, "maximumDuration", "missing; activation is always time-bound")
        mins = _duration(raw, where, "maximumDuration")
        low, high = facts.ACTIVATION_MAX_RANGE_MINUTES.value
        if not low <= mins <= high:
            clamped = min(max(mins, low), high)
            notes.append(ImportNote(where, f"maximumDuration {raw} is outside the portal's 1 to 24 hours; the model "
                                    f"uses {clamped / 60:g} hours ({facts.ACTIVATION_MAX_RANGE_MINUTES.source})"))
            mins = clamped
        return {"activation_max": mins}
    if raw is None or raw == "":
        if required:
            raise GraphImportError(where, "maximumDuration", "required when isExpirationRequired is true")
        mins = None
    else:
        mins = _duration(raw, where, "maximumDuration")
    prefix = "eligible" if rid == "Expiration_Admin_Eligibility" else "active"
    out = {f"{prefix}_permanent_allowed": not required}
    if mins is not None:
        out[f"{prefix}_max"] = mins
    return out


def _approval(rule: dict, where: str, names: dict) -> dict:
    setting = rule.get("setting")
    if setting is None:
        raise GraphImportError(where, "setting", "missing; an approval rule carries its approvalSettings in setting")
    if not isinstance(setting, dict):
        raise GraphImportError(where, "setting", "must be an object")
    required = _bool(setting.get("isapprovalrequired"), where, "setting.isApprovalRequired", default=False)
    mode = setting.get("approvalmode")
    if mode is not None and str(mode).casefold() not in APPROVAL_MODES:
        raise GraphImportError(where, "setting.approvalMode", f"{mode!r} is not SingleStage, Serial, Parallel or "
                               "NoApproval")
    stages = setting.get("approvalstages") or []
    if not isinstance(stages, list) or not all(isinstance(s, dict) for s in stages):
        raise GraphImportError(where, "setting.approvalStages", "must be a list of stage objects")
    if len(stages) > 2:
        raise GraphImportError(where, "setting.approvalStages", f"{len(stages)} stages; Graph allows one or two")
    approvers: dict[str, None] = {}  # ordered and de-duplicated in linear time
    justification = True
    for s_no, stage in enumerate(stages):
        justification = _bool(stage.get("isapproverjustificationrequired"), where,
                              f"approvalStages[{s_no}].isApproverJustificationRequired", default=justification)
        listed = stage.get("primaryapprovers") or []
        if not isinstance(listed, list):
            raise GraphImportError(where, f"approvalStages[{s_no}].primaryApprovers", "must be a list")
        for a_no, approver in enumerate(listed):
            field_name = f"approvalStages[{s_no}].primaryApprovers[{a_no}]"
            if not isinstance(approver, dict):
                raise GraphImportError(where, field_name, "must be an object such as "
                                       "{'@odata.type': '#microsoft.graph.singleUser', 'userId': ...}")
            ident = approver.get("userid") or approver.get("groupid") or approver.get("id")
            if not isinstance(ident, str) or not ident.strip():
                raise GraphImportError(where, field_name, "has no userId, groupId or id")
            approvers.setdefault(names.get(ident, ident))
    return {"require_approval": required, "approvers": tuple(approvers), "approver_justification_required": justification}


def _notification(rid: str, rule: dict, where: str, notes: list) -> dict:
    event, recipient = _NOTIFICATION_BY_ID[rid]
    kind = rule.get("notificationtype")
    if kind is not None and str(kind).casefold() != "email":
        raise GraphImportError(where, "notificationType", f"{kind!r}; the only notification type is Email")
    declared = rule.get("recipienttype")
    if declared is not None and str(declared).casefold() != recipient.value.casefold():
        raise GraphImportError(where, "recipientType", f"{declared!r} contradicts the rule id ({recipient.value})")
    raw_level = rule.get("notificationlevel")
    level = "All" if raw_level is None else LEVELS.get(str(raw_level).casefold())
    if level is None:
        raise GraphImportError(where, "notificationLevel", f"{raw_level!r} is not None, Critical or All")
    default = _bool(rule.get("isdefaultrecipientsenabled"), where, "isDefaultRecipientsEnabled", default=True)
    extra = _strings(rule.get("notificationrecipients"), where, "notificationRecipients")
    if level == "None":  # the model has no level setting: nobody is emailed
        notes.append(ImportNote(where, "notificationLevel None: the model sends this email to nobody"))
        default, extra = False, ()
    return {f"notify:{rid}": NotificationRule(event, recipient, default, extra, level == "Critical")}


# ------------------------------------------------------------------------------- requests
@dataclass(frozen=True, slots=True)
class ImportedRequest:
    """One Graph schedule request as a scenario action."""

    action: str  # Graph action, e.g. selfActivate, adminAssign
    kind: str  # "active" (roleAssignmentScheduleRequests) or "eligible" (roleEligibilityScheduleRequests)
    principal: str
    role: str
    scope: str
    start: str | None  # ISO-8601 date-time, or None for "now"
    duration: str | None  # ISO-8601 duration, or None for permanent
    justification: str = ""
    ticket: str = ""
    status: str = ""

    def to_step(self, start: datetime = DEFAULT_START, at: str | None = None) -> dict:
        """The request as a scenario timeline step; ``at`` is its start as an offset from the
        scenario's ``start`` (a request with no start happens at ``at``, default minute 0)."""
        if at is None:
            at = "PT0M"
            if self.start is not None:
                offset = (_datetime(self.start) - start).total_seconds() / 60
                if offset < 0:
                    raise GraphImportError(f"{self.action} of {self.role} for {self.principal}",
                                           "scheduleInfo.startDateTime", f"{self.start} is before the scenario's "
                                           f"start ({start:%Y-%m-%dT%H:%M}Z)")
                at = iso(offset)
        do = _STEPS.get(self.action)
        if do is None:
            raise GraphImportError(f"{self.action} of {self.role} for {self.principal}", "action",
                                   f"{self.action} has no scenario step (steps: {', '.join(sorted(_STEPS))})")
        step = {"at": at, "do": do, "principal": self.principal, "role": self.role, "scope": self.scope}
        if do in ("assign", "remove", "request_extend", "request_renew"):
            step["kind"] = self.kind
        if do in ("assign", "activate", "request_extend", "request_renew") and self.duration:
            step["duration"] = self.duration
        if do != "deactivate" and self.justification:
            step["justification"] = self.justification
        if do == "activate" and self.ticket:
            step["ticket"] = self.ticket
        return step


_STEPS = {"adminAssign": "assign", "selfActivate": "activate", "selfDeactivate": "deactivate", "adminRemove": "remove",
          "selfExtend": "request_extend", "selfRenew": "request_renew"}


def _datetime(text) -> datetime:
    """An ISO-8601 date-time with its time zone (Graph writes UTC with a ``Z``). One without a zone
    is refused rather than guessed at: it would be compared with the scenario's UTC start."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not an ISO-8601 date-time such as 2026-01-05T09:00:00Z")
    try:
        found = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text[:60]!r} is not an ISO-8601 date-time such as 2026-01-05T09:00:00Z") from None
    if found.tzinfo is None:
        raise ValueError(f"{text[:60]!r} has no time zone; write it in UTC with a Z, e.g. 2026-01-05T09:00:00Z")
    return found


def timeline_from_requests(data, *, start: datetime = DEFAULT_START, names: Mapping[str, str] | None = None,
                           kind: str | None = None) -> list[dict]:
    """Graph schedule requests as a scenario ``timeline`` (sorted by time)."""
    steps = [r.to_step(start) for r in read_requests(data, names=names, kind=kind)]
    return sorted(steps, key=lambda st: minutes(st["at"]))


_ACTIONS = {a.casefold(): a for a in ("adminAssign", "adminUpdate", "adminRemove", "adminExtend", "adminRenew",
                                       "selfActivate", "selfDeactivate", "selfExtend", "selfRenew")}
_EXPIRATIONS = {"notspecified", "noexpiration", "afterdatetime", "afterduration"}


def read_requests(data, *, names: Mapping[str, str] | None = None, kind: str | None = None) -> tuple[ImportedRequest, ...]:
    """Schedule requests (``roleAssignmentScheduleRequests`` or ``roleEligibilityScheduleRequests``,
    https://learn.microsoft.com/en-us/graph/api/resources/unifiedroleassignmentschedulerequest) as actions."""
    names = dict(names or {})
    out = []
    top = fold(load_json(data))
    outer = str(top.get("@odata.context") or "") if isinstance(top, dict) else ""
    for n, raw in enumerate(items_of(top, "requests")):
        where = f"request {n}"
        if not isinstance(raw, dict):
            raise GraphImportError(where, "(item)", "expected a schedule request object")
        context = (outer + str(raw.get("@odata.context") or raw.get("@odata.type") or "")).casefold()
        this_kind = kind or ("eligible" if "eligibility" in context else "active")
        action = _ACTIONS.get(str(raw.get("action") or "").casefold())
        if action is None:
            raise GraphImportError(where, "action", f"{raw.get('action')!r} is not a Graph request action "
                                   "(adminAssign, selfActivate, ...)")
        for key in ("principalid", "roledefinitionid"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                raise GraphImportError(where, {"principalid": "principalId", "roledefinitionid": "roleDefinitionId"}[key],
                                       "missing")
        found = ROLE_BY_ID.get(raw["roledefinitionid"].casefold())
        if found is None:
            raise GraphImportError(where, "roleDefinitionId", f"{raw['roledefinitionid']!r} is not a role template id "
                                   "in the model's catalogue")
        scope = raw.get("directoryscopeid") or DIRECTORY
        info = as_object(raw.get("scheduleinfo"), where, "scheduleInfo")
        start = info.get("startdatetime")
        if start is not None:
            try:
                _datetime(start)
            except ValueError as e:
                raise GraphImportError(where, "scheduleInfo.startDateTime", str(e)) from None
        exp = as_object(info.get("expiration"), where, "scheduleInfo.expiration")
        exp_type = str(exp.get("type") or "notSpecified").casefold()
        if exp_type not in _EXPIRATIONS:
            raise GraphImportError(where, "scheduleInfo.expiration.type", f"{exp.get('type')!r} is not noExpiration, "
                                   "afterDateTime, afterDuration or notSpecified")
        duration = None
        if exp_type == "afterduration":
            _duration(exp.get("duration"), where, "scheduleInfo.expiration.duration")
            duration = exp["duration"]
        elif exp_type == "afterdatetime":
            if start is None or not exp.get("enddatetime"):
                raise GraphImportError(where, "scheduleInfo.expiration.endDateTime", "afterDateTime needs a start and "
                                       "an endDateTime")
            try:
                end = _datetime(exp["enddatetime"])
            except ValueError as e:
                raise GraphImportError(where, "scheduleInfo.expiration.endDateTime", str(e)) from None
            if end <= _datetime(start):
                raise GraphImportError(where, "scheduleInfo.expiration.endDateTime", "must be after startDateTime")
            duration = iso((end - _datetime(start)).total_seconds() / 60)
        ticket = as_object(raw.get("ticketinfo"), where, "ticketInfo")
        out.append(ImportedRequest(action, this_kind, names.get(raw["principalid"], raw["principalid"]), found.name,
                                   scope, start, duration, str(raw.get("justification") or ""),
                                   str(ticket.get("ticketnumber") or "") if isinstance(ticket, dict) else "",
                                   str(raw.get("status") or "")))
    return tuple(out)
