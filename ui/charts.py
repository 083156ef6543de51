"""Altair charts with the Okabe-Ito colour-blind-safe palette, plain labels and units on every axis."""

from __future__ import annotations

import altair as alt
import pandas as pd

from pim_sim import Clock

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
ACCESS = ("Eligible", "Activated (just in time)", "Active, time-bound", "Permanent active")
ACCESS_COLOURS = ("#56B4E9", "#E69F00", "#009E73", "#D55E00")


def access_kind(kind: str, origin: str, end: float | None) -> str:
    """The label a student reads for one assignment interval."""
    if kind == "eligible":
        return ACCESS[0]
    if origin == "activated":
        return ACCESS[1]
    return ACCESS[3] if end is None or pd.isna(end) else ACCESS[2]


def timeline(intervals: pd.DataFrame, clock: Clock) -> alt.Chart:
    """A Gantt-style chart: one row per person and role, one bar per eligible, activated or active interval."""
    df = intervals[intervals["stop"] > intervals["start"]].copy()
    df["Access"] = [access_kind(k, o, e) for k, o, e in zip(df["kind"], df["origin"], df["end"], strict=True)]
    df["Who and role"] = df["principal"] + " · " + df["role"]
    df["From"] = [clock.at(m) for m in df["start"]]
    df["Until"] = [clock.at(m) for m in df["stop"]]
    df["Hours"] = df["hours"].round(2)
    df["Layer"] = [ACCESS.index(a) for a in df["Access"]]  # eligible underneath, what grants access on top
    # Thin bars for eligibility, thick for access. A field of its own: a size channel on "Access" with no
    # legend would hide the colour legend, which Vega-Lite merges with it.
    df["Bar"] = ["thin" if a == ACCESS[0] else "thick" for a in df["Access"]]
    rows = max(1, df["Who and role"].nunique())
    return (
        alt.Chart(df)
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X("From:T", title="Time (UTC)"),
            x2="Until:T",
            y=alt.Y("Who and role:N", title="Person · role", sort="ascending", axis=alt.Axis(labelLimit=320)),
            color=alt.Color("Access:N", title="Access", scale=alt.Scale(domain=list(ACCESS), range=list(ACCESS_COLOURS)),
                            legend=alt.Legend(orient="right", labelLimit=300)),
            size=alt.Size("Bar:N", scale=alt.Scale(domain=["thin", "thick"], range=[6, 16]), legend=None),
            order=alt.Order("Layer:Q"),
            tooltip=["principal", "role", "scope", "Access", alt.Tooltip("From:T", format="%a %d %b %H:%M"),
                     alt.Tooltip("Until:T", format="%a %d %b %H:%M"), alt.Tooltip("Hours:Q", title="Hours (h)")],
        )
        .properties(height=min(max(150, 40 + 30 * rows), 1000))  # room for the axis title and the legend's four rows
    )


VARIANT_COLOURS = ("#0072B2", "#E69F00")  # blue and orange: the Okabe-Ito pair most often told apart


def with_interval(summary: pd.DataFrame, title: str, unit: str) -> alt.LayerChart:
    """Each variant's mean as a point with its 95% confidence interval as a bar, on one metric.
    ``summary`` has columns variant, mean, ci_low, ci_high and n."""
    variants = list(summary["variant"])
    base = alt.Chart(summary).encode(
        x=alt.X("variant:N", title=None, sort=variants, axis=alt.Axis(labelAngle=0)),
        color=alt.Color("variant:N", scale=alt.Scale(domain=variants, range=list(VARIANT_COLOURS)), legend=None),
        tooltip=["variant", alt.Tooltip("mean:Q", format=".2f", title=f"mean ({unit})"),
                 alt.Tooltip("ci_low:Q", format=".2f", title=f"95% CI low ({unit})"),
                 alt.Tooltip("ci_high:Q", format=".2f", title=f"95% CI high ({unit})"), "n"],
    )
    bars = base.mark_rule(strokeWidth=3).encode(y=alt.Y("ci_low:Q", title=f"{title} ({unit})"), y2="ci_high:Q")
    points = base.mark_point(filled=True, size=90).encode(y="mean:Q")
    return alt.layer(bars, points).properties(title=title, height=260)


def replications_strip(values: pd.DataFrame, title: str, unit: str) -> alt.Chart:
    """Every replication's value, one dot each, per variant (columns variant and value)."""
    variants = list(dict.fromkeys(values["variant"]))
    return alt.Chart(values).mark_circle(size=40, opacity=0.6).encode(
        x=alt.X("value:Q", title=f"{title} ({unit})"),
        y=alt.Y("variant:N", title=None, sort=variants),
        color=alt.Color("variant:N", scale=alt.Scale(domain=variants, range=list(VARIANT_COLOURS)), legend=None),
        tooltip=["variant", alt.Tooltip("value:Q", format=".2f", title=f"{title} ({unit})")],
    ).properties(height=alt.Step(40))
