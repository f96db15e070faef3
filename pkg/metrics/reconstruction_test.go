package metrics

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// A category's code is its share of the reference rows once the rows without a value join the
// most frequent category (the least in byte order among equals, as scikit-learn's
// SimpleImputer); its center the mean code. A number's fill and center are its mean.
func TestEncode(t *testing.T) {
	enc, err := Encode("plan", FeatureCounts{Categorical: true, Rows: 10, Categories: map[string]int64{"b": 3, "a": 3, "c": 2}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(enc.Categories, []string{"a", "b", "c"}) || !slices.Equal(enc.Codes, []float64{0.5, 0.3, 0.2}) || enc.Fill != 0.5 {
		t.Errorf("categories %v, codes %v, fill %v: want a (tied with b, the least) to take the 2 missing rows", enc.Categories, enc.Codes, enc.Fill)
	}
	if want := 0.5*0.5 + 0.3*0.3 + 0.2*0.2; math.Abs(enc.Center-want) > 1e-15 || enc.Scale != 1 {
		t.Errorf("center %v scale %v, want %v and 1", enc.Center, enc.Scale, want)
	}
	enc, err = Encode("income", FeatureCounts{Rows: 5, Values: 4, Sum: 10})
	if err != nil || enc.Fill != 2.5 || enc.Center != 2.5 || len(enc.Categories) != 0 {
		t.Errorf("number: %+v, %v", enc, err)
	}
	for _, c := range []struct {
		counts FeatureCounts
		want   string
	}{
		{FeatureCounts{Rows: 5}, `feature "f" has no value in the reference window`},
		{FeatureCounts{Categorical: true, Rows: 5, Categories: map[string]int64{}}, `feature "f" has no value`},
		{FeatureCounts{Rows: 5, Values: 2, Sum: math.Inf(1)}, "a mean of +Inf"},
		{FeatureCounts{Rows: 5, Values: 2, Sum: math.NaN()}, "a mean of NaN"},
	} {
		if _, err := Encode("f", c.counts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.counts, err, c.want)
		}
	}
}

// momentsOf are the sums and products of rows of encoded columns less their centers.
func momentsOf(rows [][]float64, enc []Encoding) (sums []float64, product func(i, j int) float64) {
	d := len(enc)
	sums = make([]float64, d)
	p := make([][]float64, d)
	for i := range p {
		p[i] = make([]float64, d)
	}
	for _, r := range rows {
		for i := range d {
			sums[i] += r[i] - enc[i].Center
			for j := range d {
				p[i][j] += (r[i] - enc[i].Center) * (r[j] - enc[j].Center)
			}
		}
	}
	return sums, func(i, j int) float64 { return p[i][j] }
}

// Standardizing scales by the population standard deviation and keeps the components of the
// correlation matrix, largest first: two perfectly correlated columns and an independent one
// have eigenvalues 2, 1 and 0 (of a trace of 3), so the first component explains 2/3, enough
// for 0.65, and 0.7 or 0.99 need the first two (scikit-learn keeps the fewest whose share
// exceeds the asked one); a whole number keeps that many. A constant column keeps scale 1 and
// explains nothing.
func TestStandardize(t *testing.T) {
	rows := [][]float64{{1, 2, 5, 7}, {2, 4, 3, 7}, {3, 6, 4, 7}, {4, 8, 3, 7}, {5, 10, 5, 7}}
	enc := []Encoding{{Center: 2, Scale: 1}, {Center: 5, Scale: 1}, {Center: 4, Scale: 1}, {Center: 7, Scale: 1}}
	sums, product := momentsOf(rows, enc)
	for _, c := range []struct {
		keep      float64
		kept      int
		explained float64
	}{{0.65, 1, 2.0 / 3}, {0.7, 2, 1}, {1, 1, 2.0 / 3}, {3, 3, 1}, {0.99, 2, 1}} {
		s, err := Standardize(enc, 5, sums, product, c.keep)
		if err != nil {
			t.Fatal(err)
		}
		var explained float64
		for _, v := range s.Explained {
			explained += v
		}
		// With a constant fourth column the trace is 3 (its eigenvalue 0): 2/3 + 1/3.
		if len(s.Components) != c.kept || math.Abs(explained-c.explained) > 1e-12 {
			t.Errorf("keep %v: %d components explaining %v, want %d explaining %v", c.keep, len(s.Components), explained, c.kept, c.explained)
		}
		e := s.Encodings
		if math.Abs(e[0].Center-3) > 1e-15 || math.Abs(e[0].Scale-math.Sqrt2) > 1e-15 || e[3].Scale != 1 || e[3].Center != 7 {
			t.Errorf("encodings %+v: want centers at the means, population scales, the constant column at scale 1", e)
		}
	}
	for _, c := range []struct {
		rows int64
		keep float64
		want string
	}{
		{5, 5, "components is 5 but there are 4 features"},
		{4, 0.65, "the reference window has 4 rows for 4 features"},
	} {
		if _, err := Standardize(enc, c.rows, sums, product, c.keep); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c, err, c.want)
		}
	}
	constant := [][]float64{{1, 7}, {1, 7}, {1, 7}}
	cenc := []Encoding{{Center: 1, Scale: 1}, {Center: 7, Scale: 1}}
	csums, cproduct := momentsOf(constant, cenc)
	if _, err := Standardize(cenc, 3, csums, cproduct, 0.65); err == nil || !strings.Contains(err.Error(), "every feature is constant") {
		t.Errorf("constant features: %v", err)
	}
}

