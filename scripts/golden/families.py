"""Golden cases for the regression, operations and coverage families.

Writes testdata/golden/families/predictions.csv (the prediction-store schema) and
testdata/golden/families/cases.json: for each case, the query and the expected numbers per
series, computed with scikit-learn and numpy on the rows the query selects.
Run: python3 scripts/golden/families.py
"""
import csv
import json
import math
import os
from datetime import datetime, timedelta, timezone

import numpy as np
import sklearn
from sklearn import metrics

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "testdata", "golden", "families")
START = datetime(2026, 3, 1, tzinfo=timezone.utc)
HEADER = ["prediction_id", "ts", "model", "model_version", "predicted_label", "predicted_value", "score",
          "actual_label", "actual_value", "latency_ms", "error", "segment", "size"]


def make_rows(rng):
    rows = []
    i = 0
    for version, n, bias, noise in [("A", 3000, 0.0, 3.0), ("B", 700, 1.5, 6.0), ("C", 1, 0.0, 1.0)]:
        for k in range(n):
            i += 1
            ts = START + timedelta(seconds=int(rng.integers(0, 2 * 86400)))
            segment = ["north", "south", "east"][int(rng.integers(0, 3))]
            if ts >= START + timedelta(hours=36) and rng.random() < 0.05:
                segment = "west"  # a category the first day never saw
            size = float(np.round(rng.normal(100.0, 30.0), 3))
            actual = float(np.round(1e6 + rng.normal(50.0, 20.0), 4)) if k % 7 else 0.0  # zeros for MAPE
            predicted = float(np.round(actual + bias + rng.normal(0.0, noise), 4))
            latency = float(np.round(rng.lognormal(3.0, 0.4), 3))
            error = "timeout" if rng.random() < 0.02 else ""
            if error:
                predicted = None
            if rng.random() < 0.1:
                actual = None  # ground truth not in yet
            if rng.random() < 0.03:
                latency = None
            rows.append({
                "prediction_id": f"f-{i:06d}", "ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "model": "reg",
                "model_version": version, "predicted_label": "", "predicted_value": "" if predicted is None else repr(predicted),
                "score": "", "actual_label": "", "actual_value": "" if actual is None else repr(actual),
                "latency_ms": "" if latency is None else repr(latency), "error": error, "segment": segment, "size": repr(size),
            })
    # A binary classifier with two versions, for the champion/challenger comparison.
    for version, n, skill in [("A", 1500, 0.6), ("B", 900, 1.2)]:
        for k in range(n):
            i += 1
            ts = START + timedelta(seconds=int(rng.integers(0, 2 * 86400)))
            actual = "yes" if rng.random() < 0.35 else "no"
            logit = skill * (1.5 if actual == "yes" else -1.5) + rng.normal(0.0, 1.5)
            score = float(np.round(1 / (1 + np.exp(-logit)), 6))
            rows.append({
                "prediction_id": f"f-{i:06d}", "ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "model": "cls",
                "model_version": version, "predicted_label": "yes" if score >= 0.6 else "no", "predicted_value": "",
                "score": repr(score), "actual_label": actual if rng.random() > 0.05 else "", "actual_value": "",
                "latency_ms": repr(float(np.round(rng.lognormal(3.0, 0.4), 3))), "error": "",
                "segment": ["north", "south", "east"][int(rng.integers(0, 3))], "size": repr(float(np.round(rng.normal(100.0, 30.0), 3))),
            })
    # A three-class classifier (logged labels), for the multiclass averages.
    classes = ["cat", "dog", "fox"]
    for k in range(1200):
        i += 1
        ts = START + timedelta(seconds=int(rng.integers(0, 2 * 86400)))
        actual = classes[int(rng.choice(3, p=[0.5, 0.35, 0.15]))]
        predicted = actual if rng.random() < 0.7 else classes[int(rng.integers(0, 3))]
        if k < 3:
            predicted = "fox"  # keep every class predicted at least once
        rows.append({
            "prediction_id": f"f-{i:06d}", "ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "model": "multi",
            "model_version": "A", "predicted_label": predicted, "predicted_value": "", "score": "",
            "actual_label": actual if rng.random() > 0.05 else "", "actual_value": "", "latency_ms": "", "error": "",
            "segment": "north", "size": "1.0",
        })
    # A model whose score is constant over the first day (the reference): its spread is 0, so
    # std_ratio and mean_shift are undefined; version B has a single current value.
    for k in range(24):
        i += 1
        ts = START + timedelta(hours=2 * k, minutes=7)
        score = 0.5 if ts < START + timedelta(days=1) else 0.1 + 0.03 * k
        rows.append({
            "prediction_id": f"f-{i:06d}", "ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "model": "flat",
            "model_version": "A", "predicted_label": "yes" if score >= 0.5 else "no", "predicted_value": "",
            "score": repr(score), "actual_label": "", "actual_value": "", "latency_ms": "", "error": "",
            "segment": "north", "size": repr(float(k)),
        })
    i += 1
    rows.append({
        "prediction_id": f"f-{i:06d}", "ts": (START + timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ"), "model": "flat",
        "model_version": "B", "predicted_label": "no", "predicted_value": "", "score": "0.25", "actual_label": "",
        "actual_value": "", "latency_ms": "", "error": "", "segment": "north", "size": "3.0",
    })
    rows.sort(key=lambda r: r["ts"])
    return rows


def num(v):
    return None if v == "" else float(v)


def none_if_nan(x):
    x = float(x)
    return None if math.isnan(x) else x


def regression(rows):
    pairs = [(num(r["predicted_value"]), num(r["actual_value"])) for r in rows]
    pairs = [(p, a) for p, a in pairs if p is not None and a is not None]
    if not pairs:
        return {}
    y_pred = np.array([p for p, _ in pairs])
    y_true = np.array([a for _, a in pairs])
    err = y_pred - y_true
    nz = y_true != 0
    out = {
        "mae": metrics.mean_absolute_error(y_true, y_pred),
        "mse": metrics.mean_squared_error(y_true, y_pred),
        "rmse": math.sqrt(metrics.mean_squared_error(y_true, y_pred)),
        "mape": metrics.mean_absolute_percentage_error(y_true[nz], y_pred[nz]) if nz.any() else None,
        "r2": none_if_nan(metrics.r2_score(y_true, y_pred)) if len(pairs) > 1 else None,
        "mean_error": float(np.mean(err)),
        "error_p50": float(np.percentile(err, 50)),
        "error_p90": float(np.percentile(err, 90)),
        "error_p99": float(np.percentile(err, 99)),
    }
    return {k: (None if v is None else float(v)) for k, v in out.items()}


def regression_more_cases(reg_rows):
    """explained_variance and the pinball loss at quantile 0.9 (from the rollups' sums), and
    max_error, median_absolute_error, msle and rmsle (from the rows), as scikit-learn, per version, with
    force_finite=False (version C has one row: explained variance and r2 undefined)."""
    def pairs(version):
        ps = [(num(r["predicted_value"]), num(r["actual_value"])) for r in reg_rows if r["model_version"] == version]
        ps = [(p, a) for p, a in ps if p is not None and a is not None]
        return np.array([a for _, a in ps]), np.array([p for p, _ in ps])

    sums, rows = [], []
    for version in ["A", "B", "C"]:
        y_true, y_pred = pairs(version)
        labels = {"model": "reg", "version": version}
        sums.append({"labels": labels, "values": {
            "explained_variance": none_if_nan(metrics.explained_variance_score(y_true, y_pred, force_finite=False)),
            "pinball": float(metrics.mean_pinball_loss(y_true, y_pred, alpha=0.9)),
            "r2": none_if_nan(metrics.r2_score(y_true, y_pred, force_finite=False)),
        }})
        valid = bool((y_true > -1).all() and (y_pred > -1).all())
        rows.append({"labels": labels, "values": {
            "max_error": float(metrics.max_error(y_true, y_pred)),
            "median_absolute_error": float(metrics.median_absolute_error(y_true, y_pred)),
            "msle": float(metrics.mean_squared_log_error(y_true, y_pred)) if valid else None,
            "rmsle": float(metrics.root_mean_squared_log_error(y_true, y_pred)) if valid else None,
        }})
    base = {"schemaVersion": 1, "queryType": "regression", "model": "reg", "format": "numeric"}
    return [
        {"name": "regression: explained variance and pinball at 0.9, forceFinite false",
         "query": {**base, "quantile": 0.9, "forceFinite": False, "metrics": ["explained_variance", "pinball", "r2"]},
         "series": sums},
        {"name": "regression: max error, median absolute error and the logarithmic errors (read from the rows)",
         "query": {**base, "metrics": ["max_error", "median_absolute_error", "msle", "rmsle"]}, "series": rows},
    ]


def operations(rows, seconds):
    lat = np.array([num(r["latency_ms"]) for r in rows if r["latency_ms"] != ""])
    n = len(rows)
    return {
        "requests": float(n),
        "throughput": n / seconds,
        "error_rate": (sum(1 for r in rows if r["error"]) / n) if n else None,
        "latency_p50": float(np.percentile(lat, 50)) if len(lat) else None,
        "latency_p95": float(np.percentile(lat, 95)) if len(lat) else None,
        "latency_p99": float(np.percentile(lat, 99)) if len(lat) else None,
    }


def coverage(rows):
    n = len(rows)
    labeled = sum(1 for r in rows if r["actual_value"] != "" or r["actual_label"] != "")
    return {"label_coverage": labeled / n if n else None, "labeled_rows": float(labeled)}


def quality(rows, ref_rows, feature, numeric):
    n = len(rows)
    vals = [r[feature] for r in rows if r[feature] != ""]
    ref = [r[feature] for r in ref_rows if r[feature] != ""]
    out = {"rows": float(n), "missing_share": (n - len(vals)) / n if n else None,
           "out_of_range_share": None, "new_category_share": None,
           "mean": None, "std": None, "min": None, "max": None}
    if numeric:
        x = np.array([float(v) for v in vals])
        lo, hi = min(float(v) for v in ref), max(float(v) for v in ref)
        if len(x):
            out.update(out_of_range_share=float(np.mean((x < lo) | (x > hi))), mean=float(np.mean(x)),
                       min=float(np.min(x)), max=float(np.max(x)))
        if len(x) > 1:
            out["std"] = float(np.std(x, ddof=1))  # pandas' default, as Evidently reports it
    elif vals:
        known = set(ref)
        out["new_category_share"] = sum(1 for v in vals if v not in known) / len(vals)
    return out


def shift(rows, ref_rows, feature):
    """std_ratio and mean_shift of a number: the current sample standard deviation (ddof 1) over
    the reference's, and the mean difference in reference standard deviations; the reference
    pools the query's versions. Undefined (None) unless both windows have at least 2 values and
    the reference's standard deviation is positive."""
    x = np.array([float(r[feature]) for r in rows if r[feature] != ""])
    ref = np.array([float(r[feature]) for r in ref_rows if r[feature] != ""])
    if len(x) < 2 or len(ref) < 2:
        return {"std_ratio": None, "mean_shift": None}
    ref_std = float(np.std(ref, ddof=1))
    if ref_std == 0:
        return {"std_ratio": None, "mean_shift": None}
    return {"std_ratio": float(np.std(x, ddof=1)) / ref_std, "mean_shift": (float(np.mean(x)) - float(np.mean(ref))) / ref_std}


def output_cases(rows):
    """Model outputs named in features beside an input: the numbers (score, predicted_value)
    profiled as number features, the label as a category; std_ratio and mean_shift of each."""
    ref_end = (START + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    start = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    cases = []
    for model, versions, features in [
        ("cls", ["A", "B"], [("size", True), ("score", True), ("predicted_label", False)]),
        ("reg", ["A", "B", "C"], [("predicted_value", True), ("size", True)]),
        ("flat", ["A", "B"], [("score", True), ("size", True)]),
    ]:
        mrows = [r for r in rows if r["model"] == model]
        ref_sel = [r for r in mrows if r["ts"] < ref_end]
        series = []
        for version in versions:
            sel = [r for r in mrows if r["model_version"] == version]
            for feature, numeric in features:
                values = quality(sel, ref_sel, feature, numeric)
                if numeric:
                    values.update(shift(sel, ref_sel, feature))
                else:
                    values.update(std_ratio=None, mean_shift=None)
                series.append({"labels": {"model": model, "version": version, "feature": feature}, "values": values})
        query = {"schemaVersion": 1, "queryType": "quality", "model": model, "format": "numeric",
                 "features": [f for f, _ in features],
                 "metrics": ["rows", "missing_share", "out_of_range_share", "new_category_share", "mean", "std", "min", "max",
                             "std_ratio", "mean_shift"],
                 "reference": {"type": "range", "from": start, "to": ref_end}}
        cases.append({"name": f"quality: model outputs and std_ratio, mean_shift of {model}", "query": query, "series": series})
    return cases


def quality_cases(rows):
    ref_end = (START + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    start = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    ref_rows = [r for r in rows if r["ts"] < ref_end]
    # A category that exists only after the reference window, so that new_category_share is not 0.
    cases = []
    for name, extra, keep in [
        ("quality: reference is the first day", {}, lambda r: True),
        ("quality: filtered to size >= 100", {"filters": [{"column": "size", "op": ">=", "values": [100]}]},
         lambda r: float(r["size"]) >= 100),
    ]:
        series = []
        ref_sel = [r for r in ref_rows if keep(r)]
        for version in ["A", "B", "C"]:
            sel = [r for r in rows if r["model_version"] == version and keep(r)]
            for feature, numeric in [("segment", False), ("size", True)]:
                series.append({"labels": {"model": "reg", "version": version, "feature": feature},
                               "values": quality(sel, ref_sel, feature, numeric)})
        query = {"schemaVersion": 1, "queryType": "quality", "model": "reg", "format": "numeric",
                 "reference": {"type": "range", "from": start, "to": ref_end}, **extra}
        cases.append({"name": name, "query": query, "series": series})
    return cases


def drift_values(method, numeric, ref, cur):
    """The drift statistic and score of one series by scipy: the current values against the
    reference's (numbers or categories, as text)."""
    from scipy import stats
    from scipy.spatial import distance
    def test(res):
        return {"statistic": float(res.statistic), "p_value": float(res.pvalue), "score": float(res.pvalue)}

    if numeric:
        x, y = np.array([float(v) for v in ref]), np.array([float(v) for v in cur])
        tests = {
            "ks": lambda: stats.ks_2samp(x, y),
            "anderson": lambda: stats.anderson_ksamp([x, y], variant="midrank"),
            "cramervonmises": lambda: stats.cramervonmises_2samp(x, y),
            "mannwhitney": lambda: stats.mannwhitneyu(x, y),
            "ttest": lambda: stats.ttest_ind(x, y, equal_var=False),
            "eppssingleton": lambda: stats.epps_singleton_2samp(x, y),
        }
        if method in tests:
            return test(tests[method]())
        if method == "energy":
            e = stats.energy_distance(x, y)
            return {"statistic": float(e), "score": float(e)}
        w = stats.wasserstein_distance(x, y)
        return {"statistic": float(w), "score": float(w / np.std(x))}
    cats = sorted(set(ref) | set(cur))
    table = np.array([[ref.count(c) for c in cats], [cur.count(c) for c in cats]])
    if method == "chisquare":
        chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
        return {"statistic": float(chi2), "p_value": float(p), "score": float(p)}
    if method == "gtest":
        g, p, dof, _ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
        return {"statistic": float(g), "p_value": float(p), "score": float(p)}
    if method == "fisher":
        if table.shape[1] > 2:  # Fisher's exact test compares two categories: undefined here
            return {"statistic": None, "p_value": None, "score": None}
        return test(stats.fisher_exact(table))
    if method == "linf":
        d = float(np.max(np.abs(table[0] / table[0].sum() - table[1] / table[1].sum())))
        return {"statistic": d, "score": d}
    js = distance.jensenshannon(table[0] / table[0].sum(), table[1] / table[1].sum())
    return {"statistic": float(js), "score": float(js)}


def output_drift_cases(rows):
    """Drift of the model outputs as of input features: the classifier's score (ks) and label
    (chisquare), the regression's predicted_value (wasserstein), beside an input."""
    ref_end = (START + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    start = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    cases = []
    for model, method, feature, numeric in [("cls", "ks", "score", True), ("cls", "chisquare", "predicted_label", False),
                                            ("reg", "wasserstein", "predicted_value", True),
                                            ("cls", "fisher", "predicted_label", False), ("cls", "anderson", "score", True)]:
        mrows = [r for r in rows if r["model"] == model and r["model_version"] in ("A", "B")]
        series = []
        # An input beside the output (a category for chisquare, which bins numbers): the rollup
        # answers it while the output is read from the rows.
        other = ("size", True) if numeric else ("segment", False)
        for f, is_number in [(feature, numeric), other]:
            ref = [r[f] for r in mrows if r["ts"] < ref_end and r[f] != ""]
            for version in ["A", "B"]:
                cur = [r[f] for r in mrows if r["model_version"] == version and r[f] != ""]
                series.append({"labels": {"model": model, "version": version, "feature": f, "method": method},
                               "values": drift_values(method, is_number, ref, cur)})
        query = {"schemaVersion": 1, "queryType": "drift", "model": model, "versions": ["A", "B"], "features": [feature, other[0]],
                 "method": method, "format": "numeric", "reference": {"type": "range", "from": start, "to": ref_end}}
        cases.append({"name": f"drift: {method} on the model output {feature}", "query": query, "series": series})
    return cases


def drift_cases(rows):
    ref_end = (START + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    start = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    ref_rows = [r for r in rows if r["ts"] < ref_end]
    cases = []
    for method, feature in [("ks", "size"), ("wasserstein", "size"), ("chisquare", "segment"), ("jensenshannon", "segment"),
                            ("anderson", "size"), ("cramervonmises", "size"), ("mannwhitney", "size"), ("ttest", "size"),
                            ("eppssingleton", "size"), ("energy", "size"), ("gtest", "segment"), ("linf", "segment")]:
        series = []
        for version in ["A", "B"]:
            cur = [r[feature] for r in rows if r["model_version"] == version and r[feature] != ""]
            # The reference window pools the query's versions (A and B).
            ref = [r[feature] for r in ref_rows if r[feature] != "" and r["model_version"] in ("A", "B")]
            vals = drift_values(method, feature == "size", ref, cur)
            series.append({"labels": {"model": "reg", "version": version, "feature": feature, "method": method}, "values": vals})
        query = {"schemaVersion": 1, "queryType": "drift", "model": "reg", "versions": ["A", "B"], "features": [feature],
                 "method": method, "format": "numeric", "reference": {"type": "range", "from": start, "to": ref_end}}
        cases.append({"name": f"drift: {method} on {feature}", "query": query, "series": series})
    return cases


def comparison_cases(rows):
    from scipy import stats
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
    cases = []

    def verdict(delta, p, higher_is_better):
        return 1.0 if p < 0.05 and (delta > 0 if higher_is_better else delta < 0) else 0.0

    # Proportions: accuracy on the logged labels, precision with a 0.5 threshold on the score.
    for compare, threshold in [("accuracy", None), ("precision", 0.5)]:
        counts = []
        for version in ["A", "B"]:
            rs = [r for r in rows if r["model"] == "cls" and r["model_version"] == version and r["actual_label"]]
            pred = [("yes" if float(r["score"]) >= threshold else "no") if threshold is not None else r["predicted_label"] for r in rs]
            act = [r["actual_label"] for r in rs]
            if compare == "accuracy":
                counts.append((sum(p == a for p, a in zip(pred, act)), len(rs)))
            else:
                tp = sum(p == "yes" and a == "yes" for p, a in zip(pred, act))
                counts.append((tp, sum(p == "yes" for p in pred)))
        (s1, n1), (s2, n2) = counts
        z, p = proportions_ztest([s2, s1], [n2, n1])  # challenger - champion, pooled
        lo, hi = confint_proportions_2indep(s2, n2, s1, n1, method="wald", compare="diff")
        delta = s2 / n2 - s1 / n1
        vals = {"champion": s1 / n1, "challenger": s2 / n2, "delta": delta, "ci_low": float(lo), "ci_high": float(hi),
                "p_value": float(p), "challenger_better": verdict(delta, p, True)}
        query = {"schemaVersion": 1, "queryType": "comparison", "model": "cls", "versions": ["A", "B"], "compare": compare,
                 "positiveClass": "yes", "format": "numeric"}
        if threshold is not None:
            query["threshold"] = threshold
        cases.append({"name": f"comparison: {compare} (two-proportion z-test)", "query": query,
                      "series": [{"labels": {"model": "cls", "version": "A vs B"}, "values": vals}]})

    # Means: MAE of the regression model (Welch's t-test on absolute errors).
    errs = []
    for version in ["A", "B"]:
        rs = [r for r in rows if r["model"] == "reg" and r["model_version"] == version and r["predicted_value"] and r["actual_value"]]
        errs.append(np.array([abs(float(r["predicted_value"]) - float(r["actual_value"])) for r in rs]))
    a, b = errs
    t = stats.ttest_ind(b, a, equal_var=False)
    ci = t.confidence_interval(0.95)
    delta = float(b.mean() - a.mean())
    vals = {"champion": float(a.mean()), "challenger": float(b.mean()), "delta": delta, "ci_low": float(ci.low),
            "ci_high": float(ci.high), "p_value": float(t.pvalue), "challenger_better": verdict(delta, t.pvalue, False)}
    cases.append({"name": "comparison: mae (Welch t-test)", "query": {"schemaVersion": 1, "queryType": "comparison", "model": "reg",
                  "versions": ["A", "B"], "compare": "mae", "format": "numeric"},
                  "series": [{"labels": {"model": "reg", "version": "A vs B"}, "values": vals}]})
    return cases


def multiclass_cases(rows):
    rs = [r for r in rows if r["model"] == "multi" and r["actual_label"]]
    y_true = [r["actual_label"] for r in rs]
    y_pred = [r["predicted_label"] for r in rs]
    cases = []
    for average in ["macro", "micro", "weighted"]:
        p, r_, f, _ = metrics.precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=np.nan)
        vals = {"accuracy": float(metrics.accuracy_score(y_true, y_pred)), "precision": none_if_nan(p),
                "recall": none_if_nan(r_), "f1": none_if_nan(f)}
        cases.append({"name": f"classification: multiclass {average} average",
                      "query": {"schemaVersion": 1, "queryType": "classification", "model": "multi", "average": average, "format": "numeric"},
                      "series": [{"labels": {"model": "multi", "version": "A"}, "values": vals}]})
    labels = sorted(set(y_true) | set(y_pred))
    p, r_, f, _ = metrics.precision_recall_fscore_support(y_true, y_pred, average=None, labels=labels, zero_division=np.nan)
    series = [{"labels": {"model": "multi", "version": "A", "class": c},
               "values": {"precision": none_if_nan(p[i]), "recall": none_if_nan(r_[i]), "f1": none_if_nan(f[i])}}
              for i, c in enumerate(labels)]
    cases.append({"name": "classification: per class (average none)",
                  "query": {"schemaVersion": 1, "queryType": "classification", "model": "multi", "average": "none",
                            "metrics": ["precision", "recall", "f1"], "format": "numeric"},
                  "series": series})
    # zeroDivision as scikit-learn's zero_division, on the rows where fox is never predicted:
    # its precision divides by zero.
    no_fox = [(t, p_) for t, p_ in zip(y_true, y_pred) if p_ != "fox"]
    t_nf, p_nf = [t for t, _ in no_fox], [p_ for _, p_ in no_fox]
    not_fox = [{"column": "predicted_label", "op": "!=", "values": ["fox"]}]
    for zd, average in [(0, "macro"), (1, "weighted")]:
        p, r_, f, _ = metrics.precision_recall_fscore_support(t_nf, p_nf, average=average, zero_division=zd)
        cases.append({"name": f"classification: {average} average with zeroDivision {zd}, a class never predicted",
                      "query": {"schemaVersion": 1, "queryType": "classification", "model": "multi", "average": average,
                                "metrics": ["precision", "recall", "f1"], "format": "numeric", "filters": not_fox, "zeroDivision": zd},
                      "series": [{"labels": {"model": "multi", "version": "A"},
                                  "values": {"precision": float(p), "recall": float(r_), "f1": float(f)}}]})
    p, r_, f, _ = metrics.precision_recall_fscore_support(t_nf, p_nf, average=None, labels=labels, zero_division=1)
    cases.append({"name": "classification: per class with zeroDivision \"1\" (a template variable's string)",
                  "query": {"schemaVersion": 1, "queryType": "classification", "model": "multi", "average": "none",
                            "metrics": ["precision", "recall", "f1"], "format": "numeric", "filters": not_fox, "zeroDivision": "1"},
                  "series": [{"labels": {"model": "multi", "version": "A", "class": c},
                              "values": {"precision": float(p[i]), "recall": float(r_[i]), "f1": float(f[i])}}
                             for i, c in enumerate(labels)]})
    # F-beta and the multiclass MCC over the whole matrix, macro F-beta at beta 0.5; the micro
    # average over a subset of the classes (scikit-learn's labels=).
    f05 = metrics.fbeta_score(y_true, y_pred, beta=0.5, average="macro", zero_division=np.nan)
    cases.append({"name": "classification: macro fbeta at beta 0.5 and the multiclass mcc",
                  "query": {"schemaVersion": 1, "queryType": "classification", "model": "multi", "average": "macro",
                            "metrics": ["fbeta", "mcc"], "beta": 0.5, "format": "numeric"},
                  "series": [{"labels": {"model": "multi", "version": "A"},
                              "values": {"fbeta": float(f05), "mcc": float(metrics.matthews_corrcoef(y_true, y_pred))}}]})
    def binary(version):
        rs = [r for r in rows if r["model"] == "cls" and r["model_version"] == version and r["actual_label"] and r["predicted_label"]]
        return [r["actual_label"] for r in rs], [r["predicted_label"] for r in rs]

    cases.append({"name": "classification: binary fbeta at beta 2",
                  "query": {"schemaVersion": 1, "queryType": "classification", "model": "cls", "positiveClass": "yes",
                            "metrics": ["fbeta", "f1"], "beta": 2, "format": "numeric"},
                  "series": [{"labels": {"model": "cls", "version": v},
                              "values": {"fbeta": float(metrics.fbeta_score(*binary(v), beta=2, pos_label="yes")),
                                         "f1": float(metrics.f1_score(*binary(v), pos_label="yes"))}}
                             for v in ["A", "B"]]})
    p, r_, f, _ = metrics.precision_recall_fscore_support(y_true, y_pred, labels=["cat", "fox"], average="micro", zero_division=np.nan)
    cases.append({"name": "classification: micro average over the labels cat and fox",
                  "query": {"schemaVersion": 1, "queryType": "classification", "model": "multi", "average": "micro",
                            "labels": ["cat", "fox"], "metrics": ["precision", "recall", "f1"], "format": "numeric"},
                  "series": [{"labels": {"model": "multi", "version": "A"},
                              "values": {"precision": float(p), "recall": float(r_), "f1": float(f)}}]})
    p = metrics.precision_score([t == "fox" for t in t_nf], [q == "fox" for q in p_nf], zero_division=0)
    cases.append({"name": "classification: binary precision with zeroDivision 0, the positive class never predicted",
                  "query": {"schemaVersion": 1, "queryType": "classification", "model": "multi", "positiveClass": "fox",
                            "metrics": ["precision"], "format": "numeric", "filters": not_fox, "zeroDivision": 0},
                  "series": [{"labels": {"model": "multi", "version": "A"}, "values": {"precision": float(p)}}]})
    return cases


def change(as_, cur, ref):
    """A compareTo output: pct_change, ratio or delta of a current value against its reference."""
    if cur is None or ref is None:
        return None
    if as_ == "delta":
        return cur - ref
    if ref == 0:
        return None
    return cur / ref if as_ == "ratio" else 100.0 * (cur - ref) / abs(ref)


def classification(rows):
    """Binary metrics of the logged labels against the positive class "yes", as scikit-learn."""
    rs = [r for r in rows if r["actual_label"] and r["predicted_label"]]
    if not rs:
        return {}
    y_true = [r["actual_label"] for r in rs]
    y_pred = [r["predicted_label"] for r in rs]
    return {
        "accuracy": float(metrics.accuracy_score(y_true, y_pred)),
        "precision": float(metrics.precision_score(y_true, y_pred, pos_label="yes")),
        "recall": float(metrics.recall_score(y_true, y_pred, pos_label="yes")),
        "f1": float(metrics.f1_score(y_true, y_pred, pos_label="yes")),
    }


def compare_to_cases(rows, seconds):
    """compareTo cases: each metric over the whole range beside its value in the first day (a
    range reference, or the range shifted back by a day, whose first day is the only one with
    rows) and in the previous two days (no rows: counts of 0, null statistics and changes)."""
    day1 = (START + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    first = [r for r in rows if r["ts"] < day1]
    start = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    cases = []
    for family, model, compute, chosen, extra in [
        ("classification", "cls", classification, ["accuracy", "precision", "recall", "f1"], {"positiveClass": "yes"}),
        ("regression", "reg", regression, ["mae", "rmse", "r2", "mean_error"], {}),
        ("operations", "reg", None, ["requests", "error_rate", "latency_p95"], {}),
        ("coverage", "reg", coverage, ["label_coverage", "labeled_rows"], {}),
    ]:
        for as_, reference, ref_rows_of in [
            ("pct_change", {"type": "range", "from": start, "to": day1}, lambda rs: [r for r in rs if r["ts"] < day1]),
            ("ratio", {"type": "shift", "shift": "1d"}, lambda rs: [r for r in rs if r["ts"] < day1]),
            ("delta", {"type": "previous"}, lambda rs: []),
        ]:
            series = []
            versions = ["A", "B"] if model == "cls" else ["A", "B", "C"]
            for version in versions:
                sel = [r for r in rows if r["model"] == model and r["model_version"] == version]
                ref_sel = ref_rows_of(sel)
                if family == "operations":
                    cur, ref = operations(sel, seconds), operations(ref_sel, seconds if reference["type"] == "previous" else seconds / 2)
                else:
                    cur, ref = compute(sel), compute(ref_sel)
                values = {}
                for m in chosen:
                    values[m] = cur.get(m)
                    values[m + "_reference"] = ref.get(m)
                    values[m + "_change"] = change(as_, cur.get(m), ref.get(m))
                series.append({"labels": {"model": model, "version": version}, "values": values})
            metrics_asked = [m + suffix for m in chosen for suffix in ["", "_reference", "_change"]]
            query = {"schemaVersion": 1, "queryType": family, "model": model, "format": "numeric", "metrics": metrics_asked,
                     "compareTo": {"reference": reference, "as": as_}, **extra}
            cases.append({"name": f"{family}: compareTo {reference['type']} as {as_}", "query": query, "series": series})
    return cases


def main():
    rng = np.random.default_rng(20260301)
    rows = make_rows(rng)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "predictions.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    seconds = 2 * 86400.0
    compute = {"regression": regression, "operations": lambda rs: operations(rs, seconds), "coverage": coverage}
    cases = []
    reg_rows = [r for r in rows if r["model"] == "reg"]
    for family in ["regression", "operations", "coverage"]:
        for name, extra, keep, group in [
            ("all rows", {}, lambda r: True, None),
            ("filter segment in (north, east) and size >= 100",
             {"filters": [{"column": "segment", "op": "in", "values": ["north", "east"]},
                          {"column": "size", "op": ">=", "values": ["100"]}]},
             lambda r: r["segment"] in ("north", "east") and float(r["size"]) >= 100, None),
            ("grouped by segment", {"groupBy": "segment"}, lambda r: True, "segment"),
        ]:
            series = []
            for version in ["A", "B", "C"]:
                sel = [r for r in reg_rows if r["model_version"] == version and keep(r)]
                groups = sorted({r[group] for r in sel}) if group else [None]
                for g in groups:
                    rs = [r for r in sel if g is None or r[group] == g]
                    labels = {"model": "reg", "version": version}
                    if group:
                        labels[group] = g
                    series.append({"labels": labels, "values": compute[family](rs)})
            query = {"schemaVersion": 1, "queryType": family, "model": "reg", "format": "numeric", **extra}
            cases.append({"name": f"{family}: {name}", "query": query, "series": series})
    cases += regression_more_cases(reg_rows)
    cases += quality_cases(reg_rows)
    cases += output_cases(rows)
    cases += output_drift_cases(rows)
    cases += drift_cases(reg_rows)
    cases += comparison_cases(rows)
    cases += multiclass_cases(rows)
    cases += compare_to_cases(rows, seconds)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"generator": f"scripts/golden/families.py with scikit-learn {sklearn.__version__}, numpy {np.__version__}, scipy {__import__('scipy').__version__}",
                   "from": START.strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "to": (START + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
