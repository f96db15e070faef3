"""What the golden scripts of per-series cases share: the CSV of rows and cases.json of queries
with the peer's values per series and day (or over the range), which
pkg/plugin/multiclass_scores_test.go's runGoldenSeries reads."""

import csv
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
