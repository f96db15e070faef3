package metrics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Golden cases from scripts/golden/evidently_drift.py: Evidently 0.7.23's own stat tests on the
// raw samples. With definitions "evidently" every method gives Evidently's score, threshold and
// verdict on the counts.
func TestEvidentlyDefinitionsEqualEvidently(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "golden", "evidently", "cases.json"))
	if err != nil {
		t.Fatalf("%v (regenerate with scripts/golden/evidently_drift.py)", err)
	}
	var golden struct {
		Cases []struct {
			Name      string
			Numeric   bool
			Values    []float64
			Labels    []string
			Reference []int64
			Current   []int64
			Expected  map[string]struct {
				Evidently string
				Score     *float64
				Drifted   bool
				Threshold float64
				Refused   string
			}
		}
	}
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, c := range golden.Cases {
		in := DriftInput{Numeric: c.Numeric}
		if c.Numeric {
			in.Values = &ValueCounts{Values: c.Values, Reference: c.Reference, Current: c.Current}
		} else {
			in.Categories = &Categories{Labels: c.Labels, Reference: c.Reference, Current: c.Current}
		}
		for method, want := range c.Expected {
			if want.Refused != "" {
				continue // Evidently answers nothing here (see the script)
			}
			t.Run(c.Name+"/"+method, func(t *testing.T) {
				compared++
				res, err := DriftWith(method, in, nil, DefinitionsEvidently)
				if err != nil {
					t.Fatal(err)
				}
				if err := numbersAgree(res.Score, want.Score, 1e-9, 1e-12); err != nil {
					t.Errorf("%s (Evidently's %s) score: %v", method, want.Evidently, err)
				}
				if res.Drifted != want.Drifted || res.Threshold != want.Threshold {
					t.Errorf("%s: drifted %v at threshold %v, Evidently's %s: %v at %v", method, res.Drifted, res.Threshold, want.Evidently, want.Drifted, want.Threshold)
				}
			})
		}
	}
	if compared < 100 {
		t.Fatalf("compared %d results, want the script's 100 or more", compared)
	}
}

// Evidently's bins of a number are drawn over both windows' values: without the value counts
// (a window with more distinct values than the store counts one by one) the result is
// undefined and says what to do, rather than a number on other bins.
func TestEvidentlyBinsOfNumbersNeedTheValues(t *testing.T) {
	h := Histogram{Edges: []float64{0, 1, 2}, Reference: []int64{0, 50, 50, 0}, Current: []int64{3, 40, 50, 7}}
	for _, method := range []string{MethodPSI, MethodKL, MethodJensenShannon, MethodHellinger} {
		res, err := DriftWith(method, DriftInput{Numeric: true, Bins: &h}, nil, DefinitionsEvidently)
		if err != nil || res.Score != nil || !strings.Contains(res.Reason, `definitions "modelwatch"`) || res.ReferenceCount != 100 || res.CurrentCount != 100 {
			t.Errorf("%s: %+v, %v", method, res, err)
		}
		if res, _ := DriftWith(method, DriftInput{Numeric: true, Bins: &h}, nil, DefinitionsModelwatch); res.Score == nil {
			t.Errorf("%s with this project's definitions: %+v", method, res)
		}
	}
}
