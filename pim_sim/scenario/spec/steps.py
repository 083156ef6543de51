"""The timeline: scripted steps at offsets from the start, each naming the
:class:`~pim_sim.Simulation` method it calls (``do: activate`` calls ``Simulation.activate``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from pim_sim.scenario.spec.base import Duration, LicenceName, Name, Offset, RoleName, Spec, Text
from pim_sim.scenario.spec.behaviour import ReviewerSpec
from pim_sim.scenario.spec.settings import SettingFields


class Step(Spec):
    at: Offset
    note: Text = ""


class AssignStep(Step):
    do: Literal["assign"]
    principal: Name
    role: RoleName
    scope: str = "/"
    kind: Literal["eligible", "active"] = "eligible"
    duration: Duration | None = None
    justification: Text = "Assigned in the scenario"
    by: Name = "admin"


class ActivateStep(Step):
    """``alice requests Global Administrator for PT2H with justification ...``"""

    do: Literal["activate"]
    principal: Name
    role: RoleName
    scope: str = "/"
    duration: Duration | None = None
    justification: Text = ""
    ticket: Text = ""
    ticket_system: Text = ""  # Graph's ticketInfo.ticketSystem (e.g. ServiceNow), beside the ticket number
    mfa: bool = True
    context_satisfied: bool = True


class DecideStep(Step):
    """An approver decides the latest request of ``requester`` for ``role`` (a pending one if any)."""

    by: Name
    requester: Name
    role: RoleName
    scope: str = "/"
    justification: Text | None = None


class ApproveStep(DecideStep):
    do: Literal["approve"]


class DenyStep(DecideStep):
    do: Literal["deny"]


class CancelStep(Step):
    do: Literal["cancel"]
    requester: Name
    role: RoleName
    scope: str = "/"
    by: Name | None = None


class DeactivateStep(Step):
    do: Literal["deactivate"]
    principal: Name
    role: RoleName
    scope: str = "/"


class UpdateRequestStep(Step):
    principal: Name
    role: RoleName
    scope: str = "/"
    kind: Literal["eligible", "active"] = "eligible"
    duration: Duration | None = None
    justification: Text = ""


class RequestExtendStep(UpdateRequestStep):
    do: Literal["request_extend"]


class RequestRenewStep(UpdateRequestStep):
    do: Literal["request_renew"]


class DecideUpdateStep(Step):
    do: Literal["decide_update"]
    by: Name
    requester: Name
    role: RoleName
    scope: str = "/"
    approve: bool = True
    justification: Text = ""


class RemoveStep(Step):
    """An administrator removes ``principal``'s assignment of ``role`` (of ``kind``, if given)."""

    do: Literal["remove"]
    principal: Name
    role: RoleName
    scope: str = "/"
    kind: Literal["eligible", "active"] | None = None
    by: Name = "admin"
    justification: Text = ""


class AssignOutsidePimStep(Step):
    do: Literal["assign_outside_pim"]
    principal: Name
    role: RoleName
    scope: str = "/"
    by: Name = "admin"


class SetSettingsStep(Step, SettingFields):
    do: Literal["set_settings"]
    role: RoleName
    scope: str = "/"
    by: Name = "admin"


class SetLicenceStep(Step):
    do: Literal["set_licence"]
    licence: LicenceName


class SignInStep(Step):
    do: Literal["sign_in"]
    principal: Name


class ReviewStep(Step):
    """``at P30D an access review starts``: creates an access review (see
    :class:`pim_sim.features.reviews.AccessReview`); its first instance starts now. ``behaviour`` simulates
    the reviewers; without it they decide only through ``review_decide`` steps."""

    do: Literal["review"]
    name: Name
    role: RoleName
    scope: str = "/"
    assignment_type: Literal["eligible", "active", "all"] = "all"
    principal_types: list[Literal["users", "groups", "servicePrincipals"]] = ["users", "groups"]
    inactive_days: int | None = None
    reviewers: Literal["selectedUsers", "self", "manager", "groupOwners"] = "selectedUsers"
    selected: list[Name] = []
    fallback: list[Name] = []
    frequency: Literal["oneTime", "weekly", "monthly", "quarterly", "semiAnnually", "annually"] = "oneTime"
    duration_days: int = Field(30, ge=1)
    occurrences: int | None = Field(None, ge=1)
    auto_apply: bool = False
    no_response: Literal["No change", "Remove access", "Approve access", "Take recommendations"] = "No change"
    recommendations: bool = True
    require_reason: bool = False
    behaviour: ReviewerSpec | None = None
    by: Name = "admin"


class ReviewDecideStep(Step):
    """A reviewer approves or denies one principal in the latest instance of the named review."""

    do: Literal["review_decide"]
    review: Name
    principal: Name
    approve: bool
    by: Name
    reason: Text = ""


class ReviewApplyStep(Step):
    """Apply the results of the named review's latest completed instance (the Apply button)."""

    do: Literal["review_apply"]
    review: Name
    by: Name = "admin"


TimelineStep = Annotated[
    AssignStep | ActivateStep | ApproveStep | DenyStep | CancelStep | DeactivateStep | RequestExtendStep
    | RequestRenewStep | DecideUpdateStep | RemoveStep | AssignOutsidePimStep | SetSettingsStep | SetLicenceStep
    | SignInStep | ReviewStep | ReviewDecideStep | ReviewApplyStep,
    Field(discriminator="do"),
]
