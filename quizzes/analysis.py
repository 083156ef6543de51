"""Item analysis of a graded class, as classical test theory defines it.

For each item (a bank question, or a template whose variants differ per student):

- **difficulty** ``p``: the mean score on the item (the share of the available point earned; 1.0
  means everyone got it right);
- **discrimination**: the point-biserial correlation (:func:`scipy.stats.pointbiserialr`) between
  answering the item right (1/0) and the student's score on the *rest* of the test (the corrected
  item-total correlation, so the item doesn't correlate with itself);
- the share of the students who chose each option (single and multiple choice).

An item is flagged when its discrimination is below 0.20 (Ebel's "poor, to be revised or
dropped"; a negative value usually means a wrong key or a misleading stem), or when its
difficulty is below 0.20 or above 0.90 (too hard or too easy to tell students apart).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

WEAK_DISCRIMINATION = 0.20
HARD, EASY = 0.20, 0.90
COLUMNS = ["item", "objective", "type", "students", "difficulty_p", "discrimination", "flag"]


def _flag(p: float, r: float) -> str:
    reasons = []
    if not math.isnan(r) and r < 0:
        reasons.append("negative discrimination: check the key and the stem")
    elif math.isnan(r) or r < WEAK_DISCRIMINATION:
        reasons.append(f"weak discrimination (below {WEAK_DISCRIMINATION:.2f})")
    if p < HARD:
        reasons.append("very hard")
    elif p > EASY:
        reasons.append("very easy")
    return "; ".join(reasons)


def item_analysis(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per item: difficulty p, point-biserial discrimination (corrected) and a flag."""
    if answers.empty:
        return pd.DataFrame(columns=COLUMNS)
    totals = answers.groupby("student")["score"].sum()
    rows = []
    for item, group in answers.groupby("item", sort=True):
        scores = group.set_index("student")["score"]
        right = (scores >= 1.0).astype(float)
        rest = totals.loc[scores.index] - scores
        p = float(scores.mean())
        if right.nunique() < 2 or rest.nunique() < 2:
            r = float("nan")  # everyone (or no one) right, or no spread elsewhere: no correlation to compute
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = float(stats.pointbiserialr(right.to_numpy(), rest.to_numpy()).statistic)
        rows.append({"item": item, "objective": group["objective"].iloc[0], "type": group["type"].iloc[0],
                     "students": len(scores), "difficulty_p": round(p, 3),
                     "discrimination": round(r, 3) if not math.isnan(r) else np.nan, "flag": _flag(p, r)})
    return pd.DataFrame(rows, columns=COLUMNS)


def option_shares(answers: pd.DataFrame) -> pd.DataFrame:
    """Per choice item and option text: how many students chose it and their share of the students."""
    choice = answers[answers["type"].isin(["single", "multiple"])]
    rows = []
    for item, group in choice.groupby("item", sort=True):
        n = len(group)
        counts: dict[str, int] = {}
        for picked in group["chosen"]:
            for text in picked:
                counts[text] = counts.get(text, 0) + 1
        for text, k in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append({"item": item, "option": text, "students": k, "share": round(k / n, 3)})
        blank = int((~group["answered"]).sum())
        if blank:
            rows.append({"item": item, "option": "(no answer)", "students": blank, "share": round(blank / n, 3)})
    return pd.DataFrame(rows, columns=["item", "option", "students", "share"])
