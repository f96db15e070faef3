package metrics

import "testing"

// Golden cases from scripts/golden/nannyml_drift.py: NannyML 0.13.1's univariate methods fitted
// on the reference and calculated on the current sample. With definitions "nannyml"
// jensenshannon and hellinger give NannyML's distances as the score; ks, wasserstein, chisquare
// and linf give NannyML's values (its KS D, raw W1, chi2 statistic, L-infinity) under any
// definitions.
func TestNannyMLDefinitionsEqualNannyML(t *testing.T) {
	var golden struct {
		Cases []struct {
			peerSamples
			Expected map[string]struct {
				NannyML string
				Output  string
				Value   *float64
			}
		}
	}
	readPeerGolden(t, "nannyml", "nannyml_drift.py", &golden)
	compared := 0
	for _, c := range golden.Cases {
		in := c.input()
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