// A window's error is the mean, its sampling error NannyML's (sample standard deviation over the
// square root of the rows), its band clipped at 0; the thresholds are the reference buckets'
// mean less and plus three population standard deviations, with a lower bound at or below 0
// left out, and a value outside them (or on them) is drifted.
func TestReconstructionErrorsAndThresholds(t *testing.T) {
	x := ReconstructionErrors{Rows: 4, Sum: 1 + 2 + 3 + 4, SumSquares: 1 + 4 + 9 + 16}
	se := math.Sqrt(5.0/3) / 2
	if *x.Mean() != 2.5 || math.Abs(*x.SamplingError()-se) > 1e-15 {
		t.Errorf("mean %v, sampling error %v, want 2.5 and %v", *x.Mean(), *x.SamplingError(), se)
	}
	lo, hi := x.Band()
	if math.Abs(*lo-max(2.5-3*se, 0)) > 1e-15 || math.Abs(*hi-(2.5+3*se)) > 1e-15 {
		t.Errorf("band %v .. %v", *lo, *hi)
	}
	one := ReconstructionErrors{Rows: 1, Sum: 0.1, SumSquares: 0.01}
	if lo, hi := one.Band(); one.SamplingError() != nil || lo != nil || hi != nil {
		t.Error("one row has no sampling error or band")
	}
	if (ReconstructionErrors{}).Mean() != nil || (ReconstructionErrors{Rows: 2, Sum: math.NaN()}).Mean() != nil {
		t.Error("no rows, or a NaN error, has no mean")
	}
	lower, upper := ErrorThresholds([]float64{1, 2, 3})
	std := math.Sqrt(2.0 / 3)
	if lower != nil || math.Abs(*upper-(2+3*std)) > 1e-15 {
		t.Errorf("thresholds %v, %v: 2 - 3 x %v is below 0, left out", lower, *upper, std)
	}
	lower, upper = ErrorThresholds([]float64{10, 11, 12})
	if math.Abs(*lower-(11-3*std)) > 1e-14 || math.Abs(*upper-(11+3*std)) > 1e-14 {
		t.Errorf("thresholds %v, %v", *lower, *upper)
	}
	if l, u := ErrorThresholds(nil); l != nil || u != nil {
		t.Error("no reference bucket, no thresholds")
	}
	v := func(f float64) *float64 { return &f }
	for _, c := range []struct {
		value, lower, upper *float64
		want                *float64
	}{
		{v(1), v(0.5), v(2), v(0)}, {v(2), v(0.5), v(2), v(1)}, {v(0.4), v(0.5), v(2), v(1)},
		{v(0.1), nil, v(2), v(0)}, {nil, v(0.5), v(2), nil}, {v(1), nil, nil, nil},
	} {
		got := Outside(c.value, c.lower, c.upper)
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("Outside(%v, %v, %v) = %v, want %v", c.value, c.lower, c.upper, got, c.want)
		}
	}
}
