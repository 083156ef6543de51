"""How simulated people behave: approvers' response models, reviewers, the stochastic workload of
activations in working hours, and the provisioning and token-refresh lag of an activation."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from pim_sim.core.lag import Lag
from pim_sim.facts import PROVISIONING_SECONDS, TOKEN_REFRESH_MINUTES
from pim_sim.scenario.spec.base import Duration, Name, Offset, Probability, RoleName, Spec, Text, Weekday


class AwaySpec(Spec):
    from_: Offset = Field(alias="from")
    to: Offset

    @model_validator(mode="after")
    def _ordered(self):
        if self.to <= self.from_:
            raise ValueError("'to' must come after 'from'")
        return self


class ApproverSpec(Spec):
    """How a simulated approver answers approval emails (see :class:`~pim_sim.ApproverBehaviour`).
    Approvers not listed decide only when the timeline says so; ``'*'`` sets everyone's."""

    respond_probability: Probability = 0.95
    median_delay: Duration = 45.0
    spread: float = Field(1.0, ge=0.0, le=5.0, description="sigma of the log-normal response delay")
    approve_probability: Probability = 0.95
    away: list[AwaySpec] = []


class WorkingHoursSpec(Spec):
    days: list[Weekday] = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    start_hour: float = Field(8.0, ge=0, le=24)
    end_hour: float = Field(18.0, ge=0, le=24)

    @model_validator(mode="after")
    def _ordered(self):
        if self.end_hour <= self.start_hour:
            raise ValueError("end_hour must be after start_hour")
        if not self.days:
            raise ValueError("name at least one working day")
        return self


class LagSpec(Spec):
    """The delay from a granted activation to usable access, as uniform ranges (``pim_sim.core.lag.Lag``).
    Learn says only "within seconds" and that applications may cache role state: model choices."""

    provisioning_seconds: tuple[float, float] = Field(PROVISIONING_SECONDS.value,
                                                      description="[low, high] seconds until PIM provisions the role")
    token_refresh_minutes: tuple[float, float] = Field(TOKEN_REFRESH_MINUTES.value,
                                                       description="[low, high] minutes until tokens and apps see it")

    @model_validator(mode="after")
    def _ranges(self):
        Lag(self.provisioning_seconds, self.token_refresh_minutes)  # ModelError names the field
        return self

    def lag(self) -> Lag:
        return Lag(self.provisioning_seconds, self.token_refresh_minutes)


class WorkloadSpec(Spec):
    """Stochastic activations: each eligible user activates ``rate_per_day`` times per working
    day on average (a Poisson process during working hours), asking for one of ``durations``."""

    rate_per_day: float = Field(1.0, ge=0.0, le=100.0)
    rates: dict[Name, Annotated[float, Field(ge=0.0, le=100.0)]] = Field(
        {}, description="per-user rates that replace rate_per_day, e.g. {alice: 3}")
    durations: Annotated[list[Duration], Field(min_length=1)] = [60.0, 120.0, 240.0]
    working_hours: WorkingHoursSpec = WorkingHoursSpec()
    justification: Text = "Scheduled administrative work"
    users: list[Name] | None = Field(None, description="who activates (default: every user made eligible)")
    roles: list[RoleName] | None = Field(None, description="which eligible roles they activate (default: all)")


class ReviewerSpec(Spec):
    """How simulated reviewers respond (see :class:`pim_sim.features.reviews.ReviewerBehaviour`; model choices)."""

    respond_probability: Probability = 0.8
    median_days: float = Field(3.0, gt=0, le=365)
    spread: float = Field(1.0, ge=0, le=5)
    approve_probability: Probability = 0.9
    follow_recommendation: Probability = 0.7
