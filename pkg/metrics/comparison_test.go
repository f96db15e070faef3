package metrics

import (
	"encoding/json"
	"math"
	"testing"
)

type goldenComparison struct {
	Champion, Challenger, Delta, CILow, CIHigh, PValue *float64
	ChallengerBetter                                   bool
}

func checkComparison(t *testing.T, got Comparison, want goldenComparison, pRel float64) {
	t.Helper()
	for _, f := range []struct {
		name      string
		got, want *float64
		rel, abs  float64
	}{
		{"champion", got.Champion, want.Champion, 1e-12, 0},
		{"challenger", got.Challenger, want.Challenger, 1e-12, 0},
		// Deltas and bounds can be near 0 where relative error means nothing: 1e-9 of the
		// value or 1e-12 absolute.
		{"delta", got.Delta, want.Delta, 1e-9, 1e-12},
		{"ciLow", got.CILow, want.CILow, 1e-9, 1e-12},
		{"ciHigh", got.CIHigh, want.CIHigh, 1e-9, 1e-12},
		{"pValue", got.PValue, want.PValue, pRel, 0},
	} {
		if err := numbersAgree(f.got, f.want, f.rel, f.abs); err != nil {
			t.Errorf("%s: %v", f.name, err)
		}
	}
	if got.ChallengerBetter != want.ChallengerBetter {
		t.Errorf("challengerBetter %v, want %v", got.ChallengerBetter, want.ChallengerBetter)
	}
}

func TestComparisonGolden(t *testing.T) {
	var golden struct {
		Cases []struct {
			Name                 string
			Kind                 string
			HigherIsBetter       bool
			Champion, Challenger json.RawMessage
			Expected             goldenComparison
		}
	}
	decodeGoldenFile(t, "comparison/cases.json", &golden)
	if len(golden.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, tc := range golden.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			switch tc.Kind {
			case "proportion":
				var a, b Proportion
				mustUnmarshal(t, tc.Champion, &a)
				mustUnmarshal(t, tc.Challenger, &b)
				got := CompareProportions(a, b, tc.HigherIsBetter)
				if got.Method != MethodTwoProportionZ {
					t.Errorf("method %q", got.Method)
				}
				// erfc keeps 1e-13 relative even at p = 3e-189.
				checkComparison(t, got, tc.Expected, 1e-12)
			case "mean":
				var a, b struct {
					N        int64
					Mean     float64
					Variance *float64 // null below two rows
				}
				mustUnmarshal(t, tc.Champion, &a)
				mustUnmarshal(t, tc.Challenger, &b)
				stats := func(s struct {
					N        int64
					Mean     float64
					Variance *float64
				}) MeanStats {
					m := MeanStats{N: s.N, Mean: s.Mean, Variance: math.NaN()}
					if s.Variance != nil {
						m.Variance = *s.Variance
					}
					return m
				}
				got := CompareMeans(stats(a), stats(b), tc.HigherIsBetter)
				if got.Method != MethodWelchT {
					t.Errorf("method %q", got.Method)
				}
				// Student's t through gonum's incomplete beta loses digits as the degrees of
				// freedom grow: 3e-11 relative at df 2e5 (100000 rows each), the worst case here.
				checkComparison(t, got, tc.Expected, 1e-9)
			default:
				t.Fatalf("unknown kind %q", tc.Kind)
			}
		})
	}
}

