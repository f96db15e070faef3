package engine

import (
	"fmt"
	"slices"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
)

// counts is a feature's distribution in one window: rows per value and null rows, and for the
// parts the store counted on bins (a Binned feature, or a series with more distinct values
// than the feature's MaxValues) the rows per reference bin and per grid cell with the sums of
// their values.
type counts struct {
	numbers map[float64]int64
	texts   map[string]int64
	nulls   int64
	// binned is set when some part of the window came per bin; distinct is then the largest
	// number of distinct values the store reported for such a part.
	binned   bool
	distinct int64
	bins     []int64 // k+2, with edges
	cells    []int64 // Cells+2, with a grid
	sums     []float64
	// rollupCells are the window's rows per cell of the feature rollup's grid, for a feature
	// counted that way (no values, bins or grid then).
	rollupCells map[cellID]*cellStats
}

func newCounts() *counts {
	return &counts{numbers: map[float64]int64{}, texts: map[string]int64{}}
}

func (c *counts) add(r store.DistributionCount, numeric bool, f store.DistributionFeature) {
	switch {
	case r.Null:
		c.nulls += r.Count
	case r.RollupCell != nil:
		if c.rollupCells == nil {
			c.rollupCells = map[cellID]*cellStats{}
		}
		id := cellID{sign: r.RollupCell.Sign, key: r.RollupCell.Key}
		if c.rollupCells[id] == nil {
			c.rollupCells[id] = &cellStats{}
		}
		c.rollupCells[id].merge(r.Count, r.RollupCell.Min, r.RollupCell.Max, r.RollupCell.Sum)
	case r.Exact && numeric:
		c.numbers[r.Number] += r.Count
	case r.Exact:
		c.texts[r.Text] += r.Count
	default:
		c.binned = true
		c.distinct = max(c.distinct, r.Distinct)
		if c.bins == nil && len(f.Edges) > 1 {
			c.bins = make([]int64, len(f.Edges)+1)
		}
		if c.cells == nil && f.Grid != nil {
			c.cells, c.sums = make([]int64, f.Grid.Cells+2), make([]float64, f.Grid.Cells+2)
		}
		if r.Bin >= 0 && r.Bin < len(c.bins) {
			c.bins[r.Bin] += r.Count
		}
		if r.Cell >= 0 && r.Cell < len(c.cells) {
			c.cells[r.Cell] += r.Count
			c.sums[r.Cell] += r.Sum
		}
	}
}

// nonNull is the window's rows with a value.
func (c *counts) nonNull() int64 {
	var n int64
	for _, k := range c.numbers {
		n += k
	}
	for _, k := range c.texts {
		n += k
	}
	for _, k := range c.bins {
		n += k
	}
	for _, s := range c.rollupCells {
		n += s.n
	}
	if c.bins == nil {
		for _, k := range c.cells {
			n += k
		}
	}
	return n
}

// binCounts are the window's rows per reference bin: the store's, plus the values it counted
// one by one, binned here with the same rule (metrics.BinIndex).
func (c *counts) binCounts(edges []float64) []int64 {
	out := make([]int64, len(edges)+1)
	copy(out, c.bins)
	for v, n := range c.numbers {
		if b := metrics.BinIndex(edges, v); b >= 0 {
			out[b] += n
		}
	}
	return out
}

// gridCounts are the window's rows and sums per grid cell, the store's plus those of the
// values it counted one by one (metrics.Grid.Cell, the store's rule).
func (c *counts) gridCounts(g metrics.Grid) ([]int64, []float64) {
	n, s := make([]int64, g.Cells+2), make([]float64, g.Cells+2)
	copy(n, c.cells)
	copy(s, c.sums)
	for v, k := range c.numbers {
		if i := g.Cell(v); i >= 0 {
			n[i] += k
			s[i] += v * float64(k)
		}
	}
	return n, s
}

// driftInput lays out the reference and current counts as the drift methods read them: exact
// value counts and reference-fixed bins for numbers, categories for the rest. A numeric
// window the store counted on bins gives bins and, with a grid, grid counts instead of values.
func driftInput(numeric bool, ref, cur *counts, f store.DistributionFeature, refRange referenceRange) (metrics.DriftInput, error) {
	if !numeric {
		for _, w := range []*counts{ref, cur} {
			if w.binned {
				return metrics.DriftInput{}, fmt.Errorf("%w: column %q has %d distinct values in a window, more than the %d a categorical drift compares: drift it over a shorter range, a filter, or a rounded copy of the column",
					store.ErrSchema, f.Column, w.distinct, f.MaxValues)
			}
		}
		labels := unionKeys(ref.texts, cur.texts)
		c := metrics.Categories{Labels: labels, Reference: make([]int64, len(labels)), Current: make([]int64, len(labels)),
			ReferenceNulls: ref.nulls, CurrentNulls: cur.nulls}
		for i, l := range labels {
			c.Reference[i], c.Current[i] = ref.texts[l], cur.texts[l]
		}
		return metrics.DriftInput{Categories: &c, ReferenceNulls: ref.nulls, CurrentNulls: cur.nulls}, nil
	}
	in := metrics.DriftInput{Numeric: true, ReferenceNulls: ref.nulls, CurrentNulls: cur.nulls}
	if ref.rollupCells != nil || cur.rollupCells != nil {
		// Counted per cell of the feature rollup (both windows: see cellFeatures).
		g := gridOfCells(ref, cur, refRange.std)
		in.Grid = &g
		in.UniqueValues = int(refRange.distinct)
		return in, nil
	}
	if !ref.binned && !cur.binned {
		values := unionKeys(ref.numbers, cur.numbers)
		vc := metrics.ValueCounts{Values: values, Reference: make([]int64, len(values)), Current: make([]int64, len(values))}
		for i, v := range values {
			vc.Reference[i], vc.Current[i] = ref.numbers[v], cur.numbers[v]
		}
		in.Values = &vc
	} else {
		// A Binned feature's store counts no values: its reference's own count stands in.
		in.UniqueValues = int(max(ref.distinct, cur.distinct, refRange.distinct))
	}
	if f.Edges == nil {
		if in.Values == nil {
			// No reference values, and a current window with too many to list: every method
			// reports the reference as empty; one value stands for the current rows.
			in.Values = &metrics.ValueCounts{Values: []float64{0}, Reference: []int64{0}, Current: []int64{cur.nonNull()}}
		}
		return in, nil
	}
	in.Bins = &metrics.Histogram{Edges: f.Edges, Reference: ref.binCounts(f.Edges), Current: cur.binCounts(f.Edges),
		ReferenceNulls: ref.nulls, CurrentNulls: cur.nulls}
	if in.Values == nil && f.Grid != nil {
		g := metrics.Grid{Lo: f.Grid.Lo, Hi: f.Grid.Hi, Cells: f.Grid.Cells}
		gc := metrics.GridCounts{Grid: g, ReferenceStd: refRange.std}
		gc.Reference, gc.ReferenceSums = ref.gridCounts(g)
		gc.Current, gc.CurrentSums = cur.gridCounts(g)
		in.Grid = &gc
	}
	return in, nil
}

func keysOf[K float64 | string](m map[K]int64) []K {
	out := make([]K, 0, len(m))
	for k, n := range m {
		if n > 0 {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func unionKeys[K float64 | string](a, b map[K]int64) []K {
	seen := map[K]int64{}
	for k, n := range a {
		seen[k] += n
	}
	for k, n := range b {
		seen[k] += n
	}
	return keysOf(seen)
}
