#!/usr/bin/env python3
"""Golden cases for the drift tests beyond Evidently's defaults (pkg/metrics/drift_ranks.go,
drift_moments.go, drift_tables.go).

Writes testdata/golden/drift/tests.json: per case, the value counts of two samples (or the
counts per category) and what scipy returns on the raw samples:

- anderson: scipy.stats.anderson_ksamp([reference, current], variant="midrank"): the
  standardized statistic and scipy's interpolated p-value (capped to [0.001, 0.25]);
- cramervonmises: scipy.stats.cramervonmises_2samp(reference, current) (exact up to 20 rows per
  window, asymptotic above);
- mannwhitney: scipy.stats.mannwhitneyu(reference, current) (two-sided, continuity correction,
  exact for small samples without ties): U1 and the p-value;
- ttest: scipy.stats.ttest_ind(reference, current, equal_var=False) (Welch);
- eppssingleton: scipy.stats.epps_singleton_2samp(reference, current) (t = 0.4, 0.8);
- energy: scipy.stats.energy_distance(reference, current);
- fisher: scipy.stats.fisher_exact on [[ref_a, ref_b], [cur_a, cur_b]] (odds ratio, p-value);
- gtest: scipy.stats.chi2_contingency(table, correction=False, lambda_="log-likelihood");
- linf: the largest absolute difference of the category shares (NannyML's L-Infinity);
- kve: scipy.special.kve(0.25, z), the Bessel function of Cramer-von Mises' limiting distribution.

Undefined results (too few rows, a constant pooled sample) are null. Run from anywhere:
python3 scripts/golden/drift_tests.py (deterministic, fixed seed; requirements.txt).
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import scipy
from scipy import special, stats

SEED = 20261201
OUT = Path(__file__).resolve().parents[2] / "testdata" / "golden" / "drift" / "tests.json"


def fnum(x):
    x = float(x)
    return x if math.isfinite(x) else None


def value_counts(ref, cur):
    values = np.unique(np.concatenate([ref, cur]))
    r = [int((ref == v).sum()) for v in values]
    c = [int((cur == v).sum()) for v in values]
    return {"values": [float(v) for v in values], "reference": r, "current": c}


def numeric_expectations(ref, cur):
    out = {}
    n1, n2 = len(ref), len(cur)
    pooled = np.concatenate([ref, cur])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy's notes on capped p-values and small samples
        if len(np.unique(pooled)) >= 2 and n1 + n2 >= 4:
            res = stats.anderson_ksamp([ref, cur], variant="midrank")
            out["anderson"] = {"statistic": fnum(res.statistic), "pValue": fnum(res.pvalue)}
        else:
            out["anderson"] = None
        if n1 >= 2 and n2 >= 2:
            res = stats.cramervonmises_2samp(ref, cur)
            out["cramervonmises"] = {"statistic": fnum(res.statistic), "pValue": fnum(res.pvalue)}
        else:
            out["cramervonmises"] = None
        res = stats.mannwhitneyu(ref, cur)
        out["mannwhitney"] = {"statistic": fnum(res.statistic), "pValue": fnum(res.pvalue)}
        if n1 >= 2 and n2 >= 2 and (np.var(ref) + np.var(cur)) > 0:
            res = stats.ttest_ind(ref, cur, equal_var=False)
            out["ttest"] = {"statistic": fnum(res.statistic), "pValue": fnum(res.pvalue)}
        else:
            out["ttest"] = None
        out["eppssingleton"] = None
        if n1 >= 5 and n2 >= 5 and stats.iqr(pooled) > 0:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                res = stats.epps_singleton_2samp(ref, cur)
            # A rank-deficient covariance (too few distinct values) makes scipy's degrees of
            # freedom a matter of rounding: undefined here.
            if not any("full rank" in str(w.message) for w in caught):
                out["eppssingleton"] = {"statistic": fnum(res.statistic), "pValue": fnum(res.pvalue)}
    out["energy"] = {"statistic": fnum(stats.energy_distance(ref, cur))}
    return out


def numeric_cases(rng):
    cases = []

    def add(name, ref, cur, rel=1e-9):
        ref, cur = np.asarray(ref, dtype=float), np.asarray(cur, dtype=float)
        cases.append({"name": name, **value_counts(ref, cur), "expected": numeric_expectations(ref, cur), "rel": rel})

    add("small normal, shifted (exact paths)", rng.normal(0, 1, 7), rng.normal(0.8, 1, 6))
    add("small equal sizes, no ties", rng.normal(0, 1, 12), rng.normal(0.3, 1.2, 12))
    add("up to 20 rows per window, ties", np.round(rng.normal(0, 1, 20), 1), np.round(rng.normal(0.4, 1, 17), 1))
    add("8 against 40, no ties (exact U)", rng.normal(0, 1, 8), rng.normal(0.5, 1, 40))
    add("5 rows each (smallest Epps-Singleton)", rng.normal(0, 1, 5), rng.normal(1, 1, 5))
    add("identical windows", np.arange(30.0), np.arange(30.0))
    add("large, same distribution", rng.normal(10, 2, 3000), rng.normal(10, 2, 2500))
    add("large, shifted", rng.normal(10, 2, 3000), rng.normal(10.3, 2, 2500))
    add("large, spread changed", rng.normal(0, 1, 4000), rng.normal(0, 1.3, 3500))
    add("rounded to integers (heavy ties)", np.round(rng.exponential(3, 5000)), np.round(rng.exponential(3.4, 4000)))
    # scipy's means of values near 1e6 are off by about 1e-10, which moves its t by 5e-10
    # relative (the Go side keeps the offset out of the means).
    add("skewed with offset 1e6", 1e6 + rng.lognormal(0, 1, 2000), 1e6 + rng.lognormal(0.1, 1, 1500), rel=1e-8)
    add("far apart (p-values floored)", rng.normal(0, 1, 500), rng.normal(5, 1, 400))
    add("two values", rng.integers(0, 2, 300).astype(float), rng.integers(0, 2, 250).astype(float))
    add("one row in the current window", rng.normal(0, 1, 50), [0.5])
    add("constant pooled sample", [3.0] * 10, [3.0] * 8)
    return cases


def category_cases(rng):
    cases = []

    def add(name, ref, cur):
        ref, cur = np.asarray(ref, dtype=np.int64), np.asarray(cur, dtype=np.int64)
        keep = (ref + cur) > 0
        r, c = ref[keep], cur[keep]
        exp = {}
        p, q = r / r.sum(), c / c.sum()
        exp["linf"] = {"statistic": float(np.max(np.abs(p - q)))}
        table = np.vstack([r, c])
        if table.shape[1] >= 2:
            res = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
            exp["gtest"] = {"statistic": float(res.statistic), "dof": int(res.dof), "pValue": float(res.pvalue)}
        else:
            exp["gtest"] = {"statistic": 0.0, "dof": 0, "pValue": 1.0}
        if table.shape[1] <= 2:
            t = table if table.shape[1] == 2 else np.hstack([table, np.zeros((2, 1), dtype=np.int64)])
            res = stats.fisher_exact(t)
            exp["fisher"] = {"statistic": fnum(res.statistic), "pValue": float(res.pvalue)}
        else:
            exp["fisher"] = None
        cases.append({"name": name, "reference": ref.tolist(), "current": cur.tolist(), "expected": exp})

    add("2x2 small", [8, 2], [1, 5])
    add("2x2 balanced", [120, 80], [95, 105])
    add("2x2 large, slight shift", [501234, 498766], [250987, 249013])
    add("2x2 large, clear shift", [600000, 400000], [310000, 190000])
    add("2x2 with an empty cell", [0, 40], [7, 33])
    add("2x2 identical shares", [50, 50], [30, 30])
    add("one category", [40, 0], [25, 0])
    add("five categories", [300, 200, 150, 100, 50], [250, 260, 120, 90, 80])
    add("unseen category", [100, 100, 0], [90, 80, 30])
    add("random 12 categories", rng.integers(0, 500, 12), rng.integers(0, 500, 12))
    return cases


RULES = ("sturges", "sqrt", "rice", "scott", "doane", "fd", "auto")


def bin_rule_cases(rng):
    """numpy.histogram_bin_edges(reference, rule) for every rule the engine takes: the edges it
    must draw on the reference range from the row count, range and standard deviation, and for
    doane, fd and auto the sample's shape, given here as counts per value."""
    cases = []
    samples = [
        ("normal 1000 rows", rng.normal(50, 10, 1000)),
        ("skewed 20000 rows", rng.lognormal(0, 1, 20000)),
        ("integers 500 rows", rng.integers(0, 40, 500)),
        ("integers 200000 rows, narrow", rng.integers(0, 12, 200000)),
        ("three rows", np.array([1.0, 2.0, 4.0])),
    ]
    for name, x in samples:
        values, counts = np.unique(x, return_counts=True)
        for rule in RULES:
            edges = np.histogram_bin_edges(x, bins=rule)
            case = {"name": f"{name} {rule}", "rule": rule, "rows": int(len(x)), "min": float(x.min()),
                    "max": float(x.max()), "std": float(np.std(x.astype(float))),
                    "integer": bool(np.issubdtype(x.dtype, np.integer)), "edges": [float(e) for e in edges]}
            if rule in ("doane", "fd", "auto"):
                case["values"] = [float(v) for v in values]
                case["counts"] = [int(c) for c in counts]
            cases.append(case)
    return cases


