"""Where a JIT Activity Log entry can be seen, by whom and until when, as rows in the shape of the PIM audit's
answer (:meth:`pim_sim.results.tables.Results.where_visible`): ``seq``, ``activity``, ``place``,
``visible_until``, ``readers`` (role names), ``people`` (who holds one of them over the entry's subscription at
the moment asked) and ``documented``.

Places and retention come from :func:`.records.sightings` (the Activity Log keeps 90 days, fact 76; the JIT
page's Activity Log opens the same log filtered on the VM, fact 69). A person reads the entry when a role they
hold at the subscription (standing, or through PIM while activated) is one of the readers (facts.ACTIVITY_READERS,
a labelled model choice).
"""

from __future__ import annotations

from . import records as rec

COLUMNS = ["seq", "activity", "place", "visible_until", "readers", "people", "documented"]
SEQ_PREFIX = "jit-"  # keeps JIT entries apart from the PIM audit's sequence numbers in one table


def people_reading(jit, entry: rec.ActivityEntry, readers: tuple[str, ...], at: float) -> tuple[str, ...]:
    """The principals holding one of ``readers`` over the entry's subscription at minute ``at``."""
    sub = entry.subscription
    found = {p for p, role, scope in jit.standing if role in readers and (scope == "/" or sub.startswith(scope))}
    candidates = {p for p, _r, _s in jit.standing}
    sim = getattr(jit.host, "sim", None)  # a Simulation host: PIM's users may hold a reader role through PIM
    if sim is not None:
        candidates.update(u.name for u in sim.tenant.users)
    for principal in candidates - found:
        if any(role in jit.roles and jit.host.holds(principal, role, (sub,), at) for role in readers):
            found.add(principal)
    return tuple(sorted(found))


def visibility_rows(jit, view_minute: float, *, exported_to_workspace: bool = False,
                    workspace_retention_minutes: float | None = None) -> list[dict]:
    """One row per place where each Activity Log entry is visible at ``view_minute``."""
    rows = []
    for entry in jit.activity:
        for s in rec.sightings(entry, exported_to_workspace=exported_to_workspace,
                               workspace_retention_minutes=workspace_retention_minutes):
            if s.visible_from <= view_minute < s.visible_until:
                rows.append({"seq": f"{SEQ_PREFIX}{entry.seq}", "activity": f"{entry.operation_name} ({entry.status})",
                             "place": str(s.place), "visible_until": s.visible_until,
                             "readers": ", ".join(s.readers),
                             "people": ", ".join(people_reading(jit, entry, s.readers, view_minute)),
                             "documented": s.documented})
    return rows


def where_visible(jit, view_minute: float, **kwargs):
    """:func:`visibility_rows` as a DataFrame with the PIM audit's columns."""
    import pandas as pd

    return pd.DataFrame(visibility_rows(jit, view_minute, **kwargs), columns=COLUMNS)
