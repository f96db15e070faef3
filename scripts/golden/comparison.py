#!/usr/bin/env python3
"""Golden test cases for the champion/challenger comparison (pkg/metrics/comparison.go).

Proportions (accuracy, precision, recall: successes out of trials per version):
- two-sample z-test with the pooled standard error, two-sided p-value 2 * norm.sf(|z|);
- 95% Wald interval of challenger - champion with the unpooled standard error;
- cross-checked against statsmodels' proportions_ztest and confint_proportions_2indep
  (method="wald") when statsmodels is installed.
Means (mae, mse, mean error: n, mean, sample variance per version):
- scipy.stats.ttest_ind_from_stats(challenger, champion, equal_var=False) (Welch);
- interval delta +- t.ppf(0.975, df) * se with Welch-Satterthwaite df, cross-checked against
  scipy.stats.ttest_ind(...).confidence_interval() on the rows where the case has them.
"Better" means the challenger's delta is in the good direction and p < 0.05. null where a
value is undefined; the degenerate no-variance cases follow the Go contract (p-value 1 when
there is no difference at all), which the script states explicitly.

Writes testdata/golden/comparison/cases.json. Run from anywhere:
python3 scripts/golden/comparison.py
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

try:
    import statsmodels
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
except ImportError:  # the cross-check is optional
    statsmodels = None

SEED = 20260304
ALPHA = 0.05
REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "testdata" / "golden" / "comparison" / "cases.json"


def number(v) -> float | None:
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def verdict(delta, p, higher_is_better: bool) -> bool:
    if delta is None or p is None or not p < ALPHA:
        return False
    return delta > 0 if higher_is_better else delta < 0


def proportion_case(name: str, champion: tuple[int, int], challenger: tuple[int, int], higher_is_better=True) -> dict:
    (x1, n1), (x2, n2) = champion, challenger
    out = {
        "name": name,
        "kind": "proportion",
        "higherIsBetter": higher_is_better,
        "champion": {"successes": x1, "trials": n1},
        "challenger": {"successes": x2, "trials": n2},
    }
    e = dict.fromkeys(["champion", "challenger", "delta", "ciLow", "ciHigh", "pValue"])
    if n1 > 0:
        e["champion"] = x1 / n1
    if n2 > 0:
        e["challenger"] = x2 / n2
    if n1 > 0 and n2 > 0:
        p1, p2 = x1 / n1, x2 / n2
        delta = p2 - p1
        se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        z975 = stats.norm.ppf(1 - ALPHA / 2)
        pooled = (x1 + x2) / (n1 + n2)
        se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        e["delta"] = delta
        e["ciLow"], e["ciHigh"] = delta - z975 * se, delta + z975 * se
        # No variance at all (both shares 0 or both 1): no evidence of a difference.
        e["pValue"] = 1.0 if se_pooled == 0 else 2 * stats.norm.sf(abs(delta / se_pooled))
        if statsmodels is not None and se_pooled > 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _, p_sm = proportions_ztest([x2, x1], [n2, n1])
                lo, hi = confint_proportions_2indep(x2, n2, x1, n1, method="wald", compare="diff")
            assert math.isclose(p_sm, e["pValue"], rel_tol=1e-9, abs_tol=1e-300), (name, p_sm, e["pValue"])
            assert math.isclose(lo, e["ciLow"], rel_tol=1e-9, abs_tol=1e-12), (name, lo, e["ciLow"])
            assert math.isclose(hi, e["ciHigh"], rel_tol=1e-9, abs_tol=1e-12), (name, hi, e["ciHigh"])
    e = {k: number(v) for k, v in e.items()}
    e["challengerBetter"] = verdict(e["delta"], e["pValue"], higher_is_better)
    out["expected"] = e
    return out


def mean_case(name: str, champion, challenger, higher_is_better=False) -> dict:
    """champion, challenger: arrays of per-row values, or (n, mean, variance) tuples."""
    def summary(v):
        if isinstance(v, tuple):
            return v
        v = np.asarray(v, dtype=np.float64)
        var = float(np.var(v, ddof=1)) if len(v) > 1 else float("nan")
        return len(v), float(np.mean(v)), var

    (n1, m1, v1), (n2, m2, v2) = summary(champion), summary(challenger)
    out = {
        "name": name,
        "kind": "mean",
        "higherIsBetter": higher_is_better,
        "champion": {"n": n1, "mean": m1, "variance": number(v1)},
        "challenger": {"n": n2, "mean": m2, "variance": number(v2)},
    }
    e = dict.fromkeys(["champion", "challenger", "delta", "ciLow", "ciHigh", "pValue"])
    if n1 > 0:
        e["champion"] = m1
    if n2 > 0:
        e["challenger"] = m2
    if n1 > 0 and n2 > 0:
        e["delta"] = m2 - m1
    if n1 > 1 and n2 > 1:
        a, b = v1 / n1, v2 / n2
        se = math.sqrt(a + b)
        if se == 0:
            if m1 == m2:  # no variance and no difference
                e["pValue"], e["ciLow"], e["ciHigh"] = 1.0, 0.0, 0.0
        else:
            res = stats.ttest_ind_from_stats(m2, math.sqrt(v2), n2, m1, math.sqrt(v1), n1, equal_var=False)
            df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
            q = stats.t.ppf(1 - ALPHA / 2, df)
            e["pValue"] = res.pvalue
            e["ciLow"], e["ciHigh"] = e["delta"] - q * se, e["delta"] + q * se
            if not isinstance(champion, tuple) and not isinstance(challenger, tuple):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # scipy warns on a constant sample
                    full = stats.ttest_ind(challenger, champion, equal_var=False)
                ci = full.confidence_interval(1 - ALPHA)
                assert math.isclose(full.df, df, rel_tol=1e-9), (name, full.df, df)
                assert math.isclose(full.pvalue, res.pvalue, rel_tol=1e-6), (name, full.pvalue, res.pvalue)
                assert math.isclose(ci.low, e["ciLow"], rel_tol=1e-9, abs_tol=1e-12), (name, ci.low, e["ciLow"])
                assert math.isclose(ci.high, e["ciHigh"], rel_tol=1e-9, abs_tol=1e-12), (name, ci.high, e["ciHigh"])
            out["df"] = df
    e = {k: number(v) for k, v in e.items()}
    e["challengerBetter"] = verdict(e["delta"], e["pValue"], higher_is_better)
    out["expected"] = e
    return out


def main() -> None:
    rng = np.random.default_rng(SEED)
    cases = [
        proportion_case("100000 trials each, small significant gain", (80_000, 100_000), (80_500, 100_000)),
        proportion_case("1000 trials each, gain not significant", (700, 1000), (728, 1000)),
        proportion_case("10 trials each", (7, 10), (9, 10)),
        proportion_case("1 trial each", (1, 1), (0, 1)),
        proportion_case("both never succeed: p-value 1", (0, 50), (0, 60)),
        proportion_case("both always succeed: p-value 1", (40, 40), (30, 30)),
        proportion_case("challenger significantly worse", (4500, 5000), (4250, 5000)),
        proportion_case("champion without trials", (0, 0), (30, 40)),
        proportion_case("challenger without trials", (30, 40), (0, 0)),
        proportion_case("error rate, lower is better", (1000, 10_000), (800, 10_000), higher_is_better=False),
        proportion_case("huge z: p-value near 1e-200", (40_000, 100_000), (46_500, 100_000)),
        proportion_case("unequal trials: 30 vs 30000", (20, 30), (24_000, 30_000)),
    ]

    mae_a = np.abs(rng.normal(0, 1.5, 10))
    mae_b = np.abs(rng.normal(0, 1.0, 10))
    cases.append(mean_case("mae, 10 rows each", mae_a, mae_b))
    cases.append(mean_case("mae, 1000 rows each, unequal variances",
                           np.abs(rng.normal(0, 1.2, 1000)), np.abs(rng.normal(0.1, 0.8, 1000))))
    cases.append(mean_case("mae, 100000 rows each (df near 2e5)",
                           np.abs(rng.normal(0, 1.0, 100_000)), np.abs(rng.normal(0, 0.99, 100_000))))
    cases.append(mean_case("mse, 30 vs 3000 rows", rng.normal(0, 2, 30) ** 2, rng.normal(0, 1.5, 3000) ** 2))
    cases.append(mean_case("mean of a higher-is-better quantity", rng.normal(-0.5, 1, 500), rng.normal(0.1, 1, 500),
                           higher_is_better=True))
    cases.append(mean_case("one row in the champion: no test", np.array([1.5]), np.abs(rng.normal(0, 1, 100))))
    cases.append(mean_case("champion without rows", (0, 0.0, float("nan")), (10, 1.0, 0.5)))
    cases.append(mean_case("both constant and equal: p-value 1", np.full(20, 0.25), np.full(30, 0.25)))
    cases.append(mean_case("both constant, different: no test", np.full(20, 0.25), np.full(30, 0.5)))
    cases.append(mean_case("one constant version", np.full(50, 1.0), np.abs(rng.normal(0, 1, 80))))
    cases.append(mean_case("from summary statistics, tiny p-value", (5000, 1.30, 0.04), (5000, 1.25, 0.05)))

    doc = {
        "about": "Champion/challenger inputs per case with the expected comparison; null = "
        "undefined. Regenerate with scripts/golden/comparison.py.",
        "versions": {
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "statsmodels": None if statsmodels is None else statsmodels.__version__,
        },
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT.relative_to(REPO)}"
          + ("" if statsmodels else " (statsmodels not installed: z-test not cross-checked)"))


if __name__ == "__main__":
    main()