func mustUnmarshal(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

func TestComparisonDefinitions(t *testing.T) {
	t.Run("lower is better flips the verdict", func(t *testing.T) {
		champ, chall := Proportion{Successes: 100, Trials: 1000}, Proportion{Successes: 50, Trials: 1000}
		if CompareProportions(champ, chall, true).ChallengerBetter {
			t.Errorf("a significant drop is not better when higher is better")
		}
		if !CompareProportions(champ, chall, false).ChallengerBetter {
			t.Errorf("a significant drop of an error rate is better")
		}
		m1, m2 := MeanStats{N: 500, Mean: 2, Variance: 1}, MeanStats{N: 500, Mean: 1.5, Variance: 1}
		if CompareMeans(m1, m2, true).ChallengerBetter || !CompareMeans(m1, m2, false).ChallengerBetter {
			t.Errorf("mae 2 -> 1.5 on 500 rows each must be better only when lower is better")
		}
	})
	t.Run("not significant is not better", func(t *testing.T) {
		c := CompareProportions(Proportion{Successes: 7, Trials: 10}, Proportion{Successes: 8, Trials: 10}, true)
		if c.ChallengerBetter || c.PValue == nil || *c.PValue < 0.05 {
			t.Errorf("7/10 vs 8/10: %+v", c)
		}
	})
	t.Run("symmetry: swapping versions negates delta and the interval, keeps p", func(t *testing.T) {
		a, b := Proportion{Successes: 420, Trials: 600}, Proportion{Successes: 300, Trials: 400}
		x, y := CompareProportions(a, b, true), CompareProportions(b, a, true)
		if *x.Delta != -*y.Delta || *x.CILow != -*y.CIHigh || math.Abs(*x.PValue-*y.PValue) > 1e-15 {
			t.Errorf("%+v vs %+v", x, y)
		}
		m, n := MeanStats{N: 40, Mean: 1, Variance: 2}, MeanStats{N: 90, Mean: 1.4, Variance: 0.5}
		u, v := CompareMeans(m, n, false), CompareMeans(n, m, false)
		if *u.Delta != -*v.Delta || math.Abs(*u.CILow+*v.CIHigh) > 1e-15 || math.Abs(*u.PValue-*v.PValue) > 1e-15 {
			t.Errorf("%+v vs %+v", u, v)
		}
	})
	t.Run("the interval contains delta", func(t *testing.T) {
		c := CompareMeans(MeanStats{N: 12, Mean: 3, Variance: 4}, MeanStats{N: 15, Mean: 2, Variance: 1}, false)
		if !(*c.CILow < *c.Delta && *c.Delta < *c.CIHigh) {
			t.Errorf("%+v", c)
		}
	})
	t.Run("negative or NaN variance: no test", func(t *testing.T) {
		c := CompareMeans(MeanStats{N: 12, Mean: 3, Variance: -1}, MeanStats{N: 15, Mean: 2, Variance: 1}, false)
		if c.PValue != nil || c.CILow != nil || c.Delta == nil {
			t.Errorf("%+v", c)
		}
	})
	t.Run("one variance zero: df is the other version's n - 1", func(t *testing.T) {
		if df := welchDF(0, 0.01, 50, 100); math.Abs(df-99) > 1e-12 {
			t.Errorf("df %v", df)
		}
		if df := welchDF(0.01, 0, 50, 100); math.Abs(df-49) > 1e-12 {
			t.Errorf("df %v", df)
		}
		// Variances small enough to underflow (v/n)² still give a finite df.
		if df := welchDF(1e-170, 1e-170, 10, 10); math.Abs(df-18) > 1e-12 {
			t.Errorf("df %v", df)
		}
	})
}

func TestProportionsFromConfusion(t *testing.T) {
	// Labels sort as [churn, stay]: TP=2 FN=1 FP=1 TN=3.
	c := matrix([]string{"stay", "churn"}, [][]int64{{2, 1}, {1, 3}})
	want := map[string]Proportion{
		"accuracy":    {Successes: 5, Trials: 7},
		"precision":   {Successes: 2, Trials: 3},
		"recall":      {Successes: 2, Trials: 3},
		"specificity": {Successes: 3, Trials: 4},
	}
	for name, w := range want {
		got := Proportions[name](c, "churn")
		if got != w {
			t.Errorf("%s: %+v, want %+v", name, got, w)
		}
		if r := ratio(float64(got.Successes), float64(got.Trials)); *r != *Classification[name](c, "churn", Scoring{}) {
			t.Errorf("%s: %v is not the classification metric", name, *r)
		}
	}
}
