#!/usr/bin/env python3
"""Evidently's DataDriftPreset and Modelwatch's drift query on the same data, side by side.

Reads a demo store written by `modelwatch demo --rows 1000000 --end 2026-03-31T00:00:00Z`
(the store the Go benchmarks build: tests/bench), exports the rows the question needs to
Parquet (once, next to the store), and asks both tools the same question: has the distribution
of each feature of one model version changed between the reference window (the first 15 days)
and the current window (the last 7 days)?

- Evidently: Report([DataDriftPreset()]) with default settings over pandas frames of the two
  windows (features declared numerical or categorical as the store types them), timed.
- Modelwatch: `modelwatch query` with the equivalent drift query (method auto, every feature),
  timed as a process (start, open the store read-only, query, print the frames).

Both choose the method the same way for windows over 1000 rows (Wasserstein distance normed by
the reference's standard deviation for numbers with more than 5 values, Jensen-Shannon distance
otherwise; threshold 0.1), so scores should agree to rounding. For windows of 1000 rows or fewer
the methods are statistical tests; note that Modelwatch's chi-square is the test of
homogeneity (contingency table of both windows) while Evidently's is a goodness-of-fit test of
the current counts against the reference shares, so chi-square p-values differ there.

Usage (from the repository root, after `go build -o bin/modelwatch ./pkg/cmd/modelwatch`):

    pip install -r scripts/bench/requirements.txt
    python scripts/bench/evidently_drift.py --db /tmp/modelwatch-bench-1000000.duckdb --cli bin/modelwatch
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Evidently sends usage events unless told not to; the comparison must not depend on a network.
os.environ.setdefault("DO_NOT_TRACK", "1")

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

FEATURES = ["age", "tenure_months", "plan", "country", "is_mobile"]
NUMERICAL = ["age", "tenure_months"]
CATEGORICAL = ["plan", "country", "is_mobile"]
# Windows over the demo's 30 days ending 2026-03-31 (half-open, as Modelwatch's ranges are):
# name -> (reference from, to), (current from, to).
SCENARIOS = {
    # The question of the performance comparison: first 15 days against the last 7.
    "large": (("2026-03-01T00:00:00Z", "2026-03-16T00:00:00Z"), ("2026-03-24T00:00:00Z", "2026-03-31T00:00:00Z")),
    # One hour against one hour: under 1000 reference rows at 1M rows, so both tools choose
    # statistical tests (KS, chi-square, z) instead of distances.
    "small": (("2026-03-01T00:00:00Z", "2026-03-01T01:00:00Z"), ("2026-03-30T00:00:00Z", "2026-03-30T01:00:00Z")),
}


def export(db: Path, parquet: Path) -> None:
    """Copies the columns of the question from the DuckDB store to Parquet (once)."""
    if parquet.exists():
        return
    con = duckdb.connect(str(db), read_only=True)
    cols = ", ".join(["ts", "model", "model_version"] + FEATURES)
    tmp = parquet.with_suffix(".parquet.tmp")
    con.execute(f"COPY (SELECT {cols} FROM predictions) TO '{tmp}' (FORMAT parquet)")
    con.close()
    tmp.rename(parquet)


def load(parquet: Path, model: str, version: str) -> pd.DataFrame:
    """Loads the rows of model/version from the Parquet file."""
    df = pd.read_parquet(parquet)
    return df[(df["model"] == model) & (df["model_version"] == version)]


def windows(df: pd.DataFrame, ref_range, cur_range):
    """Returns the reference and current frames of the feature columns."""
    ts = pd.to_datetime(df["ts"], utc=True)

    def window(lo: str, hi: str) -> pd.DataFrame:
        sel = (ts >= pd.Timestamp(lo)) & (ts < pd.Timestamp(hi))
        out = df.loc[sel, FEATURES].reset_index(drop=True)
        # Categories as text, as Modelwatch reads them (booleans become "true"/"false").
        out["is_mobile"] = out["is_mobile"].map({True: "true", False: "false"})
        return out

    return window(*ref_range), window(*cur_range)


def run_evidently(ref: pd.DataFrame, cur: pd.DataFrame, repeat: int):
    """Runs DataDriftPreset (defaults) `repeat` times; returns per-feature results and timings."""
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    definition = DataDefinition(numerical_columns=NUMERICAL, categorical_columns=CATEGORICAL)
    times, snapshot = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        ref_ds = Dataset.from_pandas(ref, data_definition=definition)
        cur_ds = Dataset.from_pandas(cur, data_definition=definition)
        snapshot = Report([DataDriftPreset()]).run(current_data=cur_ds, reference_data=ref_ds)
        times.append(time.perf_counter() - start)
    return parse_snapshot(snapshot), times


def parse_snapshot(snapshot) -> dict:
    """Reads each feature's method, threshold, score and verdict from the snapshot. The preset's
    ValueDrift metrics carry the resolved method and threshold in their config; the verdict is
    Evidently's rule: a distance drifts at score >= threshold, a test at p-value < threshold."""
    out = {}
    for metric in snapshot.dict()["metrics"]:
        config = metric.get("config", {})
        if not str(config.get("type", "")).endswith(":ValueDrift"):
            continue
        method, threshold, score = config.get("method"), config.get("threshold"), float(metric["value"])
        distance = any(k in (method or "").lower() for k in ("distance", "psi", "divergence"))
        drifted = score >= threshold if distance else score < threshold
        out[config["column"]] = {"method": method, "threshold": threshold, "score": score, "drifted": drifted}
    return out


