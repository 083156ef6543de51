"""Baseline checks of a tenant's privileged access: CISA SCuBA MS.AAD.7.1 to 7.9, evaluated
with the same logic as ScubaGear, and Microsoft's deployment-plan recommendations as advice.

SCuBA: the baseline is ``cisagov/ScubaGear`` ``PowerShell/ScubaGear/baselines/aad.md``
(https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md); the
logic mirrored here is its Rego (``Rego/AADConfig.rego`` and ``Rego/Utils/AAD.rego``) over the
provider export (``Modules/Providers/ExportAADProvider.psm1``):

* the eight highly privileged roles are ScubaGear's default privileged roles (``roles.py`` marks
  them), and PIM for Groups: a PIM-managed group with an active assignment to one of them adds its
  **member** policy's rules to the role, reported as ``Group(PIM Group)``;
* 7.1 counts users holding Global Administrator (2 to 8); 7.2 passes when 7.1 passes and Global
  Administrators are no more than the other privileged users; 7.3 fails on any privileged user
  with an ``OnPremisesImmutableId``;
* 7.4 flags a role with an active assignment whose ``EndDateTime`` is null, unless every such
  principal is excluded in the configuration (``RoleExclusions`` users and groups); 7.5 flags a
  role with an assignment whose ``StartDateTime`` is null (made outside PIM);
* 7.6 reads ``Approval_EndUser_Assignment.isApprovalRequired`` on Global Administrator's rules;
  7.7 the recipients of ``Notification_Admin_Admin_Assignment`` and ``..._Eligibility`` on all
  eight roles; 7.8 and 7.9 the recipients of ``Notification_Admin_EndUser_Assignment`` on Global
  Administrator and on the other seven. ScubaGear counts the list as exported, so ``[""]`` counts
  as one recipient; this module does the same on a ScubaGear export;
* 7.4 to 7.9 need Microsoft Entra ID P2 (service plan ``AAD_PREMIUM_P2``); without it they fail
  with ScubaGear's licence note. A failed SHALL is reported **Fail**, a failed SHOULD **Warning**.

Advice follows https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-deployment-plan
and https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/best-practices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pim_sim import facts
from pim_sim.core.policy import RoleSettings
from pim_sim.core.roles import ENTRA_ROLES, HIGHLY_PRIVILEGED_ENTRA
from pim_sim.core.schedules import Kind, Origin
from pim_sim.core.tenant import DIRECTORY, PrincipalKind
from pim_sim.graph.reader import GraphImportError, PolicyImport, as_list, as_object, fold, load_json
from pim_sim.posture.report import Comparison, compare, scubagear_results

__all__ = ["CONTROLS", "Advice", "CheckResult", "Comparison", "Posture", "PrivilegedRole", "PrivilegedUser", "advice",
           "compare", "evaluate", "exclusions_from_config", "is_scubagear_export", "posture_from_file",
           "posture_from_policies", "posture_from_scubagear", "posture_from_simulation", "scuba", "scubagear_results"]

GA = "Global Administrator"
SCUBA_SOURCE = "https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md"
P2_NOTE = "**NOTE: Your tenant does not have a Microsoft Entra ID P2 license, which is required for this feature**"
LIST_MAX = 20  # ScubaGear lists at most this many offenders in a report line
DEPLOYMENT_PLAN = f"{facts.PIM}/pim-deployment-plan"
BEST_PRACTICES = f"{facts.LEARN}/entra/identity/role-based-access-control/best-practices"

CONTROLS = {
    "MS.AAD.7.1v1": ("Shall", "A minimum of two users and a maximum of eight users SHALL be provisioned with the Global "
                              "Administrator role."),
    "MS.AAD.7.2v1": ("Shall", "Privileged users SHALL be provisioned with finer-grained roles instead of Global "
                              "Administrator."),
    "MS.AAD.7.3v1": ("Shall", "Privileged users SHALL be provisioned cloud-only accounts separate from an on-premises "
                              "directory or other federated identity providers."),
    "MS.AAD.7.4v1": ("Shall", "Permanent active role assignments SHALL NOT be allowed for highly privileged roles."),
    "MS.AAD.7.5v1": ("Shall", "Provisioning users to highly privileged roles SHALL NOT occur outside of a PAM system."),
    "MS.AAD.7.6v1": ("Shall", "Activation of the Global Administrator role SHALL require approval."),
    "MS.AAD.7.7v1": ("Shall", "Eligible and active highly privileged role assignments SHALL trigger an alert."),
    "MS.AAD.7.8v1": ("Shall", "User activation of the Global Administrator role SHALL trigger an alert."),
    "MS.AAD.7.9v1": ("Should", "User activation of other highly privileged roles SHOULD trigger an alert."),
}
NEEDS_P2 = ("MS.AAD.7.4v1", "MS.AAD.7.5v1", "MS.AAD.7.6v1", "MS.AAD.7.7v1", "MS.AAD.7.8v1", "MS.AAD.7.9v1")


# ------------------------------------------------------------------------------- the posture
@dataclass(frozen=True, slots=True)
class PrivilegedUser:
    id: str
    display_name: str
    roles: tuple[str, ...]
    on_premises_immutable_id: str | None = None


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """The fields of a policy rule the 7.x controls read, with where it came from."""

    id: str
    source: str
    source_type: str  # "Directory Role" or "PIM Group"
    approval_required: bool | None = None
    recipients: tuple[str, ...] = ()
    notification_type: str = "Email"

    @property
    def offender(self) -> str:
        return f"{self.source}({self.source_type})"


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    principal_id: str
    start: str | None  # null: made outside PIM
    end: str | None  # null: permanent


@dataclass(frozen=True, slots=True)
class PrivilegedRole:
    name: str
    template_id: str
    rules: tuple[PolicyRule, ...] = ()
    assignments: tuple[RoleAssignment, ...] | None = ()


@dataclass(frozen=True)
class Posture:
    """What the 7.x controls read. ``users`` or role ``assignments`` are ``None`` when the source
    doesn't carry them (a policy export); those controls are then reported as not checked."""

    roles: tuple[PrivilegedRole, ...]
    users: tuple[PrivilegedUser, ...] | None
    has_p2: bool
    source: str
    exclusions: Mapping[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    settings: Mapping[str, RoleSettings] = field(default_factory=dict)  # Entra settings, for advice
    unchecked_roles: tuple[str, ...] = ()  # highly privileged roles the source has no policy for


@dataclass(frozen=True, slots=True)
class CheckResult:
    control: str
    criticality: str
    requirement: str
    result: str  # Pass, Fail, Warning or Not checked
    details: str
    offenders: tuple[str, ...] = ()
    source: str = SCUBA_SOURCE

    @property
    def passed(self) -> bool:
        return self.result == "Pass"

    @property
    def text(self) -> str:
        """The details without ScubaGear's HTML (``details`` is ScubaGear's report string)."""
        return self.details.replace(":<br/>", ": ").replace("<br/>", " ").replace("\n", " ").replace("**", "")


def rules_from_settings(s: RoleSettings, source: str, source_type: str = "Directory Role") -> tuple[PolicyRule, ...]:
    rules = [PolicyRule("Approval_EndUser_Assignment", source, source_type, approval_required=s.require_approval)]
    rules += [PolicyRule(n.rule_id, source, source_type, recipients=n.additional_recipients) for n in s.notifications]
    return tuple(rules)


def exclusions_from_config(config: Mapping | None) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """ScubaGear's configuration file shape: ``Aad: {MS.AAD.7.4v1: {RoleExclusions: {Users: [...], Groups: [...]}}}``
    (https://github.com/cisagov/ScubaGear/blob/main/docs/configuration/configuration.md), or the ``Aad`` part alone.

    A configuration without ``Aad`` (ScubaGear's ``scuba_config`` of a run made without a configuration file holds
    only run options: ``OutPath``, ``M365Environment``, ...) excludes nobody; so does a control without
    ``RoleExclusions`` (conditional access controls carry ``CapExclusions``)."""
    out = {}
    config = as_object(config, "ScubaGear configuration", "(top level)")
    aad = next((v for k, v in config.items() if str(k).casefold() == "aad"), None)
    if aad is None:
        aad = {k: v for k, v in config.items() if str(k).upper().startswith("MS.AAD.")}
    aad = as_object(aad, "ScubaGear configuration", "Aad")
    for control, body in aad.items():
        body = as_object(body, "ScubaGear configuration", f"Aad.{control}")
        found = next((v for k, v in body.items() if str(k).casefold() == "roleexclusions"), None)
        if found is None:
            continue
        ex = {str(k).casefold(): v for k, v in as_object(found, "ScubaGear configuration",
                                                         f"Aad.{control}.RoleExclusions").items()}
        users = as_list(ex.get("users"), "ScubaGear configuration", f"Aad.{control}.RoleExclusions.Users")
        groups = as_list(ex.get("groups"), "ScubaGear configuration", f"Aad.{control}.RoleExclusions.Groups")
        out[control] = (frozenset(str(u) for u in users if u), frozenset(str(g) for g in groups if g))
    return out


def posture_from_simulation(sim, *, synced: tuple[str, ...] = (), exclusions: Mapping | None = None) -> Posture:
    """The provider export ScubaGear would read from this simulated tenant now. ``synced`` names
    users that come from an on-premises directory (they carry an ``OnPremisesImmutableId``)."""
    t = sim.now
    users: dict[str, list[str]] = {}

    def add(principal: str, role: str, depth: int = 0) -> None:
        if depth >= 2:  # ScubaGear follows group nesting two levels deep
            return
        p = sim.tenant.principal(principal)
        if p.kind is PrincipalKind.GROUP:
            members = set(p.members)
            members |= {s.principal for s in sim.schedules_with_role("Member")
                        if s.scope == f"/groups/{principal}" and s.holds_at(t) and s.origin is not Origin.STANDING}
            for m in sorted(members):
                add(m, role, depth + 1)
        elif role not in users.setdefault(principal, []):
            users[principal].append(role)

    roles = []
    for name in HIGHLY_PRIVILEGED_ENTRA:
        held = [s for s in sim.schedules_with_role(name) if s.scope == DIRECTORY and s.holds_at(t)]
        for s in held:
            add(s.principal, name)
        active = [s for s in held if s.kind is Kind.ACTIVE]
        rules = list(rules_from_settings(sim.settings_for(name, DIRECTORY), name))
        for group in sorted({s.principal for s in active if sim.tenant.has_principal(s.principal)
                             and sim.tenant.principal(s.principal).kind is PrincipalKind.GROUP}):
            if _pim_managed(sim, group):
                rules += rules_from_settings(sim.settings_for("Member", f"/groups/{group}"), group, "PIM Group")
        assignments = tuple(RoleAssignment(s.principal, None if s.origin is Origin.OUTSIDE_PIM else str(s.start),
                                           None if s.end is None else str(s.end)) for s in active)
        roles.append(PrivilegedRole(name, ENTRA_ROLES[name].template_id, tuple(rules), assignments))
    privileged = tuple(PrivilegedUser(u, u, tuple(r), "on-premises" if u in synced else None) for u, r in sorted(users.items()))
    settings = {name: sim.settings_for(name, DIRECTORY) for name in ENTRA_ROLES}
    return Posture(tuple(roles), privileged, sim.licence.has_pim, "simulation", exclusions_from_config(exclusions),
                   settings)


def _pim_managed(sim, group: str) -> bool:
    """A group is in PIM for Groups when it has PIM schedules or changed settings."""
    scope = f"/groups/{group}"
    return any(k[1] == scope for k in sim.settings.overrides) or any(
        s.scope == scope and s.origin is not Origin.STANDING for r in ("Member", "Owner") for s in sim.schedules_with_role(r))


def posture_from_policies(imported: PolicyImport, *, has_p2: bool = True) -> Posture:
    """A policy export carries settings only: users and assignments are not checked."""
    roles = []
    for name in HIGHLY_PRIVILEGED_ENTRA:
        s = imported.settings.get((name, DIRECTORY))
        rules = rules_from_settings(s, name) if s is not None else ()
        roles.append(PrivilegedRole(name, ENTRA_ROLES[name].template_id, rules, None))
    settings = {role: s for (role, scope), s in imported.settings.items() if scope == DIRECTORY}
    missing = tuple(r.name for r in roles if not r.rules)
    return Posture(tuple(roles), None, has_p2, "graph policy export", {}, settings, missing)


def is_scubagear_export(data) -> bool:
    return isinstance(data, dict) and "privileged_roles" in {str(k).casefold() for k in data}


def posture_from_scubagear(data, *, exclusions: Mapping | None = None) -> Posture:
    """ScubaGear's ``ProviderSettingsExport.json``: ``privileged_users``, ``privileged_roles`` (with
    ``Rules`` and ``Assignments``) and ``service_plans``. A wrong shape is refused naming the field."""
    raw = load_json(data)
    doc = as_object(fold(raw), "ScubaGear export", "(top level)")
    users_raw = doc.get("privileged_users")
    if isinstance(users_raw, list):
        users_raw = {str(i): u for i, u in enumerate(users_raw)}
    users = []
    for uid, u in as_object(users_raw, "ScubaGear export", "privileged_users").items():
        where = f"privileged_users.{uid}"
        u = as_object(u, "ScubaGear export", where)
        immutable = u.get("onpremisesimmutableid")
        users.append(PrivilegedUser(uid, str(u.get("displayname") or uid),
                                    tuple(str(x) for x in as_list(u.get("roles"), "ScubaGear export", f"{where}.roles")),
                                    None if immutable is None else str(immutable)))
    roles = []
    for n, r in enumerate(as_list(doc.get("privileged_roles"), "ScubaGear export", "privileged_roles", dict)):
        where = f"privileged_roles[{n}]"
        rules = []
        for m, rule in enumerate(as_list(r.get("rules"), "ScubaGear export", f"{where}.Rules", dict)):
            setting = as_object(rule.get("setting"), "ScubaGear export", f"{where}.Rules[{m}].Setting")
            approval = setting.get("isapprovalrequired")
            if approval is not None and not isinstance(approval, bool):
                raise GraphImportError("ScubaGear export", f"{where}.Rules[{m}].Setting.IsApprovalRequired",
                                       f"{approval!r} is not true or false")
            recips = as_list(rule.get("notificationrecipients"), "ScubaGear export",
                             f"{where}.Rules[{m}].NotificationRecipients")
            rules.append(PolicyRule(str(rule.get("id")), str(rule.get("rulesource") or r.get("displayname")),
                                    str(rule.get("rulesourcetype") or "Directory Role"), approval_required=approval,
                                    recipients=tuple(str(x) for x in recips),  # counted as exported, [""] is one
                                    notification_type=str(rule.get("notificationtype") or "")))
        assignments = tuple(RoleAssignment(str(a.get("principalid")), a.get("startdatetime"), a.get("enddatetime"))
                            for a in as_list(r.get("assignments"), "ScubaGear export", f"{where}.Assignments", dict))
        roles.append(PrivilegedRole(str(r.get("displayname")), str(r.get("roletemplateid") or ""), tuple(rules),
                                    assignments))
    plans = as_list(doc.get("service_plans"), "ScubaGear export", "service_plans", dict)
    has_p2 = any(str(p.get("serviceplanname")) == "AAD_PREMIUM_P2" for p in plans)
    if exclusions is None and isinstance(raw, dict):
        exclusions = next((v for k, v in raw.items() if str(k).casefold() == "scuba_config"), None)
    return Posture(tuple(roles), tuple(users), has_p2, "ScubaGear provider export", exclusions_from_config(exclusions))


# ------------------------------------------------------------------------------- the checks
def _result(control: str, met: bool, details: str, offenders=()) -> CheckResult:
    criticality, text = CONTROLS[control]
    result = "Pass" if met else ("Fail" if criticality == "Shall" else "Warning")
    return CheckResult(control, criticality, text, result, details, tuple(sorted(offenders)))


def _not_checked(control: str, why: str) -> CheckResult:
    criticality, text = CONTROLS[control]
    return CheckResult(control, criticality, text, "Not checked", why)


def _listing(items, what: str) -> str:
    """ScubaGear's report line: ``2 global admin(s) found:<br/>Ann, Bob`` (sorted, at most 20 listed)."""
    items = sorted(items)
    if not items:
        return f"{len(items)} {what}"
    line = f"{len(items)} {what}:<br/>{', '.join(items[:LIST_MAX])}"
    if len(items) > LIST_MAX:
        line += (" ...<br/>Note: The list of matching items has been truncated. Full details are available in the "
                 "JSON results.")
    return line


def _score(gas: int, others: int) -> str:
    """The least privilege score as ScubaGear prints it (Rego's number formatting, four characters)."""
    ratio = gas / others
    return str(int(ratio)) if ratio == int(ratio) else repr(ratio)[:4]


def scuba(posture: Posture) -> tuple[CheckResult, ...]:
    """MS.AAD.7.1 to 7.9 on a posture, as ScubaGear evaluates them."""
    out = []
    if posture.users is None:
        for c in ("MS.AAD.7.1v1", "MS.AAD.7.2v1", "MS.AAD.7.3v1"):
            out.append(_not_checked(c, f"the {posture.source} has no privileged users"))
    else:
        gas = {u.display_name for u in posture.users if GA in u.roles}
        others = {u.display_name for u in posture.users if GA not in u.roles}
        count_ok = 2 <= len(gas) <= 8
        out.append(_result("MS.AAD.7.1v1", count_ok, _listing(gas, "global admin(s) found"), gas if not count_ok else ()))
        if not count_ok:
            score = "Policy MS.AAD.7.1 failed so score not computed"
        elif others:
            # ScubaGear 1.8.0 adds how the score was calculated, on a new line (its sample report:
            # "Least Privilege Score = 2 (should be 1 or less)\nCalculated by 2 global admins / 1 privileged users
            # without global admin role").
            score = (f"Least Privilege Score = {_score(len(gas), len(others))} (should be 1 or less)\nCalculated by "
                     f"{len(gas)} global admins / {len(others)} privileged users without global admin role")
        else:
            score = "All privileged users are Global Admin"
        met = count_ok and len(gas) <= len(others)
        out.append(_result("MS.AAD.7.2v1", met, ("Requirement met" if met else "Requirement not met") + f": {score}"))
        synced = {u.display_name for u in posture.users if u.on_premises_immutable_id is not None}
        out.append(_result("MS.AAD.7.3v1", not synced, _listing(synced, "admin(s) that are not cloud-only found"), synced))

    def licensed(control: str, offenders: set[str], what: str) -> CheckResult:
        met = posture.has_p2 and not offenders
        details = _listing(offenders, what) if posture.has_p2 else P2_NOTE
        if posture.unchecked_roles and control not in ("MS.AAD.7.4v1", "MS.AAD.7.5v1"):
            details += f" (not in the {posture.source}, not checked: {', '.join(posture.unchecked_roles)})"
        return _result(control, met, details, offenders)

    have_assignments = all(r.assignments is not None for r in posture.roles)
    if have_assignments:
        permanent = set()
        for r in posture.roles:
            holders = {a.principal_id for a in r.assignments or () if a.end is None}
            users_ok, groups_ok = posture.exclusions.get("MS.AAD.7.4v1", (frozenset(), frozenset()))
            if holders - (users_ok | groups_ok):
                permanent.add(r.name)
        out.append(licensed("MS.AAD.7.4v1", permanent, "role(s) that contain users with permanent active assignment"))
        outside = {r.name for r in posture.roles if any(a.start is None for a in r.assignments or ())}
        out.append(licensed("MS.AAD.7.5v1", outside, "role(s) assigned to users outside of PIM"))
    else:
        for c in ("MS.AAD.7.4v1", "MS.AAD.7.5v1"):
            out.append(_not_checked(c, f"the {posture.source} has no role assignments"))

    def offenders(rule_ids: tuple[str, ...], pick, test) -> set[str]:
        return {rule.offender for r in posture.roles if pick(r) for rule in r.rules if rule.id in rule_ids and test(rule)}

    no_approval = offenders(("Approval_EndUser_Assignment",), lambda r: r.name == GA, lambda x: x.approval_required is False)
    out.append(licensed("MS.AAD.7.6v1", no_approval, "role(s) or group(s) allowing activation without approval found"))
    silent = offenders(("Notification_Admin_Admin_Assignment", "Notification_Admin_Admin_Eligibility"), lambda r: True,
                       lambda x: len(x.recipients) == 0)
    out.append(licensed("MS.AAD.7.7v1", silent,
                        "role(s) or group(s) without notification e-mail configured for role assignments found"))

    def quiet(x: PolicyRule) -> bool:
        return x.notification_type == "Email" and len(x.recipients) == 0

    ga_quiet = offenders(("Notification_Admin_EndUser_Assignment",), lambda r: r.name == GA, quiet)
    out.append(licensed("MS.AAD.7.8v1", ga_quiet, "role(s) or group(s) without notification e-mail configured for "
                                                  "Global Administrator activations found"))
    other_quiet = offenders(("Notification_Admin_EndUser_Assignment",), lambda r: r.name != GA, quiet)
    out.append(licensed("MS.AAD.7.9v1", other_quiet, "role(s) or group(s) without notification e-mail configured for "
                                                     "role activations found"))
    return tuple(out)


# ------------------------------------------------------------------------------- advice
@dataclass(frozen=True, slots=True)
class Advice:
    """A deployment-plan recommendation: Meets or Recommended, with why."""

    topic: str
    role: str
    result: str  # Meets or Recommended
    details: str
    source: str = DEPLOYMENT_PLAN

    @property
    def passed(self) -> bool:
        return self.result == "Meets"


# The deployment plan's example settings table (Global, Exchange and Helpdesk Administrator).
PLAN = {
    GA: {"mfa_or_context": True, "ticket": True, "approval": True, "max_hours": 1.0, "activation_alert": True},
    "Exchange Administrator": {"mfa_or_context": True, "ticket": False, "approval": False, "max_hours": 2.0,
                               "activation_alert": True},
    "Helpdesk Administrator": {"mfa_or_context": False, "ticket": True, "approval": False, "max_hours": 8.0,
                               "activation_alert": False},
}


def advice(posture: Posture) -> tuple[Advice, ...]:
    """Microsoft's recommendations: the deployment plan's example role settings (a role meets them
    when it is at least as strict), at least two approvers, fewer than five Global Administrators
    and no permanently active assignments except emergency access accounts."""
    out = []
    for role, want in PLAN.items():
        s = posture.settings.get(role)
        if s is None:
            continue
        gaps = []
        if want["mfa_or_context"] and not (s.require_mfa or s.auth_context):
            gaps.append("require Azure MFA or a Conditional Access authentication context on activation")
        if want["ticket"] and not s.require_ticket:
            gaps.append("require ticket information on activation")
        if want["approval"] and not s.require_approval:
            gaps.append("require approval to activate")
        if s.activation_max > want["max_hours"] * 60:
            gaps.append(f"activation maximum of {want['max_hours']:g} hour(s) (now {s.activation_max / 60:g})")
        activation_admin = next(n for n in s.notifications if n.rule_id == "Notification_Admin_EndUser_Assignment")
        if want["activation_alert"] and not (activation_admin.default_recipients or activation_admin.additional_recipients):
            gaps.append("send the role activation alert")
        out.append(Advice("Role settings", role, "Recommended" if gaps else "Meets",
                          "; ".join(gaps) if gaps else "at least as strict as the deployment plan's example"))
        if s.require_approval and len(s.approvers) < 2:
            out.append(Advice("Approvers", role, "Recommended", f"{len(s.approvers)} approver(s) selected; select at "
                              "least two (or rely on the default Privileged Role and Global Administrators)",
                              f"{facts.PIM}/pim-approval-workflow"))
    if posture.users is not None:
        gas = sorted(u.display_name for u in posture.users if GA in u.roles)
        out.append(Advice("Global Administrators", GA, "Meets" if len(gas) < 5 else "Recommended",
                          f"{len(gas)} Global Administrator(s); keep fewer than five", BEST_PRACTICES))
    if all(r.assignments is not None for r in posture.roles):
        excluded = set().union(*posture.exclusions.get("MS.AAD.7.4v1", (frozenset(), frozenset())))
        standing = sorted(f"{a.principal_id} ({r.name})" for r in posture.roles for a in r.assignments or ()
                          if a.end is None and a.principal_id not in excluded)
        out.append(Advice("Standing access", "highly privileged roles", "Recommended" if standing else "Meets",
                          ("permanently active: " + ", ".join(standing) + "; keep zero permanently active assignments "
                           "except emergency access accounts") if standing else "no permanently active assignments "
                          "besides excluded emergency access accounts"))
    return tuple(out)


def evaluate(posture: Posture) -> tuple[tuple[CheckResult, ...], tuple[Advice, ...]]:
    return scuba(posture), advice(posture)


def posture_from_file(path, *, exclusions: Mapping | None = None) -> Posture:
    """A ScubaGear provider export or a Graph policy export, told apart by their content."""
    from pim_sim.graph.reader import read_policies

    data = load_json(path)
    if is_scubagear_export(data):
        return posture_from_scubagear(data, exclusions=exclusions)
    return posture_from_policies(read_policies(data))
