package metrics

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Golden cases from scripts/golden/drift_tests.py: scipy's results on the raw samples for the
// drift tests on values and on category counts.
type goldenTestsFile struct {
	KVE      [][2]float64 `json:"kve"`
	BinRules []struct {
		Name, Rule    string
		Rows          int64
		Min, Max, Std float64
		Integer       bool
		Edges         []float64
		// Values and Counts are the sample as counts per value, for the rules that read its
		// shape (doane, fd, auto).
		Values []float64
		Counts []int64
	} `json:"binRules"`
	Numeric []struct {
		Name string `json:"name"`
		ValueCounts
		Expected map[string]*goldenTestResult `json:"expected"`
		Rel      float64                      `json:"rel"`
	} `json:"numeric"`
	Categories []struct {
		Name      string                       `json:"name"`
		Reference []int64                      `json:"reference"`
		Current   []int64                      `json:"current"`
		Expected  map[string]*goldenTestResult `json:"expected"`
	} `json:"categories"`
}

type goldenTestResult struct {
	Statistic *float64 `json:"statistic"`
	PValue    *float64 `json:"pValue"`
	DOF       int      `json:"dof"`
}

func loadGoldenTests(t *testing.T) goldenTestsFile {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "golden", "drift", "tests.json"))
	if err != nil {
		t.Fatalf("golden drift tests: %v (regenerate with scripts/golden/drift_tests.py)", err)
	}
	var f goldenTestsFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("golden drift tests: %v", err)
	}
	if len(f.Numeric) == 0 || len(f.Categories) == 0 {
		t.Fatal("golden drift tests: no cases")
	}
	return f
}

