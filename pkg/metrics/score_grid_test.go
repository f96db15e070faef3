package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestGridCell(t *testing.T) {
	const n = ScoreGridCells
	cases := []struct {
		score float64
		want  int
	}{
		{0, 0}, {1, n - 1}, {0.5, n / 2}, {math.Nextafter(1, 0), n - 1}, {1.0 / n, 1},
		{math.Nextafter(1.0/n, 0), 0},
		// Outside [0, 1] (the loader refuses them; the grid still must not): clamped.
		{-0.25, 0}, {1.5, n - 1}, {math.Inf(-1), 0}, {math.Inf(1), n - 1}, {math.NaN(), n - 1},
	}
	for _, tc := range cases {
		if got := GridCell(tc.score, n); got != tc.want {
			t.Errorf("GridCell(%v) = %d, want %d", tc.score, got, tc.want)
		}
	}
	// Scores rounded to 4 decimals (and so to 1, 2 or 3) each have a cell of their own: their
	// grid histogram is the exact one.
	prev := -1
	for k := range 10_001 {
		c := GridCell(float64(k)/10_000, n)
		if c <= prev {
			t.Fatalf("%d/10000 shares cell %d with the score before it", k, c)
		}
		prev = c
	}
}

// gridOf groups rows (score, positive) on a grid of cells as the store does: per cell the
// least and greatest score and the class counts.
func gridOf(scores []float64, positive []bool, cells int) []ScoreCount {
	type cell struct {
		least, greatest float64
		pos, neg        int64
	}
	byCell := map[int]*cell{}
	for i, s := range scores {
		k := GridCell(s, cells)
		c, ok := byCell[k]
		if !ok {
			c = &cell{least: s, greatest: s}
			byCell[k] = c
		}
		c.least, c.greatest = math.Min(c.least, s), math.Max(c.greatest, s)
		if positive[i] {
			c.pos++
		} else {
			c.neg++
		}
	}
	var h []ScoreCount
	for k, c := range byCell {
		h = append(h, GridBar(k, cells, c.least, c.greatest, float64(c.pos), float64(c.neg)))
	}
	return h
}

// exactOf is the exact histogram: one bar per distinct score.
func exactOf(scores []float64, positive []bool) []ScoreCount {
	h := make([]ScoreCount, len(scores))
	for i, s := range scores {
		h[i] = ScoreCount{Score: s}
		if positive[i] {
			h[i].Positives = 1
		} else {
			h[i].Negatives = 1
		}
	}
	return h
}

func TestGridErrorBoundsHandChecked(t *testing.T) {
	cases := []struct {
		name                     string
		h                        []ScoreCount
		auc, aucBound, ap, apBnd float64 // NaN: undefined
	}{
		// One cell, one positive and one negative: exact AUC is 0 or 1, AP 0.5 or 1.
		{"one spread cell", []ScoreCount{{Score: 0.5, Positives: 1, Negatives: 1, Spread: true}}, 0.5, 0.5, 0.5, 0.5},
		{"no spread cell: exact", []ScoreCount{{Score: 0.2, Negatives: 2}, {Score: 0.7, Positives: 1, Negatives: 1}}, 5.0 / 6, 0, 0.5, 0},
		// A negative above two positives of one cell: tied, both have precision 2/3; distinct,
		// 1/2 and 2/3. ROC AUC has no pair inside the cell.
		{"positives only in the spread cell still move AP", []ScoreCount{
			{Score: 0.9, Negatives: 1}, {Score: 0.4, Positives: 2, Spread: true}}, 0, 0, 2.0 / 3, 1.0 / 12},
		{"no positives: undefined", []ScoreCount{{Score: 0.4, Negatives: 2, Spread: true}}, math.NaN(), math.NaN(), math.NaN(), math.NaN()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range []struct {
				name      string
				got, want float64
				f         func([]ScoreCount) *float64
			}{{"roc_auc", 0, tc.auc, ROCAUC}, {"roc_auc bound", 0, tc.aucBound, ROCAUCErrorBound},
				{"average_precision", 0, tc.ap, AveragePrecision}, {"average_precision bound", 0, tc.apBnd, AveragePrecisionErrorBound}} {
				want := &c.want
				if math.IsNaN(c.want) {
					want = nil
				}
				if err := numbersAgree(c.f(tc.h), want, 1e-12, 1e-15); err != nil {
					t.Errorf("%s: %v", c.name, err)
				}
			}
		})
	}
}

