package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The hypergeometric draws follow the exact distribution: on small populations their
// frequencies pass a chi-square goodness-of-fit test against the probabilities (at the 0.1%
// level, a fixed seed), and on large ones their mean and variance are the distribution's
// within 5 standard errors. Degenerate supports return their one value.
func TestHypergeometricDraws(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ total, k, n int64 }{{20, 7, 9}, {50, 45, 30}, {12, 3, 11}, {1000, 20, 500}} {
		const draws = 20000
		counts := map[int64]float64{}
		for range draws {
			counts[hypergeometric(rng, c.total, c.k, c.n)]++
		}
		lo, hi := max(0, c.n-(c.total-c.k)), min(c.n, c.k)
		var stat float64
		cells := 0
		for x := lo; x <= hi; x++ {
			p := math.Exp(logChoose(float64(c.k), float64(x)) + logChoose(float64(c.total-c.k), float64(c.n-x)) - logChoose(float64(c.total), float64(c.n)))
			want := p * draws
			if want < 5 { // too rare to test cell by cell: never drawn far beyond it
				if counts[x] > 5*want+10 {
					t.Errorf("%+v: %v draws of %d, expected %.2f", c, counts[x], x, want)
				}
				continue
			}
			stat += (counts[x] - want) * (counts[x] - want) / want
			cells++
		}
		if p := chiSquareSF(stat, cells-1); p < 0.001 {
			t.Errorf("%+v: chi-square %.1f on %d cells, p %.2g: not the hypergeometric distribution", c, stat, cells, p)
		}
		for x := range counts {
			if x < lo || x > hi {
				t.Errorf("%+v: drew %d outside [%d, %d]", c, x, lo, hi)
			}
		}
	}
	// A large population: 10 million rows, 3 million of them in the bucket, 4 million drawn.
	const total, k, n, draws = 10_000_000, 3_000_000, 4_000_000, 4000
	var sum, ss float64
	for range draws {
		x := float64(hypergeometric(rng, total, k, n))
		sum += x
		ss += x * x
	}
	mean, variance := sum/draws, ss/draws-(sum/draws)*(sum/draws)
	wantMean := float64(n) * k / total
	wantVar := wantMean * (1 - float64(k)/total) * float64(total-n) / float64(total-1)
	if math.Abs(mean-wantMean) > 5*math.Sqrt(wantVar/draws) || math.Abs(variance/wantVar-1) > 5*math.Sqrt(2.0/draws) {
		t.Errorf("mean %v variance %v, want %v and %v", mean, variance, wantMean, wantVar)
	}
	for _, c := range []struct{ total, k, n, want int64 }{{10, 0, 4, 0}, {10, 10, 4, 4}, {10, 6, 10, 6}, {10, 6, 0, 0}} {
		if got := hypergeometric(rng, c.total, c.k, c.n); got != c.want {
			t.Errorf("%+v: drew %d", c, got)
		}
	}
}

// Evidently's TVD p-value on counts: the same every time (seeded), 1 for windows of identical
// shares, 0 for disjoint ones, and in [0, 1] on counts of millions of rows, whose splits cost
// the buckets' spread rather than the rows.
func TestTVDPermutation(t *testing.T) {
	ref, cur := []float64{231, 176, 93}, []float64{167, 107, 76}
	observed := totalVariation(normalizeShares(ref), normalizeShares(cur))
	if a, b := tvdPermutation(ref, cur, observed), tvdPermutation(ref, cur, observed); a != b || a <= 0.1 || a >= 0.6 {
		t.Errorf("p-values %v then %v: want the same, near Evidently's 0.307", a, b)
	}
	if p := tvdPermutation([]float64{100, 50}, []float64{200, 100}, 0); p != 1 {
		t.Errorf("identical shares: p %v, want 1", p)
	}
	if p := tvdPermutation([]float64{100, 0}, []float64{0, 100}, 1); p != 0 {
		t.Errorf("disjoint windows: p %v, want 0", p)
	}
	big, other := make([]float64, 200), make([]float64, 200)
	for i := range big {
		big[i], other[i] = float64(50_000+i*10), float64(40_000+i*12)
	}
	d := totalVariation(normalizeShares(big), normalizeShares(other))
	if p := tvdPermutation(big, other, d); p < 0 || p > 1 {
		t.Errorf("millions of rows: p %v", p)
	}
	r, err := DriftWith(MethodTVD, DriftInput{Categories: &Categories{Labels: []string{"x", "y", "z"}, Reference: []int64{231, 176, 93}, Current: []int64{167, 107, 76}}}, nil, DefinitionsEvidently)
	if err != nil || r.ScoreKind != ScorePValue || r.PValue == nil || *r.Score != *r.PValue || r.Statistic == nil ||
		math.Abs(*r.Statistic-observed) > 1e-15 || r.Drifted {
		t.Errorf("tvd with Evidently's definitions: %+v, %v", r, err)
	}
}
