package metrics

import (
	"math"
	"strings"
	"testing"
)

func TestChooseMethod(t *testing.T) {
	cases := []struct {
		name    string
		numeric bool
		rows    int64
		unique  int
		want    string
	}{
		{"small numeric, many values", true, 1000, 6, MethodKS},
		{"small numeric, 5 values", true, 1000, 5, MethodChiSquare},
		{"small numeric, 3 values", true, 10, 3, MethodChiSquare},
		{"small numeric, 2 values", true, 500, 2, MethodZ},
		{"small numeric, 1 value", true, 500, 1, MethodZ},
		{"small categorical, 3 values", false, 1000, 3, MethodChiSquare},
		{"small categorical, 100 values", false, 20, 100, MethodChiSquare},
		{"small categorical, 2 values", false, 1000, 2, MethodZ},
		{"no reference rows", false, 0, 0, MethodZ},
		{"large numeric, many values", true, 1001, 6, MethodWasserstein},
		{"large numeric, 5 values", true, 1001, 5, MethodJensenShannon},
		{"large numeric, 2 values", true, 50000, 2, MethodJensenShannon},
		{"large categorical, many values", false, 1001, 40, MethodJensenShannon},
		{"large categorical, 2 values", false, 1001, 2, MethodJensenShannon},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ChooseMethod(tc.numeric, tc.rows, tc.unique); got != tc.want {
				t.Fatalf("ChooseMethod(%v, %d, %d) = %s, want %s", tc.numeric, tc.rows, tc.unique, got, tc.want)
			}
		})
	}
}

