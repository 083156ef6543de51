"""The 17 policy rules as pydantic models, and what each means for the model's role settings.

Shapes follow Microsoft Graph's rule resources
(https://learn.microsoft.com/en-us/graph/api/resources/unifiedrolemanagementpolicyrule and the derived
``...ExpirationRule``, ``...EnablementRule``, ``...ApprovalRule``, ``...AuthenticationContextRule`` and
``...NotificationRule`` pages). Keys are read whatever their case (camelCase from Graph REST, PascalCase from the
PowerShell SDK) and so are enum values (``All``/``all``, ``SingleStage``/``singleStage``); ``null``, ``""``, ``[]``
and ``[""]`` all mean "nothing" in a string collection. A value of the wrong shape is refused with an error that
names the rule and the field as Graph spells it (``setting.approvalStages[0].primaryApprovers[2]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from pim_sim import facts
from pim_sim.core.clock import minutes
from pim_sim.core.policy import NOTIFICATION_RULE_IDS, NotificationRule
from pim_sim.core.roles import Surface
from pim_sim.errors import ModelError
from pim_sim.graph.shapes import GraphImportError, ImportNote
from pim_sim.graph.vocabulary import ARM_DOCS, arm_rule_type, odata_type, rule_type, target_of

_NOTIFICATION_BY_ID = {v: k for k, v in NOTIFICATION_RULE_IDS.items()}


# ------------------------------------------------------------------------------- case-insensitive enums
class GraphEnum(StrEnum):
    """A Graph enumeration whose values are read in any case (``all`` is ``All``)."""

    @classmethod
    def _missing_(cls, value: object) -> GraphEnum | None:
        if isinstance(value, str):
            folded = value.strip().casefold()
            for member in cls:
                if member.value.casefold() == folded:
                    return member
        return None

    @classmethod
    def listed(cls) -> str:
        values = [m.value for m in cls]
        return ", ".join(values[:-1]) + " or " + values[-1]


class Enablement(GraphEnum):
    MFA = "MultiFactorAuthentication"
    JUSTIFICATION = "Justification"
    TICKETING = "Ticketing"


class ApprovalMode(GraphEnum):
    SINGLE_STAGE = "SingleStage"
    SERIAL = "Serial"
    PARALLEL = "Parallel"
    NO_APPROVAL = "NoApproval"


class NotificationLevel(GraphEnum):
    NONE = "None"
    CRITICAL = "Critical"
    ALL = "All"


class NotificationType(GraphEnum):
    EMAIL = "Email"


class RecipientType(GraphEnum):
    REQUESTOR = "Requestor"
    APPROVER = "Approver"
    ADMIN = "Admin"


class Caller(GraphEnum):
    NONE = "None"
    ADMIN = "Admin"
    END_USER = "EndUser"


class Level(GraphEnum):
    ELIGIBILITY = "Eligibility"
    ASSIGNMENT = "Assignment"


def _enum(cls: type[GraphEnum], problem: str | None = None):
    """A validator reading ``cls`` in any case; ``None`` stays ``None``."""

    def read(value: Any) -> GraphEnum | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return cls(value)
            except ValueError:
                pass
        raise ValueError(problem.format(value=value) if problem else f"{value!r} is not {cls.listed()}")

    return BeforeValidator(read)


# ------------------------------------------------------------------------------- scalar shapes
def _bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.casefold() in ("true", "false"):
        return value.casefold() == "true"  # PowerShell sometimes stringifies booleans
    raise ValueError(f"{value!r} is not true or false")


def _strings(value: Any) -> tuple[str, ...]:
    """A string collection; ``null``, ``[]`` and ``[""]`` all mean "none"."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | type(None)) for v in value):
        raise ValueError(f"{value!r} is not a list of strings")
    return tuple(v.strip() for v in value if v and v.strip())


def _enablements(value: Any) -> tuple[Enablement, ...]:
    out = []
    for v in _strings(value):
        try:
            out.append(Enablement(v))
        except ValueError:
            raise ValueError(f"{v!r} is not {Enablement.listed()}") from None
    return tuple(out)


def _text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    return value


def _duration_text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{value!r} is not an ISO-8601 duration such as PT8H or P365D")
    return value


def _list(problem: str, of: type | None = None):
    def check(value: Any) -> list:
        if value is None:
            return []
        if not isinstance(value, list) or (of is not None and not all(isinstance(v, of) for v in value)):
            raise ValueError(problem)
        return value

    return BeforeValidator(check)


def _at_most_two(stages: tuple) -> tuple:
    if len(stages) > 2:
        raise ValueError(f"{len(stages)} stages; Graph allows one or two")
    return stages


GraphBool = Annotated[bool | None, BeforeValidator(_bool)]
Strings = Annotated[tuple[str, ...], BeforeValidator(_strings)]


