#!/usr/bin/env python3
"""scikit-learn and Modelwatch on the same multiclass predictions: ROC AUC (one-vs-rest and
one-vs-one), average precision, log loss and Brier from each class's probability column, and a
weighted F1, ROC AUC and log loss (sample_weight).

Writes --rows predictions of a four-class model (classes ant, bee, cat, dog; probabilities to 4
decimals in score_<class> columns; a sample weight column w) over 7 days to Parquet, loads them
into a new DuckDB store with `modelwatch load` (once, next to --dir), then asks both tools the
same questions over the whole range:

- scikit-learn: roc_auc_score, average_precision_score, log_loss, brier_score_loss and
  f1_score on numpy arrays already in memory (the time to read the rows is not counted);
- Modelwatch: `modelwatch query`, timed as a process (start, open the store read-only, one scan
  per class column for the rankings, one aggregate for the sums, print the frames).

Prints the largest difference between the two tools' values and both timings (medians of
--repeat runs).

Usage (from the repository root, after `go build -o bin/modelwatch ./pkg/cmd/modelwatch`):

    pip install -r scripts/golden/requirements.txt pyarrow==26.0.1
    python scripts/bench/sklearn_multiclass.py --rows 1000000 --dir /tmp/mwbench --cli bin/modelwatch
"""

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sklearn import metrics as skm

CLASSES = ["ant", "bee", "cat", "dog"]
START = np.datetime64("2026-05-01T00:00:00")
FROM, TO = "2026-05-01T00:00:00Z", "2026-05-08T00:00:00Z"


def generate(rows: int, seed: int = 20261202) -> dict:
    rng = np.random.default_rng(seed)
    true = rng.choice(len(CLASSES), size=rows, p=[0.1, 0.2, 0.3, 0.4])
    logits = rng.normal(0, 1, (rows, len(CLASSES)))
    logits[np.arange(rows), true] += 1.2
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    head = np.floor(p[:, :-1] * 1e4) / 1e4
    probs = np.column_stack([head, np.round(1 - head.sum(axis=1), 4)])
    seconds = rng.integers(0, 7 * 86400, rows)
    return {
        "prediction_id": np.array([f"b{i:09d}" for i in range(rows)]),
        "ts": START + seconds.astype("timedelta64[s]"),
        "model": np.full(rows, "species"),
        "model_version": np.full(rows, "A"),
        "predicted_label": np.array(CLASSES)[probs.argmax(axis=1)],
        "actual_label": np.array(CLASSES)[true],
        "w": np.round(rng.gamma(2.0, 1.0, rows) + 0.001, 3),
        **{"score_" + c: probs[:, i] for i, c in enumerate(CLASSES)},
    }


def store(rows: int, directory: Path, cli: str) -> tuple[Path, dict]:
    data = generate(rows)
    db = directory / f"modelwatch-multiclass-{rows}.duckdb"
    if not db.exists():
        parquet = directory / f"multiclass-{rows}.parquet"
        pq.write_table(pa.table({k: pa.array(v) for k, v in data.items()}), parquet)
        subprocess.run([cli, "load", "--db", str(db), "--file", str(parquet)], check=True, capture_output=True)
        parquet.unlink()
    return db, data


def sklearn_values(data: dict) -> dict:
    y = data["actual_label"]
    p = np.column_stack([data["score_" + c] for c in CLASSES])
    indicator = (y[:, None] == np.array(CLASSES)[None, :]).astype(int)
    w = data["w"]
    return {
        "ovr": lambda: {
            "roc_auc": skm.roc_auc_score(y, p, multi_class="ovr", average="macro", labels=CLASSES),
            "average_precision": skm.average_precision_score(indicator, p, average="macro"),
            "log_loss": skm.log_loss(y, p, labels=CLASSES),
            "brier": skm.brier_score_loss(y, p, labels=CLASSES),
        },
        "ovo": lambda: {"roc_auc": skm.roc_auc_score(y, p, multi_class="ovo", average="macro", labels=CLASSES)},
        "weighted": lambda: {
            "f1": skm.f1_score(y, data["predicted_label"], average="macro", sample_weight=w),
            "roc_auc": skm.roc_auc_score(y, p, multi_class="ovr", average="macro", labels=CLASSES, sample_weight=w),
            "log_loss": skm.log_loss(y, p, labels=CLASSES, sample_weight=w),
        },
    }


QUERIES = {
    "ovr": {"metrics": ["roc_auc", "average_precision", "log_loss", "brier"]},
    "ovo": {"metrics": ["roc_auc"], "multiClass": "ovo"},
    "weighted": {"metrics": ["f1", "roc_auc", "log_loss"], "weight": "w"},
}


def modelwatch(cli: str, db: Path, extra: dict) -> dict:
    query = {"schemaVersion": 1, "queryType": "classification", "model": "species", "average": "macro", "format": "numeric", **extra}
    out = subprocess.run([cli, "query", "--db", str(db), "--from", FROM, "--to", TO, "--output", "json", "--query", json.dumps(query)],
                         check=True, capture_output=True, text=True).stdout
    frame = json.loads(out)["frames"][0]
    names = [f["name"] for f in frame["schema"]["fields"]]
    values = frame["data"]["values"]
    return {name: values[i][0] for i, name in enumerate(names) if name in extra["metrics"]}


def timed(f, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - t0)
    return result, statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/mwbench"))
    ap.add_argument("--cli", default="bin/modelwatch")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    db, data = store(args.rows, args.dir, args.cli)
    ours = sklearn_values(data)
    for name, extra in QUERIES.items():
        want, t_sk = timed(ours[name], args.repeat)
        got, t_mw = timed(lambda: modelwatch(args.cli, db, extra), args.repeat)
        diff = max(abs(got[m] - want[m]) for m in want)
        print(f"{name}: {args.rows} rows, largest difference {diff:.2g}; scikit-learn {t_sk:.2f} s, modelwatch query {t_mw:.2f} s "
              f"({t_sk / t_mw:.1f}x)", flush=True)
        if not math.isfinite(diff) or diff > 1e-9:
            print(f"  values differ: {got} vs {want}", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
