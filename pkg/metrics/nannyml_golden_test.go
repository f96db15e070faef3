package metrics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Golden cases from scripts/golden/nannyml_drift.py: NannyML 0.13.1's univariate methods fitted
// on the reference and calculated on the current sample. With definitions "nannyml"
// jensenshannon and hellinger give NannyML's distances as the score; ks, wasserstein, chisquare
// and linf give NannyML's values (its KS D, raw W1, chi2 statistic, L-infinity) under any
// definitions.
func TestNannyMLDefinitionsEqualNannyML(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "golden", "nannyml", "cases.json"))
	if err != nil {
		t.Fatalf("%v (regenerate with scripts/golden/nannyml_drift.py)", err)
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
				NannyML string
				Output  string
				Value   *float64
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
			t.Run(c.Name+"/"+method, func(t *testing.T) {
				compared++
				res, err := DriftWith(method, in, nil, DefinitionsNannyML)
				if err != nil {
					t.Fatal(err)
				}
				got := res.Score
				if want.Output == "statistic" {
					got = res.Statistic
				}
				if err := numbersAgree(got, want.Value, 1e-9, 1e-12); err != nil {
					t.Errorf("%s (NannyML's %s) %s: %v", method, want.NannyML, want.Output, err)
				}
			})
		}
	}
	if compared < 32 {
		t.Fatalf("compared %d results, want the script's 32", compared)
	}
}
