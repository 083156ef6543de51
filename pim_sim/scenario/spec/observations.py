"""What a lesson checks: one observation of access, an alert or a metric."""

from __future__ import annotations

from pydantic import model_validator

from pim_sim.scenario.spec.base import Name, Offset, RoleName, Spec, Text


class ObservationSpec(Spec):
    """Something the student should observe, checked by running the scenario: who holds a role at
    a moment (``holds``), why not (``reason``: a :class:`~pim_sim.Reason` name such as
    ``request_expired``), whether an alert is open at a moment (``alert`` and ``open``) or a metric."""

    text: Text
    at: Offset | None = None
    principal: Name | None = None
    role: RoleName | None = None
    scope: str = "/"
    holds: bool | None = None
    reason: str | None = None
    alert: str | None = None
    open: bool | None = None
    metric: str | None = None
    equals: float | None = None
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        about_access = self.holds is not None or self.reason is not None
        bounds = [b for b in (self.equals, self.at_least, self.at_most) if b is not None]
        kinds = about_access + (self.metric is not None) + (self.alert is not None)
        if kinds != 1:
            raise ValueError("an observation checks one thing: access (at, principal, role and holds or reason), "
                             "an alert (at, alert and open) or a metric (metric and equals, at_least or at_most)")
        if about_access and (self.at is None or self.principal is None or self.role is None):
            raise ValueError("an access observation needs at, principal and role")
        if self.alert is not None and (self.at is None or self.open is None):
            raise ValueError("an alert observation needs at and open")
        if self.metric is not None and not bounds:
            raise ValueError("a metric observation needs equals, at_least or at_most")
        return self
