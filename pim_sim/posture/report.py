"""ScubaGear's own report beside this model's results: its ``TestResults.json`` or ``ScubaResults.json`` read, and
the MS.AAD.7 controls compared one by one."""

from __future__ import annotations

from dataclasses import dataclass

from pim_sim.errors import ModelError
from pim_sim.graph.reader import load_json


@dataclass(frozen=True, slots=True)
class Comparison:
    """One control: this model's result beside ScubaGear's own report on the same tenant."""

    control: str
    ours: str
    theirs: str
    our_details: str
    their_details: str

    @property
    def same(self) -> bool:
        return self.ours == self.theirs


def scubagear_results(report) -> dict[str, tuple[str, str]]:
    """Control id -> (result, details) from ScubaGear's output: ``TestResults.json`` (the Rego
    results: ``PolicyId``, ``RequirementMet``, ``Criticality``, ``ReportDetails``) or
    ``ScubaResults.json`` (``Results.AAD[].Controls[]`` with ``Control ID``, ``Result``, ``Details``)."""
    data = load_json(report)
    out: dict[str, tuple[str, str]] = {}
    if isinstance(data, dict):
        groups = (data.get("Results") or {}).get("AAD") if isinstance(data.get("Results"), dict) else None
        for group in groups or ():
            for c in (group.get("Controls") or ()) if isinstance(group, dict) else ():
                if isinstance(c, dict) and c.get("Control ID"):
                    out[str(c["Control ID"])] = (str(c.get("Result")), str(c.get("Details") or ""))
    elif isinstance(data, list):
        for item in data:
            if not isinstance(item, dict) or not item.get("PolicyId"):
                continue
            criticality = str(item.get("Criticality") or "")
            if "Not-Implemented" in criticality or "3rd Party" in criticality:
                continue
            met = bool(item.get("RequirementMet"))
            result = "Pass" if met else ("Fail" if criticality.startswith("Shall") else "Warning")
            out[str(item["PolicyId"])] = (result, str(item.get("ReportDetails") or ""))
    if not out:
        raise ModelError("no ScubaGear results found: expected TestResults.json (a list of results with PolicyId) "
                         "or ScubaResults.json (Results.AAD[].Controls[])")
    return out


def compare(checks, report) -> tuple[Comparison, ...]:
    """This model's MS.AAD.7 results beside ScubaGear's report (controls in both only)."""
    theirs = scubagear_results(report)
    return tuple(Comparison(c.control, c.result, theirs[c.control][0], c.details, theirs[c.control][1])
                 for c in checks if c.control in theirs)
