#!/usr/bin/env python3
"""NannyML's CBPE and Modelwatch's estimation query on the same data, side by side.

Reads a demo store written by `modelwatch demo --rows 1000000 --end 2026-03-31T00:00:00Z` (the
store the Go benchmarks build: tests/bench), exports the rows the question needs to Parquet (once,
next to the store), and asks both tools the same question: what are the churn classifier's
(version A) ROC AUC, F1, precision, recall, specificity and accuracy on each of the last 7 days,
estimated from its scores alone, calibrated on the first 15 days' labelled rows?

- NannyML: CBPE(problem_type="classification_binary", chunk_period="D") with the logged
  predicted label as y_pred, fitted on the reference days' labelled rows, estimating the
  analysis days; timed in-process with the data already in pandas. NannyML decides by itself
  whether to calibrate; the Modelwatch query asks for the same calibration.
- Modelwatch: `modelwatch query` with the equivalent estimation query, timed as a process
  (start, open the store read-only, read both windows, compute, print the frames).

Prints, per metric, the largest difference between the two tools' daily estimates, sampling
errors and realized values, and both timings (medians of --repeat runs).

Usage (from the repository root, after `go build -o bin/modelwatch ./pkg/cmd/modelwatch`):

    pip install -r scripts/golden/requirements-nannyml.txt duckdb==2.0.1 pyarrow==26.0.1
    python scripts/bench/nannyml_cbpe.py --db /tmp/modelwatch-bench-1000000.duckdb --cli bin/modelwatch
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")  # no analytics calls from a benchmark

import duckdb  # noqa: E402
import nannyml  # noqa: E402
import pandas as pd  # noqa: E402

METRICS = ["roc_auc", "f1", "precision", "recall", "specificity", "accuracy"]
OUTPUTS = ["estimated", "sampling_error", "realized"]
REFERENCE = ("2026-03-01T00:00:00Z", "2026-03-16T00:00:00Z")
ANALYSIS = ("2026-03-24T00:00:00Z", "2026-03-31T00:00:00Z")


def export(db: Path, parquet: Path, model: str, version: str) -> None:
    """Copies the columns of the question from the DuckDB store to Parquet (once)."""
    if parquet.exists():
        return
    con = duckdb.connect(str(db), read_only=True)
    con.execute(
        "COPY (SELECT ts, score, predicted_label, actual_label FROM predictions "
        "WHERE model = ? AND model_version = ? AND score IS NOT NULL AND predicted_label IS NOT NULL) "
        f"TO '{parquet}' (FORMAT PARQUET)", [model, version])
    con.close()


def frame(rows: pd.DataFrame, positive: str) -> pd.DataFrame:
    return pd.DataFrame({
        "timestamp": pd.to_datetime(rows["ts"], utc=True).dt.tz_localize(None),
        "y_pred_proba": rows["score"].astype(float),
        "y_pred": (rows["predicted_label"] == positive).astype(int),
        "y_true": rows["actual_label"].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else int(v == positive)),
    })


def window(df: pd.DataFrame, bounds) -> pd.DataFrame:
    lo, hi = (pd.Timestamp(b).tz_localize(None) for b in bounds)
    return df[(df["timestamp"] >= lo) & (df["timestamp"] < hi)].reset_index(drop=True)


def run_nannyml(df: pd.DataFrame, repeat: int):
    ref = window(df, REFERENCE).dropna(subset=["y_true"]).reset_index(drop=True)
    ana = window(df, ANALYSIS)
    times, result, calibrated = [], None, None
    for _ in range(repeat):
        began = time.perf_counter()
        est = nannyml.CBPE(y_pred_proba="y_pred_proba", y_pred="y_pred", y_true="y_true", timestamp_column_name="timestamp",
                           problem_type="classification_binary", metrics=METRICS, chunk_period="D")
        est.fit(ref)
        result = est.estimate(ana).filter(period="analysis").to_df()
        times.append(time.perf_counter() - began)
        calibrated = bool(est.needs_calibration)
    days = []
    for _, row in result.iterrows():
        days.append({m: {"estimated": row[(m, "value")], "sampling_error": row[(m, "sampling_error")],
                         "realized": row[(m, "realized")]} for m in METRICS})
    return days, times, calibrated, len(ref), len(ana)


def run_modelwatch(cli: str, db: Path, model: str, version: str, positive: str, calibration: str, repeat: int):
    q = {"schemaVersion": 1, "queryType": "estimation", "model": model, "versions": [version], "positiveClass": positive,
         "interval": "1d", "calibration": calibration, "estimate": METRICS, "metrics": OUTPUTS,
         "reference": {"type": "range", "from": REFERENCE[0], "to": REFERENCE[1]}}
    cmd = [cli, "query", "--db", str(db), "--from", ANALYSIS[0], "--to", ANALYSIS[1], "--query", json.dumps(q)]
    times, out = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - began)
        if proc.returncode != 0:
            sys.exit(f"modelwatch query failed: {proc.stderr.strip()}")
        out = json.loads(proc.stdout)
    series = {}
    for f in out["frames"]:
        value = f["schema"]["fields"][1]
        series[(value["labels"]["metric"], value["name"])] = f["data"]["values"][1]
    return series, times


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True, help="the demo store (1M rows, ending 2026-03-31)")
    ap.add_argument("--cli", default="bin/modelwatch", help="the modelwatch CLI")
    ap.add_argument("--model", default="churn-classifier")
    ap.add_argument("--version", default="A")
    ap.add_argument("--positive", default="churn")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    parquet = args.db.with_suffix(".cbpe.parquet")
    export(args.db, parquet, args.model, args.version)
    df = frame(pd.read_parquet(parquet), args.positive)
    days, nm_times, calibrated, ref_rows, ana_rows = run_nannyml(df, args.repeat)
    calibration = "isotonic" if calibrated else "none"
    mw, mw_times = run_modelwatch(args.cli, args.db, args.model, args.version, args.positive, calibration, args.repeat)
    print(f"reference rows (labelled) {ref_rows}, analysis rows {ana_rows}, {len(days)} daily chunks; NannyML calibrated: {calibrated}")
    print("| metric | " + " | ".join(f"largest difference, {o}" for o in OUTPUTS) + " |")
    print("| --- |" + " ---: |" * len(OUTPUTS))
    for m in METRICS:
        cells = []
        for o in OUTPUTS:
            ours = mw[(m, o)]
            diffs = [abs(ours[i] - d[m][o]) for i, d in enumerate(days) if ours[i] is not None and math.isfinite(d[m][o])]
            cells.append(f"{max(diffs):.2g}" if diffs else "n/a")
        print(f"| {m} | " + " | ".join(cells) + " |")
    print(f"NannyML CBPE fit + estimate (in-process, data in pandas): median of {args.repeat}: {statistics.median(nm_times):.3f} s")
    print(f"modelwatch query (process start, open, query, print): median of {args.repeat}: {statistics.median(mw_times):.3f} s")


if __name__ == "__main__":
    main()
