"""From a read document to a :class:`~pim_sim.scenario.model.Scenario` or every problem at once:
pydantic's errors in the words of the file, then the parts that failed dropped and the rest
checked too (:mod:`pim_sim.scenario.checks`)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pim_sim.core.roles import using
from pim_sim.scenario.budget import CLI_BUDGET
from pim_sim.scenario.built import Make, S
from pim_sim.scenario.checks import Checker, unique
from pim_sim.scenario.reader import Document, ScenarioError
from pim_sim.scenario.spec import ScenarioSpec
from pim_sim.scenario.spec.base import ROLE_NAME_PATTERN
from pim_sim.scenario.spec.roles import catalogue_of


def _shown(value) -> str:
    """A value as the file wrote it, cut short: an error line stays one line."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:50]}... ({len(text):,} characters)"


def _pydantic_message(err: Mapping[str, Any]) -> str:
    kind, msg, ctx = err["type"], err["msg"], err.get("ctx") or {}
    err = {**err, "input": _Shown(_shown(err.get("input")))}
    if kind == "extra_forbidden":
        return "unknown field; check its spelling against `pim-sim schema`"
    if kind == "missing":
        return "this field is required"
    if kind == "union_tag_invalid":
        return f"{ctx.get('tag')!r} is not an action; expected one of: {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "a timeline step needs 'do:' naming its action (activate, approve, ...)"
    if kind == "literal_error":
        return f"{err.get('input')!r} is not allowed; expected {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        if tuple(err["loc"]) == ("name",):
            return f"{err.get('input')!r} is not a scenario name: use lower case letters, digits and dashes, e.g. jit-basics"
        if ctx.get("pattern") == ROLE_NAME_PATTERN:  # a role name: any printable text
            return f"{err.get('input')!r} is not a role name: control and text-direction characters aren't allowed"
        return f"{err.get('input')!r} is not a valid name: use letters, digits, spaces and . _ @ ' -"
    if kind == "value_error":
        return str(ctx.get("error", msg))
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{msg.replace('Input should be', 'expected')} (got {err.get('input')!r})"
    return msg.replace("Value error, ", "")


def validate(doc: Document, make: Make[S], budget: int | None = CLI_BUDGET,
             folder: Path | None = None) -> S:
    """Validate a document into what ``make`` builds (a :class:`~pim_sim.scenario.model.Scenario`); ``folder`` is
    the folder of a scenario file read from disk (the only kind whose ``settings_from`` may read a file)."""
    try:
        spec = ScenarioSpec.model_validate(doc.data)
    except ValidationError as e:
        issues = [doc.issue(err["loc"], _pydantic_message(err)) for err in e.errors()]
        # Check the rest too, so every problem is reported at once: drop what failed and validate again.
        pruned, kept = _prune(doc.data, [err["loc"] for err in e.errors()])
        try:
            rest = ScenarioSpec.model_validate(pruned)
            Checker(doc, make, rest, kept, folder).scenario()
        except ValidationError:
            pass
        except ScenarioError as more:
            issues.extend(more.issues)
        raise ScenarioError(sorted(unique(issues), key=lambda i: i.line or 0)) from None
    with using(catalogue_of(spec.custom_roles)):  # the scenario's custom roles are known to its checks
        return Checker(doc, make, spec, folder=folder, budget=budget).scenario()


class _Shown(str):
    """A value already shown (``repr`` gives it back unquoted)."""

    def __repr__(self) -> str:
        return str(self)


_PLACEHOLDERS = {"name": "unnamed", "horizon": 1.0}


def _prune(data: dict, locs) -> tuple[dict, dict]:
    """A copy of ``data`` without the parts that failed validation (list items, mapping entries,
    required fields replaced by placeholders), and for each list the original index of each kept item."""
    pruned = copy.deepcopy(data)
    doomed: dict[tuple, set[int]] = {}
    for loc in locs:
        cut = next((k for k, part in enumerate(loc) if isinstance(part, int)), None)
        if cut is not None:
            doomed.setdefault(tuple(loc[:cut]), set()).add(loc[cut])
            continue
        head = loc[:2] if len(loc) > 1 and loc[0] in ("tenant", "approvers", "workload", "preset") else loc[:1]
        if not head:
            continue
        parent: Any = pruned
        for part in head[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            if len(head) == 1 and head[0] in _PLACEHOLDERS:
                parent[head[0]] = _PLACEHOLDERS[head[0]]
            else:
                parent.pop(head[-1], None)
    kept: dict[tuple, list[int]] = {}
    for path, bad in doomed.items():
        parent = pruned
        for part in path:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, list):
            kept[path] = [i for i in range(len(parent)) if i not in bad]
            parent[:] = [item for i, item in enumerate(parent) if i not in bad]
    return pruned, kept


