package metrics

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// GridCells is the number of cells of the fine grid that stands in for a feature's values when
// a window has too many distinct values to count one by one.
const GridCells = 4096

// Grid is a fine grid of Cells equal cells over the reference range [Lo, Hi], in the layout of
// Histogram: cell 0 holds the values below Lo, cells 1..Cells the range, cell Cells+1 the
// values above Hi.
type Grid struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Cells int     `json:"cells"`
}

// Width is the width of one cell (0 for a constant reference).
func (g Grid) Width() float64 {
	return (g.Hi - g.Lo) / float64(g.Cells)
}

// Cell is the cell of v: 0 below Lo, Cells+1 above Hi, else 1 + min(floor((v-Lo)/Width),
// Cells-1) (1 when Width is 0). The store's SQL computes the same floating-point operations in
// the same order, so a value falls in the same cell whichever side counts it; -1 for NaN.
func (g Grid) Cell(v float64) int {
	switch {
	case math.IsNaN(v):
		return -1
	case v < g.Lo:
		return 0
	case v > g.Hi:
		return g.Cells + 1
	}
	w := g.Width()
	if !(w > 0) {
		return 1
	}
	return min(int(math.Floor((v-g.Lo)/w)), g.Cells-1) + 1
}

// GridCounts are the reference and current rows per grid cell and the sums of their values
// (Cells+2 entries each), with the reference's exact population standard deviation, which
// the grid cannot give.
//
// With Spans, the cells are instead any len(Spans) cells of unequal widths, ordered, disjoint
// and shared by both windows (the feature rollup's logarithmic cells): cell i's values of
// either window lie in an interval of width Spans[i]. Lo and Hi are then the least and
// greatest value, Cells the number of cells, and no cell is outside a range.
type GridCounts struct {
	Grid
	Reference     []int64   `json:"reference"`
	Current       []int64   `json:"current"`
	ReferenceSums []float64 `json:"referenceSums"`
	CurrentSums   []float64 `json:"currentSums"`
	ReferenceStd  *float64  `json:"referenceStd"`
	Spans         []float64 `json:"spans,omitempty"`
}

// Approximation says that a result was computed from a grid rather than from every value, and
// how far the exact result can be: |exact statistic - Statistic| <= StatisticBound and
// |exact score - Score| <= ScoreBound. The bounds are nil for the methods that have none in
// closed form (every value is then read within CellWidth of where it was).
type Approximation struct {
	Kind           string   `json:"kind"`
	Cells          int      `json:"cells"`
	CellWidth      float64  `json:"cellWidth"`
	StatisticBound *float64 `json:"statisticBound,omitempty"`
	ScoreBound     *float64 `json:"scoreBound,omitempty"`
}

// Approximation kinds: a fine grid over the reference range (the raw rows), or the feature
// rollup's logarithmic cells.
const (
	ApproximationGrid  = "grid"
	ApproximationCells = "cells"
)

// approximation describes the grid for an Approximation: its kind, cells and widest cell.
func (g GridCounts) approximation() *Approximation {
	if g.Spans == nil {
		return &Approximation{Kind: ApproximationGrid, Cells: g.Cells, CellWidth: g.Width()}
	}
	var widest float64
	for _, w := range g.Spans {
		widest = math.Max(widest, w)
	}
	return &Approximation{Kind: ApproximationCells, Cells: len(g.Spans), CellWidth: widest}
}

func (g GridCounts) validate() error {
	n := g.Cells + 2
	if g.Spans != nil {
		n = len(g.Spans)
		if len(g.Reference) != n || len(g.Current) != n || len(g.ReferenceSums) != n || len(g.CurrentSums) != n {
			return fmt.Errorf("%d cells need %d counts and sums per window", n, n)
		}
	}
	if g.Spans == nil && (g.Cells < 1 || len(g.Reference) != n || len(g.Current) != n || len(g.ReferenceSums) != n || len(g.CurrentSums) != n) {
		return fmt.Errorf("a grid of %d cells needs %d counts and sums per window", g.Cells, n)
	}
	if !(g.Hi >= g.Lo) {
		return fmt.Errorf("grid range [%v, %v] is empty", g.Lo, g.Hi)
	}
	for i := range g.Reference {
		if g.Reference[i] < 0 || g.Current[i] < 0 {
			return errors.New("negative count in the grid")
		}
	}
	return nil
}

// ksRounding widens the KS bound by far more than the rounding of the CDF ratios (about
// 1e-16 each), so that an exact D on a cell edge is never reported just outside it.
const ksRounding = 1e-12

