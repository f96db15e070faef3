"""Two samples as the peers' golden scripts write them (evidently_drift.py, nannyml_drift.py):
counts per distinct value of a number, or per category, as pkg/metrics' peerSamples reads them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd


def numeric_samples(name: str, ref, cur):
    """The name, the samples as float Series and their counts per distinct value."""
    ref, cur = pd.Series(np.asarray(ref, dtype=float)), pd.Series(np.asarray(cur, dtype=float))
    values = np.unique(np.concatenate([ref, cur]))
    counts = {"name": name, "numeric": True, "values": values.tolist(),
              "reference": [int((ref == v).sum()) for v in values], "current": [int((cur == v).sum()) for v in values]}
    return ref, cur, counts


def categorical_samples(name: str, ref, cur):
    """The name, the samples as Series and their counts per category (sorted)."""
    ref, cur = pd.Series(ref), pd.Series(cur)
    labels = sorted(set(ref) | set(cur))
    counts = {"name": name, "numeric": False, "labels": labels,
              "reference": [int((ref == v).sum()) for v in labels], "current": [int((cur == v).sum()) for v in labels]}
    return ref, cur, counts


def drift_query(feature: str, method: str, definitions: str, ref_end: str) -> dict:
    """A drift query of the reg model's versions A and B over the families CSV, the first day the
    reference, with a peer's definitions."""
    return {"schemaVersion": 1, "queryType": "drift", "model": "reg", "versions": ["A", "B"], "features": [feature],
            "method": method, "format": "numeric", "definitions": definitions, "metrics": ["score", "threshold", "drifted"],
            "reference": {"type": "range", "from": "2026-03-01T00:00:00Z", "to": ref_end}}


def write_cases(out, generator: str, cases: list, queries: list) -> None:
    """The golden file: one case and one query per line, so that a changed case is a small diff."""
    compact = lambda v: json.dumps(v, separators=(",", ":"))
    lines = lambda items: ",\n  ".join(compact(c) for c in items)
    out.write_text("{\n \"generator\": " + compact(generator) + ",\n \"cases\": [\n  " + lines(cases) + "\n ],\n"
                   " \"queries\": [\n  " + lines(queries) + "\n ]\n}\n")
    print(f"wrote {len(cases)} cases and {len(queries)} queries to {out}")
