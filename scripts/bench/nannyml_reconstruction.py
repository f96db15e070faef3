#!/usr/bin/env python3
"""NannyML's data reconstruction drift and Modelwatch's multivariate query on the same data.

Reads a demo store written by `modelwatch demo --rows N --end 2026-03-31T00:00:00Z` (the store the
Go benchmarks build: tests/bench), exports the rows the question needs to Parquet (once, next to
the store), and asks both tools the same question: how well do the principal components of the
churn classifier's (version A) five inputs on the first 15 days reconstruct its rows on each of
the last 7 days, and which days drift?

- NannyML: DataReconstructionDriftCalculator(n_components=0.65, chunk_period="D") over age,
  tenure_months, plan, country and is_mobile, fitted on the reference days, calculating the
  analysis days; timed in-process with the data already in pandas.
- Modelwatch: `modelwatch query` with the equivalent multivariate query, timed as a process
  (start, open the store read-only, fit on the reference, read the window, print the frames).

Prints the largest difference between the two tools' daily errors, sampling errors and
thresholds, whether the alerts agree, and both timings (medians of --repeat runs).

Usage (from the repository root, after `go build -o bin/modelwatch ./pkg/cmd/modelwatch`):

    pip install -r scripts/golden/requirements-nannyml.txt duckdb==2.0.1 pyarrow==26.0.1
    python scripts/bench/nannyml_reconstruction.py --db /tmp/modelwatch-bench-1000000.duckdb --cli bin/modelwatch
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

FEATURES = ["age", "tenure_months", "plan", "country", "is_mobile"]
OUTPUTS = ["reconstruction_error", "sampling_error", "threshold_lower", "threshold_upper", "drifted"]
REFERENCE = ("2026-03-01T00:00:00Z", "2026-03-16T00:00:00Z")
ANALYSIS = ("2026-03-24T00:00:00Z", "2026-03-31T00:00:00Z")


def export(db: Path, parquet: Path, model: str, version: str) -> None:
    """Copies the columns of the question from the DuckDB store to Parquet (once)."""
    if parquet.exists():
        return
    con = duckdb.connect(str(db), read_only=True)
    con.execute(
        f"COPY (SELECT ts, {', '.join(FEATURES)} FROM predictions WHERE model = ? AND model_version = ?) "
        f"TO '{parquet}' (FORMAT PARQUET)", [model, version])
    con.close()


def frame(rows: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"timestamp": pd.to_datetime(rows["ts"], utc=True).dt.tz_localize(None)})
    out["age"] = rows["age"].astype(float)
    out["tenure_months"] = rows["tenure_months"].astype(float)  # missing values: NaN
    out["plan"] = rows["plan"].astype(object)
    out["country"] = rows["country"].astype(object)
    out["is_mobile"] = rows["is_mobile"].astype(object)  # booleans with missing values: categorical
    return out


def window(df: pd.DataFrame, bounds) -> pd.DataFrame:
    lo, hi = (pd.Timestamp(b).tz_localize(None) for b in bounds)
    return df[(df["timestamp"] >= lo) & (df["timestamp"] < hi)].reset_index(drop=True)


def run_nannyml(df: pd.DataFrame, repeat: int):
    ref, ana = window(df, REFERENCE), window(df, ANALYSIS)
    times, result, kept = [], None, None
    for _ in range(repeat):
        began = time.perf_counter()
        calc = nannyml.DataReconstructionDriftCalculator(column_names=FEATURES, timestamp_column_name="timestamp",
                                                         chunk_period="D", n_components=0.65)
        calc.fit(ref)
        result = calc.calculate(ana).filter(period="analysis").to_df()
        times.append(time.perf_counter() - began)
        kept = calc._pca.n_components_
    r = "reconstruction_error"
    days = [{"reconstruction_error": row[(r, "value")], "sampling_error": row[(r, "sampling_error")],
             "threshold_lower": row[(r, "lower_threshold")], "threshold_upper": row[(r, "upper_threshold")],
             "drifted": 1.0 if row[(r, "alert")] else 0.0} for _, row in result.iterrows()]
    return days, times, kept, len(ref), len(ana)


def run_modelwatch(cli: str, db: Path, model: str, version: str, repeat: int):
    q = {"schemaVersion": 1, "queryType": "multivariate", "model": model, "versions": [version], "interval": "1d",
         "features": FEATURES, "metrics": OUTPUTS, "reference": {"type": "range", "from": REFERENCE[0], "to": REFERENCE[1]}}
    cmd = [cli, "query", "--db", str(db), "--from", ANALYSIS[0], "--to", ANALYSIS[1], "--query", json.dumps(q)]
    times, out = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - began)
        if proc.returncode != 0:
            sys.exit(f"modelwatch query failed: {proc.stderr.strip()}")
        out = json.loads(proc.stdout)
    series = {f["schema"]["fields"][1]["name"]: f["data"]["values"][1] for f in out["frames"]}
    kept = out["frames"][0]["schema"]["meta"]["custom"]["components"]
    return series, times, kept


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True, help="the demo store (ending 2026-03-31)")
    ap.add_argument("--cli", default="bin/modelwatch", help="the modelwatch CLI")
    ap.add_argument("--model", default="churn-classifier")
    ap.add_argument("--version", default="A")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    parquet = args.db.with_suffix(".reconstruction.parquet")
    export(args.db, parquet, args.model, args.version)
    df = frame(pd.read_parquet(parquet))
    days, nm_times, nm_kept, ref_rows, ana_rows = run_nannyml(df, args.repeat)
    mw, mw_times, mw_kept = run_modelwatch(args.cli, args.db, args.model, args.version, args.repeat)
    print(f"reference rows {ref_rows}, analysis rows {ana_rows}, {len(days)} daily chunks; components kept: NannyML {nm_kept}, Modelwatch {mw_kept}")
    for o in OUTPUTS:
        ours = mw[o]
        diffs = [abs(ours[i] - d[o]) for i, d in enumerate(days)
                 if ours[i] is not None and d[o] is not None and math.isfinite(d[o])]
        print(f"{o}: largest difference {max(diffs):.2g}" if diffs else f"{o}: n/a")
    print(f"alerts: NannyML {[int(d['drifted']) for d in days]}, Modelwatch {[int(v) for v in mw['drifted']]}")
    print(f"NannyML fit + calculate (in-process, data in pandas): median of {args.repeat}: {statistics.median(nm_times):.3f} s")
    print(f"modelwatch query (process start, open, query, print): median of {args.repeat}: {statistics.median(mw_times):.3f} s")


if __name__ == "__main__":
    main()