// The bounds hold on random rows, and no smaller bound would: rearranging the rows within their
// cells (the same grid counts) reaches them.
func TestGridErrorBoundsHoldAndAreReached(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260303, 1))
	for _, tc := range []struct {
		name     string
		rows     int
		cells    int
		posShare float64
	}{
		{"coarse grid, many rows per cell", 3000, 32, 0.3},
		{"fine grid, few rows per cell", 5000, 4096, 0.5},
		{"rare positives", 4000, 256, 0.03},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scores := make([]float64, tc.rows)
			positive := make([]bool, tc.rows)
			for i := range scores {
				positive[i] = rng.Float64() < tc.posShare
				s := (rng.Float64() + rng.Float64() + rng.Float64()) / 3
				if positive[i] {
					s = math.Min(1, s+0.15*rng.Float64())
				}
				if rng.Float64() < 0.1 {
					s = math.Round(s*100) / 100 // some exact ties
				}
				scores[i] = s
			}
			grid, exact := gridOf(scores, positive, tc.cells), exactOf(scores, positive)
			aucBound, apBound := *ROCAUCErrorBound(grid), *AveragePrecisionErrorBound(grid)
			if d := math.Abs(*ROCAUC(grid) - *ROCAUC(exact)); d > aucBound+1e-12 {
				t.Errorf("roc_auc off by %.3g, bound %.3g", d, aucBound)
			}
			if d := math.Abs(*AveragePrecision(grid) - *AveragePrecision(exact)); d > apBound+1e-12 {
				t.Errorf("average_precision off by %.3g, bound %.3g", d, apBound)
			}
			if r := RankGrid(grid); *r.ROCAUC != *ROCAUC(grid) || *r.ROCAUCErrorBound != aucBound ||
				*r.AveragePrecision != *AveragePrecision(grid) || *r.AveragePrecisionErrorBound != apBound {
				t.Errorf("RankGrid %+v disagrees with the functions it gathers", r)
			}
			if aucBound == 0 || apBound == 0 {
				t.Fatalf("the grid should leave rows unordered here: bounds %g, %g", aucBound, apBound)
			}

			// Rearranged within each spread cell: positives tied above the negatives (AUC and AP
			// at their highest), or negatives tied above positives of distinct scores (lowest).
			var best, worst []ScoreCount
			for _, b := range grid {
				if !b.Spread {
					best, worst = append(best, b), append(worst, b)
					continue
				}
				k := GridCell(b.Score, tc.cells)
				lo, hi := float64(k)/float64(tc.cells), float64(k+1)/float64(tc.cells)
				best = append(best, ScoreCount{Score: math.Nextafter(hi, 0), Positives: b.Positives}, ScoreCount{Score: lo, Negatives: b.Negatives})
				worst = append(worst, ScoreCount{Score: math.Nextafter(hi, 0), Negatives: b.Negatives})
				for i := range int(b.Positives) {
					worst = append(worst, ScoreCount{Score: lo + float64(i)*1e-9, Positives: 1})
				}
			}
			up, down := *ROCAUC(best)-*ROCAUC(grid), *ROCAUC(grid)-*ROCAUC(worst)
			if math.Abs(up-aucBound) > 1e-12 || math.Abs(down-aucBound) > 1e-12 {
				t.Errorf("roc_auc bound %.6g, reached %.6g up and %.6g down", aucBound, up, down)
			}
			up, down = *AveragePrecision(best)-*AveragePrecision(grid), *AveragePrecision(grid)-*AveragePrecision(worst)
			if math.Abs(math.Max(up, down)-apBound) > 1e-12 {
				t.Errorf("average_precision bound %.6g, reached %.6g up and %.6g down", apBound, up, down)
			}
			t.Logf("bounds: roc_auc %.3g, average_precision %.3g (up %.3g, down %.3g)", aucBound, apBound, up, down)
		})
	}
}

// Above 4096 positives in a cell the least precision sum is an integral; it must stay below the
// exact sum (a wider bound, never a narrower one) and close to it.
func TestLeastPrecisionSumIntegral(t *testing.T) {
	for _, c := range []struct{ a, k float64 }{{0, 1}, {10, 5000}, {1e6, 3e5}, {0, 1e7}} {
		p := 20_000.0
		var exact float64
		for i := 1.0; i <= p; i++ {
			exact += (c.a + float64(i)) / (c.a + float64(i) + c.k)
		}
		got := leastPrecisionSum(c.a, c.k, p, false)
		if got > exact || exact-got > 1 {
			t.Errorf("a=%g k=%g: integral %.10g, exact sum %.10g", c.a, c.k, got, exact)
		}
	}
}

// With sample weights a cell's positives are a weight, not a number of rows: the least precision
// sum is then the integral, which stays below the sum for any weights of the rows (each row's
// term at its cumulative weight), so the average precision bound stays a bound.
func TestLeastPrecisionSumWeighted(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 400 {
		a, k := rng.Float64()*50, rng.Float64()*100
		var total, sum float64
		for range 1 + rng.IntN(30) {
			w := rng.Float64() * 3
			if i%2 == 1 { // halves and whole numbers: totals that are whole numbers of rows too
				w = float64(1+rng.IntN(4)) / 2
			}
			total += w
			sum += w * (a + total) / (a + total + k)
		}
		if got := leastPrecisionSum(a, k, total, true); got > sum+1e-12 {
			t.Fatalf("a=%g k=%g weight %g: integral %.12g above the weighted sum %.12g", a, k, total, got, sum)
		}
	}
}
