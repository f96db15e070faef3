#!/usr/bin/env python3
"""Golden cases for sample weights: classification and regression metrics with a weight column,
as scikit-learn's sample_weight.

Writes testdata/golden/weights/predictions.csv (the prediction-store schema with a number
column `w` of sample weights, null on some rows, which are left out) and
testdata/golden/weights/cases.json: per case, the query (with "weight": "w") and, per series
(labels) and bucket, scikit-learn's value with sample_weight on the rows the query selects.

Three models over three days, versions A and B, a region column:
- "churn", binary (yes/no), scores to 4 decimals: the confusion metrics (from predicted_label and
  from a threshold on the score), ROC AUC, average precision, log loss and Brier;
- "species", three classes with a probability column per class (score_<class>): the macro,
  micro and weighted averages, per class, the multiclass MCC, one-vs-rest ROC AUC, average
  precision, log loss and Brier;
- "price", regression around 10,000 (R2 needs its spread kept): MAE, MSE, RMSE, MAPE, R2, the
  mean error, explained variance, pinball at 0.3, MSLE and RMSLE.
null where scikit-learn gives nan or raises.

Run: python3 scripts/golden/weights.py (scikit-learn 1.9.1, numpy 2.4.6)
"""
import math
import os
import warnings
from datetime import datetime, timedelta, timezone

import numpy as np
import sklearn
from series_cases import expected_series, write_series_cases
from sklearn import metrics as skm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "testdata", "golden", "weights")
START = datetime(2026, 6, 1, tzinfo=timezone.utc)
DAYS = 3
SPECIES = ["ant", "bee", "cat"]
HEADER = ["prediction_id", "ts", "model", "model_version", "predicted_label", "predicted_value", "score", "actual_label",
          "actual_value", "region", "w"] + ["score_" + c for c in SPECIES]


def weight(rng) -> str:
    return "" if rng.random() < 0.05 else f"{rng.gamma(2.0, 1.0) + 0.001:.3f}"


