"""Golden cases for the outcome family: rate, mean, sum, count and coverage of boolean, integer,
double and text outcome columns, per version over the range and per 1h bucket (a bucket without
predictions: 0 for count and sum, null for the shares and the mean), with late outcomes from a
labels file overriding the logged ones (the latest labeled_at among a prediction's rows that
have a value wins), and compareTo on the rate.

Writes testdata/golden/outcome/predictions.csv (the prediction-store schema plus clicked,
purchases, revenue and feedback), testdata/golden/outcome/labels.csv (late clicked and feedback
values, and late labels) and testdata/golden/outcome/cases.json: for each case the query, whether
it reads the labels table, and the expected numbers per series, computed with pandas.
Run: python3 scripts/golden/outcomes.py (numpy and pandas)
"""
import json
import os
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "testdata", "golden", "outcome")
FROM = datetime(2026, 3, 2, tzinfo=timezone.utc)
TO = FROM + timedelta(days=1)
START = FROM - timedelta(days=1)  # the previous day: compareTo's reference window
METRICS = ["rate", "mean", "sum", "count", "coverage"]
# The data source's outcomeColumns in the tests: the late values of these are read.
OUTCOME_COLUMNS = ["clicked", "purchases", "feedback"]


def stamp(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_predictions(rng):
    rows = []
    for k in range(3000):
        version = "A" if rng.random() < 0.55 else "B"
        model = "search-ranker" if rng.random() < 0.9 else "other"
        ts = START + timedelta(seconds=int(rng.integers(0, 2 * 86400)))
        # B serves nothing from 05:00 to 08:00 of the range's day: empty buckets.
        if version == "B" and FROM + timedelta(hours=5) <= ts < FROM + timedelta(hours=8):
            continue
        p_click = 0.3 if version == "A" else 0.22
        if ts >= FROM:
            p_click -= 0.08  # the click-through falls on the range's day
        clicked = "" if rng.random() < 0.2 else ("true" if rng.random() < p_click else "false")
        purchases = "" if rng.random() < 0.3 else str(int(rng.poisson(0.6)))
        u = rng.random()
        revenue = "" if u < 0.4 else "0.0" if u < 0.55 else repr(float(np.round(rng.gamma(2.0, 15.0), 2)))
        feedback = "" if rng.random() < 0.5 else ["up", "down", "meh"][int(rng.integers(0, 3))]
        rows.append({
            "prediction_id": f"s-{k + 1:05d}", "ts": stamp(ts), "model": model, "model_version": version,
            "predicted_label": "", "predicted_value": "", "score": repr(float(np.round(rng.random(), 4))),
            "actual_label": "", "actual_value": "", "latency_ms": repr(float(np.round(rng.gamma(3, 5), 2))), "error": "",
            "clicked": clicked, "purchases": purchases, "revenue": revenue, "feedback": feedback,
        })
    return pd.DataFrame(rows)


def make_labels(rng, preds):
    rows = []
    for _, p in preds.iterrows():
        ts = datetime.strptime(p["ts"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        u = rng.random()
        if u < 0.25:
            # A late click, sometimes corrected later, sometimes followed by a row without a
            # click (a label or feedback only), which must not hide it.
            first = ts + timedelta(minutes=int(rng.integers(5, 600)))
            rows.append({"prediction_id": p["prediction_id"], "clicked": ["true", "false"][int(rng.integers(0, 2))],
                         "feedback": "", "actual_label": "", "labeled_at": stamp(first)})
            v = rng.random()
            if v < 0.3:
                rows.append({"prediction_id": p["prediction_id"], "clicked": ["true", "false"][int(rng.integers(0, 2))],
                             "feedback": "", "actual_label": "", "labeled_at": stamp(first + timedelta(hours=2))})
            elif v < 0.6:
                rows.append({"prediction_id": p["prediction_id"], "clicked": "",
                             "feedback": ["up", "down"][int(rng.integers(0, 2))],
                             "actual_label": ["relevant", "irrelevant"][int(rng.integers(0, 2))],
                             "labeled_at": stamp(first + timedelta(hours=3))})
        elif u < 0.35:
            rows.append({"prediction_id": p["prediction_id"], "clicked": "", "feedback": ["up", "down", "meh"][int(rng.integers(0, 3))],
                         "actual_label": "", "labeled_at": stamp(ts + timedelta(hours=1))})
    # A late outcome of a prediction the store does not hold: it changes nothing.
    rows.append({"prediction_id": "s-unknown", "clicked": "true", "feedback": "up", "actual_label": "", "labeled_at": stamp(FROM)})
    return pd.DataFrame(rows)


def late(preds, labels, column):
    """The latest late value per prediction among the labels rows that have one (ties: the greatest)."""
    have = labels[labels[column] != ""].sort_values(["labeled_at", column], ascending=[False, False])
    latest = have.drop_duplicates("prediction_id")
    merged = preds[["prediction_id"]].merge(latest[["prediction_id", column]], on="prediction_id", how="left")
    logged = preds[column].reset_index(drop=True)
    merged = merged[column].fillna("").reset_index(drop=True)
    return merged.where(merged != "", logged).to_numpy()


def values_of(raw, kind):
    """Non-null outcomes as numbers (boolean as 0/1) or texts."""
    vals = [v for v in raw if v != ""]
    if kind == "boolean":
        return np.array([1.0 if v == "true" else 0.0 for v in vals])
    if kind == "text":
        return np.array(vals, dtype=object)
    return np.array([float(v) for v in vals])


def outcome(raw, kind, value=None):
    n = len(raw)
    vals = values_of(raw, kind)
    count = len(vals)
    out = {"count": float(count), "coverage": count / n if n else None}
    if kind == "text":
        out["rate"] = float(np.mean(vals == value)) if count else None
    else:
        out["rate"] = float(np.mean(vals != 0)) if count else None
        out["mean"] = float(np.mean(vals)) if count else None
        out["sum"] = float(np.sum(vals)) if count else 0.0
    return out


def main():
    rng = np.random.default_rng(20260302)
    preds = make_predictions(rng)
    preds = preds.sort_values(["ts", "prediction_id"]).reset_index(drop=True)
    labels = make_labels(rng, preds)
    os.makedirs(OUT, exist_ok=True)
    preds.to_csv(os.path.join(OUT, "predictions.csv"), index=False, lineterminator="\n")
    labels.to_csv(os.path.join(OUT, "labels.csv"), index=False, lineterminator="\n")
    for c in ["clicked", "feedback"]:
        preds["late_" + c] = late(preds, labels, c)
    preds["late_purchases"] = preds["purchases"]  # not in the labels file
    preds["late_revenue"] = preds["revenue"]
    preds["time"] = pd.to_datetime(preds["ts"], utc=True)
    ranker = preds[preds["model"] == "search-ranker"]
    kinds = {"clicked": "boolean", "purchases": "integer", "revenue": "double", "feedback": "text"}

    def window(lo, hi, version):
        return ranker[(ranker["time"] >= lo) & (ranker["time"] < hi) & (ranker["model_version"] == version)]

    cases = []
    for with_labels in [True, False]:
        prefix = "late_" if with_labels else ""
        for column, kind in kinds.items():
            value = "up" if kind == "text" else None
            ms = ["rate", "count", "coverage"] if kind == "text" else METRICS
            query = {"schemaVersion": 1, "queryType": "outcome", "model": "search-ranker", "versions": ["A", "B"],
                     "format": "numeric", "outcome": column, "metrics": ms}
            if value:
                query["value"] = value
            series = []
            for v in ["A", "B"]:
                got = outcome(list(window(FROM, TO, v)[prefix + column]), kind, value)
                series.append({"labels": {"model": "search-ranker", "version": v}, "values": {m: got[m] for m in ms}})
            cases.append({"name": f"numeric: {kind} outcome {column}, {'late outcomes read' if with_labels else 'logged outcomes only'}",
                          "labels": with_labels, "query": query, "series": series})
    hours = [FROM + timedelta(hours=h) for h in range(24)]
    ms = ["rate", "mean", "sum", "count", "coverage"]
    series = []
    for v in ["A", "B"]:
        per = [outcome(list(window(h, h + timedelta(hours=1), v)["late_clicked"]), "boolean") for h in hours]
        series.append({"labels": {"model": "search-ranker", "version": v}, "values": {m: [p[m] for p in per] for m in ms}})
    cases.append({"name": "1h buckets: clicked with late outcomes; B's empty buckets have 0 count and sum, null shares and mean",
                  "labels": True,
                  "query": {"schemaVersion": 1, "queryType": "outcome", "model": "search-ranker", "versions": ["A", "B"],
                            "interval": "1h", "outcome": "clicked", "metrics": ms},
                  "series": series})
    series = []
    for v in ["A", "B"]:
        cur = outcome(list(window(FROM, TO, v)["late_clicked"]), "boolean")["rate"]
        ref = outcome(list(window(START, FROM, v)["late_clicked"]), "boolean")["rate"]
        series.append({"labels": {"model": "search-ranker", "version": v},
                       "values": {"rate": cur, "rate_reference": ref, "rate_change": 100 * (cur - ref) / abs(ref)}})
    cases.append({"name": "numeric: compareTo the previous day, the click-through rate's % change",
                  "labels": True,
                  "query": {"schemaVersion": 1, "queryType": "outcome", "model": "search-ranker", "versions": ["A", "B"],
                            "format": "numeric", "outcome": "clicked", "metrics": ["rate", "rate_reference", "rate_change"],
                            "compareTo": {"reference": {"type": "previous"}, "as": "pct_change"}},
                  "series": series})
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"generator": f"scripts/golden/outcomes.py with numpy {np.__version__} and pandas {pd.__version__}",
                   "from": stamp(FROM), "to": stamp(TO), "outcomeColumns": OUTCOME_COLUMNS, "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