// KSOnGrid is KS from grid counts. Every cell is an interval of values, the same for both
// windows, so at the cells' edges the two empirical CDFs are exact; inside a cell each rises
// from its value at the left edge to its value at the right. The exact D therefore lies in
// [lo, hi]: lo the largest gap at the edges, hi the largest gap one CDF's right edge can make
// with the other's left edge in the same cell. Statistic is the middle of that interval and
// StatisticBound its half-width; likewise the p-value is the middle of [p(hi), p(lo)] (the
// p-value falls as D grows), each computed as KS computes it, and ScoreBound its half-width.
func KSOnGrid(g GridCounts, threshold float64) (DriftResult, error) {
	if err := g.validate(); err != nil {
		return DriftResult{}, err
	}
	n1, n2 := countTotal(g.Reference), countTotal(g.Current)
	if reason := emptyWindowReason(n1, n2); reason != "" {
		return undefinedResult(MethodKS, threshold, n1, n2, reason), nil
	}
	// As in KS: gaps as fractions, and for the sizes of scipy's exact method also as exact
	// integers in units of 1/lcm(n1, n2), which its p-value needs.
	exact := n1 <= ksExactMaxN && n2 <= ksExactMaxN
	gcd := gcd64(n1, n2)
	n1g, n2g := n1/gcd, n2/gcd
	f1, f2 := float64(n1), float64(n2)
	var c1, c2, hLo, hHi int64
	var dLo, dHi float64
	for i := range g.Reference {
		p1, p2 := c1, c2
		c1 += g.Reference[i]
		c2 += g.Current[i]
		dLo = math.Max(dLo, math.Abs(float64(c1)/f1-float64(c2)/f2))
		dHi = math.Max(dHi, math.Max(float64(c1)/f1-float64(p2)/f2, float64(c2)/f2-float64(p1)/f1))
		if exact {
			hLo = max(hLo, absInt64(c1*n2g-c2*n1g))
			hHi = max(hHi, c1*n2g-p2*n1g, c2*n1g-p1*n2g)
		}
	}
	if exact {
		dLo, dHi = float64(hLo)/float64(n1g*n2), float64(max(hHi, hLo))/float64(n1g*n2)
	}
	dHi = math.Max(dHi, dLo)
	pLo, pHi := ksTwoSampleP(n1, n2, dHi, max(hHi, hLo)), ksTwoSampleP(n1, n2, dLo, hLo)
	d, p := (dLo+dHi)/2, (pLo+pHi)/2
	a := g.approximation()
	a.StatisticBound, a.ScoreBound = num((dHi-dLo)/2+ksRounding), num((pHi-pLo)/2+ksRounding)
	r := DriftResult{Method: MethodKS, Statistic: num(d), PValue: num(p), Threshold: threshold, ReferenceCount: n1, CurrentCount: n2, Approximation: a}
	return decideDrift(r, p), nil
}

// wassersteinBound is how far collapsing each window's values in a cell to their mean can move
// the distance: by the triangle inequality, at most the sum over both windows of each cell's
// share times its values' mean absolute deviation, at most half the cell's width (WassersteinOnGrid
// for the equal grid, whose cells outside the range do not count; with Spans every cell's).
func (g GridCounts) wassersteinBound(n1, n2 int64) float64 {
	if g.Spans == nil {
		inside := func(counts []int64, n int64) float64 {
			return float64(countTotal(counts[1:len(counts)-1])) / float64(n)
		}
		return g.Width() / 2 * (inside(g.Reference, n1) + inside(g.Current, n2))
	}
	var bound float64
	for i, w := range g.Spans {
		if share := float64(g.Reference[i])/float64(n1) + float64(g.Current[i])/float64(n2); share > 0 {
			bound += w / 2 * share
		}
	}
	return bound
}

// WassersteinOnGrid is Wasserstein from grid counts: each window's values in a cell are moved
// to their mean in that cell. Inside the reference range this moves every value by at most the
// mean absolute deviation of a cell, half its width, so the distance changes by at most
// Width/2 times the share of each window inside the range. Outside it the reference's CDF is 0
// (below) or 1 (above), so the area there depends only on the count and sum of the current
// values there: collapsing them to their mean changes nothing. The score is normed by the
// reference's exact standard deviation, and so is its bound.
func WassersteinOnGrid(g GridCounts, threshold float64) (DriftResult, error) {
	return wassersteinOnGrid(g, threshold, false)
}

// wassersteinOnGrid is WassersteinOnGrid, with Evidently's floor of the norm when floored.
func wassersteinOnGrid(g GridCounts, threshold float64, floored bool) (DriftResult, error) {
	if err := g.validate(); err != nil {
		return DriftResult{}, err
	}
	n1, n2 := countTotal(g.Reference), countTotal(g.Current)
	if reason := emptyWindowReason(n1, n2); reason != "" {
		return undefinedResult(MethodWasserstein, threshold, n1, n2, reason), nil
	}
	type point struct {
		x        float64
		ref, cur int64
	}
	var points []point
	for i := range g.Reference {
		if n := g.Reference[i]; n > 0 {
			points = append(points, point{x: g.ReferenceSums[i] / float64(n), ref: n})
		}
		if n := g.Current[i]; n > 0 {
			points = append(points, point{x: g.CurrentSums[i] / float64(n), cur: n})
		}
	}
	sort.SliceStable(points, func(a, b int) bool { return points[a].x < points[b].x })
	var w, c1, c2 float64
	for i := 0; i+1 < len(points); i++ {
		c1 += float64(points[i].ref)
		c2 += float64(points[i].cur)
		w += (points[i+1].x - points[i].x) * math.Abs(c1/float64(n1)-c2/float64(n2))
	}
	a := g.approximation()
	bound := g.wassersteinBound(n1, n2)
	a.StatisticBound = num(bound)
	r := DriftResult{Method: MethodWasserstein, Statistic: num(w), Threshold: threshold, ReferenceCount: n1, CurrentCount: n2, Approximation: a}
	if g.ReferenceStd == nil {
		return DriftResult{}, errors.New("wasserstein on a grid needs the reference's standard deviation")
	}
	std := *g.ReferenceStd
	if floored {
		std = math.Max(std, evidentlyStdFloor)
	}
	switch {
	case std > 0:
		r.Approximation.ScoreBound = num(bound / std)
		return decideDrift(r, w/std), nil
	case w == 0:
		return decideDrift(r, 0), nil
	}
	r.ScoreKind = ScoreDistance
	r.Reason = "the reference is constant (standard deviation 0), so the normed distance is undefined"
	return r, nil
}
