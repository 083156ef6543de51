"""pim-sim: a discrete-event model of Microsoft Entra Privileged Identity Management.

The package never imports Streamlit; the dashboard and the quiz build on its public API.
"""

from .access import Explanation, Holding, How, Reason
from .approvals import ApproverBehaviour, Away
from .audit import Activity, AuditRecord, Place, Service
from .clock import Clock, minutes
from .engine import ADMIN, MS_PIM, Simulation
from .errors import ModelError, PimRefusal, SettingError
from .policy import RoleSettings, SettingsBook, default_settings
from .requests import Action, Request, Status
from .results import Results
from .roles import Surface
from .schedules import Kind, Origin, Schedule
from .tenant import DIRECTORY, Group, Licence, PrincipalKind, Scope, ServicePrincipal, Tenant, User

__all__ = [
    "ADMIN",
    "DIRECTORY",
    "MS_PIM",
    "Action",
    "Activity",
    "ApproverBehaviour",
    "AuditRecord",
    "Away",
    "Clock",
    "Explanation",
    "Group",
    "Holding",
    "How",
    "Kind",
    "Licence",
    "ModelError",
    "Origin",
    "PimRefusal",
    "Place",
    "PrincipalKind",
    "Reason",
    "Request",
    "Results",
    "RoleSettings",
    "Schedule",
    "Scope",
    "Service",
    "ServicePrincipal",
    "SettingError",
    "SettingsBook",
    "Simulation",
    "Status",
    "Surface",
    "Tenant",
    "User",
    "default_settings",
    "minutes",
]
__version__ = "0.1.0"
