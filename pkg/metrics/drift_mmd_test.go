package metrics

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// samples counts draws per distinct value, as the store hands value counts.
func mmdSamples(ref, cur []float64) ValueCounts {
	counts := map[float64][2]int64{}
	for _, x := range ref {
		c := counts[x]
		c[0]++
		counts[x] = c
	}
	for _, x := range cur {
		c := counts[x]
		c[1]++
		counts[x] = c
	}
	var v ValueCounts
	for x, c := range counts {
		v.Values = append(v.Values, x)
		v.Reference = append(v.Reference, c[0])
		v.Current = append(v.Current, c[1])
	}
	return v
}

// The MMD's edges: too few rows and values too large for the kernel are undefined with a
// reason; more distinct values than MMDMaxValues are read on cells, and the result says so;
// the same counts give the same p-value every time (seeded splits).
func TestMMDEdges(t *testing.T) {
	res, err := ValueTest(MethodMMD, mmdSamples([]float64{1}, []float64{1, 2, 3}), 0.05)
	if err != nil || res.Score != nil || !strings.Contains(res.Reason, "at least 2 rows in each window") {
		t.Errorf("one reference row: %+v, %v", res, err)
	}
	huge := []float64{-math.MaxFloat64, math.MaxFloat64, 0}
	if res, err = ValueTest(MethodMMD, mmdSamples(huge, huge), 0.05); err != nil || res.Score != nil || !strings.Contains(res.Reason, "too large") {
		t.Errorf("values near the largest float: %+v, %v", res, err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var ref, cur []float64
	for range 3000 {
		ref = append(ref, rng.NormFloat64())
		cur = append(cur, rng.NormFloat64()+0.3)
	}
	v := mmdSamples(ref, cur)
	res, err = ValueTest(MethodMMD, v, 0.05)
	if err != nil || res.Approximation == nil || res.Approximation.Cells != MMDMaxValues || res.Score == nil || *res.Score != 0 || !res.Drifted {
		t.Fatalf("6000 distinct values, shifted: %+v, %v", res, err)
	}
	again, _ := ValueTest(MethodMMD, v, 0.05)
	if *again.Score != *res.Score || *again.Statistic != *res.Statistic {
		t.Errorf("the same counts answered %v then %v", *res.Score, *again.Score)
	}
	// Grid counts (a window with more distinct values than the store counts one by one) keep
	// MMD's own coarser cells as the approximation.
	g := GridCounts{Grid: Grid{Lo: -4, Hi: 4, Cells: 8}, Reference: make([]int64, 10), Current: make([]int64, 10),
		ReferenceSums: make([]float64, 10), CurrentSums: make([]float64, 10)}
	for i := 1; i <= 8; i++ {
		g.Reference[i], g.Current[i] = 100, 100+int64(i)*10
		g.ReferenceSums[i], g.CurrentSums[i] = 100*(float64(i)-4.5), float64(100+i*10)*(float64(i)-4.5)
	}
	if res, err = ValueTestOnGrid(MethodMMD, g, 0.05); err != nil || res.Approximation == nil || res.Approximation.Cells != 8 || res.Score == nil {
		t.Errorf("grid counts: %+v, %v", res, err)
	}
}

// Under no drift the permutation p-value is not small, and the verdict is no drift.
func TestMMDSameDistribution(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var ref, cur []float64
	for range 400 {
		ref = append(ref, math.Round(rng.NormFloat64()*100)/100)
		cur = append(cur, math.Round(rng.NormFloat64()*100)/100)
	}
	res, err := ValueTest(MethodMMD, mmdSamples(ref, cur), 0.05)
	if err != nil || res.Score == nil || *res.Score < 0.05 || res.Drifted || res.Approximation != nil || res.ScoreKind != ScorePValue {
		t.Errorf("same distribution: %+v, %v", res, err)
	}
}

// BenchmarkMMD measures one test at the most distinct values it reads exactly (the kernel and
// 100 splits), in tests per second.
func BenchmarkMMD(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	var ref, cur []float64
	for range MMDMaxValues / 2 {
		ref = append(ref, rng.NormFloat64())
		cur = append(cur, rng.NormFloat64()+0.1)
	}
	v := mmdSamples(ref, cur)
	b.ResetTimer()
	for b.Loop() {
		if _, err := ValueTest(MethodMMD, v, 0.05); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tests/s")
}
