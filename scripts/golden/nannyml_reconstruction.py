#!/usr/bin/env python3
"""Golden cases of the `multivariate` family: NannyML's data reconstruction drift on the same rows.

Writes testdata/golden/multivariate/predictions.csv (the rows, loaded by the tests through the
loader) and testdata/golden/multivariate/cases.json: per case, the multivariate query that
matches NannyML's setup and, per daily chunk, what NannyML 0.13.1's
DataReconstructionDriftCalculator (fitted on the reference days) returns: the reconstruction
error, its sampling error, the band (3 sampling errors, the lower bound held at 0), the
thresholds (null where NannyML leaves one out) and the alert. Read by
pkg/plugin/multivariate_test.go.

The rows: a churn model's inputs, four numbers (two of them strongly correlated, one with
missing values, one whole), a text category with missing values and a boolean. From the
eighth analysis day on, the correlated pair decorrelates while each keeps its own distribution:
drift that every univariate test misses and the reconstruction error sees. Each case runs
NannyML on the same rows twice: the analysis days, and the reference days themselves (the
query over the reference window).

Prints NannyML's wall time for fit and calculate (docs/performance.md quotes it).

Needs nannyml==0.13.1 (scripts/golden/requirements-nannyml.txt) in an environment of its own.
Run from anywhere: python3 scripts/golden/nannyml_reconstruction.py (fixed seed).
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")  # no analytics calls from a test script

import nannyml  # noqa: E402
import numpy as np
import pandas as pd

SEED = 20261202
REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "testdata" / "golden" / "multivariate"
FEATURES = ["income", "spend", "tenure_months", "sessions", "plan", "autopay"]
REFERENCE_DAYS, ANALYSIS_DAYS, BROKEN_FROM = 14, 14, 7
ROWS_PER_DAY = 400
START = pd.Timestamp("2026-06-01T00:00:00Z")
PLANS = ["basic", "family", "premium", "student"]


def rows_of(rng):
    rows = []
    for day in range(REFERENCE_DAYS + ANALYSIS_DAYS):
        n = ROWS_PER_DAY
        broken = day >= REFERENCE_DAYS + BROKEN_FROM
        income = rng.normal(50.0, 12.0, n)
        noise = rng.normal(0.0, 1.0, n)
        # spend follows income (correlation 0.9) until the break, then is drawn on its own with
        # the same mean and spread: its marginal distribution does not change.
        z_income = (income - 50.0) / 12.0
        z_spend = rng.normal(0.0, 1.0, n) if broken else 0.9 * z_income + math.sqrt(1 - 0.81) * noise
        spend = 20.0 + 6.0 * z_spend
        tenure = rng.gamma(2.0, 10.0, n)
        tenure[rng.random(n) < 0.05] = np.nan
        sessions = rng.poisson(6, n)
        plan = rng.choice(PLANS, n, p=[0.45, 0.25, 0.2, 0.1]).astype(object)
        plan[rng.random(n) < 0.03] = None
        autopay = rng.random(n) < 0.6
        seconds = np.sort(rng.integers(0, 86400, n))
        for i in range(n):
            rows.append({
                "ts": START + pd.Timedelta(days=day, seconds=int(seconds[i])),
                "income": round(float(income[i]), 4),
                "spend": round(float(spend[i]), 4),
                "tenure_months": None if np.isnan(tenure[i]) else round(float(tenure[i]), 3),
                "sessions": int(sessions[i]),
                "plan": plan[i],
                "autopay": bool(autopay[i]),
                "reference": day < REFERENCE_DAYS,
            })
    return rows


def nannyml_frame(rows):
    df = pd.DataFrame(rows)
    out = pd.DataFrame({"timestamp": df["ts"].dt.tz_localize(None)})
    for f in FEATURES:
        out[f] = df[f]
    out["tenure_months"] = out["tenure_months"].astype(float)
    out["sessions"] = out["sessions"].astype("int64")
    out["plan"] = out["plan"].astype(object)
    out["autopay"] = out["autopay"].astype(bool)
    return out


def finite(v):
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def iso(t):
    return pd.Timestamp(t).isoformat().replace("+00:00", "Z")


def chunks(result):
    days = []
    for _, row in result.iterrows():
        r = "reconstruction_error"
        days.append({
            "start": iso(pd.Timestamp(row[("chunk", "start_date")]).tz_localize("UTC")),
            "reconstruction_error": finite(row[(r, "value")]),
            "sampling_error": finite(row[(r, "sampling_error")]),
            "lower": finite(row[(r, "lower_confidence_boundary")]),
            "upper": finite(row[(r, "upper_confidence_boundary")]),
            "threshold_lower": finite(row[(r, "lower_threshold")]),
            "threshold_upper": finite(row[(r, "upper_threshold")]),
            "drifted": 1.0 if bool(row[(r, "alert")]) else 0.0,
        })
    return days


def reconstruction(rows, components):
    ref = nannyml_frame([r for r in rows if r["reference"]])
    ana = nannyml_frame([r for r in rows if not r["reference"]])
    calc = nannyml.DataReconstructionDriftCalculator(
        column_names=FEATURES, timestamp_column_name="timestamp", chunk_period="D", n_components=components)
    began = time.perf_counter()
    calc.fit(ref)
    result = calc.calculate(ana)
    elapsed = time.perf_counter() - began
    analysis = chunks(result.filter(period="analysis").to_df())
    reference = chunks(result.filter(period="reference").to_df())
    return analysis, reference, elapsed, calc._pca.n_components_


def main():
    rng = np.random.default_rng(SEED)
    rows = rows_of(rng)
    ref_to = START + pd.Timedelta(days=REFERENCE_DAYS)
    ana_to = ref_to + pd.Timedelta(days=ANALYSIS_DAYS)
    cases = []
    for components in [0.65, 2]:
        analysis, reference, elapsed, kept = reconstruction(rows, components)
        print(f"components {components}: NannyML fit + calculate of {len(rows)} rows in {elapsed:.3f} s, {kept} kept")
        query = {
            "queryType": "multivariate", "model": "mv", "interval": "1d", "features": FEATURES,
            "components": components,
            "metrics": ["reconstruction_error", "sampling_error", "lower", "upper",
                        "threshold_lower", "threshold_upper", "drifted"],
            "reference": {"type": "range", "from": iso(START), "to": iso(ref_to)},
        }
        cases.append({"name": f"analysis, components {components}", "query": query, "kept": int(kept),
                      "from": iso(ref_to), "to": iso(ana_to), "days": analysis})
        cases.append({"name": f"reference, components {components}", "query": query, "kept": int(kept),
                      "from": iso(START), "to": iso(ref_to), "days": reference})
    OUT.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows).sort_values("ts", kind="stable").reset_index(drop=True)
    frame.insert(0, "prediction_id", [f"m-{i:06d}" for i in range(len(frame))])
    frame.insert(2, "model", "mv")
    frame.insert(3, "model_version", "a")
    frame["ts"] = frame["ts"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    frame["tenure_months"] = frame["tenure_months"].astype("Float64")
    frame["autopay"] = frame["autopay"].map({True: "true", False: "false"})
    frame = frame.drop(columns=["reference"])
    frame.to_csv(OUT / "predictions.csv", index=False)
    doc = {"generator": f"scripts/golden/nannyml_reconstruction.py (nannyml {nannyml.__version__}, seed {SEED})",
           "cases": cases}
    (OUT / "cases.json").write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
