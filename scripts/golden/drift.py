#!/usr/bin/env python3
"""Golden test cases for the drift statistics (pkg/metrics/drift*.go).

Writes testdata/golden/drift/cases.json: per case, the sufficient statistics the store
returns (value counts per distinct value, counts on bins fixed on the reference window with
underflow and overflow bins, or counts per category) and the expected results:

- ks: scipy.stats.ks_2samp(reference, current) on the raw samples (statistic, p-value, and
  the p-value method scipy's method="auto" picks: exact when both samples have at most
  10,000 rows, asymptotic otherwise);
- wasserstein: scipy.stats.wasserstein_distance on the raw samples, and numpy.std (ddof=0)
  of the reference, the norm of Evidently's normed form;
- chisquare: scipy.stats.chi2_contingency(correction=False) on the 2 x k table of bucket
  counts, buckets empty in both windows dropped;
- jensenshannon: scipy.spatial.distance.jensenshannon (natural log) on the bucket shares;
- psi and kl: Evidently's formulas (psi; kl_div = scipy.stats.entropy(reference, current))
  on the bucket shares after Evidently's zero fill (get_binned_data, feel_zeroes=True),
  restated below in numpy;
- hellinger: sqrt(sum((sqrt p - sqrt q)^2) / 2); tvd: 0.5 * sum|p - q|;
- z: Evidently's pooled two-proportion z-test (smallest key is "0"), p = 2 * norm.sf(|z|),
  for features with at most two categories;
- auto: Evidently's default method rule (DESIGN.md).

Numeric buckets are the reference bins: `bins` equal-width bins from the reference min to
max (numpy.linspace), plus underflow and overflow; [e_i, e_i+1) with the last bin closed.
Large samples are rounded to two decimals first so that the value counts stay small; every
expectation is computed on the rounded samples.

Run from anywhere: python3 scripts/golden/drift.py (deterministic, fixed seed).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

SEED = 20260302
BINS = 10
REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "testdata" / "golden" / "drift"


def fnum(x):
    """A float for JSON, None for NaN/inf (the Go side expects nil there)."""
    x = float(x)
    return x if math.isfinite(x) else None


# ---------------------------------------------------------------- bucket statistics


def evidently_fill(shares: np.ndarray) -> np.ndarray:
    """Evidently's get_binned_data zero fill, applied to one window's shares."""
    out = shares.copy()
    nonzero = out[out != 0]
    smallest = nonzero.min()
    eps = smallest / 10**6 if smallest <= 0.0001 else 0.0001
    np.place(out, out == 0, eps)
    return out


def bucket_expectations(ref_counts, cur_counts) -> dict:
    ref = np.asarray(ref_counts, dtype=float)
    cur = np.asarray(cur_counts, dtype=float)
    if ref.sum() == 0 or cur.sum() == 0:
        return {m: None for m in ("chisquare", "jensenshannon", "psi", "kl", "hellinger", "tvd")}
    keep = (ref + cur) > 0
    ref, cur = ref[keep], cur[keep]
    p, q = ref / ref.sum(), cur / cur.sum()

    table = np.vstack([ref, cur])
    if table.shape[1] < 2:
        chi = {"statistic": 0.0, "dof": 0, "pValue": 1.0}
    else:
        res = stats.chi2_contingency(table, correction=False)
        chi = {"statistic": float(res.statistic), "dof": int(res.dof), "pValue": float(res.pvalue)}

    pf, qf = evidently_fill(p), evidently_fill(q)
    psi = float(np.sum((pf - qf) * np.log(pf / qf)))
    kl = float(stats.entropy(pf, qf))
    js = float(distance.jensenshannon(p, q))
    hell = float(np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2) / 2))
    tvd = float(0.5 * np.sum(np.abs(p - q)))
    return {"chisquare": chi, "jensenshannon": js, "psi": psi, "kl": kl, "hellinger": hell, "tvd": tvd}


def z_expectation(keys, ref_counts, cur_counts):
    """Evidently's z-test: the smallest key is 0, every other key 1; pooled variance."""
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    present = [i for i in order if ref_counts[i] + cur_counts[i] > 0]
    n1, n2 = sum(ref_counts), sum(cur_counts)
    if n1 == 0 or n2 == 0:
        return None
    if len(present) <= 1:
        return {"statistic": 0.0, "pValue": 1.0}
    first = present[0]
    ones1 = n1 - ref_counts[first]
    ones2 = n2 - cur_counts[first]
    p1, p2 = ones1 / n1, ones2 / n2
    pooled = (ones1 + ones2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return {"statistic": z, "pValue": float(2 * stats.norm.sf(abs(z)))}


def auto_method(numeric: bool, reference_rows: int, unique: int) -> str:
    if reference_rows <= 1000:
        if numeric and unique > 5:
            return "ks"
        return "chisquare" if unique > 2 else "z"
    return "wasserstein" if numeric and unique > 5 else "jensenshannon"


# ---------------------------------------------------------------- numeric cases


def reference_bins(ref: np.ndarray, cur: np.ndarray, bins: int):
    lo, hi = float(ref.min()), float(ref.max())
    edges = np.array([lo, hi]) if lo == hi else np.linspace(lo, hi, bins + 1)
    k = len(edges) - 1

    def counts(x):
        idx = np.searchsorted(edges, x, side="right")  # 0 below, i+1 in [e_i, e_i+1), k+1 at/above e_k
        idx = np.where(x == edges[-1], k, idx)  # the last bin is closed
        return np.bincount(idx, minlength=k + 2)

    r, c = counts(ref), counts(cur)
    if lo != hi:  # cross-check the inner bins against numpy's own histogram
        inside = lambda x: x[(x >= edges[0]) & (x <= edges[-1])]
        assert (np.histogram(inside(ref), edges)[0] == r[1:-1]).all()
        assert (np.histogram(inside(cur), edges)[0] == c[1:-1]).all()
    return {"edges": edges.tolist(), "reference": r.tolist(), "current": c.tolist(),
            "referenceMin": lo, "referenceMax": hi, "bins": bins}


def numeric_case(name, ref, cur, note, ref_nulls=0, cur_nulls=0):
    ref, cur = np.asarray(ref, dtype=float), np.asarray(cur, dtype=float)
    values = np.unique(np.concatenate([ref, cur]))
    rc = np.array([np.count_nonzero(ref == v) for v in values]) if len(values) < 50 else \
        np.bincount(np.searchsorted(values, ref), minlength=len(values))
    cc = np.array([np.count_nonzero(cur == v) for v in values]) if len(values) < 50 else \
        np.bincount(np.searchsorted(values, cur), minlength=len(values))
    bins = reference_bins(ref, cur, BINS) if len(ref) else None
    if bins is not None:
        bins["referenceNulls"], bins["currentNulls"] = ref_nulls, cur_nulls

    expected = {}
    if len(ref) and len(cur):
        ks = stats.ks_2samp(ref, cur)
        expected["ks"] = {"statistic": float(ks.statistic), "pValue": float(ks.pvalue),
                          "pMethod": "exact" if max(len(ref), len(cur)) <= 10000 else "asymp"}
        std = float(np.std(ref))
        w = float(stats.wasserstein_distance(ref, cur))
        expected["wasserstein"] = {"statistic": w, "referenceStd": std,
                                   "score": fnum(w / std) if std > 0 else (0.0 if w == 0 else None)}
    else:
        expected["ks"] = None
        expected["wasserstein"] = None
    if bins is not None:
        expected.update(bucket_expectations(bins["reference"], bins["current"]))
        if len(values) <= 2:
            expected["z"] = z_expectation(values.tolist(), rc.tolist(), cc.tolist())
    expected["auto"] = auto_method(True, len(ref), len(values))
    return {
        "name": name, "note": note, "numeric": True,
        "values": {"values": values.tolist(), "reference": rc.tolist(), "current": cc.tolist()},
        "bins": bins, "categories": None, "expected": expected,
    }


def categorical_case(name, ref_counts: dict, cur_counts: dict, note, ref_nulls=0, cur_nulls=0):
    labels = list(ref_counts) + [k for k in cur_counts if k not in ref_counts]
    r = [int(ref_counts.get(k, 0)) for k in labels]
    c = [int(cur_counts.get(k, 0)) for k in labels]
    expected = bucket_expectations(r, c)
    unique = sum(1 for a, b in zip(r, c) if a + b > 0)
    if unique <= 2:
        expected["z"] = z_expectation(labels, r, c)
    unseen = sum(b for a, b in zip(r, c) if a == 0)
    expected["unseenShare"] = unseen / sum(c) if sum(c) else None
    expected["auto"] = auto_method(False, sum(r), unique)
    return {
        "name": name, "note": note, "numeric": False, "values": None, "bins": None,
        "categories": {"labels": labels, "reference": r, "current": c,
                       "referenceNulls": ref_nulls, "currentNulls": cur_nulls},
        "expected": expected,
    }


def draw_categories(rng, labels, probs, n):
    picks = rng.choice(len(labels), size=n, p=probs)
    counts = np.bincount(picks, minlength=len(labels))
    return {lab: int(k) for lab, k in zip(labels, counts) if k > 0}


def build_cases():
    rng = np.random.default_rng(SEED)
    r2 = lambda x: np.round(x, 2)
    cases = [
        numeric_case("normal_shift_5", rng.normal(0, 1, 5), rng.normal(1.0, 1, 5),
                     "five rows each: exact p-value, equal sizes"),
        numeric_case("normal_shift_5_vs_7", rng.normal(0, 1, 5), rng.normal(0.8, 1, 7),
                     "exact p-value, unequal sizes"),
        numeric_case("normal_shift_50", rng.normal(0, 1, 50), rng.normal(0.5, 1, 60),
                     "exact p-value, unequal sizes"),
        numeric_case("normal_shift_1000", rng.normal(0, 1, 1000), rng.normal(0.1, 1, 1000),
                     "exact p-value, equal sizes, size switch boundary (1000 reference rows)"),
        numeric_case("normal_shift_1000_vs_800", rng.normal(0, 1, 1000), rng.normal(0.15, 1.2, 800),
                     "exact p-value, scale change"),
        numeric_case("normal_shift_20000", r2(rng.normal(0, 1, 20000)), r2(rng.normal(0.03, 1, 15000)),
                     "asymptotic p-value, moderate; values rounded to 0.01"),
        numeric_case("normal_strong_shift_20000", r2(rng.normal(0, 1, 20000)), r2(rng.normal(0.5, 1, 12000)),
                     "asymptotic p-value, tiny"),
        numeric_case("large_reference_tiny_current", r2(rng.normal(0, 1, 20000)), r2(rng.normal(0.5, 1, 30)),
                     "asymptotic with a small effective size (en ~ 30)"),
        numeric_case("large_equal_12000", r2(rng.normal(0, 1, 12000)), r2(rng.normal(0.02, 1, 12000)),
                     "asymptotic p-value, equal sizes, no drift expected"),
        numeric_case("huge_windows", r2(rng.normal(0, 1, 200000)), r2(rng.normal(0.005, 1, 150000)),
                     "asymptotic p-value, en ~ 86000 (Pelz-Good region)"),
        numeric_case("large_reference_tiny_current_no_shift", r2(rng.normal(0, 1, 20000)), r2(rng.normal(0, 1, 30)),
                     "asymptotic, en ~ 30, moderate D (Durbin matrix region)"),
        numeric_case("large_nearly_identical", (y := r2(rng.normal(0, 1, 12000))), np.where(np.arange(12000) < 30, y + 3, y),
                     "asymptotic, en 6000, tiny D (Durbin matrix region)"),
        numeric_case("identical_1000", (x := rng.normal(5, 2, 1000)), x.copy(),
                     "the same sample in both windows: D 0, p 1, every distance 0"),
        numeric_case("ties_poisson_1000", rng.poisson(3, 1000), rng.poisson(3.4, 1200),
                     "few distinct values, many ties"),
        numeric_case("ties_rounded_20000", np.round(rng.normal(0, 1, 20000), 1), np.round(rng.normal(0.05, 1, 12000), 1),
                     "ties, asymptotic"),
        numeric_case("empty_bins_gap",
                     np.concatenate([rng.uniform(0, 1, 300), rng.uniform(3, 4, 300)]),
                     np.concatenate([rng.uniform(0, 1, 200), rng.uniform(1.5, 2.5, 100), rng.uniform(3, 4, 300)]),
                     "reference has empty middle bins; current fills some of them"),
        numeric_case("out_of_reference_range", rng.uniform(0, 10, 500), rng.uniform(-2, 13, 500),
                     "current values in the underflow and overflow bins"),
        numeric_case("constant_reference", np.full(200, 2.0), np.concatenate([np.full(150, 2.0), rng.normal(2, 1, 50)]),
                     "reference std 0 with drift: wasserstein score undefined; one zero-width bin"),
        numeric_case("constant_both", np.full(40, 1.0), np.full(60, 1.0),
                     "one value in both windows: single bucket, z p-value 1"),
        numeric_case("binary_numeric", rng.binomial(1, 0.3, 800).astype(float), rng.binomial(1, 0.4, 700).astype(float),
                     "a 0/1 numeric feature: z by default"),
        numeric_case("empty_current", rng.normal(0, 1, 100), np.array([]),
                     "no current rows (all null): undefined", cur_nulls=25),
    ]
    cat_labels = ["red", "green", "blue", "yellow"]
    cases += [
        categorical_case("cat_unseen", draw_categories(rng, cat_labels[:3], [0.5, 0.3, 0.2], 100),
                         {**draw_categories(rng, cat_labels[:3], [0.45, 0.3, 0.25], 90), "purple": 10},
                         "a category only in current (unseen) keeps its own bucket", ref_nulls=3, cur_nulls=5),
        categorical_case("cat_binary", draw_categories(rng, ["yes", "no"], [0.3, 0.7], 500),
                         draw_categories(rng, ["yes", "no"], [0.4, 0.6], 400), "two categories: z by default"),
        categorical_case("cat_binary_identical", {"no": 70, "yes": 30}, {"yes": 60, "no": 140},
                         "same shares, different sizes: every distance 0"),
        categorical_case("cat_large", draw_categories(rng, list("abcdef"), [0.3, 0.2, 0.2, 0.1, 0.1, 0.1], 5000),
                         draw_categories(rng, list("abcdef"), [0.25, 0.25, 0.15, 0.15, 0.1, 0.1], 4000),
                         "over 1000 reference rows: jensenshannon by default"),
        categorical_case("cat_rare_unseen", draw_categories(rng, list("abc"), [0.9, 0.09, 0.01], 20000),
                         {**draw_categories(rng, list("abc"), [0.9, 0.09, 0.01], 20000), "new": 1},
                         "one unseen row among 20000: the tiny-share epsilon branch"),
        categorical_case("cat_single_category", {"x": 50}, {"x": 20}, "one category in both windows"),
        categorical_case("cat_empty_current", {"x": 50, "y": 10}, {}, "no current rows: undefined", cur_nulls=7),
    ]
    return cases


def kolmogorov_grid():
    """kstwo.sf(x, n) over sizes and statistics that reach every branch of the algorithm choice."""
    rows = []
    for n in [1, 2, 3, 5, 10, 30, 100, 140, 141, 500, 1000, 6000, 20000, 100000, 100001, 500000, 2000000]:
        for z in [0.3, 0.6, 0.9, 1.0, 1.2, 1.36, 1.6, 2.0, 3.0]:
            x = z / math.sqrt(n)
            if x < 1:
                rows.append([n, x, float(stats.kstwo.sf(x, n))])
        for x in [0.5 / n, 0.8 / n, 1.0 / n, 0.55, 0.7, 1 - 1.0 / n, 1 - 0.5 / n]:
            if 0 < x < 1:
                rows.append([n, x, float(stats.kstwo.sf(x, n))])
    return rows


def exact_two_sample_grid():
    """ks_2samp's exact two-sided p-value for sizes (n1, n2) and D = h / lcm(n1, n2)."""
    from scipy.stats._stats_py import _attempt_exact_2kssamp
    rows = []
    for n1, n2 in [(1, 1), (3, 3), (5, 5), (5, 7), (8, 12), (40, 60), (100, 100), (300, 200),
                   (997, 1000), (2500, 10000), (10000, 10000), (9999, 10000)]:
        g = math.gcd(n1, n2)
        lcm = n1 // g * n2
        for frac in [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0]:
            d = frac if n1 * n2 < 1000 else frac / 10
            h = max(1, round(d * lcm))
            ok, dd, p = _attempt_exact_2kssamp(n1, n2, g, h / lcm, "two-sided")
            if ok:
                rows.append([n1, n2, h, float(p)])
    return rows


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = {
        "generator": "scripts/golden/drift.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
        "cases": build_cases(),
        "kolmogorov": kolmogorov_grid(),
        "exactTwoSample": exact_two_sample_grid(),
    }
    path = OUT_DIR / "cases.json"
    path.write_text(json.dumps(out, indent=1, allow_nan=False) + "\n")
    print(f"wrote {len(out['cases'])} cases to {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
