package metrics

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Golden cases from scripts/golden/drift.py (scipy, numpy and Evidently's formulas); see that
// script for how each expectation is computed.
type goldenDriftFile struct {
	Versions       map[string]string `json:"versions"`
	Cases          []goldenDriftCase `json:"cases"`
	Kolmogorov     [][3]float64      `json:"kolmogorov"`     // n, x, kstwo.sf(x, n)
	ExactTwoSample [][4]float64      `json:"exactTwoSample"` // n1, n2, h, p
}

type goldenDriftCase struct {
	Name    string       `json:"name"`
	Numeric bool         `json:"numeric"`
	Values  *ValueCounts `json:"values"`
	Bins    *struct {
		Histogram
		ReferenceMin float64 `json:"referenceMin"`
		ReferenceMax float64 `json:"referenceMax"`
		Bins         int     `json:"bins"`
	} `json:"bins"`
	Categories *Categories                `json:"categories"`
	Expected   map[string]json.RawMessage `json:"expected"`
}

type goldenTest struct {
	Statistic float64  `json:"statistic"`
	PValue    *float64 `json:"pValue"`
	DOF       int      `json:"dof"`
	PMethod   string   `json:"pMethod"`
}

func loadGoldenDrift(t *testing.T) goldenDriftFile {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "golden", "drift", "cases.json"))
	if err != nil {
		t.Fatalf("golden drift cases: %v (regenerate with scripts/golden/drift.py)", err)
	}
	var f goldenDriftFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("golden drift cases: %v", err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("golden drift cases: none")
	}
	return f
}

// within reports whether got is within rel (relative) of want, or within abs for values near 0
// where a relative bound is meaningless (sums in a different order differ by ~1e-16).
func within(got, want, rel, abs float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)+abs
}

func (c goldenDriftCase) input() DriftInput {
	in := DriftInput{Numeric: c.Numeric, Values: c.Values, Categories: c.Categories}
	if c.Bins != nil {
		h := c.Bins.Histogram
		in.Bins = &h
	}
	return in
}

func TestDriftGolden(t *testing.T) {
	f := loadGoldenDrift(t)
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if c.Numeric && c.Bins != nil {
				edges, err := EqualWidthEdges(c.Bins.ReferenceMin, c.Bins.ReferenceMax, c.Bins.Bins)
				if err != nil {
					t.Fatal(err)
				}
				if len(edges) != len(c.Bins.Edges) {
					t.Fatalf("edges: got %v, want %v", edges, c.Bins.Edges)
				}
				for i := range edges {
					if edges[i] != c.Bins.Edges[i] {
						t.Errorf("edge %d: got %v, want numpy's %v", i, edges[i], c.Bins.Edges[i])
					}
				}
			}
			for method, raw := range c.Expected {
				switch method {
				case "auto", "unseenShare":
					continue
				}
				t.Run(method, func(t *testing.T) { checkGoldenMethod(t, c, method, raw) })
			}
			checkGoldenAuto(t, c)
			if want, ok := c.Expected["unseenShare"]; ok {
				var share *float64
				mustDecodeGolden(t, want, &share)
				got := c.Categories.UnseenShare()
				if (got == nil) != (share == nil) || (got != nil && !within(*got, *share, 1e-12, 0)) {
					t.Errorf("unseen share: got %v, want %v", valueOrNaN(got), valueOrNaN(share))
				}
			}
		})
	}
}