def run_modelwatch(cli: str, db: Path, model: str, version: str, ref_range, cur_range, repeat: int):
    """Runs the equivalent drift query with the CLI `repeat` times; returns results and timings."""
    q = {
        "schemaVersion": 1, "queryType": "drift", "model": model, "versions": [version],
        "method": "auto", "format": "numeric",
        "reference": {"type": "range", "from": ref_range[0], "to": ref_range[1]},
    }
    cmd = [cli, "query", "--db", str(db), "--from", cur_range[0], "--to", cur_range[1], "--query", json.dumps(q)]
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            sys.exit(f"modelwatch query failed: {proc.stderr.strip()}")
        out = json.loads(proc.stdout)
    frame = out["frames"][0]
    names = [f["name"] for f in frame["schema"]["fields"]]
    cols = dict(zip(names, frame["data"]["values"]))
    results = {}
    for i, feature in enumerate(cols["feature"]):
        results[feature] = {
            "method": cols["method"][i], "statistic": cols["statistic"][i], "p_value": cols["p_value"][i],
            "score": cols["score"][i], "threshold": cols["threshold"][i], "drifted": cols["drifted"][i] == 1,
        }
    return results, times


def fmt(v, digits=6):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return str(v)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_dir = os.environ.get("MODELWATCH_BENCH_DIR", "/tmp")
    ap.add_argument("--db", type=Path, default=Path(default_dir) / "modelwatch-bench-1000000.duckdb",
                    help="demo store (modelwatch demo --rows 1000000 --end 2026-03-31T00:00:00Z)")
    ap.add_argument("--cli", default="bin/modelwatch", help="the modelwatch CLI")
    ap.add_argument("--model", default="churn-classifier")
    ap.add_argument("--version", default="A", help="one version present in both windows")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each tool; the median is reported")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist: create it with `modelwatch demo --db {args.db} --rows 1000000 "
                 "--end 2026-03-31T00:00:00Z` or run the Go benchmarks (tests/bench)")

    parquet = args.db.with_suffix(".drift.parquet")
    start = time.perf_counter()
    export(args.db, parquet)
    df = load(parquet, args.model, args.version)
    print(f"data: {args.db} ({parquet.name}), {args.model} version {args.version}: {len(df)} rows, "
          f"loaded in {time.perf_counter() - start:.2f} s (not included in the timings)")

    import evidently

    report = {"model": args.model, "version": args.version, "evidently_version": evidently.__version__,
              "pandas_version": pd.__version__, "scenarios": {}}
    for name, (ref_range, cur_range) in SCENARIOS.items():
        ref, cur = windows(df, ref_range, cur_range)
        ev, ev_times = run_evidently(ref, cur, args.repeat)
        mw, mw_times = run_modelwatch(args.cli, args.db, args.model, args.version, ref_range, cur_range, args.repeat)
        print()
        print(f"== {name}: reference [{ref_range[0]}, {ref_range[1]}) {len(ref)} rows, "
              f"current [{cur_range[0]}, {cur_range[1]}) {len(cur)} rows")
        print(f"Evidently {evidently.__version__} (pandas {pd.__version__}), DataDriftPreset with defaults: "
              f"median of {args.repeat}: {statistics.median(ev_times):.3f} s (runs: {', '.join(f'{t:.3f}' for t in ev_times)})")
        print(f"modelwatch query (process start, open, query, print): median of {args.repeat}: "
              f"{statistics.median(mw_times):.3f} s (runs: {', '.join(f'{t:.3f}' for t in mw_times)})")
        header = (f"{'feature':<14} {'Evidently method':<30} {'score':>12} {'drift':>5}   "
                  f"{'Modelwatch method':<17} {'score':>12} {'drift':>5} {'abs diff':>10}")
        print(header)
        print("-" * len(header))
        rows = []
        for f in FEATURES:
            e, m = ev.get(f, {}), mw.get(f, {})
            diff = abs(e["score"] - m["score"]) if e.get("score") is not None and m.get("score") is not None else None
            print(f"{f:<14} {fmt(e.get('method')):<30} {fmt(e.get('score')):>12} {fmt(e.get('drifted')):>5}   "
                  f"{fmt(m.get('method')):<17} {fmt(m.get('score')):>12} {fmt(m.get('drifted')):>5} {fmt(diff, 3):>10}")
            rows.append({"feature": f, "evidently": e, "modelwatch": m, "abs_diff": diff})
        report["scenarios"][name] = {
            "reference": ref_range, "current": cur_range, "reference_rows": len(ref), "current_rows": len(cur),
            "evidently_seconds": ev_times, "modelwatch_seconds": mw_times, "features": rows,
        }
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))

if __name__ == "__main__":
    main()
