"""The composition root: the :class:`Simulation` users know, built from the core and its features.

The core (:mod:`pim_sim.core`) holds the kernel and PIM's own rules and imports no feature;
features (:mod:`pim_sim.features`) import only the core. This module is the one place that
knows both: it stacks the core's rule layers and attaches each feature, created on first use.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from pim_sim.core.updates import UpdateRules
from pim_sim.features.alerts import AlertCenter
from pim_sim.features.reviews import ReviewBook

if TYPE_CHECKING:
    from pim_sim.features.jit_vm import JitVm
    from pim_sim.results.tables import Results


class Simulation(UpdateRules):
    """One replication of a PIM tenant: the kernel, PIM's assignment, activation and update rules,
    and the features (``reviews``, ``alerts``) attached on first use.

    >>> from pim_sim import Simulation, Tenant
    >>> sim = Simulation(Tenant.build(users=["alice", "bob"]), seed=1)
    >>> _ = sim.assign("alice", "Global Administrator", kind="eligible")
    >>> req = sim.activate("alice", "Global Administrator", duration="PT2H", justification="patch")
    >>> req.status.value
    'Granted'

    Public surface: the kernel's (see :mod:`pim_sim.core.kernel`: ``now``, ``run``, ``advance``,
    ``at``, ``settings``, ``settings_for``, ``set_settings``, ``licence``, ``sign_in``, ``holds``,
    ``why_not``, the record lists ``audit``, ``status_log``, ``notifications``, ``refusals`` and
    ``schedules``/``requests``), the assignment rules (``assign``, ``assign_outside_pim``, ``remove``,
    ``find``, ``set_licence``), the activation rules (``activate``, ``submit_activation``, which gives
    only the request's id, ``approvers_for``, ``approve``, ``deny``, ``cancel``, ``deactivate``), the
    update rules (``request_extend``, ``request_renew``, ``decide_update``, ``admin_extend``,
    ``admin_renew``, ``admin_update``), the features ``reviews``, ``alerts`` and ``jit`` (just-in-time
    VM access), and ``results()``.
    """

    @cached_property
    def reviews(self) -> ReviewBook:
        """Access reviews of privileged roles, created on first use."""
        return ReviewBook(self)

    @cached_property
    def alerts(self) -> AlertCenter:
        """PIM security alerts. Monitoring starts on first use."""
        return AlertCenter(self)

    @cached_property
    def jit(self) -> JitVm:
        """Defender for Cloud just-in-time VM access on this run's clock and seed; who holds which Azure role
        when comes from PIM (an eligible role counts only while activated). Created on first use."""
        from pim_sim.features.jit_vm import attach  # loaded on first use: a PIM-only run never imports it

        return attach(self)

    def results(self) -> Results:
        """Tables and metrics computed from this run's records."""
        from pim_sim.results.tables import Results  # results sit above the simulation they read

        return Results(self)
