package engine

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// cellFeatures says (by index of cols) which number features a drift query counts per cell of
// the feature rollup: those the rollup kept per cell in some hour of the current window (more
// than store.FeatureRollupCap values), when the method is one of cellMethods, the format not
// a histogram, and both windows answer from the rollup for the feature. The other features
// the rollup kept per cell read raw rows. Nil when there are none: every window is read as
// before.
func (e *Engine) cellFeatures(ctx context.Context, q query.Query, refScope, curScope store.Scope, width time.Duration, cols []store.Column) ([]bool, error) {
	// The methods on values read the feature rollup's cells as they read the raw path's grid
	// (metrics.ValueTestOnGrid); the binned methods and the histogram's bins need each value's
	// bin, which a cell straddling an edge does not give.
	if q.Format == query.FormatHistogram || !comparesValues(q.Method) {
		return nil, nil
	}
	curPlan, fs, err := e.featureRollups(ctx, curScope, width)
	if err != nil || curPlan == nil {
		return nil, err
	}
	cur, err := e.readFeatureValues(ctx, curPlan, fs, curScope, width, cols)
	if err != nil {
		return nil, err
	}
	celled := cur.celled()
	if len(celled) == 0 {
		return nil, nil
	}
	refPlan, refFS, err := e.featureRollups(ctx, refScope, 0)
	if err != nil || refPlan == nil {
		return nil, err
	}
	ref, err := e.readFeatureValues(ctx, refPlan, refFS, refScope, 0, cols)
	if err != nil {
		return nil, err
	}
	var out []bool
	for _, i := range celled {
		if isNumeric(cols[i]) && !slices.Contains(ref.raw, i) {
			if out == nil {
				out = make([]bool, len(cols))
			}
			out[i] = true
		}
	}
	return out, nil
}

// cellID names a cell of the feature rollup's logarithmic grid (store.FeatureCellAlpha).
type cellID struct{ sign, key int }

// featureCellGamma is the ratio of a cell's upper to its lower bound.
var featureCellGamma = (1 + store.FeatureCellAlpha) / (1 - store.FeatureCellAlpha)

// featureCellOf is the cell of x, as the rollup's SQL computes it (sqlstore's featureCell). A
// value on a cell's edge may land in the neighbouring cell when the two logarithms round
// differently; it is then the greatest value of the one or the least of the other, so the
// cells stay ordered and their ranges disjoint.
func featureCellOf(x float64) cellID {
	switch {
	case math.IsNaN(x):
		return cellID{sign: 2}
	case x == 0:
		return cellID{}
	}
	sign := 1
	if x < 0 {
		sign = -1
	}
	if math.IsInf(x, 0) {
		return cellID{sign: sign, key: metrics.SketchInfinity}
	}
	return cellID{sign: sign, key: int(math.Ceil(math.Log(math.Abs(x)) / math.Log(featureCellGamma)))}
}

// compareCells orders cells by their values: negatives from the largest magnitude, zero,
// positives from the smallest, NaN last.
func compareCells(a, b cellID) int {
	if c := cmp.Compare(a.sign, b.sign); c != 0 {
		return c
	}
	if a.sign < 0 {
		return cmp.Compare(b.key, a.key)
	}
	return cmp.Compare(a.key, b.key)
}

// cellStats are one cell's rows, least and greatest value and sum in one window.
type cellStats struct {
	n        int64
	min, max float64
	sum      float64
}

func (c *cellStats) merge(n int64, lo, hi, sum float64) {
	if c.n == 0 {
		c.min, c.max = lo, hi
	}
	c.n += n
	c.min, c.max, c.sum = math.Min(c.min, lo), math.Max(c.max, hi), c.sum+sum
}

// cellCounts counts a number series per cell of the feature rollup's grid: its cells as the
// rollup kept them and its values (hours kept per value, and the partial hours read from raw
// rows) placed in theirs; the rows without a value by one row.
func cellCounts(base store.DistributionCount, v *featureValues) []store.DistributionCount {
	cells := map[cellID]*cellStats{}
	at := func(id cellID) *cellStats {
		c := cells[id]
		if c == nil {
			c = &cellStats{}
			cells[id] = c
		}
		return c
	}
	for x, n := range v.numbers {
		at(featureCellOf(x)).merge(n, x, x, x*float64(n))
	}
	for _, c := range v.cells {
		at(cellID{sign: c.Sign, key: c.Key}).merge(c.n, c.Min, c.Max, c.Sum)
	}
	var out []store.DistributionCount
	if v.nulls > 0 {
		r := base
		r.Null, r.Count = true, v.nulls
		out = append(out, r)
	}
	for id, c := range cells {
		r := base
		r.Count, r.Sum = c.n, c.sum
		r.RollupCell = &store.FeatureCell{Sign: id.sign, Key: id.key, Min: c.min, Max: c.max, Sum: c.sum}
		out = append(out, r)
	}
	return out
}

// gridOfCells lays out both windows' cells as the drift methods read them: every cell either
// window has, in value order, with each window's rows and sums and the width of the values
// the cell holds in both (metrics.GridCounts with Spans). NaN values (which the loader stores
// as NULL) are left out, as the rows without a value are.
func gridOfCells(ref, cur *counts, refStd *float64) metrics.GridCounts {
	seen := map[cellID]bool{}
	var ids []cellID
	for _, w := range []*counts{ref, cur} {
		for id := range w.rollupCells {
			if id.sign != 2 && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	slices.SortFunc(ids, compareCells)
	g := metrics.GridCounts{Grid: metrics.Grid{Cells: len(ids)}, ReferenceStd: refStd,
		Reference: make([]int64, len(ids)), Current: make([]int64, len(ids)),
		ReferenceSums: make([]float64, len(ids)), CurrentSums: make([]float64, len(ids)), Spans: make([]float64, len(ids))}
	for i, id := range ids {
		var span cellStats
		for w, c := range []*counts{ref, cur} {
			s := c.rollupCells[id]
			if s == nil {
				continue
			}
			span.merge(s.n, s.min, s.max, 0)
			if w == 0 {
				g.Reference[i], g.ReferenceSums[i] = s.n, s.sum
			} else {
				g.Current[i], g.CurrentSums[i] = s.n, s.sum
			}
		}
		g.Spans[i] = span.max - span.min
		if i == 0 {
			g.Lo = span.min
		}
		g.Hi = span.max
	}
	return g
}
