"""Two samples as the peers' golden scripts write them (evidently_drift.py, nannyml_drift.py):
counts per distinct value of a number, or per category, as pkg/metrics' peerSamples reads them."""

from __future__ import annotations

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
