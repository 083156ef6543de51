"""What the cross-field checks, the work budget and the JIT checks read of a validated scenario.

They sit below :class:`~pim_sim.scenario.model.Scenario`, which calls them while it is being built, so
they read a :class:`Built` (which every ``Scenario`` is) and make one through the :data:`Make` they are
given, never naming the class itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from pim_sim.core.policy import SettingsBook
    from pim_sim.core.tenant import Tenant
    from pim_sim.results.tables import Results
    from pim_sim.scenario.spec import AssignmentSpec, ScenarioSpec


class Built(Protocol):
    """A validated scenario, as the checks and the budget read it."""

    @property
    def spec(self) -> ScenarioSpec: ...
    @property
    def tenant(self) -> Tenant: ...
    @property
    def settings(self) -> SettingsBook: ...
    @property
    def assignments(self) -> tuple[AssignmentSpec, ...]: ...
    @property
    def name(self) -> str: ...
    @property
    def horizon(self) -> float: ...

    def workload_triples(self) -> list[tuple[str, str, str]]: ...

    def run(self, seed: int | None = None, *, progress=None, check=None) -> Results: ...


S = TypeVar("S", bound=Built)

# Builds a scenario from its validated parts: spec, tenant, settings, assignments and the file it came from.
Make = Callable[["ScenarioSpec", "Tenant", "SettingsBook", "tuple[AssignmentSpec, ...]", str], S]
