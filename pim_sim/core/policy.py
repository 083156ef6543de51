"""Role settings (PIM policies), their documented defaults per surface and their ranges.

Microsoft Entra settings are per role, tenant-wide; Azure settings are per role *per
resource* and are not inherited by child scopes; PIM for Groups settings are per role (Member
or Owner) per group. Sources: pim-how-to-change-default-settings,
pim-resource-roles-configure-role-settings, groups-role-settings and the Graph policy example
(``facts.SOURCES``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import cast

from pim_sim import facts
from pim_sim.core.clock import minutes, span, span_range
from pim_sim.core.roles import Surface
from pim_sim.errors import ModelError, SettingError

DAY = facts.DAY
_DURATIONS = frozenset({"activation_max", "eligible_max", "active_max"})
_FLAGS = frozenset({"require_mfa", "require_justification", "require_ticket", "require_approval",
                    "approver_justification_required", "eligible_permanent_allowed", "active_permanent_allowed",
                    "mfa_on_active_assignment", "justification_on_active_assignment"})


class NotificationEvent(StrEnum):
    ELIGIBLE_ASSIGNED = "Eligibility"  # "Send notifications when members are assigned as eligible"
    ACTIVE_ASSIGNED = "Assignment"  # "... when members are assigned as active"
    ACTIVATED = "Activation"  # "... when eligible members activate this role"


class Recipient(StrEnum):
    ADMIN = "Admin"
    REQUESTOR = "Requestor"
    APPROVER = "Approver"


# Graph rule id for each of the nine notification rules.
NOTIFICATION_RULE_IDS = {
    (NotificationEvent.ELIGIBLE_ASSIGNED, Recipient.ADMIN): "Notification_Admin_Admin_Eligibility",
    (NotificationEvent.ELIGIBLE_ASSIGNED, Recipient.REQUESTOR): "Notification_Requestor_Admin_Eligibility",
    (NotificationEvent.ELIGIBLE_ASSIGNED, Recipient.APPROVER): "Notification_Approver_Admin_Eligibility",
    (NotificationEvent.ACTIVE_ASSIGNED, Recipient.ADMIN): "Notification_Admin_Admin_Assignment",
    (NotificationEvent.ACTIVE_ASSIGNED, Recipient.REQUESTOR): "Notification_Requestor_Admin_Assignment",
    (NotificationEvent.ACTIVE_ASSIGNED, Recipient.APPROVER): "Notification_Approver_Admin_Assignment",
    (NotificationEvent.ACTIVATED, Recipient.ADMIN): "Notification_Admin_EndUser_Assignment",
    (NotificationEvent.ACTIVATED, Recipient.REQUESTOR): "Notification_Requestor_EndUser_Assignment",
    (NotificationEvent.ACTIVATED, Recipient.APPROVER): "Notification_Approver_EndUser_Assignment",
}


@dataclass(frozen=True, slots=True)
class NotificationRule:
    event: NotificationEvent
    recipient: Recipient
    default_recipients: bool = True
    additional_recipients: tuple[str, ...] = ()
    critical_only: bool = False

    @property
    def rule_id(self) -> str:
        return NOTIFICATION_RULE_IDS[(self.event, self.recipient)]


def default_notifications() -> tuple[NotificationRule, ...]:
    """All nine rules on, default recipients, level All (Graph policy example)."""
    return tuple(NotificationRule(e, r) for e, r in NOTIFICATION_RULE_IDS)


@dataclass(frozen=True, slots=True)
class RoleSettings:
    """One role's PIM settings. Durations are minutes; ``None`` means not set."""

    activation_max: float = facts.DEFAULT_ACTIVATION_MAX_MINUTES.value
    require_mfa: bool = True
    auth_context: str | None = None
    require_justification: bool = True
    require_ticket: bool = False
    require_approval: bool = False
    approvers: tuple[str, ...] = ()
    approver_justification_required: bool = True
    eligible_permanent_allowed: bool = True
    eligible_max: float = 365 * DAY
    active_permanent_allowed: bool = True
    active_max: float = 180 * DAY
    mfa_on_active_assignment: bool = False
    justification_on_active_assignment: bool = True
    notifications: tuple[NotificationRule, ...] = field(default_factory=default_notifications)
    _by_recipient: dict = field(default=cast(dict, None), init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_recipient", {(n.event, n.recipient): n for n in self.notifications})

    def with_changes(self, **changes) -> RoleSettings:
        """A copy with some settings changed (the original is never mutated). Durations may be
        minutes or ISO-8601 text (``PT4H``, ``P90D``); an unknown setting name is refused by name."""
        known = {f.name for f in fields(self) if f.init}
        for name in changes:
            if name not in known:
                raise SettingError(name, changes[name], "no such role setting; known settings: " + ", ".join(sorted(known)))
        for name in _FLAGS & changes.keys():
            if not isinstance(changes[name], bool):
                raise SettingError(name, changes[name], "must be true or false")
        if changes.get("auth_context") is not None and not isinstance(changes["auth_context"], str):
            raise SettingError("auth_context", changes["auth_context"], "name a Conditional Access authentication context "
                               "such as 'c1', or None")
        if "approvers" in changes:
            if isinstance(changes["approvers"], str) or not all(isinstance(a, str) for a in changes["approvers"]):
                raise SettingError("approvers", changes["approvers"], "give a list of user or group names")
            changes["approvers"] = tuple(changes["approvers"])
        for name in _DURATIONS & changes.keys():
            try:
                changes[name] = minutes(changes[name])
            except ModelError as e:
                raise SettingError(name, changes[name], str(e)) from None
        return replace(self, **changes)

    def validate(self, surface: Surface) -> RoleSettings:
        """Refuse values PIM refuses; return self so calls can chain."""
        src = facts.ACTIVATION_MAX_RANGE_MINUTES
        low, high = src.value
        if not low <= self.activation_max <= high:
            raise SettingError("Activation maximum duration", _hours(self.activation_max),
                               f"allowed range is {span_range(low, high)}", src.source)
        if self.require_mfa and self.auth_context:
            raise SettingError(
                "On activation, require", "Azure MFA and authentication context",
                "choose either multifactor authentication or a Conditional Access authentication "
                "context, not both (Graph error MfaAndAcrsConflict)", facts.SOURCES["entra_settings"])
        if self.auth_context is not None and not self.auth_context.strip():
            raise SettingError("Conditional Access authentication context", self.auth_context,
                               "name a context such as 'c1'")
        if self.require_approval and not self.approvers and surface is not Surface.ENTRA:
            page = facts.SOURCES["azure_settings" if surface is Surface.AZURE else "group_settings"]
            raise SettingError("Require approval to activate", "no approvers",
                               f"{surface.value} roles have no default approvers; select at least one", page)
        for name, value in (("Expire eligible assignments after", self.eligible_max),
                            ("Expire active assignments after", self.active_max)):
            if value < facts.MIN_ASSIGNMENT_MINUTES.value:
                raise SettingError(name, _hours(value), f"must be at least {span(facts.MIN_ASSIGNMENT_MINUTES.value)}",
                                   facts.MIN_ASSIGNMENT_MINUTES.source)
        seen = {(n.event, n.recipient) for n in self.notifications}
        if len(self.notifications) != 9 or len(seen) != 9:
            raise SettingError("Notifications", len(self.notifications),
                               "there are exactly nine notification rules, one per event and recipient")
        return self

    def notification(self, event: NotificationEvent, recipient: Recipient) -> NotificationRule:
        """The rule for one event and recipient kind."""
        return self._by_recipient[(event, recipient)]

    def email(self, event: NotificationEvent, recipient: Recipient, recipients: str) -> tuple[str, str] | tuple[()]:
        """(rule id, recipient list) of the email the rule for this event and recipient kind sends to the default
        ``recipients`` (";"-separated), or () when it sends none. At most 1000 recipients per PIM event; the rest
        get no email (and keep their permissions)."""
        rule = self.notification(event, recipient)
        if not (rule.default_recipients or rule.additional_recipients):
            return ()
        who = [p for p in recipients.split(";") if p] if rule.default_recipients else []
        return rule.rule_id, ";".join([*who, *rule.additional_recipients][:facts.MAX_NOTIFICATION_RECIPIENTS.value])

    def expiry_rule(self, active: bool) -> tuple[bool, float]:
        """(permanent allowed, maximum minutes) for active or eligible assignments."""
        if active:
            return self.active_permanent_allowed, self.active_max
        return self.eligible_permanent_allowed, self.eligible_max


def _hours(mins: float) -> str:
    return f"{mins / 60:g} hours"


# Which defaults Microsoft Learn documents. Entra: the unmodified DirectoryRole policy in the
# Graph docs. Azure and Groups defaults are not on Learn; the values below follow the
# community reports and the Graph "assume by default" example and are flagged as unverified.
DEFAULT_PROVENANCE = {
    Surface.ENTRA: facts.Fact("Entra defaults", facts.SOURCES["graph_policy"], True),
    Surface.AZURE: facts.Fact(
        "Azure defaults", "https://github.com/hashicorp/terraform-provider-azurerm/issues/22766", False,
        "Community-reported: eligible capped at 1 year, active at 6 months; MFA on activation "
        "commonly reported as off. Verify in your tenant."),
    Surface.GROUPS: facts.Fact(
        "Groups defaults", facts.SOURCES["groups_api"], False,
        "The Graph overview presents these as an example: eligible up to 1 year and active up to "
        "6 months, both required; activation needs justification only."),
}

_DEFAULTS = {
    Surface.ENTRA: RoleSettings(),
    Surface.AZURE: RoleSettings(require_mfa=False, eligible_permanent_allowed=False,
                                active_permanent_allowed=False),
    Surface.GROUPS: RoleSettings(require_mfa=False, eligible_permanent_allowed=False,
                                 active_permanent_allowed=False),
}


def default_settings(surface: Surface) -> RoleSettings:
    """The settings a freshly enabled tenant shows for a role on this surface."""
    return _DEFAULTS[surface]


@dataclass(frozen=True)
class SettingsBook:
    """Role settings by (role name, scope id). Look-ups never walk up the scope tree: an
    Azure setting made at a subscription is not inherited by its resource groups."""

    overrides: dict[tuple[str, str], RoleSettings] = field(default_factory=dict)

    def lookup(self, role: str, scope: str, surface: Surface) -> RoleSettings:
        key_scope = "/" if surface is Surface.ENTRA else scope
        return self.overrides.get((role, key_scope)) or default_settings(surface)

    def with_setting(self, role: str, scope: str, surface: Surface, settings: RoleSettings) -> SettingsBook:
        settings.validate(surface)
        key_scope = "/" if surface is Surface.ENTRA else scope
        return SettingsBook({**self.overrides, (role, key_scope): settings})
