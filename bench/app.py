"""Dashboard responsiveness: the time of a page interaction once the default scenario's run is cached.

Streamlit's AppTest runs ``app.py`` headless in this process. After a warm-up (the default
scenario runs once, then every widget value used below has been seen once), each interaction is
a widget change followed by the page's rerun; the median of ``--repeat`` of them is reported per
page. The baseline, measured in the same run and interleaved with the samples (so both see the
same machine load), is a rerun of a one-line Streamlit script: the framework's own floor. The
last line is ``app_interaction_ms=<x>``, the median over all pages' interactions (target: under
300 ms).

Run: ``.venv/bin/python bench/app.py [--repeat 20]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# page, widget kind, key (or a page model's "model/field", see ui/page_state.py), two values to alternate between
INTERACTIONS = [
    ("ui/scenario_lab.py", "slider", "lab_role/max", (8.0, 4.0)),
    ("ui/audit_explorer.py", "selectbox", "audit_run/persona", ("alice", "dave")),
    ("ui/why_not.py", "slider", "whynot/hours", (33.5, 60.0)),
    ("ui/portal.py", "selectbox", "portal/persona", ("alice", "bob")),
    ("ui/what_if.py", "slider", "whatif_b/max", (8.0, 4.0)),
]


def find(at: AppTest, kind: str, key: str):
    if "/" not in key:
        return getattr(at, kind)(key=key)
    model, field = key.split("/")
    prefix = f"{model}_{field}_"
    return next(w for w in getattr(at, kind) if (w.key or "").startswith(prefix)
                and w.key.count("_") == prefix.count("_"))


def timed(at: AppTest, kind: str, key: str, value) -> float:
    widget = find(at, kind, key)
    start = time.perf_counter()
    widget.set_value(value).run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{key}={value!r} raised: {at.exception[0].message}")
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    floor_app = AppTest.from_string("import streamlit as st\nn = st.slider('n', 0, 10, key='n')\nst.write(n)").run()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    start = time.perf_counter()
    at.run()
    print(f"first_load_ms={(time.perf_counter() - start) * 1000:.0f}  (imports and runs the default scenario)")
    everything, floors = [], []
    for page, kind, key, values in INTERACTIONS:
        at.switch_page(page).run()
        for value in values:  # warm-up: each value's run is computed once and cached
            timed(at, kind, key, value)
        samples, floor = [], []
        for i in range(args.repeat):  # interleaved with the baseline, so both see the same machine load
            samples.append(timed(at, kind, key, values[i % 2]))
            floor.append(timed(floor_app, "slider", "n", i % 2))
        everything += samples
        floors += floor
        median = statistics.median(samples)
        print(f"{page:24s} {key:20s} median_ms={median:7.1f}  ratio_to_baseline={median / statistics.median(floor):5.1f}")
    print(f"baseline_rerun_ms={statistics.median(floors):.1f}  (a one-line Streamlit script, interleaved)")
    print(f"app_interaction_ms={statistics.median(everything):.1f}")


if __name__ == "__main__":
    main()
