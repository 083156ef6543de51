"""pim-sim: a discrete-event model of Microsoft Entra Privileged Identity Management.

The package never imports Streamlit; the dashboard and the quiz build on its public API.
"""

from pim_sim.core.access import Explanation, Holding, How, Reason
from pim_sim.core.approvals import ApproverBehaviour, Away
from pim_sim.core.audit import Activity, AuditRecord, Place, Service
from pim_sim.core.clock import Clock, minutes
from pim_sim.core.events import ADMIN, MS_PIM
from pim_sim.core.lag import Lag
from pim_sim.core.policy import RoleSettings, SettingsBook, default_settings
from pim_sim.core.requests import Action, Request, Status
from pim_sim.core.roles import Surface
from pim_sim.core.schedules import Kind, Origin, Schedule
from pim_sim.core.tenant import DIRECTORY, Group, Licence, PrincipalKind, Scope, ServicePrincipal, Tenant, User
from pim_sim.errors import ModelError, PimRefusal, SettingError
from pim_sim.features.alerts import AlertCenter, Incident, Severity
from pim_sim.features.reviews import AccessReview, AssignmentType, Frequency, NoResponse, ReviewerBehaviour, Reviewers
from pim_sim.simulation import Simulation

# Frames (pandas), replications and scenario files load when first named: ``import pim_sim`` stays light.
_LAZY = {
    "Results": "pim_sim.results.tables",
    **dict.fromkeys(("Replications", "compare", "replicate", "run", "sweep"), "pim_sim.runner"),
    **dict.fromkeys(("Scenario", "ScenarioError", "default_scenario", "list_scenarios", "load_scenario"),
                    "pim_sim.scenario.model"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pim_sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})

__all__ = [
    "ADMIN",
    "DIRECTORY",
    "MS_PIM",
    "AccessReview",
    "Action",
    "Activity",
    "AlertCenter",
    "ApproverBehaviour",
    "AssignmentType",
    "AuditRecord",
    "Away",
    "Clock",
    "Explanation",
    "Frequency",
    "Group",
    "Holding",
    "How",
    "Incident",
    "Kind",
    "Lag",
    "Licence",
    "ModelError",
    "NoResponse",
    "Origin",
    "PimRefusal",
    "Place",
    "PrincipalKind",
    "Reason",
    "Replications",
    "Request",
    "Results",
    "ReviewerBehaviour",
    "Reviewers",
    "RoleSettings",
    "Scenario",
    "ScenarioError",
    "Schedule",
    "Scope",
    "Service",
    "ServicePrincipal",
    "SettingError",
    "SettingsBook",
    "Severity",
    "Simulation",
    "Status",
    "Surface",
    "Tenant",
    "User",
    "compare",
    "default_scenario",
    "default_settings",
    "list_scenarios",
    "load_scenario",
    "minutes",
    "replicate",
    "run",
    "sweep",
]
__version__ = "0.1.0"
