#!/usr/bin/env python3
"""Golden values for ROC AUC and average precision computed on the score grid
(pkg/metrics/score_grid.go, pkg/store/sqlstore/score.go), against scikit-learn's exact values.

The rows are not committed: they come from a generator small enough to write twice, here and in
pkg/engine/score_grid_test.go, using only integer arithmetic and correctly rounded float64
operations (+, *, /, floor), so that Go and Python produce the same bits. The file records a
SHA-256 of the rows for the Go test to check that it rebuilt the same data.

Generator (per row i = 0 .. rows-1, six draws u0..u5 of splitmix64 seeded with SEED, each
(x >> 11) * 2^-53, and a seventh u6):
  version  = "A" if u0 < 0.5 else "B"; sep = 0.15 for A, 0.08 for B
  positive = u1 < 0.3 (actual_label "yes", else "no")
  base     = (u2 + u3 + u4) / 3
  score    = (base + sep * u5) / (1 + sep) if positive else base / (1 + sep)
  score    = floor(score * 100 + 0.5) / 100 if u6 < 0.1   (exact ties, across classes)
  ts       = 2026-03-01T00:00:00Z + 3 s * i

testdata/golden/ranking/grid.json, per version:
- "exact": scikit-learn's roc_auc_score and average_precision_score on the rows;
- "grid": the same functions on the grid histogram's scores (a cell of one distinct score keeps
  it, a cell of several stands at its midpoint): what the engine must return;
- "bound": the error bounds of pkg/metrics (ROC AUC: half the share of (positive, negative)
  pairs within a cell of several scores; AP: the larger of the largest move up and down of the
  precision sum, see AveragePrecisionErrorBound), computed here independently with numpy.

Run from anywhere: python3 scripts/golden/score_grid.py
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score

SEED = 20260303
ROWS = 50_000
CELLS = 1 << 14
MASK = (1 << 64) - 1
REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "testdata" / "golden" / "ranking" / "grid.json"


class SplitMix64:
    def __init__(self, seed: int):
        self.state = seed & MASK

    def uniform(self) -> float:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        return (z >> 11) * 2.0**-53


def rows():
    g = SplitMix64(SEED)
    out = []
    for i in range(ROWS):
        u = [g.uniform() for _ in range(7)]
        version = "A" if u[0] < 0.5 else "B"
        sep = 0.15 if version == "A" else 0.08
        positive = u[1] < 0.3
        base = (u[2] + u[3] + u[4]) / 3
        if positive:
            shift = sep * u[5]
            score = (base + shift) / (1 + sep)
        else:
            score = base / (1 + sep)
        if u[6] < 0.1:
            score = math.floor(score * 100 + 0.5) / 100
        out.append((i, version, positive, score))
    return out


def digest(data) -> str:
    h = hashlib.sha256()
    for i, version, positive, score in data:
        h.update(version.encode() + (b"1" if positive else b"0") + struct.pack("<d", score))
    return h.hexdigest()


def grid(y: np.ndarray, s: np.ndarray):
    """Per cell: representative score, positives, negatives, spread (as GridBar)."""
    cell = np.minimum(np.floor(np.clip(s, 0, 1) * CELLS).astype(np.int64), CELLS - 1)
    cells, inverse = np.unique(cell, return_inverse=True)
    lo = np.full(len(cells), np.inf)
    hi = np.full(len(cells), -np.inf)
    np.minimum.at(lo, inverse, s)
    np.maximum.at(hi, inverse, s)
    pos = np.bincount(inverse, weights=y, minlength=len(cells)).astype(np.int64)
    neg = np.bincount(inverse, minlength=len(cells)).astype(np.int64) - pos
    spread = lo != hi
    rep = np.where(spread, (cells + 0.5) / CELLS, lo)
    return rep, pos, neg, spread


def grid_metrics(rep, pos, neg) -> dict:
    """scikit-learn on the histogram's scores, rows expanded with sample weights."""
    s = np.concatenate([rep, rep])
    y = np.concatenate([np.ones(len(rep)), np.zeros(len(rep))])
    w = np.concatenate([pos, neg]).astype(np.float64)
    keep = w > 0
    return {
        "roc_auc": float(roc_auc_score(y[keep], s[keep], sample_weight=w[keep])),
        "average_precision": float(average_precision_score(y[keep], s[keep], sample_weight=w[keep])),
    }


def bounds(rep, pos, neg, spread) -> dict:
    order = np.argsort(-rep, kind="stable")
    rep, pos, neg, spread = rep[order], pos[order].astype(float), neg[order].astype(float), spread[order]
    P, N = pos.sum(), neg.sum()
    auc = 0.5 * float((pos * neg)[spread].sum()) / (P * N)
    above = np.concatenate([[0.0], np.cumsum(pos)[:-1]])
    above_neg = np.concatenate([[0.0], np.cumsum(neg)[:-1]])
    up = down = 0.0
    for A, B, p, m, sp in zip(above, above_neg, pos, neg, spread):
        if not sp or p == 0:
            continue
        g = (A + p) / (A + p + B + m)
        up += p * ((A + p) / (A + p + B) - g)
        i = np.arange(1, int(p) + 1, dtype=float)
        least = math.fsum((A + i) / (A + i + B + m)) if B + m > 0 else p
        down += p * g - least
    return {"roc_auc": auc, "average_precision": max(up, down, 0.0) / P}


def main() -> None:
    data = rows()
    cases = []
    for version in ("A", "B"):
        sub = [(p, s) for _, v, p, s in data if v == version]
        y = np.array([p for p, _ in sub], dtype=np.int64)
        s = np.array([sc for _, sc in sub], dtype=np.float64)
        rep, pos, neg, spread = grid(y, s)
        cases.append({
            "version": version,
            "rows": int(len(y)),
            "positives": int(y.sum()),
            "distinctScores": int(len(np.unique(s))),
            "cells": int(len(rep)),
            "spreadCells": int(spread.sum()),
            "exact": {
                "roc_auc": float(roc_auc_score(y, s)),
                "average_precision": float(average_precision_score(y, s)),
            },
            "grid": grid_metrics(rep, pos, neg),
            "bound": bounds(rep, pos, neg, spread),
        })
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "about": "ROC AUC and average precision on a score grid of 2^14 cells against scikit-learn's "
        "exact values; rows from the generator in scripts/golden/score_grid.py (and "
        "pkg/engine/score_grid_test.go). Regenerate with scripts/golden/score_grid.py.",
        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
        "seed": SEED,
        "rows": ROWS,
        "cells": CELLS,
        "rowsSHA256": digest(data),
        "cases": cases,
    }, indent=1) + "\n")
    for c in cases:
        print(c["version"], c["distinctScores"], "distinct,", c["spreadCells"], "spread cells;",
              {k: (c["grid"][k] - c["exact"][k], c["bound"][k]) for k in c["exact"]})
    print(f"wrote {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
