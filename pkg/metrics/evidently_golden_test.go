package metrics

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// peerSamples are two samples as the peers' golden scripts write them: counts per distinct value
// of a number, or per category.
type peerSamples struct {
	Name      string
	Numeric   bool
	Values    []float64
	Labels    []string
	Reference []int64
	Current   []int64
}

// input lays the samples out as the drift methods read them.
func (p peerSamples) input() DriftInput {
	if p.Numeric {
		return DriftInput{Numeric: true, Values: &ValueCounts{Values: p.Values, Reference: p.Reference, Current: p.Current}}
	}
	return DriftInput{Categories: &Categories{Labels: p.Labels, Reference: p.Reference, Current: p.Current}}
}

// readPeerGolden reads one peer's golden file (testdata/golden/<peer>/cases.json).
func readPeerGolden(t *testing.T, peer, script string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "golden", peer, "cases.json"))
	if err != nil {
		t.Fatalf("%v (regenerate with scripts/golden/%s)", err, script)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// Golden cases from scripts/golden/evidently_drift.py: Evidently 0.7.23's own stat tests on the
// raw samples. With definitions "evidently" every method gives Evidently's score, threshold and
// verdict on the counts.
func TestEvidentlyDefinitionsEqualEvidently(t *testing.T) {
	var golden struct {
		Cases []struct {
			peerSamples
			Expected map[string]struct {
				Evidently string
				Score     *float64
				Drifted   bool
				Threshold float64
				Refused   string
				Statistic *float64 // the MMD, beside its p-value
			}
		}
	}
	readPeerGolden(t, "evidently", "evidently_drift.py", &golden)
	compared := 0
	for _, c := range golden.Cases {
		in := c.input()
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
				if slack := PermutationSlack(method, *want.Score); slack > 0 { // within the draws' error of Evidently's
					if res.Score == nil || math.Abs(*res.Score-*want.Score) > slack || res.Threshold != want.Threshold ||
						(math.Abs(*want.Score-want.Threshold) > slack && res.Drifted != want.Drifted) {
						t.Errorf("%s: %+v, Evidently's p-value %v (drifted %v), allowed %v apart", method, res, *want.Score, want.Drifted, slack)
					}
					if want.Statistic != nil { // the MMD itself is not drawn: Evidently's within rounding (or the cells' error)
						tol := 1e-12
						if res.Approximation != nil {
							tol = mmdCellTolerance
						}
						if err := numbersAgree(res.Statistic, want.Statistic, tol, tol); err != nil {
							t.Errorf("%s statistic: %v (approximation %+v)", method, err, res.Approximation)
						} else {
							t.Logf("statistic %.15g, Evidently's %.15g; p-value %v, Evidently's %v", *res.Statistic, *want.Statistic, *res.Score, *want.Score)
						}
					}
					return
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

// mmdCellTolerance is how far the MMD read from MMDMaxValues cells (a sample with more distinct
// values) may lie from Evidently's on every value: each value moves by less than half a cell.
const mmdCellTolerance = 1e-4
