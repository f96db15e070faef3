"""Golden cases for availability, last_seen_seconds, the column (resource) metrics and the
explicit zeros of buckets without requests, in the operations family.

Writes testdata/golden/operations/predictions.csv (the prediction-store schema plus cpu_ms,
memory_mb and region) and testdata/golden/operations/cases.json: for each case, the query and
the expected numbers per series (a number over the range, or a list over its 1h buckets),
computed with numpy on the rows the query selects.
Run: python3 scripts/golden/operations.py (numpy only)
"""
import csv
import json
import os
from datetime import datetime, timedelta, timezone

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "testdata", "golden", "operations")
FROM = datetime(2026, 3, 1, tzinfo=timezone.utc)
TO = FROM + timedelta(days=1)
LOOKBACK = timedelta(days=30)  # query.LastSeenLookback
HEADER = ["prediction_id", "ts", "model", "model_version", "predicted_label", "predicted_value", "score",
          "actual_label", "actual_value", "latency_ms", "error", "cpu_ms", "memory_mb", "region"]


def stamp(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_rows(rng):
    rows = []

    def add(version, ts, model="svc"):
        latency = float(np.round(rng.lognormal(3.0, 0.4), 3))
        cpu = float(np.round(rng.gamma(4.0, 12.5), 3))
        rows.append({
            "prediction_id": f"o-{len(rows) + 1:06d}", "ts": stamp(ts), "model": model, "model_version": version,
            "predicted_label": "", "predicted_value": repr(float(np.round(rng.normal(10, 2), 4))), "score": "",
            "actual_label": "", "actual_value": "",
            "latency_ms": "" if rng.random() < 0.03 else repr(latency),
            "error": "timeout" if rng.random() < 0.04 else "",
            "cpu_ms": "" if rng.random() < 0.05 else repr(cpu),
            "memory_mb": str(int(rng.integers(200, 900))),
            "region": ["eu", "us"][int(rng.integers(0, 2))],
        })

    # A serves from before the look-back's start until 22:59 on the range's day, with no
    # traffic from 10:00 to 13:00: it stopped serving about an hour before the range's end.
    for k in range(1500):
        ts = FROM - timedelta(days=2) + timedelta(seconds=int(rng.integers(0, 2 * 86400)))
        add("A", ts)
    for k in range(2400):
        ts = FROM + timedelta(seconds=int(rng.integers(0, 23 * 3600)))
        if timedelta(hours=10) <= ts - FROM < timedelta(hours=13):
            continue
        add("A", ts)
    add("A", FROM + timedelta(hours=22, minutes=59, seconds=13))
    # B stopped two days before the range: no rows in it, but rows in the look-back.
    for k in range(300):
        add("B", FROM - timedelta(days=4) + timedelta(seconds=int(rng.integers(0, 2 * 86400))))
    # C served only 40 days before the range: nothing in the look-back.
    for k in range(50):
        add("C", FROM - timedelta(days=40) + timedelta(seconds=int(rng.integers(0, 86400))))
    # Another model serving to the end, which must not count for svc.
    for k in range(200):
        add("A", FROM + timedelta(seconds=int(rng.integers(0, 86400))), model="other")
    rows.sort(key=lambda r: (r["ts"], r["prediction_id"]))
    return rows


def ts_of(r):
    return datetime.strptime(r["ts"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def num(v):
    return None if v == "" else float(v)


def pct(values, q):
    return float(np.percentile(np.array(values), q)) if values else None


def operations(rows, seconds):
    n = len(rows)
    errors = sum(1 for r in rows if r["error"])
    lat = [num(r["latency_ms"]) for r in rows if r["latency_ms"] != ""]
    return {
        "requests": float(n),
        "throughput": n / seconds,
        "error_rate": errors / n if n else None,
        "availability": (n - errors) / n if n else None,
        "latency_p95": pct(lat, 95),
    }


def column(rows, name):
    vals = [num(r[name]) for r in rows if r[name] != ""]
    return {
        "column_p50": pct(vals, 50), "column_p95": pct(vals, 95), "column_p99": pct(vals, 99),
        "column_mean": float(np.mean(vals)) if vals else None,
        "column_max": float(np.max(vals)) if vals else None,
    }


def last_seen(rows, end):
    """Seconds from the last prediction at or after the look-back's start and before end, to end;
    the look-back's length to end when there is none."""
    look_from = (FROM - LOOKBACK).replace(minute=0, second=0, microsecond=0)
    seen = [ts_of(r) for r in rows if look_from <= ts_of(r) < end]
    since = max(seen) if seen else look_from
    return (end - since).total_seconds()


def main():
    rng = np.random.default_rng(20260301)
    rows = make_rows(rng)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "predictions.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    svc = [r for r in rows if r["model"] == "svc"]
    in_range = [r for r in svc if FROM <= ts_of(r) < TO]
    hours = [FROM + timedelta(hours=h) for h in range(24)]
    cases = []

    def of(version, rs=in_range):
        return [r for r in rs if r["model_version"] == version]

    numeric = ["availability", "error_rate", "requests", "column_p50", "column_p95", "column_p99", "column_mean", "column_max"]
    for name in ["cpu_ms", "memory_mb"]:
        values = {**operations(of("A"), 86400.0), **column(of("A"), name)}
        cases.append({
            "name": f"numeric: availability and the statistics of {name}",
            "query": {"schemaVersion": 1, "queryType": "operations", "model": "svc", "versions": ["A"], "format": "numeric",
                      "column": name, "metrics": numeric},
            "series": [{"labels": {"model": "svc", "version": "A"}, "values": {m: values[m] for m in numeric}}],
        })
    per_hour = []
    for h in hours:
        rs = [r for r in of("A") if h <= ts_of(r) < h + timedelta(hours=1)]
        per_hour.append({**operations(rs, 3600.0), **column(rs, "cpu_ms")})
    metrics_1h = ["requests", "throughput", "error_rate", "availability", "latency_p95", "column_p95", "column_mean"]
    cases.append({
        "name": "1h buckets: zeros for requests and throughput, nulls for shares and statistics in the gap",
        "query": {"schemaVersion": 1, "queryType": "operations", "model": "svc", "versions": ["A"], "interval": "1h",
                  "column": "cpu_ms", "metrics": metrics_1h},
        "series": [{"labels": {"model": "svc", "version": "A"},
                    "values": {m: [p[m] for p in per_hour] for m in metrics_1h}}],
    })
    cases.append({
        "name": "numeric: last_seen_seconds of a version that stopped an hour before the end, one without rows in the range, one without rows in the look-back",
        "query": {"schemaVersion": 1, "queryType": "operations", "model": "svc", "versions": ["A", "B", "C"],
                  "format": "numeric", "metrics": ["last_seen_seconds", "requests"]},
        "lowerBound": True,
        "series": [{"labels": {"model": "svc", "version": v},
                    "values": {"last_seen_seconds": last_seen(of(v, svc), TO), "requests": float(len(of(v)))}}
                   for v in ["A", "B", "C"]],
    })
    cases.append({
        "name": "1h buckets: last_seen_seconds ramps through the gap and after the last prediction",
        "query": {"schemaVersion": 1, "queryType": "operations", "model": "svc", "versions": ["A", "B"],
                  "interval": "1h", "metrics": ["last_seen_seconds"]},
        "lowerBound": False,
        "series": [{"labels": {"model": "svc", "version": v},
                    "values": {"last_seen_seconds": [last_seen(of(v, svc), h + timedelta(hours=1)) for h in hours]}}
                   for v in ["A", "B"]],
    })
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"generator": f"scripts/golden/operations.py with numpy {np.__version__}",
                   "from": stamp(FROM), "to": stamp(TO), "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
