"""JIT refusals: a :class:`~pim_sim.errors.ModelError` carrying the reason, the fact it rests on and its source."""

from __future__ import annotations

from enum import StrEnum

from pim_sim.errors import ModelError


class RefusalReason(StrEnum):
    PLAN_MISSING = "plan missing"
    UNSUPPORTED_VM = "unsupported VM"
    NOT_CONFIGURED = "JIT not configured on the VM"
    NO_PERMISSION = "no permission"
    PORT_NOT_IN_POLICY = "port not in policy"
    SOURCE_OUTSIDE_RANGE = "source outside the allowed range"
    DURATION_OVER_MAXIMUM = "duration over the maximum"
    INVALID_REQUEST = "invalid request"
    INVALID_POLICY = "invalid policy"
    NAME_TOO_LONG = "policy and VM name too long"


class JitRefusal(ModelError):
    """Defender for Cloud refused to enable JIT or to open ports. ``reason`` is what a student should
    learn; ``fact`` the :class:`~pim_sim.facts.Fact` the rule rests on (its ``source`` is the page)."""

    def __init__(self, reason: RefusalReason, message: str, *, fact=None):
        super().__init__(f"{reason.value}: {message}" + (f" (source: {fact.source})" if fact is not None else ""))
        self.reason, self.message, self.fact = reason, message, fact

    @property
    def source(self) -> str:
        return self.fact.source if self.fact is not None else ""

    @property
    def documented(self) -> bool:
        return self.fact.documented if self.fact is not None else True

    def __reduce__(self):
        return (_rebuild, (self.reason, self.message, self.fact))


def _rebuild(reason, message, fact):
    return JitRefusal(reason, message, fact=fact)
