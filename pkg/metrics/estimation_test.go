package metrics

import (
	"math"
	"testing"
)

// The isotonic fit on cells equals scikit-learn 1.9.1's IsotonicRegression(out_of_bounds="clip")
// on the same points and weights (values from the library, rounded to the digits printed).
func TestFitIsotonicEqualsScikitLearn(t *testing.T) {
	for _, c := range []struct {
		name  string
		cells []CalibrationCell
		at    []float64
		want  []float64
	}{
		{"unweighted violators", []CalibrationCell{{1, 1, 0.1}, {1, 0, 0.2}, {1, 1, 0.3}, {1, 0, 0.4}, {1, 1, 0.5}},
			[]float64{0, 0.1, 0.25, 0.45, 0.5, 0.9}, []float64{0.5, 0.5, 0.5, 0.75, 1, 1}},
		{"weighted", []CalibrationCell{{2, 1, 0.4}, {5, 1, 2}, {10, 9, 6}, {10, 7, 8}},
			[]float64{0.1, 0.3, 0.5, 0.7, 0.8, 0.95}, []float64{0.2857142857142857, 0.2857142857142857, 0.5428571428571429, 0.8, 0.8, 0.8}},
	} {
		cal, ok := FitIsotonic(c.cells)
		if !ok {
			t.Fatalf("%s: not fitted", c.name)
		}
		for i, s := range c.at {
			if got := cal.Apply(s); math.Abs(got-c.want[i]) > 1e-12 {
				t.Errorf("%s: at %g got %.16g, scikit-learn %.16g", c.name, s, got, c.want[i])
			}
		}
	}
}

// Cells the store cannot produce (no rows, more positives than rows, negative counts) are left
// out of the fit; without a usable cell there is no calibration, and the identity applies.
func TestFitIsotonicRefusesImpossibleCells(t *testing.T) {
	if _, ok := FitIsotonic([]CalibrationCell{{0, 0, 0}, {3, 4, 1}, {-1, 0, 0}}); ok {
		t.Error("fitted on cells without a valid row")
	}
	var identity Calibration
	if identity.Apply(0.37) != 0.37 {
		t.Error("the zero calibration is not the identity")
	}
}

// The expected confusion sums the calibrated probabilities: under the identity, the scores
// themselves. Its metrics are undefined without rows or with a zero denominator, never NaN;
// counts near 2^41 keep their precision.
func TestExpect(t *testing.T) {
	cells := []EstimateCell{
		{Cell: 900, PredictedPositive: 4, SumPositive: 3.2},                // four rows at 0.8
		{Cell: 200, PredictedNegative: 6, SumNegative: 0.6},                // six rows at 0.1
		{Cell: 500, PredictedPositive: 1, SumPositive: 0.5, Spread: false}, // one row at 0.5
	}
	e := Expect(cells, Calibration{})
	want := map[string]float64{
		"accuracy": (3.2 + 0.5 + 5.4) / 11, "precision": 3.7 / 5, "recall": 3.7 / 4.3, "specificity": 5.4 / 6.7,
		"f1": 3.7 / (3.7 + (1.3+0.6)/2),
		// Pairs ranked correctly over P = 4.3 and N = 6.7: the 0.8 cell's 3.2 positives above
		// the 0.5 and 0.1 cells' 0.5 + 5.4 negatives, the 0.5 cell's 0.5 above 5.4, and
		// within each cell half its pairs.
		"roc_auc": (3.2*5.9 + 0.5*5.4 + (3.2*0.8+0.5*0.5+0.6*5.4)/2) / (4.3 * 6.7),
	}
	for m, w := range want {
		if got := e.EstimatedMetric(m); got == nil || math.Abs(*got-w) > 1e-12 {
			t.Errorf("%s: got %v, want %.15g", m, got, w)
		}
	}
	if b := e.ROCAUCErrorBound(); b == nil || *b != 0 {
		t.Errorf("no spread cell, bound %v", b)
	}
	cells[0].Spread = true
	if b := Expect(cells, Calibration{}).ROCAUCErrorBound(); b == nil || math.Abs(*b-3.2*0.8/2/(4.3*6.7)) > 1e-12 {
		t.Errorf("spread cell bound %v", b)
	}
	for name, cs := range map[string][]EstimateCell{
		"no cells":    nil,
		"NaN sums":    {{Cell: 1, PredictedPositive: 2, SumPositive: math.NaN()}},
		"one class":   {{Cell: 1, PredictedPositive: 2, SumPositive: 2}},
		"no positive": {{Cell: 1, PredictedNegative: 2, SumNegative: 0}},
	} {
		e := Expect(cs, Calibration{})
		for _, m := range EstimableMetrics {
			if v := e.EstimatedMetric(m); v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
				t.Errorf("%s: %s is %v, want a number or undefined", name, m, *v)
			}
		}
		if e.EstimatedMetric("roc_auc") != nil {
			t.Errorf("%s: roc_auc defined", name)
		}
	}
	huge := int64(1) << 41
	e = Expect([]EstimateCell{{Cell: 1, PredictedPositive: huge, SumPositive: float64(huge) * 0.75}, {Cell: 0, PredictedNegative: huge, SumNegative: float64(huge) * 0.25}}, Calibration{})
	if got := e.EstimatedMetric("accuracy"); got == nil || math.Abs(*got-0.75) > 1e-12 {
		t.Errorf("2^41 rows: accuracy %v, want 0.75", got)
	}
}

// The sampling components are NannyML's per-row standard deviations and shares; without the
// rows a metric reads its sampling error is undefined.
func TestSamplingComponents(t *testing.T) {
	c := SamplingComponents(BinaryCounts{TP: 30, FP: 10, FN: 20, TN: 40}, []ScoreCount{{Score: 0.2, Positives: 10, Negatives: 40}, {Score: 0.8, Positives: 40, Negatives: 10}})
	std := func(p float64) float64 { return math.Sqrt(p * (1 - p)) }
	for m, w := range map[string]SamplingComponent{
		"accuracy":    {std(0.7), 1},
		"precision":   {std(0.75), 0.4},
		"recall":      {std(0.6), 0.5},
		"specificity": {std(0.8), 0.5},
		"f1":          {std(0.5) * 60 / 45, 0.6},
	} {
		if got := c[m]; math.Abs(got.Std-w.Std) > 1e-12 || math.Abs(got.Fraction-w.Fraction) > 1e-12 {
			t.Errorf("%s: %+v, want %+v", m, got, w)
		}
	}
	if e := c["accuracy"].Error(100); e == nil || math.Abs(*e-std(0.7)/10) > 1e-12 {
		t.Errorf("accuracy error over 100 rows: %v", e)
	}
	empty := SamplingComponents(BinaryCounts{}, nil)
	if e := empty["f1"].Error(100); e != nil {
		t.Errorf("no reference rows: f1 error %v", *e)
	}
	oneClass := SamplingComponents(BinaryCounts{TP: 5}, []ScoreCount{{Score: 0.9, Positives: 5}})
	for _, m := range []string{"roc_auc", "specificity"} {
		if e := oneClass[m].Error(100); e != nil {
			t.Errorf("one class: %s error %v", m, *e)
		}
	}
	for _, rows := range []int64{0, -1} {
		if e := c["accuracy"].Error(rows); e != nil {
			t.Errorf("%d rows: error %v", rows, *e)
		}
	}
}