// checkGoldenTest compares a result with scipy's: undefined where scipy's is, else statistic
// and p-value within rel (and abs near 0).
func checkGoldenTest(t *testing.T, res DriftResult, want *goldenTestResult, rel, abs float64) {
	t.Helper()
	if want == nil {
		if res.Score != nil || res.Reason == "" {
			t.Fatalf("want undefined, got score %v (statistic %v)", deref(res.Score), deref(res.Statistic))
		}
		return
	}
	if res.Reason != "" {
		t.Fatalf("undefined (%s), want statistic %v p %v", res.Reason, deref(want.Statistic), deref(want.PValue))
	}
	if err := numbersAgree(res.Statistic, want.Statistic, rel, abs); err != nil {
		t.Errorf("statistic: %v", err)
	}
	if want.PValue != nil {
		if err := numbersAgree(res.PValue, want.PValue, rel, abs); err != nil {
			t.Errorf("p-value: %v", err)
		}
		if res.DOF != want.DOF && want.DOF != 0 {
			t.Errorf("dof %d, want %d", res.DOF, want.DOF)
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestValueTestsEqualScipy(t *testing.T) {
	for _, c := range loadGoldenTests(t).Numeric {
		for _, method := range []string{MethodAnderson, MethodCramerVonMises, MethodMannWhitney, MethodTTest, MethodEppsSingleton, MethodEnergy} {
			t.Run(c.Name+"/"+method, func(t *testing.T) {
				want, ok := c.Expected[method]
				if !ok {
					t.Fatalf("no expectation for %s", method)
				}
				res, err := Drift(method, DriftInput{Numeric: true, Values: &c.ValueCounts}, nil)
				if err != nil {
					t.Fatal(err)
				}
				checkGoldenTest(t, res, want, c.Rel, 1e-12)
			})
		}
	}
}

func TestCountTestsEqualScipy(t *testing.T) {
	for _, c := range loadGoldenTests(t).Categories {
		for _, method := range []string{MethodFisher, MethodGTest, MethodLInf} {
			t.Run(c.Name+"/"+method, func(t *testing.T) {
				res, err := CompareCounts(method, c.Reference, c.Current, DefaultThreshold(method))
				if err != nil {
					t.Fatal(err)
				}
				checkGoldenTest(t, res, c.Expected[method], 1e-9, 1e-12)
			})
		}
	}
}

func TestBesselKQuarterEqualsScipy(t *testing.T) {
	for _, c := range loadGoldenTests(t).KVE {
		if got := besselKQuarterScaled(c[0]); !within(got, c[1], 1e-12, 0) {
			t.Errorf("exp(z) K_1/4(z) at %g: %.17g, scipy %.17g", c[0], got, c[1])
		}
	}
}

// numpy's bin rules from the reference's row count, range and standard deviation draw numpy's
// edges (numpy.histogram_bin_edges with the rule's name).
func TestBinRulesEqualNumpy(t *testing.T) {
	cases := loadGoldenTests(t).BinRules
	if len(cases) < 35 {
		t.Fatalf("%d cases, want the script's 35", len(cases))
	}
	for _, c := range cases {
		st := BinStats{N: float64(c.Rows), PTP: c.Max - c.Min, Std: c.Std, Integer: c.Integer}
		if BinRuleReadsShape(c.Rule) {
			if len(c.Values) == 0 {
				t.Fatalf("%s: no value counts for a rule that reads the shape", c.Name)
			}
			st.Skewness, st.IQR = ShapeOfCounts(c.Values, c.Counts)
		}
		bins, capped := BinsByRule(c.Rule, st)
		edges, err := EqualWidthEdges(c.Min, c.Max, bins)
		if err != nil || capped || len(edges) != len(c.Edges) {
			t.Errorf("%s: %d bins (capped %v), numpy %d, %v", c.Name, bins, capped, len(c.Edges)-1, err)
			continue
		}
		for i := range edges {
			if !within(edges[i], c.Edges[i], 1e-15, 1e-15) {
				t.Errorf("%s: edge %d %v, numpy %v", c.Name, i, edges[i], c.Edges[i])
			}
		}
	}
	if bins, capped := BinsByRule(BinRuleSqrt, BinStats{N: 1e9, PTP: 10, Std: 1}); bins != MaxBins || !capped {
		t.Errorf("the square-root rule on a billion rows: %d bins (capped %v), want the cap %d", bins, capped, MaxBins)
	}
}

// The shape of degenerate references: no value, one value, NaN left out; rules whose width is 0
// draw one bin, as numpy does (doane on two rows, fd on a reference whose middle half is one
// value), integer data included.
func TestBinRulesOnDegenerateShapes(t *testing.T) {
	if s, iqr := ShapeOfCounts(nil, nil); s != 0 || iqr != 0 {
		t.Errorf("no values: skewness %v, IQR %v", s, iqr)
	}
	if s, iqr := ShapeOfCounts([]float64{3, math.NaN()}, []int64{5, 2}); s != 0 || iqr != 0 {
		t.Errorf("one value and NaN: skewness %v, IQR %v", s, iqr)
	}
	// numpy: np.percentile([1,2,2,2,9], [25, 75]) = 2, 2; skewness of the same rows.
	s, iqr := ShapeOfCounts([]float64{9, 1, 2}, []int64{1, 1, 3})
	if iqr != 0 || math.Abs(s-1.431697254637635) > 1e-12 {
		t.Errorf("[1 2 2 2 9]: skewness %.16g, IQR %v", s, iqr)
	}
	for _, c := range []struct {
		rule string
		st   BinStats
	}{
		{BinRuleDoane, BinStats{N: 2, PTP: 3, Std: 1.5}},
		{BinRuleFD, BinStats{N: 5, PTP: 8, Std: 2.8, IQR: 0}},
		{BinRuleFD, BinStats{N: 5, PTP: 8, Std: 2.8, IQR: 0, Integer: true}},
	} {
		if bins, capped := BinsByRule(c.rule, c.st); bins != 1 || capped {
			t.Errorf("%s %+v: %d bins, want numpy's 1", c.rule, c.st, bins)
		}
	}
}
