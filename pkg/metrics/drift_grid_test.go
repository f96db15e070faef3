package metrics_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlops/modelwatch/pkg/metrics"
)

// gridOf counts raw values on a grid over the reference range, as the store does.
func gridOf(ref, cur []float64, cells int) metrics.GridCounts {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range ref {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	g := metrics.GridCounts{Grid: metrics.Grid{Lo: lo, Hi: hi, Cells: cells},
		Reference: make([]int64, cells+2), Current: make([]int64, cells+2),
		ReferenceSums: make([]float64, cells+2), CurrentSums: make([]float64, cells+2)}
	var mean, ss float64
	for _, x := range ref {
		i := g.Cell(x)
		g.Reference[i]++
		g.ReferenceSums[i] += x
		mean += x
	}
	mean /= float64(len(ref))
	for _, x := range ref {
		ss += (x - mean) * (x - mean)
	}
	std := math.Sqrt(ss / float64(len(ref)))
	g.ReferenceStd = &std
	for _, x := range cur {
		i := g.Cell(x)
		g.Current[i]++
		g.CurrentSums[i] += x
	}
	return g
}

func valuesOf(ref, cur []float64) metrics.ValueCounts {
	idx := map[float64]int{}
	var vc metrics.ValueCounts
	for w, xs := range [][]float64{ref, cur} {
		for _, x := range xs {
			i, ok := idx[x]
			if !ok {
				i = len(vc.Values)
				idx[x] = i
				vc.Values = append(vc.Values, x)
				vc.Reference = append(vc.Reference, 0)
				vc.Current = append(vc.Current, 0)
			}
			if w == 0 {
				vc.Reference[i]++
			} else {
				vc.Current[i]++
			}
		}
	}
	return vc
}

// KS and wasserstein on a grid stay within their stated bounds of the exact values (scipy's,
// from every value), for shifts, spreads, heavy tails and current values outside the
// reference range, on coarse grids where the bounds are wide enough to be tested hard.
func TestGridApproximationBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	cases := map[string]func() float64{
		"same":    func() float64 { return rng.NormFloat64() },
		"shifted": func() float64 { return rng.NormFloat64() + 0.3 },
		"wider":   func() float64 { return 2.5 * rng.NormFloat64() },
		"tail":    func() float64 { return rng.ExpFloat64() * 3 },
		"lumps":   func() float64 { return float64(rng.IntN(5)) + 0.01*rng.NormFloat64() },
	}
	for name, draw := range cases {
		for _, cells := range []int{8, 64, 4096} {
			ref := make([]float64, 3000)
			for i := range ref {
				ref[i] = rng.NormFloat64()
			}
			// 15,000 current rows take KS's asymptotic p-value, 2,000 its exact one.
			curN := int64(2000)
			if cells == 64 {
				curN = 15000
			}
			cur := make([]float64, curN)
			for i := range cur {
				cur[i] = draw()
			}
			g, vc := gridOf(ref, cur, cells), valuesOf(ref, cur)
			for _, method := range []string{metrics.MethodKS, metrics.MethodWasserstein} {
				exact, err := metrics.Drift(method, metrics.DriftInput{Numeric: true, Values: &vc}, nil)
				if err != nil {
					t.Fatal(err)
				}
				approx, err := metrics.Drift(method, metrics.DriftInput{Numeric: true, Grid: &g}, nil)
				if err != nil {
					t.Fatal(err)
				}
				a := approx.Approximation
				if a == nil || a.Kind != metrics.ApproximationGrid || a.Cells != cells {
					t.Fatalf("%s %s %d cells: approximation %+v", name, method, cells, a)
				}
				if d := math.Abs(*approx.Statistic - *exact.Statistic); d > *a.StatisticBound {
					t.Errorf("%s %s %d cells: statistic off by %v, bound %v", name, method, cells, d, *a.StatisticBound)
				}
				if d := math.Abs(*approx.Score - *exact.Score); d > *a.ScoreBound+1e-12 {
					t.Errorf("%s %s %d cells: score off by %v, bound %v", name, method, cells, d, *a.ScoreBound)
				}
				if approx.ReferenceCount != 3000 || approx.CurrentCount != curN {
					t.Errorf("%s %s: counts %d and %d", name, method, approx.ReferenceCount, approx.CurrentCount)
				}
			}
		}
	}
}