func checkGoldenMethod(t *testing.T, c goldenDriftCase, method string, raw json.RawMessage) {
	var r DriftResult
	var err error
	switch method {
	case MethodKS:
		r, err = KS(*c.Values, DefaultPValueThreshold)
	case MethodWasserstein:
		r, err = Wasserstein(*c.Values, DefaultDistanceThreshold)
	default:
		if c.Numeric {
			r, err = CompareCounts(method, c.Bins.Reference, c.Bins.Current, DefaultThreshold(method))
		} else {
			// Through Drift, which orders the categories by label as Evidently does.
			r, err = Drift(method, c.input(), nil)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) == "null" {
		if r.Score != nil || r.Drifted || r.Reason == "" {
			t.Fatalf("want undefined (nil score, not drifted, a reason), got %+v", r)
		}
		return
	}
	if r.Score == nil && method != MethodWasserstein {
		t.Fatalf("undefined score: %s", r.Reason)
	}
	switch method {
	case MethodKS:
		var want goldenTest
		mustDecodeGolden(t, raw, &want)
		// The design's bound is 0.005; with exact value counts D is exact.
		if !within(*r.Statistic, want.Statistic, 0, 1e-12) {
			t.Errorf("D: got %v, want %v", *r.Statistic, want.Statistic)
		}
		// 1e-3 absolute is the design's bound; the exact and asymptotic methods are the
		// ones scipy runs, so the p-values agree far closer (relative 1e-6 covers tiny ones).
		if !within(*r.PValue, *want.PValue, 1e-6, 1e-9) {
			t.Errorf("p-value (%s): got %v, want %v", want.PMethod, *r.PValue, *want.PValue)
		}
	case MethodWasserstein:
		var want struct {
			Statistic    float64  `json:"statistic"`
			ReferenceStd float64  `json:"referenceStd"`
			Score        *float64 `json:"score"`
		}
		mustDecodeGolden(t, raw, &want)
		if !within(*r.Statistic, want.Statistic, 1e-9, 1e-12) {
			t.Errorf("W1: got %v, want %v", *r.Statistic, want.Statistic)
		}
		if want.Score == nil {
			if r.Score != nil {
				t.Errorf("score: got %v, want undefined", *r.Score)
			}
		} else if r.Score == nil || !within(*r.Score, *want.Score, 1e-9, 1e-12) {
			t.Errorf("score: got %v, want %v", valueOrNaN(r.Score), *want.Score)
		}
	case MethodChiSquare, MethodZ:
		var want goldenTest
		mustDecodeGolden(t, raw, &want)
		if !within(*r.Statistic, want.Statistic, 1e-9, 1e-12) {
			t.Errorf("statistic: got %v, want %v", *r.Statistic, want.Statistic)
		}
		if !within(*r.PValue, *want.PValue, 1e-9, 1e-15) {
			t.Errorf("p-value: got %v, want %v", *r.PValue, *want.PValue)
		}
		if method == MethodChiSquare && r.DOF != want.DOF {
			t.Errorf("dof: got %d, want %d", r.DOF, want.DOF)
		}
	default:
		var want float64
		mustDecodeGolden(t, raw, &want)
		if !within(*r.Statistic, want, 1e-9, 1e-12) || *r.Score != *r.Statistic {
			t.Errorf("got statistic %v score %v, want %v", *r.Statistic, *r.Score, want)
		}
	}
}

// checkGoldenAuto checks that auto picks Evidently's method and answers as that method does.
func checkGoldenAuto(t *testing.T, c goldenDriftCase) {
	var want string
	mustDecodeGolden(t, c.Expected["auto"], &want)
	got, err := Drift(MethodAuto, c.input(), nil)
	if err != nil {
		t.Fatalf("auto: %v", err)
	}
	if got.Method != want {
		t.Fatalf("auto picked %s, want %s", got.Method, want)
	}
	direct, err := Drift(want, c.input(), nil)
	if err != nil {
		t.Fatalf("%s: %v", want, err)
	}
	if (got.Score == nil) != (direct.Score == nil) || (got.Score != nil && *got.Score != *direct.Score) || got.Drifted != direct.Drifted {
		t.Errorf("auto answered %+v, %s directly %+v", got, want, direct)
	}
}

func TestKolmogorovSFGolden(t *testing.T) {
	f := loadGoldenDrift(t)
	for _, row := range f.Kolmogorov {
		n, x, want := int64(row[0]), row[1], row[2]
		got := kolmogorovSF(n, x)
		if !within(got, want, 1e-9, 1e-14) {
			t.Errorf("kstwo.sf(%v, %d): got %v, want %v", x, n, got, want)
		}
	}
}

func TestExactTwoSampleGolden(t *testing.T) {
	f := loadGoldenDrift(t)
	for _, row := range f.ExactTwoSample {
		n1, n2, h, want := int64(row[0]), int64(row[1]), int64(row[2]), row[3]
		g := gcd64(n1, n2)
		got := ksTwoSampleP(n1, n2, float64(h)/float64(n1/g*n2), h)
		if !within(got, want, 1e-9, 1e-14) {
			t.Errorf("exact p(n1=%d, n2=%d, h=%d): got %v, want %v", n1, n2, h, got, want)
		}
	}
}

func mustDecodeGolden(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("golden value %s: %v", raw, err)
	}
}

func valueOrNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
