package metrics_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/metrics"
)

// On the grid the tests without a closed-form bound read each value at its window's mean in its
// cell; with 4,096 cells over the reference range their answers stay close to the exact ones,
// say so (kind and cell width, no bounds) and give the same verdicts.
func TestValueTestsOnTheGridStayCloseToTheExactOnes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, shift := range []float64{0, 0.05, 0.3} {
		ref, cur := make([]float64, 20000), make([]float64, 15000)
		for i := range ref {
			ref[i] = rng.NormFloat64()*3 + 50
		}
		for i := range cur {
			cur[i] = rng.NormFloat64()*3 + 50 + shift
		}
		exactIn := metrics.DriftInput{Numeric: true, Values: ptr(valuesOf(ref, cur))}
		gridIn := metrics.DriftInput{Numeric: true, Grid: ptr(gridOf(ref, cur, metrics.GridCells))}
		for _, method := range []string{metrics.MethodAnderson, metrics.MethodCramerVonMises, metrics.MethodMannWhitney,
			metrics.MethodTTest, metrics.MethodEppsSingleton, metrics.MethodEnergy} {
			exact, err := metrics.Drift(method, exactIn, nil)
			if err != nil {
				t.Fatal(err)
			}
			approx, err := metrics.Drift(method, gridIn, nil)
			if err != nil {
				t.Fatal(err)
			}
			a := approx.Approximation
			if exact.Approximation != nil || a == nil || a.Kind != metrics.ApproximationGrid || a.Cells != metrics.GridCells ||
				!(a.CellWidth > 0) || a.StatisticBound != nil || a.ScoreBound != nil {
				t.Fatalf("%s: approximation %+v (exact's %+v)", method, a, exact.Approximation)
			}
			relStat := math.Abs(*approx.Statistic-*exact.Statistic) / math.Max(math.Abs(*exact.Statistic), 1)
			t.Logf("shift %v %s: statistic %.6g (exact %.6g), score %.6g (exact %.6g)", shift, method, *approx.Statistic, *exact.Statistic, *approx.Score, *exact.Score)
			if relStat > 0.01 || math.Abs(*approx.Score-*exact.Score) > 0.01 || approx.Drifted != exact.Drifted {
				t.Errorf("shift %v %s: grid statistic %v score %v drifted %v, exact %v %v %v", shift, method,
					*approx.Statistic, *approx.Score, approx.Drifted, *exact.Statistic, *exact.Score, exact.Drifted)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

// Undefined cases are results with a reason, never errors or NaN; input a method cannot read
// is an error that names what it needs.
func TestNewDriftMethodsRefuseAndExplain(t *testing.T) {
	one := metrics.ValueCounts{Values: []float64{1, 2}, Reference: []int64{3, 0}, Current: []int64{0, 1}}
	for _, method := range []string{metrics.MethodCramerVonMises, metrics.MethodTTest, metrics.MethodEppsSingleton} {
		res, err := metrics.Drift(method, metrics.DriftInput{Numeric: true, Values: &one}, nil)
		if err != nil || res.Score != nil || !strings.Contains(res.Reason, "at least") {
			t.Errorf("%s on 3 and 1 rows: %+v, %v", method, res, err)
		}
	}
	cats := metrics.Categories{Labels: []string{"a", "b", "c"}, Reference: []int64{5, 5, 5}, Current: []int64{1, 2, 3}}
	res, err := metrics.Drift(metrics.MethodFisher, metrics.DriftInput{Categories: &cats}, nil)
	if err != nil || res.Score != nil || !strings.Contains(res.Reason, "two categories, the feature has 3") {
		t.Errorf("fisher on three categories: %+v, %v", res, err)
	}
	if _, err := metrics.Drift(metrics.MethodAnderson, metrics.DriftInput{Categories: &cats}, nil); err == nil || !strings.Contains(err.Error(), "numeric") {
		t.Errorf("anderson on categories: %v", err)
	}
	if _, err := metrics.Drift(metrics.MethodEnergy, metrics.DriftInput{Numeric: true}, nil); err == nil || !strings.Contains(err.Error(), "value counts") {
		t.Errorf("energy without values: %v", err)
	}
}

// The exact paths are bounded whatever the row counts: Fisher's test walks the bulk of the
// distribution, not the rows, and the rank tests sum over distinct values.
func TestNewDriftTestsOnBillionsOfRows(t *testing.T) {
	res, err := metrics.CompareCounts(metrics.MethodFisher, []int64{3_000_000_000, 2_000_000_000}, []int64{1_500_100_000, 999_900_000}, 0.05)
	if err != nil || res.PValue == nil || !(*res.PValue >= 0 && *res.PValue <= 1) {
		t.Fatalf("fisher on 7.5e9 rows: %+v, %v", res, err)
	}
	// The same shares, far from the mode: p-value 0 at float precision, reached without walking
	// billions of tables.
	res, err = metrics.CompareCounts(metrics.MethodFisher, []int64{3_000_000_000, 2_000_000_000}, []int64{2_000_000_000, 500_000_000}, 0.05)
	if err != nil || res.PValue == nil || *res.PValue != 0 || !res.Drifted {
		t.Fatalf("fisher far from the mode: %+v, %v", res, err)
	}
	v := metrics.ValueCounts{Values: []float64{1, 2, 3, 4, 5, 6}, Reference: []int64{4e8, 3e8, 2e8, 1e8, 5e7, 5e7}, Current: []int64{3e8, 3e8, 2e8, 1e8, 5e7, 5e7}}
	for _, method := range metrics.ValueMethods {
		res, err := metrics.Drift(method, metrics.DriftInput{Numeric: true, Values: &v}, nil)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if method != metrics.MethodEppsSingleton && (res.Score == nil || math.IsNaN(*res.Score)) {
			t.Errorf("%s on 2.1e9 rows: %+v", method, res)
		}
	}
}

// Values at the ends of the float range and windows of one repeated value: every method answers
// a number or an undefined result with a reason, never an error, NaN or infinity.
func TestEveryMethodOnExtremeValues(t *testing.T) {
	inputs := map[string]metrics.DriftInput{
		"extremes": {Numeric: true, Values: &metrics.ValueCounts{
			Values:    []float64{-math.MaxFloat64, -1e300, 0, 1e300, math.MaxFloat64},
			Reference: []int64{3, 5, 7, 5, 3}, Current: []int64{1, 2, 9, 9, 6}}},
		"one value each": {Numeric: true, Values: &metrics.ValueCounts{Values: []float64{1, 2}, Reference: []int64{40, 0}, Current: []int64{0, 30}}},
		"categories":     {Categories: &metrics.Categories{Labels: []string{"", "a", strings.Repeat("x", 1<<16)}, Reference: []int64{5, 0, 1 << 40}, Current: []int64{0, 7, 1 << 41}}},
	}
	for name, in := range inputs {
		for _, method := range metrics.DriftMethods {
			if !in.Numeric && metrics.ComparesValues(method) {
				continue
			}
			for _, defs := range metrics.AllDefinitions {
				res, err := metrics.DriftWith(method, in, nil, defs)
				if err != nil {
					t.Errorf("%s %s %s: %v", name, method, defs, err)
					continue
				}
				for _, v := range []*float64{res.Statistic, res.PValue, res.Score} {
					if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
						t.Errorf("%s %s %s: %+v", name, method, defs, res)
					}
				}
				if res.Score == nil && res.Reason == "" {
					t.Errorf("%s %s %s: undefined without a reason: %+v", name, method, defs, res)
				}
			}
		}
	}
}