// Outside the reference range the reference CDF is flat, so wasserstein there is exact: with
// every current value outside the range, the grid's answer equals the exact one although the
// grid has a single cell.
func TestGridWassersteinOutsideTheRangeIsExact(t *testing.T) {
	ref := []float64{0, 1, 1, 2}
	cur := []float64{-3, -1.5, 4, 7, 7.5}
	g, vc := gridOf(ref, cur, 1), valuesOf(ref, cur)
	exact, err := metrics.Wasserstein(vc, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	approx, err := metrics.WassersteinOnGrid(g, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	// The reference's single cell moves its values by up to half its width: the bound; the
	// distance itself may move by less.
	if d := math.Abs(*approx.Statistic - *exact.Statistic); d > *approx.Approximation.StatisticBound || *approx.Approximation.StatisticBound != 1 {
		t.Errorf("statistic %v, exact %v, bound %v (want 1: half the width 2, the reference's whole share)", *approx.Statistic, *exact.Statistic, *approx.Approximation.StatisticBound)
	}
}

// The grid's cells partition the line in order: below, the cells, above; a value on the upper
// end belongs to the last cell, and a constant reference has one cell holding exactly it.
func TestGridCell(t *testing.T) {
	g := metrics.Grid{Lo: 0, Hi: 1, Cells: 4}
	for x, want := range map[float64]int{-0.1: 0, 0: 1, 0.2499: 1, 0.25: 2, 0.999: 4, 1: 4, 1.0001: 5} {
		if got := g.Cell(x); got != want {
			t.Errorf("Cell(%v) = %d, want %d", x, got, want)
		}
	}
	if got := g.Cell(math.NaN()); got != -1 {
		t.Errorf("Cell(NaN) = %d, want -1", got)
	}
	c := metrics.Grid{Lo: 3, Hi: 3, Cells: 4096}
	for x, want := range map[float64]int{2.9: 0, 3: 1, 3.1: 4097} {
		if got := c.Cell(x); got != want {
			t.Errorf("constant: Cell(%v) = %d, want %d", x, got, want)
		}
	}
}

// logCellsOf counts raw values per logarithmic cell of relative width about 2*alpha (as the
// feature rollup does), ordered by value, with each cell's span from its values.
func logCellsOf(ref, cur []float64, alpha float64) metrics.GridCounts {
	gamma := (1 + alpha) / (1 - alpha)
	type acc struct {
		n      [2]int64
		sum    [2]float64
		lo, hi float64
	}
	cells := map[float64]*acc{} // keyed by an ordered position: sign * key
	var mean, ss float64
	for w, xs := range [][]float64{ref, cur} {
		for _, x := range xs {
			pos := 0.0
			if x != 0 {
				pos = math.Copysign(1e6+math.Ceil(math.Log(math.Abs(x))/math.Log(gamma)), x)
			}
			c := cells[pos]
			if c == nil {
				c = &acc{lo: x, hi: x}
				cells[pos] = c
			}
			c.n[w]++
			c.sum[w] += x
			c.lo, c.hi = math.Min(c.lo, x), math.Max(c.hi, x)
			if w == 0 {
				mean += x / float64(len(ref))
			}
		}
	}
	for _, x := range ref {
		ss += (x - mean) * (x - mean)
	}
	std := math.Sqrt(ss / float64(len(ref)))
	var order []float64
	for pos := range cells {
		order = append(order, pos)
	}
	slices.Sort(order)
	g := metrics.GridCounts{ReferenceStd: &std}
	for i, pos := range order {
		c := cells[pos]
		if i == 0 {
			g.Lo = c.lo
		}
		g.Hi = c.hi
		g.Reference, g.Current = append(g.Reference, c.n[0]), append(g.Current, c.n[1])
		g.ReferenceSums, g.CurrentSums = append(g.ReferenceSums, c.sum[0]), append(g.CurrentSums, c.sum[1])
		g.Spans = append(g.Spans, c.hi-c.lo)
	}
	g.Cells = len(order)
	return g
}

// KS and wasserstein on cells of unequal widths (the feature rollup's logarithmic cells, values
// of both signs and zeros) stay within their stated bounds of the exact values, and say that
// they come from cells.
func TestCellApproximationBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	cases := map[string]func() float64{
		"same":      func() float64 { return 40 + 10*rng.NormFloat64() },
		"shifted":   func() float64 { return 43 + 10*rng.NormFloat64() },
		"signs":     func() float64 { return 10 * rng.NormFloat64() },
		"lognormal": func() float64 { return math.Exp(2 * rng.NormFloat64()) },
		"zeros":     func() float64 { return float64(rng.IntN(2)) * (40 + 10*rng.NormFloat64()) },
	}
	for name, draw := range cases {
		for _, alpha := range []float64{0.002, 0.05} {
			ref := make([]float64, 3000)
			for i := range ref {
				ref[i] = 40 + 10*rng.NormFloat64()
			}
			cur := make([]float64, 15000)
			for i := range cur {
				cur[i] = draw()
			}
			g, vc := logCellsOf(ref, cur, alpha), valuesOf(ref, cur)
			for _, method := range []string{metrics.MethodKS, metrics.MethodWasserstein, metrics.MethodAuto} {
				exact, err := metrics.Drift(method, metrics.DriftInput{Numeric: true, Values: &vc}, nil)
				if err != nil {
					t.Fatal(err)
				}
				approx, err := metrics.Drift(method, metrics.DriftInput{Numeric: true, Grid: &g}, nil)
				if err != nil {
					t.Fatal(err)
				}
				a := approx.Approximation
				if a == nil || a.Kind != metrics.ApproximationCells || a.Cells != len(g.Spans) || approx.Method != exact.Method {
					t.Fatalf("%s %s alpha %v: method %s (exact %s), approximation %+v", name, method, alpha, approx.Method, exact.Method, a)
				}
				if d := math.Abs(*approx.Statistic - *exact.Statistic); d > *a.StatisticBound {
					t.Errorf("%s %s alpha %v: statistic off by %v, bound %v", name, method, alpha, d, *a.StatisticBound)
				}
				if d := math.Abs(*approx.Score - *exact.Score); d > *a.ScoreBound+1e-12 {
					t.Errorf("%s %s alpha %v: score off by %v, bound %v", name, method, alpha, d, *a.ScoreBound)
				}
				if alpha == 0.002 && method == metrics.MethodKS && *a.StatisticBound > 0.02 {
					t.Errorf("%s: ks bound %v on 0.4%% cells", name, *a.StatisticBound)
				}
			}
		}
	}
}
