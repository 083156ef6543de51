"""The scenario file format: pydantic models that validate a file and publish its JSON Schema.

Every model forbids unknown fields. Durations are ISO-8601 (``PT8H``, ``P1DT9H``) as Microsoft
Graph writes them; times in the timeline are offsets from the scenario's start. The models hold
validated *data*; :mod:`pim_sim.scenario.checks` checks the cross-references (is 'carol' a user?)
and :mod:`pim_sim.scenario.model` turns them into a simulation. One module per part of a file:
``base`` (field types and limits), ``tenant`` (who exists, preset, assignments), ``settings``
(role and alert settings), ``behaviour`` (approvers, reviewers, workload, lag), ``steps`` (the
timeline), ``observations`` (what a lesson checks) and ``scenario`` (the whole file).
"""

from pim_sim.scenario.spec.base import (
    ISO_DURATION,
    MAX_DURATION_DAYS,
    MAX_HORIZON_DAYS,
    MAX_REPLICATIONS,
    NUMBER_FIELDS,
    START_RANGE,
    WEEKDAYS,
    Duration,
    LicenceName,
    Name,
    Offset,
    Probability,
    RoleName,
    Spec,
    Text,
    Weekday,
)
from pim_sim.scenario.spec.behaviour import (
    ApproverSpec,
    AwaySpec,
    LagSpec,
    ReviewerSpec,
    WorkingHoursSpec,
    WorkloadSpec,
)
from pim_sim.scenario.spec.observations import (
    ObservationSpec,
)
from pim_sim.scenario.spec.scenario import (
    ScenarioSpec,
    json_schema,
)
from pim_sim.scenario.spec.settings import (
    AlertSettingSpec,
    AlertsSpec,
    SettingFields,
    SettingsFromSpec,
    SettingSpec,
)
from pim_sim.scenario.spec.steps import (
    ActivateStep,
    ApproveStep,
    AssignOutsidePimStep,
    AssignStep,
    CancelStep,
    DeactivateStep,
    DecideStep,
    DecideUpdateStep,
    DenyStep,
    RemoveStep,
    RequestExtendStep,
    RequestRenewStep,
    ReviewApplyStep,
    ReviewDecideStep,
    ReviewStep,
    SetLicenceStep,
    SetSettingsStep,
    SignInStep,
    Step,
    TimelineStep,
    UpdateRequestStep,
)
from pim_sim.scenario.spec.tenant import (
    AssignmentSpec,
    GroupSpec,
    PresetSpec,
    ScopeSpec,
    TenantSpec,
    UserSpec,
)

__all__ = [
    "ISO_DURATION",
    "MAX_DURATION_DAYS",
    "MAX_HORIZON_DAYS",
    "MAX_REPLICATIONS",
    "NUMBER_FIELDS",
    "START_RANGE",
    "WEEKDAYS",
    "ActivateStep",
    "AlertSettingSpec",
    "AlertsSpec",
    "ApproveStep",
    "ApproverSpec",
    "AssignOutsidePimStep",
    "AssignStep",
    "AssignmentSpec",
    "AwaySpec",
    "CancelStep",
    "DeactivateStep",
    "DecideStep",
    "DecideUpdateStep",
    "DenyStep",
    "Duration",
    "GroupSpec",
    "LagSpec",
    "LicenceName",
    "Name",
    "ObservationSpec",
    "Offset",
    "PresetSpec",
    "Probability",
    "RemoveStep",
    "RequestExtendStep",
    "RequestRenewStep",
    "ReviewApplyStep",
    "ReviewDecideStep",
    "ReviewStep",
    "ReviewerSpec",
    "RoleName",
    "ScenarioSpec",
    "ScopeSpec",
    "SetLicenceStep",
    "SetSettingsStep",
    "SettingFields",
    "SettingSpec",
    "SettingsFromSpec",
    "SignInStep",
    "Spec",
    "Step",
    "TenantSpec",
    "Text",
    "TimelineStep",
    "UpdateRequestStep",
    "UserSpec",
    "Weekday",
    "WorkingHoursSpec",
    "WorkloadSpec",
    "json_schema",
]
