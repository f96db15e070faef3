#!/usr/bin/env python3
"""Golden cases for the multiclass score metrics: ROC AUC one-vs-rest and one-vs-one, average
precision, log loss and Brier from each class's probability column score_<class>.

Writes testdata/golden/multiclass/predictions.csv (the prediction-store schema with a
probability column per class) and testdata/golden/multiclass/cases.json: per case, the query
and, per series (labels) and bucket, scikit-learn's value on the rows the query selects:
roc_auc_score(y, P, multi_class=..., average=..., labels=classes) (for two classes, which
scikit-learn reads as a binary problem, roc_auc_score on the one-column-per-class indicator),
average_precision_score(indicator, P, average=...) (scikit-learn's one-vs-rest average
precision), log_loss(y, P, labels=classes) and
brier_score_loss(y, P, labels=classes).

Two models: "species" (4 classes, ant bee cat dog, probabilities to 4 decimals summing to 1,
versions A and B, a region column; version B has no ant on the last day) and "coin" (2
classes, where Brier is halved as scikit-learn's scale_by_half="auto"). Rows of failed requests
have no probabilities; some rows have no ground truth yet. null where scikit-learn raises or
gives nan (a class without rows in the bucket for one-vs-rest; fewer than two classes present
for one-vs-one), and average precision null where a class has no rows (scikit-learn returns 0
with a warning: no positives, no precision).

Run: python3 scripts/golden/multiclass_scores.py (scikit-learn 1.9.1, numpy 2.4.6)
"""
import math
import os
import warnings
from datetime import datetime, timedelta, timezone

import numpy as np
import sklearn
from series_cases import expected_series, write_series_cases
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "testdata", "golden", "multiclass")
START = datetime(2026, 5, 1, tzinfo=timezone.utc)
DAYS = 3
SPECIES = ["ant", "bee", "cat", "dog"]
COIN = ["heads", "tails"]
SCORE_COLUMNS = ["score_" + c for c in SPECIES + COIN]
HEADER = ["prediction_id", "ts", "model", "model_version", "predicted_label", "actual_label", "error", "region"] + SCORE_COLUMNS


def probabilities(rng, k: int, true: int, signal: float) -> list[float]:
    """Softmax of noisy logits with the true class lifted, to 4 decimals summing to exactly 1
    (the first k-1 floored, the last the rest), so that no two distinct scores share a grid
    cell and scikit-learn accepts them as probabilities."""
    logits = rng.normal(0.0, 1.0, k)
    logits[true] += signal
    p = np.exp(logits - logits.max())
    p /= p.sum()
    head = [math.floor(x * 1e4) / 1e4 for x in p[:-1]]
    last = round(1.0 - sum(head), 4)
    return [round(x, 4) for x in head] + [last]


