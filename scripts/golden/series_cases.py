"""What the golden scripts of per-series cases share: the CSV of rows and cases.json of queries
with the peer's values per series and day (or over the range), which
pkg/plugin/multiclass_scores_test.go's runGoldenSeries reads."""

import csv
import itertools
import json
import os
from datetime import datetime, timedelta


def write_series_cases(out: str, header: list[str], rows: list[dict], cases: list[tuple], base: dict, start: datetime, days: int,
                       expected, generator: str) -> None:
    """Writes out/predictions.csv and out/cases.json: each case (name, format, query) becomes the
    query (base, then the case's fields; a daily interval for a time series) and its series,
    expected(query fields, buckets) over the days or the whole range."""
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "predictions.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    end = start + timedelta(days=days)
    daily = [(start + timedelta(days=d), start + timedelta(days=d + 1)) for d in range(days)]
    out_cases = []
    for name, fmt, q in cases:
        query = {**base, "format": fmt, **q}
        if fmt == "timeseries":
            query["interval"] = "1d"
        out_cases.append({"name": name, "query": query, "series": expected(q, daily if fmt == "timeseries" else [(start, end)])})
    doc = {"generator": generator, "from": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "to": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
           "cases": out_cases}
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def expected_series(rows: list[dict], q: dict, buckets: list, classes: list[str], value) -> list[dict]:
    """The series a query answers, in the frames' labels: per version of the model, group
    (groupBy) and class (average "none"), each metric's value per bucket, from
    value(version, group, cls, lo, hi) -> {metric: value or None}."""
    versions = sorted({r["model_version"] for r in rows if r["model"] == q["model"]})
    groups = [None]
    if q.get("groupBy"):
        groups = sorted({r[q["groupBy"]] for r in rows if r["model"] == q["model"]})
    per_class = q.get("average") == "none"
    series = []
    for version, group, cls in itertools.product(versions, groups, classes if per_class else [None]):
        labels = {"model": q["model"], "version": version}
        if group is not None:
            labels[q["groupBy"]] = group
        if cls is not None:
            labels["class"] = cls
        values = {m: [] for m in q["metrics"]}
        for lo, hi in buckets:
            got = value(version, group, cls, lo, hi)
            for m in q["metrics"]:
                values[m].append(got[m])
        series.append({"labels": labels, "values": values})
    return series
