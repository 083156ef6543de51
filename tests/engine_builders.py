"""Shared builders for the engine's tests: one small tenant, and the SimPy-log style views
(``(activity, minute)`` and ``(status, minute)`` lists) that lifecycle tests compare with one ``==``."""

from __future__ import annotations

from pim_sim import Group, PrincipalKind, ServicePrincipal, Simulation, Tenant, User
from pim_sim.core.audit import Service

MG = "/providers/Microsoft.Management/managementGroups/corp"
SUB = "/subscriptions/prod"
RG = "/subscriptions/prod/resourceGroups/app"
VM = "/subscriptions/prod/resourceGroups/app/providers/Microsoft.Compute/virtualMachines/vm1"
OTHER_RG = "/subscriptions/prod/resourceGroups/data"
AU = "/administrativeUnits/paris"
GA = "Global Administrator"
PRA = "Privileged Role Administrator"
SEC = "Security Administrator"


def tenant(licence: str = "P2", **overrides) -> Tenant:
    """Members alice, bob, carol, dave (bob manages alice), a guest, a service principal, a
    role-assignable group ``admins`` (carol), a plain group ``helpdesk`` (dave) and the Azure tree
    MG > SUB > RG > VM plus a second resource group."""
    parts = dict(
        users=[User("alice", manager="bob"), "bob", "carol", "dave", User("erin", PrincipalKind.GUEST)],
        service_principals=[ServicePrincipal("deploy-bot")],
        groups=[Group("admins", role_assignable=True, members=("carol",)), Group("helpdesk", members=("dave",))],
        scopes=[(SUB, MG), VM, OTHER_RG, AU],
        licence=licence,
    )
    parts.update(overrides)
    return Tenant.build(**parts)


def simulation(*, seed: int = 0, lag: bool = False, licence: str = "P2", **kwargs) -> Simulation:
    """A simulation over :func:`tenant`; without activation lag unless asked, so times are exact."""
    return Simulation(tenant(licence), seed=seed, lag=lag, **kwargs)


def with_admin(sim: Simulation, name: str = "bob", role: str = GA) -> Simulation:
    """Give ``name`` a standing active assignment (GA by default) so they can administer and approve."""
    sim.assign(name, role, kind="active", justification="standing administrator")
    return sim


def activities(sim: Simulation, service: str | None = Service.PIM, request_id: str | None = None) -> list[tuple[str, float]]:
    """``(activity, minute)`` for every audit record of a service (all services with ``None``)."""
    return [(r.activity, r.minute) for r in sim.audit
            if (service is None or r.service == service) and (request_id is None or r.request_id == request_id)]


def statuses(sim: Simulation, request_id: str) -> list[tuple[str, float]]:
    """``(status, minute)`` for one request's lifecycle."""
    return [(str(c.status), c.minute) for c in sim.status_log if c.request_id == request_id]


def refusal_rules(sim: Simulation) -> list[tuple[str, str]]:
    """``(rule, code)`` of every recorded refusal, in order."""
    return [(r.rule, r.code) for r in sim.refusals]
