"""Domain errors. A refusal carries the rule PIM applied, the Graph error code and a message a
student can learn from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class ModelError(ValueError):
    """The model was asked something impossible (an unknown user, a malformed scope)."""


class SettingError(ModelError):
    """A role setting is outside its documented range. Names the setting, value and range."""

    def __init__(self, setting: str, value, allowed: str, source: str = ""):
        self.setting, self.value, self.allowed, self.source = setting, value, allowed, source
        message = f"{setting}: {value!r} is not allowed; {allowed}"
        super().__init__(message + (f" (source: {source})" if source else ""))


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a scenario: where it is and what was expected."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.path:
            where.append(self.path)
        return ", ".join(where) + ": " + self.message if where else self.message


class ScenarioError(ModelError):
    """A scenario that can't be used. ``issues`` lists every problem found (each with its file,
    line and field path), not just the first."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues = tuple(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


_GOVERNANCE_API = "https://learn.microsoft.com/en-us/graph/api/governanceroleassignmentrequest-post?view=graph-rest-beta"

GRAPH_ERROR_CODES = {
    # The PIM error codes Microsoft documents (the error table of its PIM request API) or that real
    # responses show, with where each was seen. Any other code a refusal carries is the model's own
    # name for a refusal Microsoft documents without a code; the Graph export labels it as such.
    "RoleAssignmentRequestPolicyValidationFailed": "https://github.com/MicrosoftDocs/azure-docs/issues/80426",
    "RoleAssignmentDoesNotExist": _GOVERNANCE_API,
    "RoleAssignmentExists": _GOVERNANCE_API,
    "PendingRoleAssignmentRequest": _GOVERNANCE_API,
    "ActiveDurationTooShort": "https://github.com/DanielChronlund/DCToolbox/issues/50",
    "RoleAssignmentRequestAcrsValidationFailed": "https://github.com/Azure/azure-powershell/issues/25421",
    "MfaAndAcrsConflict": "https://github.com/kayasax/EasyPIM",
    "AuthorizationFailed": "https://learn.microsoft.com/en-us/azure/role-based-access-control/troubleshooting",
}


class PimRefusal(Exception):
    """PIM refused a request, as the portal or Microsoft Graph would.

    ``rule`` is the policy rule name Graph reports (``MfaRule``, ``JustificationRule``,
    ``ExpirationRule``, ...), ``code`` the Graph error code, ``source`` the page that documents
    the behaviour.
    """

    def __init__(self, message: str, *, rule: str, code: str = "RoleAssignmentRequestPolicyValidationFailed",
                 source: str = ""):
        super().__init__(message)
        self.message, self.rule, self.code, self.source = message, rule, code, source

    def __reduce__(self):
        return (_rebuild_refusal, (self.message, self.rule, self.code, self.source))


def _rebuild_refusal(message, rule, code, source):
    return PimRefusal(message, rule=rule, code=code, source=source)
