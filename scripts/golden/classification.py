#!/usr/bin/env python3
"""Golden test cases for the binary classification metrics and confusion matrix.

Writes one CSV per case (prediction-store schema) and cases.json with the expected
metrics, computed with scikit-learn, under testdata/golden/classification/.

Rules the expected values follow (the plugin's contract, docs/query-reference.md):
- only rows of the case's model and version ("golden", "A") count;
- rows without actual_label (empty = NULL) are left out before computing;
- threshold set: predicted = positiveClass if score >= threshold, else the negative
  class (the other label among the actual labels); threshold null: predicted_label;
- undefined metrics (NaN in scikit-learn, zero_division=np.nan) are written as null.

Run from anywhere: python3 scripts/golden/classification.py
"""

from __future__ import annotations

import csv
import json
import math
import sys
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    confusion_matrix,
    log_loss,
    roc_auc_score,
    f1_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
)

SEED = 20260301
MODEL = "golden"
VERSION = "A"
START = datetime(2026, 3, 1, tzinfo=timezone.utc)
SPAN_SECONDS = 2 * 24 * 3600  # rows are spread over [START, START + 2 days)

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "testdata" / "golden" / "classification"

HEADER = [
    "prediction_id", "ts", "model", "model_version", "predicted_label", "predicted_value",
    "score", "actual_label", "actual_value", "latency_ms", "error", "age", "plan",
]


@dataclass
class Row:
    version: str
    predicted_label: str | None
    score: float | None
    actual_label: str | None


@dataclass
class Case:
    name: str
    file: str
    positive: str
    negative: str
    threshold: float | None
    rows: list[Row] = field(default_factory=list)


# ---------------------------------------------------------------- data helpers

def score_in_unit(rng: np.random.Generator, a: float, b: float, n: int) -> np.ndarray:
    """Beta scores squeezed into [0.001, 0.999] so repr() never uses exponent notation."""
    return 0.001 + 0.998 * rng.beta(a, b, size=n)


def scores_for(rng: np.random.Generator, is_pos: np.ndarray) -> np.ndarray:
    """Scores that separate the classes reasonably but not perfectly."""
    pos = score_in_unit(rng, 4.0, 2.0, len(is_pos))
    neg = score_in_unit(rng, 2.0, 4.0, len(is_pos))
    return np.where(is_pos, pos, neg)


def fmt_float(x: float | None) -> str:
    if x is None:
        return ""
    return repr(float(x))