def bin_rule_queries():
    """numpy's edges on the reference of a drift histogram query over the families CSV (model
    reg, versions A and B, feature size, the first day as the reference), per rule."""
    import csv
    path = Path(__file__).resolve().parents[2] / "testdata" / "golden" / "families" / "predictions.csv"
    with open(path) as f:
        ref = np.array([float(r["size"]) for r in csv.DictReader(f) if r["model"] == "reg" and r["model_version"] in ("A", "B")
                        and r["size"] != "" and r["ts"] < "2026-03-02T00:00:00Z"])
    return [{"rule": rule, "edges": [float(e) for e in np.histogram_bin_edges(ref, bins=rule)],
             "query": {"schemaVersion": 1, "queryType": "drift", "model": "reg", "versions": ["A", "B"], "features": ["size"],
                       "method": "psi", "bins": rule, "format": "histogram",
                       "reference": {"type": "range", "from": "2026-03-01T00:00:00Z", "to": "2026-03-02T00:00:00Z"}}}
            for rule in RULES]


def nulls_cases(rng):
    """nulls: "category" end to end: testdata/golden/drift/nulls.csv (a plan category and an age
    in whole years, both with missing values, more of them in the current day) and scipy's
    chi-square of homogeneity and Jensen-Shannon distance with the rows without a value as one
    more bucket, and without them; the current window is both days, the reference the first."""
    import csv
    path = Path(__file__).resolve().parents[2] / "testdata" / "golden" / "drift" / "nulls.csv"
    rows = []
    for i in range(1200):
        day = 1 if i < 600 else 2
        missing = 0.05 if day == 1 else 0.15
        plan = "" if rng.random() < missing else str(rng.choice(["basic", "plus", "pro"], p=[0.5, 0.3, 0.2]))
        age = "" if rng.random() < missing else str(int(rng.integers(18, 30)))
        rows.append({"prediction_id": f"n-{i:05d}", "ts": f"2026-03-0{day}T{(i % 600) // 25:02d}:{i % 60:02d}:00Z",
                     "model": "m", "model_version": "A", "predicted_label": "yes", "plan": plan, "age": age})
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    # The queries run over 2026-03-01 to 03-03 (both days) against the first day.
    ref = [r for r in rows if r["ts"] < "2026-03-02"]
    cur = rows
    cases = []
    for feature in ("plan", "age"):
        for nulls in ("category", "drop"):
            keys = sorted({r[feature] for r in rows} - {""}, key=lambda k: (float(k) if feature == "age" else k))
            if nulls == "category":
                keys.append("")
            table = np.array([[sum(1 for r in w if r[feature] == k) for k in keys] for w in (ref, cur)])
            chi = stats.chi2_contingency(table, correction=False)
            p, q = table[0] / table[0].sum(), table[1] / table[1].sum()
            from scipy.spatial import distance
            for method, score in (("chisquare", float(chi.pvalue)), ("jensenshannon", float(distance.jensenshannon(p, q)))):
                cases.append({"feature": feature, "nulls": nulls, "method": method, "score": score,
                              "query": {"schemaVersion": 1, "queryType": "drift", "model": "m", "features": [feature],
                                        "method": method, "nulls": nulls, "format": "numeric", "metrics": ["score"],
                                        "reference": {"type": "range", "from": "2026-03-01T00:00:00Z", "to": "2026-03-02T00:00:00Z"}}})
    return cases


def main():
    rng = np.random.default_rng(SEED)
    data = {"generator": f"scripts/golden/drift_tests.py with scipy {scipy.__version__}, numpy {np.__version__}",
            "numeric": numeric_cases(rng), "categories": category_cases(rng),
            # exp(z) K_{1/4}(z), the Bessel function in Cramer-von Mises' limiting distribution.
            "kve": [[z, float(special.kve(0.25, z))] for z in (1e-8, 1e-6, 1e-3, 0.1, 1.0, 10.0, 100.0, 1e4)],
            "binRules": bin_rule_cases(rng), "binRuleQueries": bin_rule_queries(), "nulls": nulls_cases(rng)}
    # One case per line: small diffs when a case changes.
    compact = lambda v: json.dumps(v, separators=(",", ":"))
    lines = [f' "generator": {compact(data["generator"])}', f' "kve": {compact(data["kve"])}']
    for key in ("numeric", "categories", "binRules", "binRuleQueries", "nulls"):
        cases = ",\n  ".join(compact(c) for c in data[key])
        lines.append(f' "{key}": [\n  {cases}\n ]')
    OUT.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