# ------------------------------------------------------------------------------- the models
class GraphModel(BaseModel):
    """A Graph object: keys in any case (each field is read by its case-folded name), unknown keys ignored."""

    model_config = ConfigDict(extra="ignore", alias_generator=str.casefold, populate_by_name=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _fold_keys(cls, data: Any) -> Any:
        return {str(k).casefold(): v for k, v in data.items()} if isinstance(data, dict) else data


class Target(GraphModel):
    caller: Annotated[Caller | None, _enum(Caller)] = None
    level: Annotated[Level | None, _enum(Level)] = None
    operations: Annotated[tuple[str, ...] | None, _list("is not a list of operations such as ['All']", str)] = None


class Rule(GraphModel):
    id: str
    odataType: str | None = Field(None, alias="@odata.type")
    ruleType: str | None = None  # Azure Resource Manager's name of the derived type
    target: Target | None = None


class ExpirationRule(Rule):
    isExpirationRequired: GraphBool = None
    maximumDuration: Annotated[str | None, BeforeValidator(_duration_text)] = None


class EnablementRule(Rule):
    enabledRules: Annotated[tuple[Enablement, ...], BeforeValidator(_enablements)] = ()


class Approver(GraphModel):
    """An approver: ``userId``/``groupId`` (v1.0) or ``id`` (beta, ScubaGear)."""

    userId: Any = None
    groupId: Any = None
    id: Any = None

    @model_validator(mode="after")
    def _named(self) -> Approver:
        if not isinstance(self.ident, str) or not self.ident.strip():
            raise ValueError("has no userId, groupId or id")
        return self

    @property
    def ident(self) -> Any:
        return self.userId or self.groupId or self.id


class ApprovalStage(GraphModel):
    isApproverJustificationRequired: GraphBool = None
    primaryApprovers: Annotated[tuple[Approver, ...], _list("must be a list")] = ()


class ApprovalSettings(GraphModel):
    isApprovalRequired: GraphBool = None
    approvalMode: Annotated[ApprovalMode | None, _enum(ApprovalMode)] = None
    approvalStages: Annotated[tuple[ApprovalStage, ...], _list("must be a list of stage objects", dict),
                              AfterValidator(_at_most_two)] = ()


class ApprovalRule(Rule):
    setting: ApprovalSettings | None = None


class AuthenticationContextRule(Rule):
    isEnabled: GraphBool = None
    claimValue: Annotated[str | None, BeforeValidator(_text)] = None


class NotificationRuleShape(Rule):
    notificationType: Annotated[NotificationType | None,
                                _enum(NotificationType, "{value!r}; the only notification type is Email")] = None
    recipientType: Annotated[RecipientType | None, _enum(RecipientType)] = None
    notificationLevel: Annotated[NotificationLevel | None, _enum(NotificationLevel)] = None
    isDefaultRecipientsEnabled: GraphBool = None
    notificationRecipients: Strings = ()


MODELS: dict[str, type[Rule]] = {"Expiration": ExpirationRule, "Enablement": EnablementRule, "Approval": ApprovalRule,
                                 "AuthenticationContext": AuthenticationContextRule,
                                 "Notification": NotificationRuleShape}
# Graph's spelling of every field, for error paths (pydantic reports the case-folded key it read).
_NAMED: tuple[type[GraphModel], ...] = (*MODELS.values(), Target, Approver, ApprovalStage, ApprovalSettings)
_GRAPH_NAMES = {(f.alias or name): name for m in _NAMED for name, f in m.model_fields.items()}


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + _GRAPH_NAMES.get(str(part), str(part))
    return out


def _problem(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if error["loc"] and str(error["loc"][-1]) == "target":
            return "must be an object with caller and level"
        if len(error["loc"]) >= 2 and str(error["loc"][-2]) == "primaryapprovers":
            return "must be an object such as {'@odata.type': '#microsoft.graph.singleUser', 'userId': ...}"
        return "must be an object"
    if kind == "missing":
        return "missing"
    return f"{error['input']!r:.60} is not valid ({error['msg']})"


def parse_rule(rid: str, rule: dict, where: str) -> Rule:
    """The rule of this id as its typed model, or a GraphImportError naming the field."""
    try:
        return MODELS[rule_type(rid)].model_validate(rule)
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        raise GraphImportError(where, _path(first["loc"]), _problem(first)) from None


# ------------------------------------------------------------------------------- meaning
def duration(value: Any, where: str, name: str) -> float:
    """Minutes of an ISO-8601 duration (``PT8H``, ``P365D``), or a GraphImportError."""
    if not isinstance(value, str) or not value.strip():
        raise GraphImportError(where, name, f"{value!r} is not an ISO-8601 duration such as PT8H or P365D")
    try:
        mins = minutes(value)
    except ModelError as e:
        raise GraphImportError(where, name, str(e)) from None
    if mins <= 0:
        raise GraphImportError(where, name, f"{value!r} must be longer than zero")
    return mins


def check_type_and_target(rule: Rule, rid: str, label: str) -> None:
    """The declared type and target must agree with the rule id."""
    where = f"{label}, rule {rid}"
    if rule.odataType is not None and rule.odataType.casefold() != odata_type(rid).casefold():
        raise GraphImportError(where, "@odata.type", f"{rule.odataType!r} but rule {rid} is a {odata_type(rid)}")
    if rule.ruleType is not None and rule.ruleType.casefold() != arm_rule_type(rid).casefold():
        raise GraphImportError(where, "ruleType", f"{rule.ruleType!r} but rule {rid} is a {arm_rule_type(rid)}",
                               ARM_DOCS)
    if rule.target is None:
        return
    caller, level = target_of(rid)
    for name, got, want in (("caller", rule.target.caller, caller), ("level", rule.target.level, level)):
        if got is not None and got.value != want:
            raise GraphImportError(where, f"target.{name}", f"{got.value!r} contradicts the rule id (expected {want})")


def changes_of(rid: str, rule: Rule, where: str, surface: Surface, names: dict, notes: list) -> dict:
    """What a rule sets in the model's RoleSettings (``notify:{rule id}`` for a notification rule)."""
    if isinstance(rule, ExpirationRule):
        return _expiration(rid, rule, where, notes)
    if isinstance(rule, EnablementRule):
        on = set(rule.enabledRules)
        if rid == "Enablement_EndUser_Assignment":
            return {"require_mfa": Enablement.MFA in on, "require_justification": Enablement.JUSTIFICATION in on,
                    "require_ticket": Enablement.TICKETING in on}
        if rid == "Enablement_Admin_Assignment":
            if Enablement.TICKETING in on:
                raise GraphImportError(where, "enabledRules", "'Ticketing' is not offered on active assignment")
            return {"mfa_on_active_assignment": Enablement.MFA in on,
                    "justification_on_active_assignment": Enablement.JUSTIFICATION in on}
        if on:
            notes.append(ImportNote(where, f"enabledRules {sorted(on)} on eligible assignment: no portal setting "
                                    "reads this rule; ignored"))
        return {}
    if isinstance(rule, ApprovalRule):
        return _approval(rule, where, names)
    if isinstance(rule, AuthenticationContextRule):
        claim = (rule.claimValue or "").strip()
        if rule.isEnabled and not claim:
            raise GraphImportError(where, "claimValue", "isEnabled is true but no authentication context (e.g. 'c1') "
                                   "is named")
        return {"auth_context": claim if rule.isEnabled else None}
    assert isinstance(rule, NotificationRuleShape)  # MODELS has no other kind of rule
    return _notification(rid, rule, where, notes)


def _expiration(rid: str, rule: ExpirationRule, where: str, notes: list) -> dict:
    required = True if rule.isExpirationRequired is None else rule.isExpirationRequired
    raw = rule.maximumDuration
    mins: float | None
    if rid == "Expiration_EndUser_Assignment":
        if raw is None:
            raise GraphImportError(where, "maximumDuration", "missing; activation is always time-bound")
        mins = duration(raw, where, "maximumDuration")
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
        mins = duration(raw, where, "maximumDuration")
    prefix = "eligible" if rid == "Expiration_Admin_Eligibility" else "active"
    out: dict = {f"{prefix}_permanent_allowed": not required}
    if mins is not None:
        out[f"{prefix}_max"] = mins
    return out


def _approval(rule: ApprovalRule, where: str, names: dict) -> dict:
    s = rule.setting
    if s is None:
        raise GraphImportError(where, "setting", "missing; an approval rule carries its approvalSettings in setting")
    approvers: dict[str, None] = {}  # ordered and de-duplicated in linear time
    justification = True
    for stage in s.approvalStages:
        if stage.isApproverJustificationRequired is not None:
            justification = stage.isApproverJustificationRequired
        for approver in stage.primaryApprovers:
            approvers.setdefault(names.get(approver.ident, approver.ident))
    return {"require_approval": bool(s.isApprovalRequired), "approvers": tuple(approvers),
            "approver_justification_required": justification}


def _notification(rid: str, rule: NotificationRuleShape, where: str, notes: list) -> dict:
    event, recipient = _NOTIFICATION_BY_ID[rid]
    if rule.recipientType is not None and rule.recipientType.value != recipient.value:
        raise GraphImportError(where, "recipientType", f"{rule.recipientType.value!r} contradicts the rule id "
                               f"({recipient.value})")
    level = rule.notificationLevel or NotificationLevel.ALL
    default = True if rule.isDefaultRecipientsEnabled is None else rule.isDefaultRecipientsEnabled
    extra = rule.notificationRecipients
    if level is NotificationLevel.NONE:  # the model has no level setting: nobody is emailed
        notes.append(ImportNote(where, "notificationLevel None: the model sends this email to nobody"))
        default, extra = False, ()
    return {f"notify:{rid}": NotificationRule(event, recipient, default, extra, level is NotificationLevel.CRITICAL)}
