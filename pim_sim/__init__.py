"""pim-sim: a discrete-event model of Microsoft Entra Privileged Identity Management.

The package never imports Streamlit; the dashboard and the quiz build on its public API.
"""

from .access import Explanation, Holding, How, Reason
from .alerts import AlertCenter, Incident, Severity
from .approvals import ApproverBehaviour, Away
from .audit import Activity, AuditRecord, Place, Service
from .clock import Clock, minutes
from .engine import ADMIN, MS_PIM, Simulation
from .errors import ModelError, PimRefusal, SettingError
from .lag import Lag
from .policy import RoleSettings, SettingsBook, default_settings
from .requests import Action, Request, Status
from .results import Results
from .reviews import AccessReview, AssignmentType, Frequency, NoResponse, ReviewerBehaviour, Reviewers
from .roles import Surface
from .runner import Replications, compare, replicate, run, sweep
from .scenario import Scenario, ScenarioError, default_scenario, list_scenarios, load_scenario
from .schedules import Kind, Origin, Schedule
from .tenant import DIRECTORY, Group, Licence, PrincipalKind, Scope, ServicePrincipal, Tenant, User

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
