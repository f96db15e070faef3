#!/usr/bin/env python3
"""Golden test cases for the regression metrics (pkg/metrics/regression.go).

Each case is a set of (actual, predicted) rows drawn with numpy from a fixed seed. The file
holds the case's sufficient statistics, as the store would send them (RegressionSums: counts
and sums of per-row values, the actuals taken about a shift), and the metrics scikit-learn
computes on the rows themselves:

- mae, mse, rmse, r2: mean_absolute_error, mean_squared_error, root_mean_squared_error,
  r2_score;
- mape: mean_absolute_percentage_error on the rows whose actual is not 0 (null when none);
- mean_error: numpy mean of predicted - actual;
- null where scikit-learn gives nan (r2 below two rows);
- one deliberate difference, kept in the case's "sklearnDiffers": constant actuals that are not
  binary fractions (0.1) give r2 0 (1 for a perfect fit), where r2_score's own rounding of the
  mean makes it divide by about 1e-33.

Sums are exactly rounded (math.fsum), so the comparison tests the formulas, not a summation
order. Writes testdata/golden/regression/cases.json. Run from anywhere:
python3 scripts/golden/regression.py
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import (
    explained_variance_score,
    mean_absolute_error,
    mean_pinball_loss,
    mean_squared_log_error,
    root_mean_squared_log_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)

SEED = 20260302
REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "testdata" / "golden" / "regression" / "cases.json"


def number(v: float) -> float | None:
    v = float(v)
    return None if math.isnan(v) else v


def finite(v: float) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def case(name: str, actual, predicted, shift: float | None = None) -> dict:
    """shift None: the first actual value (what the store is advised to use)."""
    y = np.asarray(actual, dtype=np.float64)
    p = np.asarray(predicted, dtype=np.float64)
    assert y.shape == p.shape and y.ndim == 1 and len(y) > 0
    c = float(y[0]) if shift is None else float(shift)
    e = p - y
    nz = y != 0
    d = y - c
    sums = {
        "N": int(len(y)),
        "SumErr": math.fsum(e),
        "SumAbsErr": math.fsum(np.abs(e)),
        "SumSqErr": math.fsum(e * e),
        "SumActual": math.fsum(d),
        "SumSqActual": math.fsum(d * d),
        "MapeN": int(nz.sum()),
        "SumAbsPctErr": math.fsum(np.abs(e[nz]) / np.abs(y[nz])),
        "ZeroActual": int((~nz).sum()),
        "SumSqErrDev": math.fsum((e - math.fsum(e) / len(e)) ** 2),
        "SumSqLogErr": math.fsum(((np.log1p(y) - np.log1p(p)) ** 2)[(y > -1) & (p > -1)]),
        "LogInvalid": int(((y <= -1) | (p <= -1)).sum()),
    }
    log_valid = sums["LogInvalid"] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # r2 below two rows warns and returns nan
        expected = {
            "mae": number(mean_absolute_error(y, p)),
            "mse": number(mean_squared_error(y, p)),
            "rmse": number(root_mean_squared_error(y, p)),
            "mape": number(mean_absolute_percentage_error(y[nz], p[nz])) if nz.any() else None,
            "r2": number(r2_score(y, p)),
            "mean_error": number(np.mean(e)),
            "explained_variance": number(explained_variance_score(y, p)),
            "pinball": number(mean_pinball_loss(y, p)),
            "msle": number(mean_squared_log_error(y, p)) if log_valid else None,
            "rmsle": number(root_mean_squared_log_error(y, p)) if log_valid else None,
        }
        # Options: mean_pinball_loss at alpha 0.9, and force_finite=False (nan and -inf are
        # undefined here).
        options = {
            "pinball_alpha_0.9": number(mean_pinball_loss(y, p, alpha=0.9)),
            "r2_force_finite_false": finite(r2_score(y, p, force_finite=False)),
            "explained_variance_force_finite_false": finite(explained_variance_score(y, p, force_finite=False)),
        }
    return {"name": name, "rows": int(len(y)), "shift": c, "sums": sums, "expected": expected, "options": options}


def main() -> None:
    rng = np.random.default_rng(SEED)
    cases = []

    cases.append(case("single row: r2 undefined", [3.5], [2.0]))

    y = rng.normal(20, 5, 10)
    cases.append(case("10 rows", y, y + rng.normal(0.5, 2, 10)))

    y = np.round(rng.normal(0, 10, 1000), 1)
    y[rng.choice(1000, 50, replace=False)] = 0.0
    cases.append(case("1000 rows, 5% zero actuals left out of mape", y, y + rng.normal(0, 3, 1000)))

    y = rng.lognormal(3, 1, 100_000)
    cases.append(case("100000 rows, skewed targets", y, y * rng.normal(1.05, 0.2, 100_000)))

    y = rng.lognormal(3, 1, 100_000)
    cases.append(case("100000 rows, raw sums (shift 0)", y, y + rng.normal(-1, 4, 100_000), shift=0.0))

    y = rng.poisson(2, 1000).astype(np.float64)
    cases.append(case("1000 integer counts with many zeros, shift 0", y, y + rng.normal(0, 1, 1000), shift=0.0))

    y = np.full(50, 2.5)
    cases.append(case("constant actuals, perfect predictions: r2 1", y, y.copy()))
    cases.append(case("constant actuals, imperfect predictions: r2 0", y, y + rng.normal(0, 1, 50)))

    # 0.1 is not a binary fraction: with shift 0 the sums leave rounding in SStot instead of 0.
    y = np.full(50, 0.1)
    # scikit-learn's own mean of them is off by an ulp, so r2_score divides by ~1e-33 and
    # returns about -1e33; the contract (constant actuals -> 0) holds here instead.
    c = case("constant 0.1 actuals, shift 0: r2 0, not -1e33", y, y + rng.normal(0, 1, 50), shift=0.0)
    assert c["expected"]["r2"] < -1e20, c["expected"]["r2"]
    c["sklearnDiffers"] = {"r2": c["expected"]["r2"], "explained_variance": c["expected"]["explained_variance"]}
    c["expected"]["r2"] = 0.0
    c["expected"]["explained_variance"] = 0.0
    # Without force_finite the actuals count as constant too: undefined, not -1e33.
    c["options"]["r2_force_finite_false"] = None
    c["options"]["explained_variance_force_finite_false"] = None
    cases.append(c)

    y = np.zeros(20)
    cases.append(case("all actuals zero: mape undefined", y, rng.normal(0, 1, 20)))

    y = rng.normal(100, 30, 1000)
    cases.append(case("perfect predictions", y, y.copy()))

    y = 1e6 + rng.normal(0, 1, 10_000)
    cases.append(case("around 1e6 with sd 1, shift = first actual", y, y + rng.normal(0, 0.5, 10_000)))

    y = 1e6 + rng.normal(0, 1, 10_000)
    cases.append(case("around 1e6 with sd 1, shift = 1e6", y, y + rng.normal(0.2, 0.3, 10_000), shift=1e6))

    y = rng.normal(-50, 5, 10)
    cases.append(case("10 negative actuals, biased low", y, y - np.abs(rng.normal(3, 1, 10))))

    doc = {
        "about": "RegressionSums per case and the metrics scikit-learn computes on its rows; "
        "null = undefined. Regenerate with scripts/golden/regression.py.",
        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
