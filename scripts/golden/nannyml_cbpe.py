#!/usr/bin/env python3
"""Golden cases of the `estimation` family: NannyML's CBPE on the same rows.

Writes testdata/golden/estimation/predictions.csv (the rows, loaded by the tests through the
loader) and testdata/golden/estimation/cases.json: per model version, the estimation query that
matches NannyML's setup and, per daily chunk, what NannyML 0.13.1's CBPE (fitted on the
reference days, estimating the analysis days) returns for roc_auc, f1, precision, recall,
specificity and accuracy: the estimate, its sampling error, the band (3 sampling errors, clipped
to [0, 1]) and the realized value (NaN, written null, on days without labels). Read by
pkg/plugin/estimation_test.go.

Three versions: `miscalibrated` (scores that overstate the positive class, which NannyML calibrates
by isotonic regression; the query's calibration "isotonic") and `calibrated` (labels drawn with
the score's probability, estimated by NannyML with its NoopCalibrator; the query's calibration
"none"), both with scores of 4 decimals, which the 16,384-cell score grid keeps apart; and
`unrounded`, the miscalibrated process with scores at full precision, where rows of different
scores share grid cells: what the grid costs in accuracy.

Prints NannyML's wall time for fit and estimate (docs/performance.md quotes it).

Needs nannyml==0.13.1 (scripts/golden/requirements-nannyml.txt) in an environment of its own.
Run from anywhere: python3 scripts/golden/nannyml_cbpe.py (fixed seed).
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
from nannyml.calibration import NoopCalibrator

SEED = 20261201
REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "testdata" / "golden" / "estimation"
METRICS = ["roc_auc", "f1", "precision", "recall", "specificity", "accuracy"]
REFERENCE_DAYS, ANALYSIS_DAYS, LABELLED_ANALYSIS_DAYS = 7, 7, 4
ROWS_PER_DAY = 500
START = pd.Timestamp("2026-05-01T00:00:00Z")
THRESHOLD = 0.5


def version_rows(rng, version):
    rows = []
    for day in range(REFERENCE_DAYS + ANALYSIS_DAYS):
        shift = 0.0 if day < REFERENCE_DAYS else -0.15 * (day - REFERENCE_DAYS + 1)
        x = rng.normal(shift, 1.2, ROWS_PER_DAY)
        if version != "calibrated":
            score = 1 / (1 + np.exp(-(1.6 * x + 0.8)))
            truth = 1 / (1 + np.exp(-(1.1 * x - 0.2)))
        else:
            score = 1 / (1 + np.exp(-(1.4 * x)))
            truth = score
        if version != "unrounded":
            score = np.round(score, 4)
        actual = rng.random(ROWS_PER_DAY) < truth
        seconds = np.sort(rng.integers(0, 86400, ROWS_PER_DAY))
        labelled = day < REFERENCE_DAYS + LABELLED_ANALYSIS_DAYS
        for i in range(ROWS_PER_DAY):
            rows.append({
                "ts": START + pd.Timedelta(days=day, seconds=int(seconds[i])),
                "model_version": version,
                "score": float(score[i]),
                "predicted_label": "yes" if score[i] >= THRESHOLD else "no",
                "actual_label": ("yes" if actual[i] else "no") if labelled else None,
                "reference": day < REFERENCE_DAYS,
            })
    return rows


def nannyml_frame(rows):
    df = pd.DataFrame(rows)
    return pd.DataFrame({
        "timestamp": df["ts"].dt.tz_localize(None),
        "y_pred_proba": df["score"],
        "y_pred": (df["predicted_label"] == "yes").astype(int),
        "y_true": df["actual_label"].map({"yes": 1, "no": 0}),
    })


def finite(v):
    v = float(v)
    return v if math.isfinite(v) else None


def cbpe(rows, calibration):
    ref = nannyml_frame([r for r in rows if r["reference"]])
    ana = nannyml_frame([r for r in rows if not r["reference"]])
    estimator = nannyml.CBPE(y_pred_proba="y_pred_proba", y_pred="y_pred", y_true="y_true",
                             timestamp_column_name="timestamp", problem_type="classification_binary",
                             metrics=METRICS, chunk_period="D",
                             calibrator=NoopCalibrator() if calibration == "none" else None)
    began = time.perf_counter()
    estimator.fit(ref)
    result = estimator.estimate(ana).filter(period="analysis").to_df()
    elapsed = time.perf_counter() - began
    days = []
    for _, row in result.iterrows():
        day = {"start": pd.Timestamp(row[("chunk", "start_date")]).tz_localize("UTC").isoformat().replace("+00:00", "Z")}
        for m in METRICS:
            day[m] = {
                "estimated": finite(row[(m, "value")]),
                "sampling_error": finite(row[(m, "sampling_error")]),
                "lower": finite(row[(m, "lower_confidence_boundary")]),
                "upper": finite(row[(m, "upper_confidence_boundary")]),
                "realized": finite(row[(m, "realized")]),
            }
        days.append(day)
    return days, elapsed, len(ref) + len(ana)


def main():
    rng = np.random.default_rng(SEED)
    rows, cases = [], []
    for version, calibration in [("miscalibrated", "isotonic"), ("calibrated", "none"), ("unrounded", "isotonic")]:
        vr = version_rows(rng, version)
        rows += vr
        days, elapsed, n = cbpe(vr, calibration)
        print(f"{version}: NannyML CBPE fit + estimate of {n} rows in {elapsed:.3f} s (calibration {calibration})")
        ref_to = START + pd.Timedelta(days=REFERENCE_DAYS)
        cases.append({
            "version": version,
            "query": {
                "queryType": "estimation", "model": "cbpe", "versions": [version], "positiveClass": "yes",
                "threshold": THRESHOLD, "interval": "1d", "estimate": METRICS,
                "metrics": ["estimated", "sampling_error", "lower", "upper", "realized"],
                "calibration": calibration,
                "reference": {"type": "range", "from": START.isoformat().replace("+00:00", "Z"),
                              "to": ref_to.isoformat().replace("+00:00", "Z")},
            },
            "from": ref_to.isoformat().replace("+00:00", "Z"),
            "to": (ref_to + pd.Timedelta(days=ANALYSIS_DAYS)).isoformat().replace("+00:00", "Z"),
            "days": days,
        })
    OUT.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows).sort_values("ts", kind="stable").reset_index(drop=True)
    frame.insert(0, "prediction_id", [f"e-{i:06d}" for i in range(len(frame))])
    frame.insert(2, "model", "cbpe")
    frame["ts"] = frame["ts"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    frame = frame.drop(columns=["reference"])
    frame.to_csv(OUT / "predictions.csv", index=False)
    doc = {"generator": f"scripts/golden/nannyml_cbpe.py (nannyml {nannyml.__version__}, seed {SEED})", "cases": cases}
    (OUT / "cases.json").write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