def write_csv(case: Case, rng: np.random.Generator, case_no: int) -> None:
    n = len(case.rows)
    offsets = np.sort(rng.integers(0, SPAN_SECONDS, size=n))
    if n:
        offsets[0] = 0  # every case starts at START
    latency = np.round(rng.lognormal(mean=3.0, sigma=0.5, size=n), 3)
    age = np.round(np.clip(rng.normal(42.0, 13.0, size=n), 18.0, 90.0), 1)
    plan = np.where(rng.random(n) < 0.3, "pro", "basic")
    with open(OUT_DIR / case.file, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for i, r in enumerate(case.rows):
            ts = START + timedelta(seconds=int(offsets[i]))
            w.writerow([
                f"g{case_no:02d}-{i + 1:06d}",
                ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
                MODEL,
                r.version,
                r.predicted_label or "",
                "",
                fmt_float(r.score),
                r.actual_label or "",
                "",
                fmt_float(float(latency[i])),
                "",
                fmt_float(float(age[i])),
                str(plan[i]),
            ])


# ---------------------------------------------------------------- cases

def case_balanced_logged(rng: np.random.Generator) -> Case:
    """1000 rows, balanced, predicted_label logged by the model (which used 0.45 on its score)."""
    n = 1000
    is_pos = rng.random(n) < 0.5
    s = scores_for(rng, is_pos)
    rows = []
    for i in range(n):
        pred = "churn" if s[i] >= 0.45 else "stay"
        score = None if rng.random() < 0.03 else float(s[i])  # some rows logged no score
        rows.append(Row(VERSION, pred, score, "churn" if is_pos[i] else "stay"))
    return Case("balanced, logged labels", "01_balanced_logged.csv", "churn", "stay", None, rows)


def case_imbalanced_threshold(rng: np.random.Generator) -> Case:
    """5000 rows, 10% positive, threshold 0.5 on score, ~8% without ground truth.

    The model logs scores only: predicted_label is empty (NULL) on every row."""
    n = 5000
    is_pos = rng.random(n) < 0.10
    s = scores_for(rng, is_pos)
    unlabeled = rng.random(n) < 0.08
    rows = [
        Row(VERSION, None, float(s[i]), None if unlabeled[i] else ("churn" if is_pos[i] else "stay"))
        for i in range(n)
    ]
    return Case("imbalanced 10% positive, threshold 0.5, ~8% unlabeled",
                "02_imbalanced_threshold.csv", "churn", "stay", 0.5, rows)


def case_threshold_ties(rng: np.random.Generator) -> Case:
    """Threshold 0.3 with scores exactly 0.3 (positive) and one ulp either side.

    predicted_label is what the model logged at its own 0.5 cut-off (a few are NULL):
    it disagrees with the 0.3 threshold and must be ignored."""
    n = 300
    is_pos = rng.random(n) < 0.4
    s = scores_for(rng, is_pos)
    below = math.nextafter(0.3, 0.0)   # 0.29999999999999993 -> negative
    above = math.nextafter(0.3, 1.0)   # 0.30000000000000004 -> positive
    special = rng.choice(n, size=60, replace=False)
    for k, idx in enumerate(special):
        s[idx] = 0.3 if k < 40 else (below if k < 50 else above)
    unlabeled = rng.random(n) < 0.05
    rows = []
    for i in range(n):
        pred = None if rng.random() < 0.05 else ("churn" if s[i] >= 0.5 else "stay")
        rows.append(Row(VERSION, pred, float(s[i]),
                        None if unlabeled[i] else ("churn" if is_pos[i] else "stay")))
    return Case("threshold 0.3 with ties at exactly 0.3", "03_threshold_ties.csv",
                "churn", "stay", 0.3, rows)


def case_all_negative(rng: np.random.Generator) -> Case:
    """Every prediction is the negative class: precision is undefined (null)."""
    n = 200
    is_pos = rng.random(n) < 0.3
    s = score_in_unit(rng, 1.5, 6.0, n) * 0.45  # all below 0.45, consistent with "stay"
    rows = [Row(VERSION, "stay", float(s[i]), "churn" if is_pos[i] else "stay") for i in range(n)]
    return Case("all predictions negative", "04_all_negative.csv", "churn", "stay", None, rows)


def case_single_row(rng: np.random.Generator) -> Case:
    """One row: actual churn, predicted stay."""
    rows = [Row(VERSION, "stay", 0.4125, "churn")]
    return Case("single row", "05_single_row.csv", "churn", "stay", None, rows)


def case_one_class_actual(rng: np.random.Generator) -> Case:
    """Every actual label is the negative class; predictions are mixed."""
    n = 150
    s = score_in_unit(rng, 2.0, 4.0, n)
    rows = [Row(VERSION, "churn" if s[i] >= 0.5 else "stay", float(s[i]), "stay") for i in range(n)]
    return Case("all actual labels one class (stay)", "06_one_class_actual.csv",
                "churn", "stay", None, rows)


def case_numeric_labels_versions(rng: np.random.Generator) -> Case:
    """Labels "1"/"0" (positive "1"); version B rows interleaved, which must be filtered out.

    Version B predicts the opposite of the truth most of the time, so counting it shows."""
    n = 800
    is_b = rng.random(n) < 0.4
    is_pos = rng.random(n) < 0.35
    s = scores_for(rng, is_pos)
    unlabeled = rng.random(n) < 0.06
    rows = []
    for i in range(n):
        actual = None if unlabeled[i] else ("1" if is_pos[i] else "0")
        if is_b[i]:
            sc = 1.0 - float(s[i])
            rows.append(Row("B", "1" if sc >= 0.5 else "0", sc, actual))
        else:
            rows.append(Row(VERSION, "1" if s[i] >= 0.5 else "0", float(s[i]), actual))
    return Case('labels "1"/"0", version B mixed in', "07_numeric_labels_versions.csv",
                "1", "0", None, rows)


def case_tiny(rng: np.random.Generator) -> Case:
    """7 rows by hand: TP=2, FN=1, FP=1, TN=3."""
    pairs = [  # (actual, predicted, score)
        ("churn", "churn", 0.91),
        ("churn", "churn", 0.67),
        ("churn", "stay", 0.42),
        ("stay", "churn", 0.58),
        ("stay", "stay", 0.33),
        ("stay", "stay", 0.12),
        ("stay", "stay", 0.05),
    ]
    rows = [Row(VERSION, p, sc, a) for a, p, sc in pairs]
    return Case("tiny hand-checkable", "08_tiny.csv", "churn", "stay", None, rows)


CASES = [
    case_balanced_logged,
    case_imbalanced_threshold,
    case_threshold_ties,
    case_all_negative,
    case_single_row,
    case_one_class_actual,
    case_numeric_labels_versions,
    case_tiny,
]


# ---------------------------------------------------------------- expected values

def num(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def expected(case: Case) -> dict:
    mine = [r for r in case.rows if r.version == VERSION]
    labeled = [r for r in mine if r.actual_label is not None]
    y_true = [r.actual_label for r in labeled]
    if case.threshold is None:
        y_pred = [r.predicted_label for r in labeled]
    else:
        negatives = sorted(set(y_true) - {case.positive})
        assert negatives == [case.negative], (case.name, negatives)
        y_pred = [case.positive if r.score >= case.threshold else case.negative for r in labeled]
    assert all(isinstance(v, str) for v in y_true + y_pred), case.name

    P, N = case.positive, case.negative
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        metrics = {
            "accuracy": num(accuracy_score(y_true, y_pred)),
            "precision": num(precision_score(y_true, y_pred, pos_label=P, zero_division=np.nan)),
            "recall": num(recall_score(y_true, y_pred, pos_label=P, zero_division=np.nan)),
            "f1": num(f1_score(y_true, y_pred, pos_label=P, zero_division=np.nan)),
            "specificity": num(recall_score(y_true, y_pred, pos_label=N, zero_division=np.nan)),
            "mcc": num(matthews_corrcoef(y_true, y_pred)),
            "balanced_accuracy": num(balanced_accuracy_score(y_true, y_pred)),
        }
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == P and p == P)
        fp = sum(1 for t, p in zip(y_true, y_pred) if t != P and p == P)
        fn = sum(1 for t, p in zip(y_true, y_pred) if t == P and p != P)
        tn = len(y_true) - tp - fp - fn
        metrics["fpr"] = fp / (fp + tn) if fp + tn else None
        metrics["fnr"] = fn / (fn + tp) if fn + tp else None
        # Score-based metrics over the labelled rows that have a score.
        scored = [r for r in labeled if r.score is not None]
        y = np.array([1 if r.actual_label == P else 0 for r in scored])
        p = np.array([r.score for r in scored])
        both = len(scored) > 0 and 0 < y.sum() < len(y)
        metrics["roc_auc"] = num(roc_auc_score(y, p)) if both else None
        metrics["average_precision"] = num(average_precision_score(y, p)) if len(scored) and y.sum() > 0 else None
        metrics["log_loss"] = num(log_loss(y, p, labels=[0, 1])) if len(scored) else None
        metrics["brier"] = num(brier_score_loss(y, p, labels=[0, 1])) if len(scored) else None
    for w in caught:
        print(f"  [{case.file}] scikit-learn warned: {w.message}", file=sys.stderr)

    labels = sorted(set(y_true) | set(y_pred))
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    return {
        "name": case.name,
        "file": case.file,
        "model": MODEL,
        "version": VERSION,
        "positiveClass": P,
        "threshold": case.threshold,
        "rows": len(mine),
        "labeledRows": len(labeled),
        "metrics": metrics,
        "confusion": {"labels": labels, "matrix": [[int(v) for v in row] for row in matrix]},
    }


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = []
    for no, make in enumerate(CASES, start=1):
        rng = np.random.default_rng(SEED + no)
        case = make(rng)
        write_csv(case, rng, no)
        out.append(expected(case))
    with open(OUT_DIR / "cases.json", "w") as fh:
        json.dump(out, fh, indent=2)
        fh.write("\n")
    print(f"wrote {len(out)} cases to {OUT_DIR.relative_to(REPO)} (scikit-learn {sklearn.__version__})")


if __name__ == "__main__":
    main()