def make_rows(rng) -> list[dict]:
    rows = []
    n = 0

    def row(model, version, seconds):
        nonlocal n
        n += 1
        r = {h: "" for h in HEADER}
        r.update(prediction_id=f"w-{n:05d}", ts=(START + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 model=model, model_version=version, region=["north", "south"][int(rng.integers(0, 2))], w=weight(rng))
        return r

    for version, count, signal in [("A", 800, 1.5), ("B", 500, 0.7)]:
        for _ in range(count):
            r = row("churn", version, int(rng.integers(0, DAYS * 86400)))
            yes = rng.random() < 0.35
            score = 1 / (1 + math.exp(-(rng.normal(0, 1) + (signal if yes else -signal))))
            r.update(score=f"{score:.4f}", predicted_label="yes" if score >= 0.5 else "no")
            if rng.random() >= 0.06:
                r["actual_label"] = "yes" if yes else "no"
            rows.append(r)
        for _ in range(count):
            r = row("species", version, int(rng.integers(0, DAYS * 86400)))
            true = int(rng.choice(3, p=[0.2, 0.3, 0.5]))
            logits = rng.normal(0, 1, 3)
            logits[true] += signal
            p = np.exp(logits - logits.max())
            p /= p.sum()
            head = [math.floor(x * 1e4) / 1e4 for x in p[:-1]]
            probs = head + [round(1 - sum(head), 4)]
            for c, v in zip(SPECIES, probs):
                r["score_" + c] = f"{v:.4f}"
            r["predicted_label"] = SPECIES[int(np.argmax(probs))]
            if rng.random() >= 0.06:
                r["actual_label"] = SPECIES[true]
            rows.append(r)
        for _ in range(count):
            r = row("price", version, int(rng.integers(0, DAYS * 86400)))
            actual = 10_000 + rng.normal(0, 25)
            r.update(predicted_value=f"{actual + rng.normal(2 if version == 'B' else 0, 8):.3f}")
            if rng.random() >= 0.06:
                r["actual_value"] = f"{actual:.3f}"
            rows.append(r)
    rows.sort(key=lambda r: (r["ts"], r["prediction_id"]))
    return rows


def number(v) -> float | None:
    v = float(v)
    return None if math.isnan(v) or math.isinf(v) else v


def guarded(f):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return number(f())
        except (ValueError, ZeroDivisionError):
            return None


def classification(name, rows, q, cls):
    w = np.array([float(r["w"]) for r in rows])
    y = np.array([r["actual_label"] for r in rows])
    pos, avg = q.get("positiveClass"), q.get("average")
    if q["model"] == "churn":
        if "threshold" in q:
            p = np.array(["yes" if float(r["score"]) >= q["threshold"] else "no" for r in rows])
        else:
            p = np.array([r["predicted_label"] for r in rows])
        neg = "no"
        yb, s = (y == pos).astype(int), np.array([float(r["score"]) for r in rows])
        kw = {"sample_weight": w, "zero_division": np.nan}
        f = {
            "accuracy": lambda: skm.accuracy_score(y, p, sample_weight=w),
            "precision": lambda: skm.precision_score(y, p, pos_label=pos, **kw),
            "recall": lambda: skm.recall_score(y, p, pos_label=pos, **kw),
            "f1": lambda: skm.f1_score(y, p, pos_label=pos, **kw),
            "fbeta": lambda: skm.fbeta_score(y, p, beta=2, pos_label=pos, **kw),
            "specificity": lambda: skm.recall_score(y, p, pos_label=neg, **kw),
            "fpr": lambda: 1 - skm.recall_score(y, p, pos_label=neg, **kw),
            "fnr": lambda: 1 - skm.recall_score(y, p, pos_label=pos, **kw),
            "mcc": lambda: skm.matthews_corrcoef(y, p, sample_weight=w),
            "balanced_accuracy": lambda: skm.balanced_accuracy_score(y, p, sample_weight=w),
            "roc_auc": lambda: skm.roc_auc_score(yb, s, sample_weight=w) if 0 < yb.sum() < len(yb) else math.nan,
            "average_precision": lambda: skm.average_precision_score(yb, s, sample_weight=w) if yb.sum() > 0 else math.nan,
            "log_loss": lambda: skm.log_loss(yb, s, sample_weight=w, labels=[0, 1]),
            "brier": lambda: skm.brier_score_loss(yb, s, sample_weight=w, pos_label=1),
        }[name]
        return guarded(f)
    p = np.array([r["predicted_label"] for r in rows])
    probs = np.array([[float(r["score_" + c]) for c in SPECIES] for r in rows]).reshape(len(rows), len(SPECIES))
    indicator = (y[:, None] == np.array(SPECIES)[None, :]).astype(int)
    if cls is not None:
        i = SPECIES.index(cls)
        kw = {"sample_weight": w, "zero_division": np.nan, "labels": SPECIES, "average": None}
        f = {
            "precision": lambda: skm.precision_score(y, p, **kw)[i],
            "recall": lambda: skm.recall_score(y, p, **kw)[i],
            "roc_auc": lambda: skm.roc_auc_score(indicator[:, i], probs[:, i], sample_weight=w)
            if 0 < indicator[:, i].sum() < len(y) else math.nan,
        }[name]
        return guarded(f)
    kw = {"sample_weight": w, "zero_division": np.nan, "average": avg}
    f = {
        "accuracy": lambda: skm.accuracy_score(y, p, sample_weight=w),
        "precision": lambda: skm.precision_score(y, p, **kw),
        "recall": lambda: skm.recall_score(y, p, **kw),
        "f1": lambda: skm.f1_score(y, p, **kw),
        "mcc": lambda: skm.matthews_corrcoef(y, p, sample_weight=w),
        "roc_auc": lambda: skm.roc_auc_score(y, probs, multi_class="ovr", average=avg, labels=SPECIES, sample_weight=w),
        "average_precision": lambda: skm.average_precision_score(indicator, probs, average=avg, sample_weight=w)
        if indicator.sum(axis=0).min() > 0 else math.nan,
        "log_loss": lambda: skm.log_loss(y, probs, labels=SPECIES, sample_weight=w),
        "brier": lambda: skm.brier_score_loss(y, probs, labels=SPECIES, sample_weight=w),
    }[name]
    return guarded(f)


def regression(name, rows, q):
    w = np.array([float(r["w"]) for r in rows])
    y = np.array([float(r["actual_value"]) for r in rows])
    p = np.array([float(r["predicted_value"]) for r in rows])
    f = {
        "mae": lambda: skm.mean_absolute_error(y, p, sample_weight=w),
        "mse": lambda: skm.mean_squared_error(y, p, sample_weight=w),
        "rmse": lambda: skm.root_mean_squared_error(y, p, sample_weight=w),
        "mape": lambda: skm.mean_absolute_percentage_error(y, p, sample_weight=w),
        "r2": lambda: skm.r2_score(y, p, sample_weight=w) if len(y) >= 2 else math.nan,
        "mean_error": lambda: np.average(p - y, weights=w),
        "explained_variance": lambda: skm.explained_variance_score(y, p, sample_weight=w),
        "pinball": lambda: skm.mean_pinball_loss(y, p, alpha=q.get("quantile", 0.5), sample_weight=w),
        "msle": lambda: skm.mean_squared_log_error(y, p, sample_weight=w),
        "rmsle": lambda: skm.root_mean_squared_log_error(y, p, sample_weight=w),
    }[name]
    return guarded(f) if len(y) else None


def selected(rows, q, lo, hi, version, group):
    out = []
    for r in rows:
        ts = datetime.strptime(r["ts"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        if r["model"] != q["model"] or r["model_version"] != version or not (lo <= ts < hi) or r["w"] == "":
            continue
        if group is not None and r[q["groupBy"]] != group:
            continue
        if q["queryType"] == "regression":
            if r["actual_value"] == "" or r["predicted_value"] == "":
                continue
        elif r["actual_label"] == "" or r["predicted_label"] == "":
            continue
        out.append(r)
    return out


def expected(rows, q, buckets):
    def value(version, group, cls, lo, hi):
        sel = selected(rows, q, lo, hi, version, group)
        if q["queryType"] == "regression":
            return {m: regression(m, sel, q) for m in q["metrics"]}
        return {m: classification(m, sel, q, cls) if sel else None for m in q["metrics"]}

    return expected_series(rows, q, buckets, SPECIES, value)


BINARY = ["accuracy", "precision", "recall", "f1", "fbeta", "specificity", "fpr", "fnr", "mcc", "balanced_accuracy",
          "roc_auc", "average_precision", "log_loss", "brier"]
CASES = [
    ("binary, every metric, daily", "timeseries",
     {"queryType": "classification", "model": "churn", "positiveClass": "yes", "beta": 2, "metrics": BINARY}),
    ("binary, a threshold on the score, per region", "numeric",
     {"queryType": "classification", "model": "churn", "positiveClass": "yes", "threshold": 0.4, "groupBy": "region",
      "metrics": ["accuracy", "precision", "recall", "f1"]}),
    ("multiclass macro, the whole range", "numeric",
     {"queryType": "classification", "model": "species", "average": "macro",
      "metrics": ["accuracy", "precision", "recall", "f1", "mcc", "roc_auc", "average_precision", "log_loss", "brier"]}),
    ("multiclass weighted", "numeric",
     {"queryType": "classification", "model": "species", "average": "weighted", "metrics": ["precision", "recall", "f1", "roc_auc", "average_precision"]}),
    ("multiclass micro, daily", "timeseries",
     {"queryType": "classification", "model": "species", "average": "micro", "metrics": ["precision", "recall", "f1"]}),
    ("per class, daily", "timeseries",
     {"queryType": "classification", "model": "species", "average": "none", "metrics": ["precision", "recall", "roc_auc"]}),
    ("regression, every weighted metric, daily", "timeseries",
     {"queryType": "regression", "model": "price", "quantile": 0.3,
      "metrics": ["mae", "mse", "rmse", "mape", "r2", "mean_error", "explained_variance", "pinball", "msle", "rmsle"]}),
    ("regression per region, the whole range", "numeric",
     {"queryType": "regression", "model": "price", "groupBy": "region", "metrics": ["mae", "rmse", "r2", "explained_variance"]}),
]


def main() -> None:
    rows = make_rows(np.random.default_rng(20261203))
    write_series_cases(OUT, HEADER, rows, CASES, {"weight": "w"}, START, DAYS, lambda q, buckets: expected(rows, q, buckets),
                       f"scripts/golden/weights.py (scikit-learn {sklearn.__version__}, numpy {np.__version__})")


if __name__ == "__main__":
    main()
