#!/usr/bin/env python3
"""Golden cases of the `evidently` definitions: Evidently's own drift tests on samples.

Writes testdata/golden/evidently/cases.json: per case, the samples as counts (per distinct value
for numbers, per category otherwise) and, per Evidently stat test that applies, what Evidently's
registered test returns on the raw samples: drift_score, drifted and the default threshold.
pkg/metrics/evidently_golden_test.go runs the same method with definitions "evidently" on the
counts and expects the same score and verdict. `queries` are drift queries with definitions
"evidently" on testdata/golden/families/predictions.csv with Evidently's results on the rows
each selects, which pkg/plugin/evidently_test.go runs from the CSV through QueryData.

Evidently's TVD is a permutation p-value (1,000 random splits, numpy's generator seeded with 0),
and so is its empirical_mmd (100 random permutations of numpy's global generator, seeded here
with SEED before each call): the Go tests compare them within the Monte Carlo error of two such
estimates, not exactly. The MMD statistic itself (Evidently's mmd_2samp on its kernel matrix,
not permuted) is recorded beside the p-value and compared exactly. Where Evidently refuses
or fails (fisher_exact and g_test on windows of unequal sizes; cramer_von_mises' exact path on
at most 20 rows, which numpy 2 breaks inside Evidently's copy of it) the case records why and has
no expectation for that method.

Needs evidently==0.7.23 with pandas<3 (scripts/golden/requirements-evidently.txt), in its own
environment. Run from anywhere: python3 scripts/golden/evidently_drift.py (fixed seed).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import evidently
import numpy as np
import pandas as pd
from peer_samples import categorical_samples, drift_query, numeric_samples, write_cases
from evidently.legacy.calculations.stattests.mmd_stattest import kernel_matrix, mmd_2samp
from evidently.legacy.calculations.stattests.registry import get_stattest
from evidently.legacy.core import ColumnType

SEED = 20261202
OUT = Path(__file__).resolve().parents[2] / "testdata" / "golden" / "evidently" / "cases.json"

# Evidently's test names and this project's.
NUMERIC = {"ks": "ks", "wasserstein": "wasserstein", "anderson": "anderson", "cramer_von_mises": "cramervonmises",
           "mannw": "mannwhitney", "t_test": "ttest", "es": "eppssingleton", "ed": "energy", "psi": "psi",
           "kl_div": "kl", "jensenshannon": "jensenshannon", "hellinger": "hellinger", "empirical_mmd": "mmd"}
CATEGORICAL = {"chisquare": "chisquare", "z": "z", "g_test": "gtest", "fisher_exact": "fisher", "psi": "psi",
               "kl_div": "kl", "jensenshannon": "jensenshannon", "hellinger": "hellinger", "TVD": "tvd"}


def fnum(x):
    x = float(x)
    return x if math.isfinite(x) else None


def run(ref, cur, kind, names):
    results = {}
    for evidently_name, ours in names.items():
        test = get_stattest(ref, cur, kind, evidently_name)
        np.random.seed(SEED)  # empirical_mmd permutes with numpy's global generator
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                r = test(ref.copy(), cur.copy(), kind, None)
            except Exception as e:  # Evidently refuses the input (unequal sizes) or fails on it
                results[ours] = {"evidently": evidently_name, "refused": f"{type(e).__name__}: {str(e).splitlines()[0]}"}
                continue
        results[ours] = {"evidently": evidently_name, "score": fnum(r.drift_score), "drifted": bool(r.drifted),
                         "threshold": float(r.actual_threshold)}
        if evidently_name == "empirical_mmd":
            results[ours]["statistic"] = fnum(mmd_statistic(ref, cur))
    return results


def mmd_statistic(ref, cur):
    """The MMD empirical_mmd tests, as its mmd_pval computes it before permuting."""
    x, y = ref.to_numpy().reshape(-1, 1), cur.to_numpy().reshape(-1, 1)
    k = kernel_matrix(x, y)
    k = k - np.diag(np.diagonal(k))
    return mmd_2samp(k, y.shape[0], permute=False)


def numeric_case(name, ref, cur):
    ref, cur, counts = numeric_samples(name, ref, cur)
    return {**counts, "expected": run(ref, cur, ColumnType.Numerical, NUMERIC)}


def categorical_case(name, ref, cur):
    ref, cur, counts = categorical_samples(name, ref, cur)
    return {**counts, "expected": run(ref, cur, ColumnType.Categorical, CATEGORICAL)}


FAMILIES = Path(__file__).resolve().parents[2] / "testdata" / "golden" / "families"


def query_cases():
    """Drift queries with definitions "evidently" on the families CSV (model reg, versions A and B,
    the first day as the reference, the whole range as the current window per version), with
    Evidently's results on the rows each selects: run end to end through the loader and
    QueryData by pkg/plugin/evidently_test.go."""
    rows = pd.read_csv(FAMILIES / "predictions.csv", keep_default_na=False)
    rows = rows[(rows["model"] == "reg") & rows["model_version"].isin(["A", "B"])]
    ref_end = "2026-03-02T00:00:00Z"
    cases = []
    for feature, numeric, names in [("size", True, NUMERIC), ("segment", False, CATEGORICAL)]:
        kind = ColumnType.Numerical if numeric else ColumnType.Categorical
        col = rows[rows[feature] != ""]
        ref = col[col["ts"] < ref_end][feature]
        ref = ref.astype(float) if numeric else ref
        for evidently_name, ours in list(names.items()) + [("auto", "auto")]:
            series = []
            for version in ["A", "B"]:
                cur = col[col["model_version"] == version][feature]
                cur = cur.astype(float) if numeric else cur
                if ours == "auto":
                    # Evidently's default choice, as DESIGN.md states it, then its test.
                    unique = pd.concat([ref, cur]).nunique()
                    if len(ref) <= 1000:
                        pick = "ks" if numeric and unique > 5 else ("chisquare" if unique > 2 else "z")
                    else:
                        pick = "wasserstein" if numeric and unique > 5 else "jensenshannon"
                    result = run(ref.reset_index(drop=True), cur.reset_index(drop=True), kind, {pick: pick})[pick]
                    result["method"] = {"chisquare": "chisquare", "z": "z", "ks": "ks", "wasserstein": "wasserstein",
                                        "jensenshannon": "jensenshannon"}[pick]
                else:
                    result = run(ref.reset_index(drop=True), cur.reset_index(drop=True), kind, {evidently_name: ours})[ours]
                    result["method"] = ours
                series.append({"version": version, **result})
            if any("refused" in x for x in series):
                continue
            query = drift_query(feature, ours, "evidently", ref_end)
            cases.append({"name": f"{ours} on {feature}", "query": query, "series": series})
    return cases


def main():
    rng = np.random.default_rng(SEED)
    cases = [
        numeric_case("normal, shifted", rng.normal(0, 1, 300), rng.normal(0.2, 1, 250)),
        numeric_case("same distribution, 2000 and 1500 rows", rng.normal(5, 2, 2000), rng.normal(5, 2, 1500)),
        numeric_case("integers, 12 values", rng.integers(0, 12, 400), rng.integers(1, 13, 300)),
        numeric_case("rounded, heavy ties", np.round(rng.exponential(3, 1200), 1), np.round(rng.exponential(3.3, 900), 1)),
        numeric_case("small windows", rng.normal(0, 1, 8), rng.normal(0.9, 1, 7)),
        numeric_case("constant reference", [2.0] * 50, rng.normal(2, 0.0001, 40)),
        numeric_case("spread changed", rng.normal(0, 1, 600), rng.normal(0, 1.4, 600)),
        categorical_case("three categories against four, equal sizes", rng.choice(list("abc"), 300),
                         rng.choice(list("abcd"), 300)),
        categorical_case("same shares, unequal sizes", rng.choice(list("xyz"), 500, p=[0.5, 0.3, 0.2]),
                         rng.choice(list("xyz"), 350, p=[0.5, 0.3, 0.2])),
        categorical_case("two categories, equal sizes", rng.choice(["no", "yes"], 200, p=[0.6, 0.4]),
                         rng.choice(["no", "yes"], 200, p=[0.5, 0.5])),
        categorical_case("two categories, unequal sizes", rng.choice(["no", "yes"], 250), rng.choice(["no", "yes"], 100)),
    ]
    queries = query_cases()
    generator = f"scripts/golden/evidently_drift.py with evidently {evidently.__version__}, pandas {pd.__version__}, numpy {np.__version__}"
    write_cases(OUT, generator, cases, queries)


if __name__ == "__main__":
    main()
