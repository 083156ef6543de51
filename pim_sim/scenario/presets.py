"""Named preset tenants a scenario can start from, changing only what its lesson needs.

A preset is a tenant (users, groups, scopes, licence) plus the assignments in place at the
start. ``contoso`` is a small classroom tenant with an Azure scope tree; ``enterprise`` is
generated at a chosen size (``users`` and ``privileged``), bounded by :data:`MAX_USERS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pim_sim.core.roles import ENTRA_ROLES
from pim_sim.scenario.spec import AssignmentSpec, GroupSpec, PresetSpec, ScopeSpec, TenantSpec, UserSpec

MAX_USERS = 50_000
MG = "/providers/Microsoft.Management/managementGroups/contoso-root"
SUBSCRIPTION = "/subscriptions/prod"
RESOURCE_GROUP = "/subscriptions/prod/resourceGroups/app-rg"


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    title: str
    description: str
    tenant: TenantSpec
    assignments: tuple[AssignmentSpec, ...] = ()


def _contoso(_: PresetSpec) -> Preset:
    users = [UserSpec(name="alice", manager="dave"), UserSpec(name="bob", manager="dave"),
             UserSpec(name="carol"), UserSpec(name="dave"), UserSpec(name="erin", manager="dave"),
             UserSpec(name="frank", kind="guest"), UserSpec(name="breakglass", display_name="Emergency access")]
    groups = [GroupSpec(name="helpdesk-admins", role_assignable=True, members=["erin"]),
              GroupSpec(name="pim-approvers", members=["bob", "carol"])]
    scopes = [ScopeSpec(id=MG), ScopeSpec(id=SUBSCRIPTION, parent=MG), ScopeSpec(id=RESOURCE_GROUP),
              ScopeSpec(id=f"{RESOURCE_GROUP}/providers/Microsoft.Storage/storageAccounts/appdata")]
    tenant = TenantSpec(name="contoso", licence="P2", users=users, groups=groups, scopes=scopes,
                        service_principals=["deploy-pipeline"])
    assignments = (
        AssignmentSpec(principal="breakglass", role="Global Administrator", kind="active",
                       justification="Emergency access account"),
        AssignmentSpec(principal="carol", role="Privileged Role Administrator", kind="active",
                       justification="PIM administrator"),
        AssignmentSpec(principal="dave", role="Owner", scope=SUBSCRIPTION, kind="active", duration=180 * 1440.0,
                       justification="Subscription owner"),
    )
    return Preset("contoso", "Contoso (classroom)",
                  "Seven users (alice, bob, carol, dave, erin, frank the guest, breakglass), two groups, an "
                  "Azure tree contoso-root > prod > app-rg > appdata; breakglass is a permanent Global "
                  "Administrator, carol the Privileged Role Administrator, dave the subscription Owner.",
                  tenant, assignments)


def _enterprise(spec: PresetSpec) -> Preset:
    n = spec.users or 1000
    privileged = spec.privileged if spec.privileged is not None else max(1, n // 20)
    if n > MAX_USERS:
        raise ValueError(f"the enterprise preset generates at most {MAX_USERS:,} users; {n:,} were asked for")
    if privileged > n - 6:
        raise ValueError(f"privileged ({privileged:,}) must leave room for the 6 administrators among {n:,} users")
    width = len(str(n - 1))
    names = [f"user{i:0{width}d}" for i in range(n)]
    roles = [r for r in ENTRA_ROLES if r != "Global Administrator"]
    assignments = [AssignmentSpec(principal=names[-1], role="Global Administrator", kind="active",
                                  justification="Emergency access account")]
    for i in range(privileged):
        user = names[5 + i]
        for k in range(1 + i % 2):
            assignments.append(AssignmentSpec(principal=user, role=roles[(i + 7 * k) % len(roles)]))
    tenant = TenantSpec(name="fabrikam", licence="P2", users=[UserSpec(name=u) for u in names],
                        groups=[GroupSpec(name="pim-approvers", members=names[:5])])
    return Preset("enterprise", "Enterprise (generated)",
                  f"{n:,} users user0..; the first five approve (group pim-approvers); {privileged:,} users from "
                  "user5 on are eligible for one or two Microsoft Entra roles; the last user is a permanent "
                  "Global Administrator. Size it with users: and privileged:.", tenant, tuple(assignments))


_BUILDERS = {"contoso": _contoso, "enterprise": _enterprise}
PRESET_NAMES = tuple(_BUILDERS)


def preset(spec: PresetSpec | str) -> Preset:
    """The named preset, built at the asked size. Unknown names and oversize requests raise ValueError."""
    spec = PresetSpec(name=spec) if isinstance(spec, str) else spec
    try:
        build = _BUILDERS[spec.name]
    except KeyError:
        raise ValueError(f"{spec.name!r} is not a preset; choose one of: {', '.join(PRESET_NAMES)}") from None
    if build is _contoso and (spec.users is not None or spec.privileged is not None):
        raise ValueError("the contoso preset has a fixed size; users and privileged apply to 'enterprise'")
    return build(spec)