def make_rows(rng) -> list[dict]:
    rows = []
    n = 0
    plan = [("species", "A", 900, 1.6, [0.1, 0.2, 0.3, 0.4]), ("species", "B", 600, 0.9, [0.25, 0.25, 0.25, 0.25]),
            ("coin", "A", 500, 1.2, [0.5, 0.5])]
    for model, version, count, signal, prevalence in plan:
        classes = SPECIES if model == "species" else COIN
        for _ in range(count):
            n += 1
            seconds = int(rng.integers(0, DAYS * 86400))
            day = seconds // 86400
            true = int(rng.choice(len(classes), p=prevalence))
            if model == "species" and version == "B" and day == DAYS - 1 and true == 0:
                true = 1  # no ant for B on the last day
            row = {h: "" for h in HEADER}
            row.update(prediction_id=f"m-{n:05d}", ts=(START + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                       model=model, model_version=version, region=["north", "south"][int(rng.integers(0, 2))])
            if rng.random() < 0.03:
                row["error"] = "timeout"  # no prediction, no probabilities
            else:
                p = probabilities(rng, len(classes), true, signal)
                for c, v in zip(classes, p):
                    row["score_" + c] = f"{v:.4f}"
                row["predicted_label"] = classes[int(np.argmax(p))]
            if rng.random() >= 0.08:
                row["actual_label"] = classes[true]
            rows.append(row)
    rows.sort(key=lambda r: (r["ts"], r["prediction_id"]))
    return rows


def number(v) -> float | None:
    v = float(v)
    return None if math.isnan(v) else v


def guarded(f):
    """scikit-learn's value, null where it raises or gives nan."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return number(f())
        except ValueError:
            return None


def metric(name: str, y: np.ndarray, p: np.ndarray, classes: list[str], q: dict, cls: str | None):
    average = q["average"]
    if name in ("roc_auc", "average_precision") and cls is not None:
        i = classes.index(cls)
        yb = (y == cls).astype(int)
        if yb.sum() == 0 or yb.sum() == len(yb):
            return None
        f = roc_auc_score if name == "roc_auc" else average_precision_score
        return guarded(lambda: f(yb, p[:, i]))
    # One column per class, two classes too (label_binarize keeps one column for two).
    indicator = (y[:, None] == np.array(classes)[None, :]).astype(int)
    if name == "roc_auc" and len(classes) == 2:
        # scikit-learn reads two classes as a binary problem and wants one score column; one vs
        # rest and one vs one both average the two classes' own columns (one pair: its mean).
        two = "macro" if q.get("multiClass") == "ovo" else average
        return guarded(lambda: roc_auc_score(indicator, p, average=two))
    if name == "roc_auc":
        return guarded(lambda: roc_auc_score(y, p, multi_class=q.get("multiClass", "ovr"), average=average, labels=classes))
    if name == "average_precision":
        if indicator.sum(axis=0).min() == 0:
            return None  # no positives for a class: scikit-learn's 0 with a warning
        return guarded(lambda: average_precision_score(indicator, p, average=average))
    if name == "log_loss":
        return guarded(lambda: log_loss(y, p, labels=classes))
    if name == "brier":
        return guarded(lambda: brier_score_loss(y, p, labels=classes))
    raise ValueError(name)


def selected(rows: list[dict], q: dict, lo: datetime, hi: datetime, version: str, group: str | None):
    classes = SPECIES if q["model"] == "species" else COIN
    out = []
    for r in rows:
        ts = datetime.strptime(r["ts"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        if r["model"] != q["model"] or r["model_version"] != version or not (lo <= ts < hi):
            continue
        if group is not None and r[q["groupBy"]] != group:
            continue
        if not r["actual_label"] or any(r["score_" + c] == "" for c in classes):
            continue
        out.append(r)
    y = np.array([r["actual_label"] for r in out])
    p = np.array([[float(r["score_" + c]) for c in classes] for r in out]).reshape(len(out), len(classes))
    return y, p


def expected(rows: list[dict], q: dict, buckets: list[tuple[datetime, datetime]]) -> list[dict]:
    classes = SPECIES if q["model"] == "species" else COIN

    def value(version, group, cls, lo, hi):
        y, p = selected(rows, q, lo, hi, version, group)
        return {m: metric(m, y, p, classes, q, cls) if len(y) else None for m in q["metrics"]}

    return expected_series(rows, q, buckets, classes, value)


CASES = [
    ("ovr macro, every score metric, daily", "timeseries",
     {"model": "species", "average": "macro", "metrics": ["roc_auc", "average_precision", "log_loss", "brier"]}),
    ("ovr weighted, the whole range", "numeric",
     {"model": "species", "average": "weighted", "metrics": ["roc_auc", "average_precision", "log_loss", "brier"]}),
    ("ovo macro, daily", "timeseries", {"model": "species", "average": "macro", "multiClass": "ovo", "metrics": ["roc_auc"]}),
    ("ovo weighted per region, the whole range", "numeric",
     {"model": "species", "average": "weighted", "multiClass": "ovo", "groupBy": "region", "metrics": ["roc_auc"]}),
    ("per class, daily", "timeseries", {"model": "species", "average": "none", "metrics": ["roc_auc", "average_precision"]}),
    ("two classes: Brier halved, daily", "timeseries",
     {"model": "coin", "average": "macro", "metrics": ["roc_auc", "average_precision", "log_loss", "brier"]}),
    ("ovo on two classes, the whole range", "numeric", {"model": "coin", "average": "weighted", "multiClass": "ovo", "metrics": ["roc_auc"]}),
]


def main() -> None:
    rows = make_rows(np.random.default_rng(20261202))
    write_series_cases(OUT, HEADER, rows, CASES, {"queryType": "classification"}, START, DAYS, lambda q, buckets: expected(rows, q, buckets),
                       f"scripts/golden/multiclass_scores.py (scikit-learn {sklearn.__version__}, numpy {np.__version__})")


if __name__ == "__main__":
    main()