func TestEqualWidthEdges(t *testing.T) {
	cases := []struct {
		name     string
		min, max float64
		bins     int
		want     []float64
		err      string
	}{
		{name: "four bins", min: 0, max: 2, bins: 4, want: []float64{0, 0.5, 1, 1.5, 2}},
		{name: "one bin", min: -1, max: 3, bins: 1, want: []float64{-1, 3}},
		{name: "constant reference: one zero-width bin", min: 7, max: 7, bins: 10, want: []float64{7, 7}},
		{name: "no bins", min: 0, max: 1, bins: 0, err: "at least 1"},
		{name: "reversed range", min: 2, max: 1, bins: 3, err: "above max"},
		{name: "infinite", min: 0, max: math.Inf(1), bins: 3, err: "not finite"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EqualWidthEdges(tc.min, tc.max, tc.bins)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, %v; want error containing %q", got, err, tc.err)
				}
				return
			}
			if err != nil || len(got) != len(tc.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestBinIndex(t *testing.T) {
	edges := []float64{0, 1, 2}
	cases := []struct {
		name string
		v    float64
		want int
	}{
		{"underflow", -0.1, 0},
		{"first edge opens bin 1", 0, 1},
		{"inside bin 1", 0.99, 1},
		{"inner edge opens bin 2", 1, 2},
		{"last edge is in the last bin", 2, 2},
		{"overflow", 2.01, 3},
		{"NaN", math.NaN(), -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := BinIndex(edges, tc.v); got != tc.want {
				t.Fatalf("BinIndex(%v) = %d, want %d", tc.v, got, tc.want)
			}
		})
	}
	t.Run("zero-width bin holds exactly its value", func(t *testing.T) {
		z := []float64{5, 5}
		if BinIndex(z, 4.9) != 0 || BinIndex(z, 5) != 1 || BinIndex(z, 5.1) != 2 {
			t.Fatal("zero-width bin")
		}
	})
}

func TestShares(t *testing.T) {
	h := Histogram{Edges: []float64{0, 1}, Reference: []int64{1, 2, 1}, Current: []int64{0, 0, 0}}
	ref, cur := h.Shares()
	if *ref[0] != 0.25 || *ref[1] != 0.5 || *ref[2] != 0.25 {
		t.Fatalf("reference shares %v %v %v", *ref[0], *ref[1], *ref[2])
	}
	for i, s := range cur {
		if s != nil {
			t.Fatalf("current share %d of an empty window: got %v, want nil", i, *s)
		}
	}
	if got := (Histogram{Current: []int64{1, 6, 3}}).OutOfRangeShare(); got == nil || *got != 0.4 {
		t.Fatalf("out of range share: %v", valueOrNaN(got))
	}
}

// Hand-checked values: small enough to verify on paper.
func TestBinnedMethodsByHand(t *testing.T) {
	ref, cur := []int64{50, 50}, []int64{25, 75}
	cases := []struct {
		method string
		want   float64
	}{
		{MethodTVD, 0.25},
		// KL(ref||cur) = 0.5 ln(0.5/0.25) + 0.5 ln(0.5/0.75).
		{MethodKL, 0.5*math.Log(2) + 0.5*math.Log(2.0/3)},
		// (0.5-0.25) ln 2 + (0.5-0.75) ln(2/3).
		{MethodPSI, 0.25*math.Log(2) - 0.25*math.Log(2.0/3)},
		{MethodHellinger, math.Sqrt(((math.Sqrt(0.5)-0.5)*(math.Sqrt(0.5)-0.5) + (math.Sqrt(0.5)-math.Sqrt(0.75))*(math.Sqrt(0.5)-math.Sqrt(0.75))) / 2)},
		// Expected counts 37.5/62.5 per row: 4 * 12.5^2/37.5 ... summed = 13.333.
		{MethodChiSquare, 12.5*12.5/37.5*2 + 12.5*12.5/62.5*2},
	}
	for _, tc := range cases {
		t.Run(tc.method, func(t *testing.T) {
			r, err := CompareCounts(tc.method, ref, cur, DefaultThreshold(tc.method))
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(*r.Statistic-tc.want) > 1e-12 {
				t.Fatalf("got %v, want %v", *r.Statistic, tc.want)
			}
		})
	}
}

func TestDegenerateInputs(t *testing.T) {
	values := func(v []float64, r, c []int64) *ValueCounts { return &ValueCounts{Values: v, Reference: r, Current: c} }
	cases := []struct {
		name    string
		method  string
		in      DriftInput
		score   float64 // NaN: undefined
		drifted bool
		reason  string
	}{
		{name: "ks, empty reference", method: MethodKS, in: DriftInput{Numeric: true, Values: values([]float64{1, 2}, []int64{0, 0}, []int64{3, 4})},
			score: math.NaN(), reason: "reference window"},
		{name: "ks, no values at all", method: MethodKS, in: DriftInput{Numeric: true, Values: values(nil, nil, nil)},
			score: math.NaN(), reason: "either window"},
		{name: "ks, identical single value", method: MethodKS, in: DriftInput{Numeric: true, Values: values([]float64{3}, []int64{4}, []int64{9})},
			score: 1},
		{name: "wasserstein, constant reference, moved", method: MethodWasserstein, in: DriftInput{Numeric: true, Values: values([]float64{1, 2}, []int64{5, 0}, []int64{1, 1})},
			score: math.NaN(), reason: "constant"},
		{name: "wasserstein, constant reference, unchanged", method: MethodWasserstein, in: DriftInput{Numeric: true, Values: values([]float64{1}, []int64{5}, []int64{2})},
			score: 0},
		{name: "wasserstein, all null current", method: MethodWasserstein, in: DriftInput{Numeric: true, Values: values([]float64{1, 2}, []int64{5, 1}, []int64{0, 0})},
			score: math.NaN(), reason: "current window"},
		{name: "chisquare, single bin", method: MethodChiSquare, in: DriftInput{Numeric: true, Bins: &Histogram{Edges: []float64{0, 1}, Reference: []int64{0, 10, 0}, Current: []int64{0, 4, 0}}},
			score: 1},
		{name: "chisquare, everything moved out of range", method: MethodChiSquare, in: DriftInput{Numeric: true, Bins: &Histogram{Edges: []float64{0, 1}, Reference: []int64{0, 10, 0}, Current: []int64{0, 0, 10}}},
			score: chiSquareSF(20, 1), drifted: true},
		{name: "psi, all null reference", method: MethodPSI, in: DriftInput{Categories: &Categories{Labels: []string{"a"}, Reference: []int64{0}, Current: []int64{3}, ReferenceNulls: 10}},
			score: math.NaN(), reason: "reference window"},
		{name: "jensenshannon, disjoint categories", method: MethodJensenShannon, in: DriftInput{Categories: &Categories{Labels: []string{"a", "b"}, Reference: []int64{5, 0}, Current: []int64{0, 5}}},
			score: math.Sqrt(math.Ln2), drifted: true},
		{name: "psi, disjoint categories stay finite", method: MethodPSI, in: DriftInput{Categories: &Categories{Labels: []string{"a", "b"}, Reference: []int64{5, 0}, Current: []int64{0, 5}}},
			score: 2 * (1 - 0.0001) * math.Log(1/0.0001), drifted: true},
		{name: "z, one category in both windows", method: MethodZ, in: DriftInput{Categories: &Categories{Labels: []string{"x"}, Reference: []int64{5}, Current: []int64{7}}},
			score: 1},
		{name: "auto, categorical, empty current", method: MethodAuto, in: DriftInput{Categories: &Categories{Labels: []string{"x", "y"}, Reference: []int64{5, 1}, Current: []int64{0, 0}}},
			score: math.NaN(), reason: "current window"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Drift(tc.method, tc.in, nil)
			if err != nil {
				t.Fatal(err)
			}
			if math.IsNaN(tc.score) {
				if r.Score != nil || r.Drifted || !strings.Contains(r.Reason, tc.reason) {
					t.Fatalf("want undefined with reason containing %q, got %+v", tc.reason, r)
				}
				return
			}
			if r.Score == nil || math.Abs(*r.Score-tc.score) > 1e-12 || r.Drifted != tc.drifted {
				t.Fatalf("got score %v drifted %v (%s), want %v drifted %v", valueOrNaN(r.Score), r.Drifted, r.Reason, tc.score, tc.drifted)
			}
			if r.ScoreKind == "" || r.Threshold == 0 {
				t.Fatalf("kind and threshold must be set: %+v", r)
			}
		})
	}
}

