"""Probes: small scenarios whose records decide answer keys, one module per topic.

Importing this package registers every probe (``PROBES``); :mod:`quizzes.probes.base` holds the
registry, the :class:`Lab` and the helpers a new probe module uses (see quizzes/bank/README.md).
"""

from quizzes.probes import (  # noqa: F401 - each module registers its probes
    activation,
    alerts,
    approval,
    assignments,
    audit,
    auth_context,
    case_studies,
    cases,
    good_practice,
    graph,
    groups,
    jit_vm,
    licensing,
    reviews,
    scopes,
    sequences,
)
from quizzes.probes.base import (
    AUDIT_COLUMNS,
    PROBES,
    Lab,
    Probe,
    ProbeResult,
    activities,
    first,
    logged,
    probe,
    refusal,
    run_probe,
    setting_refused,
    statuses,
)

__all__ = ["AUDIT_COLUMNS", "PROBES", "Lab", "Probe", "ProbeResult", "activities", "first", "logged", "probe", "refusal",
           "run_probe", "setting_refused", "statuses"]
