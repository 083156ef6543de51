"""Features that plug into the core: access reviews, PIM alerts, Defender for Cloud JIT VM access.

Each imports only :mod:`pim_sim.core` (and the facts below it), never another feature; the
composition root :mod:`pim_sim.simulation` attaches them to a ``Simulation``."""
