#!/usr/bin/env python3
"""Golden cases of the `nannyml` definitions: NannyML's own univariate drift methods on samples.

Writes testdata/golden/nannyml/cases.json:
- `cases`: two samples as counts (per distinct value for numbers, per category otherwise) and
  what NannyML 0.13.1's methods fitted on the first and calculated on the second return:
  jensen_shannon and hellinger (which definitions "nannyml" reproduce), and
  kolmogorov_smirnov, wasserstein (below NannyML's 10,000-row binning), chi2 and l_infinity,
  whose values this project's statistics equal under every definitions. Read by
  pkg/metrics/nannyml_golden_test.go.
- `queries`: drift queries with definitions "nannyml" over
  testdata/golden/families/predictions.csv and NannyML's values on the rows each selects, run
  through the loader and QueryData by pkg/plugin/peers_test.go.

Needs nannyml==0.13.1 (scripts/golden/requirements-nannyml.txt) in an environment of its own.
Run from anywhere: python3 scripts/golden/nannyml_drift.py (fixed seed).
"""

from __future__ import annotations

import math
from pathlib import Path

import nannyml
import numpy as np
import pandas as pd
from peer_samples import categorical_samples, drift_query, numeric_samples, write_cases
from nannyml.chunk import DefaultChunker
from nannyml.drift.univariate.methods import FeatureType, MethodFactory
from nannyml.thresholds import StandardDeviationThreshold

SEED = 20261203
REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "testdata" / "golden" / "nannyml" / "cases.json"

# NannyML's method keys and this project's names; which output of ours equals NannyML's value.
CONTINUOUS = {"jensen_shannon": ("jensenshannon", "score"), "hellinger": ("hellinger", "score"),
              "kolmogorov_smirnov": ("ks", "statistic"), "wasserstein": ("wasserstein", "statistic")}
CATEGORICAL = {"jensen_shannon": ("jensenshannon", "score"), "hellinger": ("hellinger", "score"),
               "l_infinity": ("linf", "score"), "chi2": ("chisquare", "statistic")}


def value(key, kind, ref, cur):
    m = MethodFactory.create(key=key, feature_type=kind, chunker=DefaultChunker(), threshold=StandardDeviationThreshold())
    m._fit(ref)
    v = float(m._calculate(cur))
    return v if math.isfinite(v) else None


def run(ref, cur, kind, methods):
    return {ours: {"nannyml": key, "output": output, "value": value(key, kind, ref, cur)}
            for key, (ours, output) in methods.items()}


def numeric_case(name, ref, cur):
    ref, cur, counts = numeric_samples(name, ref, cur)
    return {**counts, "expected": run(ref, cur, FeatureType.CONTINUOUS, CONTINUOUS)}


def categorical_case(name, ref, cur):
    ref, cur, counts = categorical_samples(name, ref, cur)
    return {**counts, "expected": run(ref, cur, FeatureType.CATEGORICAL, CATEGORICAL)}


def query_cases():
    rows = pd.read_csv(REPO / "testdata" / "golden" / "families" / "predictions.csv", keep_default_na=False)
    rows = rows[(rows["model"] == "reg") & rows["model_version"].isin(["A", "B"])]
    ref_end = "2026-03-02T00:00:00Z"
    cases = []
    for feature, numeric in [("size", True), ("segment", False)]:
        kind = FeatureType.CONTINUOUS if numeric else FeatureType.CATEGORICAL
        col = rows[rows[feature] != ""]
        conv = (lambda s: s.astype(float)) if numeric else (lambda s: s)
        ref = conv(col[col["ts"] < ref_end][feature]).reset_index(drop=True)
        for key, ours in [("jensen_shannon", "jensenshannon"), ("hellinger", "hellinger")]:
            series = [{"version": v, "method": ours, "score": value(key, kind, ref, conv(col[col["model_version"] == v][feature]).reset_index(drop=True))}
                      for v in ["A", "B"]]
            query = drift_query(feature, ours, "nannyml", ref_end)
            cases.append({"name": f"{ours} on {feature}", "query": query, "series": series})
    return cases


def main():
    rng = np.random.default_rng(SEED)
    cases = [
        numeric_case("normal, shifted", rng.normal(0, 1, 500), rng.normal(0.3, 1, 400)),
        numeric_case("skewed reference, current beyond both ends", rng.lognormal(0, 0.8, 800),
                     np.concatenate([rng.lognormal(0, 0.8, 500), [-1.0, -2.0, 60.0, 80.0]])),
        numeric_case("rounded, ties", np.round(rng.normal(10, 3, 1500), 1), np.round(rng.normal(10.5, 3, 1200), 1)),
        numeric_case("two reference rows", [1.0, 2.0], rng.normal(1.5, 1, 30)),
        numeric_case("constant reference", [4.0] * 40, rng.normal(4, 0.5, 30)),
        categorical_case("three categories against four", rng.choice(list("abc"), 300), rng.choice(list("abcd"), 300)),
        categorical_case("same shares, unequal sizes", rng.choice(list("xyz"), 500, p=[0.5, 0.3, 0.2]),
                         rng.choice(list("xyz"), 350, p=[0.5, 0.3, 0.2])),
        categorical_case("two unseen categories", rng.choice(["n", "s"], 200), rng.choice(["n", "s", "e", "w"], 150)),
    ]
    generator = f"scripts/golden/nannyml_drift.py with nannyml {nannyml.__version__}, pandas {pd.__version__}, numpy {np.__version__}"
    write_cases(OUT, generator, cases, query_cases())


if __name__ == "__main__":
    main()