func TestDriftRequests(t *testing.T) {
	numeric := DriftInput{Numeric: true, Values: &ValueCounts{Values: []float64{1, 2}, Reference: []int64{1, 1}, Current: []int64{1, 1}}}
	cat := DriftInput{Categories: &Categories{Labels: []string{"a", "b"}, Reference: []int64{1, 1}, Current: []int64{1, 1}}}
	cases := []struct {
		name   string
		method string
		in     DriftInput
		err    string
	}{
		{"unknown method", "kolmogorov", numeric, "unknown drift method"},
		{"ks on a categorical feature", MethodKS, cat, "numeric"},
		{"wasserstein without value counts", MethodWasserstein, DriftInput{Numeric: true}, "value counts"},
		{"bins with the wrong number of counts", MethodPSI, DriftInput{Numeric: true, Bins: &Histogram{Edges: []float64{0, 1, 2}, Reference: []int64{1, 2}, Current: []int64{1, 2}}}, "counts per window"},
		{"descending edges", MethodPSI, DriftInput{Numeric: true, Bins: &Histogram{Edges: []float64{2, 1}, Reference: []int64{0, 1, 0}, Current: []int64{0, 1, 0}}}, "ascend"},
		{"repeated value", MethodKS, DriftInput{Numeric: true, Values: &ValueCounts{Values: []float64{1, 1}, Reference: []int64{1, 1}, Current: []int64{1, 1}}}, "twice"},
		{"NaN value", MethodKS, DriftInput{Numeric: true, Values: &ValueCounts{Values: []float64{math.NaN()}, Reference: []int64{1}, Current: []int64{1}}}, "not finite"},
		{"many values without bins", MethodPSI, DriftInput{Numeric: true, Values: distinctValueCounts(30)}, "bins"},
		{"categories without counts", MethodChiSquare, DriftInput{}, "category counts"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Drift(tc.method, tc.in, nil)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("got %v, want error containing %q", err, tc.err)
			}
		})
	}
}

func TestThresholdsAndVerdicts(t *testing.T) {
	in := DriftInput{Categories: &Categories{Labels: []string{"a", "b"}, Reference: []int64{50, 50}, Current: []int64{25, 75}}}
	tvdScore := 0.25
	cases := []struct {
		name      string
		method    string
		threshold *float64
		want      bool
		kind      string
	}{
		{"distance at the threshold drifts", MethodTVD, num(0.25), true, ScoreDistance},
		{"distance below the threshold does not", MethodTVD, num(0.2500001), false, ScoreDistance},
		{"default distance threshold", MethodTVD, nil, tvdScore >= DefaultDistanceThreshold, ScoreDistance},
		{"p-value below the threshold drifts", MethodChiSquare, nil, true, ScorePValue},
		{"p-value above a strict threshold does not", MethodChiSquare, num(1e-6), false, ScorePValue},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Drift(tc.method, in, tc.threshold)
			if err != nil {
				t.Fatal(err)
			}
			if r.Drifted != tc.want || r.ScoreKind != tc.kind {
				t.Fatalf("got drifted %v kind %s (score %v, threshold %v)", r.Drifted, r.ScoreKind, valueOrNaN(r.Score), r.Threshold)
			}
		})
	}
}

func TestNumericBucketsFollowDistinctValues(t *testing.T) {
	// Three distinct values: the binned methods compare the values themselves, not the bins.
	in := DriftInput{
		Numeric: true,
		Values:  &ValueCounts{Values: []float64{3, 1, 2}, Reference: []int64{1, 1, 2}, Current: []int64{1, 2, 1}},
		Bins:    &Histogram{Edges: []float64{1, 3}, Reference: []int64{0, 4, 0}, Current: []int64{0, 4, 0}},
	}
	r, err := Drift(MethodTVD, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Sorted by value: ref 1/4, 2/4, 1/4 against cur 2/4, 1/4, 1/4.
	if math.Abs(*r.Score-0.25) > 1e-15 {
		t.Fatalf("tvd over distinct values: got %v, want 0.25", *r.Score)
	}
	r, err = Drift(MethodTVD, DriftInput{Numeric: true, Values: distinctValueCounts(30), Bins: in.Bins}, nil)
	if err != nil || *r.Score != 0 {
		t.Fatalf("many values use the bins: %v %v", err, r)
	}
}

func TestUnseenShare(t *testing.T) {
	c := Categories{Labels: []string{"a", "b", "new"}, Reference: []int64{5, 5, 0}, Current: []int64{3, 3, 2}}
	if got := c.UnseenShare(); got == nil || *got != 0.25 {
		t.Fatalf("unseen share: %v", valueOrNaN(got))
	}
	if got := (Categories{Labels: []string{"a"}, Reference: []int64{1}, Current: []int64{0}}).UnseenShare(); got != nil {
		t.Fatalf("no current rows: got %v, want nil", *got)
	}
}

func distinctValueCounts(n int) *ValueCounts {
	v := &ValueCounts{}
	for i := 0; i < n; i++ {
		v.Values = append(v.Values, float64(i))
		v.Reference = append(v.Reference, 1)
		v.Current = append(v.Current, 1)
	}
	return v
}
