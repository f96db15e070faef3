package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// decodeGoldenFile decodes testdata/golden/<name> (relative to the repository root) into v.
func decodeGoldenFile(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "golden", name))
	if err != nil {
		t.Fatalf("golden file: %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("golden file %s: %v", name, err)
	}
}

// numbersAgree reports how got differs from want: both nil, or both numbers with |got - want| <=
// rel*|want| + abs. nil means they agree.
func numbersAgree(got, want *float64, rel, abs float64) error {
	switch {
	case want == nil && got == nil:
		return nil
	case want == nil:
		return fmt.Errorf("got %v, want undefined (nil)", *got)
	case got == nil:
		return fmt.Errorf("got undefined (nil), want %v", *want)
	case math.IsNaN(*got) || math.Abs(*got-*want) > rel*math.Abs(*want)+abs:
		return fmt.Errorf("got %.17g, want %.17g (difference %.3g)", *got, *want, *got-*want)
	}
	return nil
}

func TestRegressionGolden(t *testing.T) {
	var golden struct {
		Cases []struct {
			Name     string
			Sums     RegressionSums
			Expected map[string]*float64
			Options  map[string]*float64
		}
	}
	decodeGoldenFile(t, "regression/cases.json", &golden)
	if len(golden.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, tc := range golden.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			if len(tc.Expected) != len(Regression) {
				t.Fatalf("case has %d metrics, Regression %d", len(tc.Expected), len(Regression))
			}
			for name, want := range tc.Expected {
				f, ok := Regression[name]
				if !ok {
					t.Fatalf("unknown metric %q", name)
				}
				// 1e-9 relative (the contract with scikit-learn); the absolute slack only
				// matters for expected zeros.
				if err := numbersAgree(f(tc.Sums, RegressionOptions{}), want, 1e-9, 1e-15); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
			// Options: the pinball loss at alpha 0.9, force_finite=False.
			for name, got := range map[string]*float64{
				"pinball_alpha_0.9":                     Regression["pinball"](tc.Sums, RegressionOptions{Alpha: 0.9}),
				"r2_force_finite_false":                 Regression["r2"](tc.Sums, RegressionOptions{KeepNonFinite: true}),
				"explained_variance_force_finite_false": Regression["explained_variance"](tc.Sums, RegressionOptions{KeepNonFinite: true}),
			} {
				want, ok := tc.Options[name]
				if !ok {
					t.Fatalf("no expectation for %s", name)
				}
				if err := numbersAgree(got, want, 1e-9, 1e-15); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		})
	}
}

func TestRegressionDefinitions(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name string
		s    RegressionSums
		want map[string]float64 // NaN: undefined (nil)
	}{
		{name: "no rows: every metric undefined", s: RegressionSums{},
			want: map[string]float64{"mae": nan, "mse": nan, "rmse": nan, "mape": nan, "r2": nan, "mean_error": nan}},
		// actual [1, 2, 4], predicted [2, 2, 1]: errors [1, 0, -3]; mean actual 7/3, SStot 14/3.
		{name: "hand-checked 3 rows", s: RegressionSums{N: 3, SumErr: -2, SumAbsErr: 4, SumSqErr: 10,
			SumActual: 7, SumSqActual: 21, MapeN: 3, SumAbsPctErr: 1 + 0 + 0.75},
			want: map[string]float64{"mae": 4.0 / 3, "mse": 10.0 / 3, "rmse": math.Sqrt(10.0 / 3),
				"mape": 1.75 / 3, "r2": 1 - 10/(14.0/3), "mean_error": -2.0 / 3}},
		{name: "same rows about shift 2", s: RegressionSums{N: 3, SumErr: -2, SumAbsErr: 4, SumSqErr: 10,
			SumActual: 1, SumSqActual: 5, MapeN: 3, SumAbsPctErr: 1.75},
			want: map[string]float64{"r2": 1 - 10/(14.0/3)}},
		{name: "one row: r2 undefined", s: RegressionSums{N: 1, SumErr: 2, SumAbsErr: 2, SumSqErr: 4,
			SumActual: 5, SumSqActual: 25, MapeN: 1, SumAbsPctErr: 0.4},
			want: map[string]float64{"mae": 2, "r2": nan, "mape": 0.4}},
		{name: "all actuals zero: mape undefined, r2 0", s: RegressionSums{N: 4, SumErr: 4, SumAbsErr: 4,
			SumSqErr: 4, ZeroActual: 4},
			want: map[string]float64{"mape": nan, "r2": 0, "mae": 1}},
		{name: "constant actuals, perfect fit: r2 1", s: RegressionSums{N: 5, SumActual: 0.5, SumSqActual: 0.05, MapeN: 5},
			want: map[string]float64{"r2": 1, "mae": 0, "mape": 0}},
		{name: "rounding below the floor counts as constant", s: RegressionSums{N: 10, SumSqErr: 1,
			SumActual: 1.0000000000000002, SumSqActual: 0.10000000000000003},
			want: map[string]float64{"r2": 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for name, want := range tc.want {
				w := &want
				if math.IsNaN(want) {
					w = nil
				}
				if err := numbersAgree(Regression[name](tc.s, RegressionOptions{}), w, 1e-12, 0); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		})
	}
}

// TestR2Cancellation measures R2 from sums summed row by row in float64, as a store's SUM
// does, on actuals around 1e6 with standard deviation 1: sums about a shift inside the data
// (the first actual) agree with a two-pass computation to 1e-9 relative; raw sums (shift 0)
// lose most of the digits of SStot, which is why RegressionSums asks for a shift.
func TestR2Cancellation(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 100_000
	actual := make([]float64, n)
	predicted := make([]float64, n)
	for i := range actual {
		actual[i] = 1e6 + rng.NormFloat64()
		predicted[i] = actual[i] + 0.5*rng.NormFloat64()
	}
	sums := func(shift float64) RegressionSums {
		s := RegressionSums{N: n}
		for i, a := range actual {
			e := predicted[i] - a
			s.SumSqErr += e * e
			s.SumActual += a - shift
			s.SumSqActual += (a - shift) * (a - shift)
		}
		return s
	}
	// Reference: two passes with the exact mean of the rounded values, compensated sums.
	var mean, ssTot, ssRes compensatedSum
	for _, a := range actual {
		mean.add(a)
	}
	m := mean.sum / n
	for i, a := range actual {
		ssTot.add((a - m) * (a - m))
		e := predicted[i] - a
		ssRes.add(e * e)
	}
	want := 1 - ssRes.sum/ssTot.sum

	shifted := *Regression["r2"](sums(actual[0]), RegressionOptions{})
	raw := *Regression["r2"](sums(0), RegressionOptions{})
	relShifted := math.Abs(shifted-want) / math.Abs(want)
	relRaw := math.Abs(raw-want) / math.Abs(want)
	t.Logf("r2 %.12f: shifted sums give %.12f (relative error %.2g), raw sums %.6g (%.2g)",
		want, shifted, relShifted, raw, relRaw)
	if relShifted > 1e-9 {
		t.Errorf("shifted sums: r2 %v, want %v (relative error %.2g)", shifted, want, relShifted)
	}
	if relRaw < 1e-6 {
		t.Errorf("raw sums unexpectedly accurate (%.2g): revisit the advice in RegressionSums", relRaw)
	}
}

// compensatedSum is a compensated sum, for reference values in tests.
type compensatedSum struct{ sum, c float64 }

func (k *compensatedSum) add(v float64) {
	y := v - k.c
	t := k.sum + y
	k.c = (t - k.sum) - y
	k.sum = t
}
