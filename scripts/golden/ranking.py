#!/usr/bin/env python3
"""Golden test cases for the score-based binary metrics and the multiclass averages
(pkg/metrics/ranking.go, pkg/metrics/multiclass.go).

testdata/golden/ranking/cases.json: per case, rows (y, score) drawn with numpy from a fixed
seed, reduced to what the store sends:
- "histogram": [score, positives, negatives] per distinct score (rounded to "roundedTo"
  decimals first when that is set, as a store grouping by round(score, d) would);
- "probabilitySums": ProbabilitySums summed per row on the exact scores (null when a score is
  outside [0, 1]);
and the expected values from scikit-learn:
- "expected": on the exact scores: roc_auc_score, average_precision_score,
  log_loss(labels=[0, 1]), brier_score_loss(pos_label=1);
- "expectedOnHistogram": the same functions on the histogram's scores; equal to "expected"
  when the histogram is exact, the value the histogram can reproduce when it is rounded.
null where scikit-learn gives nan or raises (one class for ROC AUC; scores outside [0, 1] for
log loss and Brier), and average_precision null with no positive row, where scikit-learn
returns 0 with a warning (kept in "sklearnDiffers").

testdata/golden/ranking/multiclass.json: confusion matrices (labels sorted; rows actual,
columns predicted) with precision_recall_fscore_support(zero_division=np.nan) per class
(average=None, labels = the matrix's labels) and averaged (macro, micro, weighted; labels
inferred from the rows, as scikit-learn does by default). null = nan.

Run from anywhere: python3 scripts/golden/ranking.py
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    log_loss,
    matthews_corrcoef,
    precision_recall_fscore_support,
    roc_auc_score,
)

SEED = 20260303
REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "testdata" / "golden" / "ranking"
EPS = float(np.finfo(np.float64).eps)


def number(v) -> float | None:
    v = float(v)
    return None if math.isnan(v) else v


def sk_metrics(y: np.ndarray, s: np.ndarray) -> tuple[dict, dict]:
    """Expected values per our contract, and those where scikit-learn itself says otherwise."""
    differs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = {"roc_auc": number(roc_auc_score(y, s))}
        ap = number(average_precision_score(y, s))
        if y.sum() == 0:
            differs["average_precision"] = ap
            ap = None
        out["average_precision"] = ap
        if s.min() < 0 or s.max() > 1:
            out["log_loss"] = None
            out["brier"] = None
        else:
            out["log_loss"] = number(log_loss(y, s, labels=[0, 1]))
            out["brier"] = number(brier_score_loss(y, s, pos_label=1))
    return out, differs


def histogram(y: np.ndarray, s: np.ndarray) -> list:
    values, inverse = np.unique(s, return_inverse=True)
    pos = np.bincount(inverse, weights=y, minlength=len(values)).astype(np.int64)
    tot = np.bincount(inverse, minlength=len(values)).astype(np.int64)
    return [[float(v), int(p), int(t - p)] for v, p, t in zip(values, pos, tot)]


def probability_sums(y: np.ndarray, s: np.ndarray) -> dict | None:
    if s.min() < 0 or s.max() > 1:
        return None
    q = np.where(y == 1, s, 1 - s)
    q = np.clip(q, EPS, 1 - EPS)
    return {
        "N": int(len(y)),
        "SumLogLoss": math.fsum(-np.log(q)),
        "SumSquaredError": math.fsum((s - y) ** 2),
        "OutOfRange": 0,
    }


def case(name: str, y, s, rounded_to: int | None = None) -> dict:
    y = np.asarray(y, dtype=np.int64)
    s = np.asarray(s, dtype=np.float64)
    hs = s if rounded_to is None else np.round(s, rounded_to)
    expected, differs = sk_metrics(y, s)
    out = {
        "name": name,
        "rows": int(len(y)),
        "positives": int(y.sum()),
        "roundedTo": rounded_to,
        "histogram": histogram(y, hs),
        "probabilitySums": probability_sums(y, s),
        "expected": expected,
        "expectedOnHistogram": sk_metrics(y, hs)[0],
    }
    if differs:
        out["sklearnDiffers"] = differs
    return out


def scores(rng: np.random.Generator, y: np.ndarray, sep: float = 1.5) -> np.ndarray:
    """Probabilities with some skill: a logistic of a shifted normal."""
    z = rng.normal(0, 1, len(y)) + sep * (y - 0.5)
    return 1 / (1 + np.exp(-z))


def ranking_cases(rng: np.random.Generator) -> list:
    cases = []
    cases.append(case("single positive row: roc_auc undefined", [1], [0.7]))

    y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 0, 1])
    cases.append(case("10 rows, distinct scores", y, rng.random(10)))
    cases.append(case("10 rows, three tied score values", y, rng.choice([0.2, 0.5, 0.8], 10)))

    y = (rng.random(1000) < 0.4).astype(np.int64)
    cases.append(case("1000 rows, distinct scores", y, scores(rng, y)))

    y = (rng.random(1000) < 0.5).astype(np.int64)
    s = np.round(scores(rng, y, 1.0), 1)  # heavy ties, includes exact 0.0 and 1.0 rarely
    s[:3] = [0.0, 1.0, 0.0]
    y[:3] = [1, 0, 0]  # confident wrong answers: log loss clipped to -ln(eps)
    cases.append(case("1000 rows, scores to 1 decimal (ties), 0 and 1 present", y, s))

    y = (rng.random(100_000) < 0.3).astype(np.int64)
    cases.append(case("100000 rows, scores to 3 decimals (exact histogram)", y, np.round(scores(rng, y), 3)))

    y = np.ones(200, dtype=np.int64)
    cases.append(case("all positive: roc_auc undefined, average_precision 1", y, scores(rng, y)))

    y = np.zeros(200, dtype=np.int64)
    cases.append(case("all negative: roc_auc and average_precision undefined", y, scores(rng, y)))

    y = (rng.random(100_000) < 0.3).astype(np.int64)
    cases.append(case("100000 rows, histogram rounded to 3 decimals", y, scores(rng, y), rounded_to=3))

    y = (rng.random(1000) < 0.05).astype(np.int64)
    cases.append(case("1000 rows, 5% positive, histogram rounded to 3 decimals", y, scores(rng, y, 2.5), rounded_to=3))

    y = (rng.random(1000) < 0.5).astype(np.int64)
    cases.append(case("margins outside [0, 1]: ranking only", y, rng.normal(0, 2, 1000) + y))

    y = np.array([1, 1, 0, 0])
    cases.append(case("confident and wrong: scores exactly 0 and 1", y, [0.0, 0.0, 1.0, 1.0]))
    return cases


def multiclass_case(name: str, actual, predicted, labels=None) -> dict:
    actual = np.asarray(actual)
    predicted = np.asarray(predicted)
    labels = sorted(set(actual) | set(predicted) | set(labels or []))
    def scores(zero_division):
        p, r, f, sup = precision_recall_fscore_support(
            actual, predicted, labels=labels, average=None, zero_division=zero_division
        )
        per_class = [
            {"label": l, "support": int(n), "precision": number(a), "recall": number(b), "f1": number(c)}
            for l, a, b, c, n in zip(labels, p, r, f, sup)
        ]
        averages = {}
        for avg in ("macro", "micro", "weighted"):
            a, b, c, _ = precision_recall_fscore_support(actual, predicted, average=avg, zero_division=zero_division)
            averages[avg] = {"precision": number(a), "recall": number(b), "f1": number(c)}
        return per_class, averages

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # single-label and zero-division warnings
        cm = confusion_matrix(actual, predicted, labels=labels)
        per_class, averages = scores(np.nan)
        # zero_division 0 and 1: per class over the matrix's labels, the averages over the
        # labels present (labels=None), as the engine computes them.
        zero_division = {}
        for zd in (0, 1):
            zper, zavg = scores(zd)
            zero_division[str(zd)] = {"perClass": zper, "averages": zavg}
        # F-beta per class and averaged, at beta 0.5 and 2.
        fbeta = {}
        for beta in (0.5, 2):
            per = precision_recall_fscore_support(actual, predicted, labels=labels, average=None, beta=beta,
                                                  zero_division=np.nan)[2]
            avgs = {avg: number(precision_recall_fscore_support(actual, predicted, average=avg, beta=beta,
                                                                zero_division=np.nan)[2])
                    for avg in ("macro", "micro", "weighted")}
            fbeta[str(beta)] = {"perClass": [number(v) for v in per], "averages": avgs}
        # The averages over a subset of the labels (scikit-learn's labels=): the first label and
        # one the matrix may not have.
        subset = [labels[0], "zz-absent"]
        over_subset = {}
        for avg in ("macro", "micro", "weighted"):
            a, b, c, _ = precision_recall_fscore_support(actual, predicted, labels=subset, average=avg, zero_division=np.nan)
            over_subset[avg] = {"precision": number(a), "recall": number(b), "f1": number(c)}
        mcc = number(matthews_corrcoef(actual, predicted))
    return {
        "name": name,
        "labels": [str(l) for l in labels],
        "matrix": cm.tolist(),
        "perClass": per_class,
        "averages": averages,
        "zeroDivision": zero_division,
        "fbeta": fbeta,
        "labelsSubset": {"labels": subset, "averages": over_subset},
        "mcc": mcc,
    }


def multiclass_cases(rng: np.random.Generator) -> list:
    cases = []
    cases.append(multiclass_case("single row, wrong", ["a"], ["b"]))
    cases.append(multiclass_case("single row, right", ["a"], ["a"]))

    labels = np.array(["cat", "dog", "fox"])
    a = rng.choice(labels, 10)
    cases.append(multiclass_case("10 rows, 3 classes", a, np.where(rng.random(10) < 0.6, a, rng.choice(labels, 10))))

    a = rng.choice(labels, 1000)
    cases.append(multiclass_case("1000 rows, 3 balanced classes", a, np.where(rng.random(1000) < 0.7, a, rng.choice(labels, 1000))))

    five = np.array(["a", "b", "c", "d", "e"])
    a = rng.choice(five, 100_000, p=[0.5, 0.25, 0.15, 0.07, 0.03])
    pr = np.where(rng.random(100_000) < 0.8, a, rng.choice(five[:4], 100_000))
    pr[pr == "e"] = "a"  # e is never predicted: its precision is undefined
    cases.append(multiclass_case("100000 rows, 5 imbalanced classes, one never predicted", a, pr))

    a = rng.choice(labels[:2], 50)
    pr = np.where(rng.random(50) < 0.7, a, "fox")  # fox only predicted: recall undefined
    cases.append(multiclass_case("a class only predicted, never actual", a, pr))

    cases.append(multiclass_case("one class only, all right", ["x"] * 7, ["x"] * 7))

    a = rng.choice(["churn", "stay"], 200)
    cases.append(multiclass_case("binary labels", a, np.where(rng.random(200) < 0.75, a, rng.choice(["churn", "stay"], 200))))

    a = rng.choice(labels, 40)
    cases.append(multiclass_case(
        "matrix with a label that has no rows", a, np.where(rng.random(40) < 0.5, a, rng.choice(labels, 40)),
        labels=["zebra"],
    ))

    cases.append(multiclass_case(
        "weighted fallback: classes with support never predicted",
        ["a", "a", "b"], ["c", "c", "c"],
    ))
    return cases


def main() -> None:
    rng = np.random.default_rng(SEED)
    versions = {"scikit-learn": sklearn.__version__, "numpy": np.__version__}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    ranking = ranking_cases(rng)
    (OUT_DIR / "cases.json").write_text(json.dumps({
        "about": "Score histograms and per-row probability sums per case, with scikit-learn's "
        "metrics on the exact and on the histogram's scores; null = undefined. Regenerate with "
        "scripts/golden/ranking.py.",
        "versions": versions,
        "cases": ranking,
    }, separators=(",", ":")) + "\n")
    multi = multiclass_cases(rng)
    (OUT_DIR / "multiclass.json").write_text(json.dumps({
        "about": "Confusion matrices with scikit-learn's precision_recall_fscore_support "
        "(zero_division=nan) per class and averaged; null = nan. Regenerate with "
        "scripts/golden/ranking.py.",
        "versions": versions,
        "cases": multi,
    }, indent=1) + "\n")
    print(f"wrote {len(ranking)} ranking and {len(multi)} multiclass cases to {OUT_DIR.relative_to(REPO)}")


if __name__ == "__main__":
    main()
