package plugin_test

import (
	"math"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

// multivariateCase is one case of the multivariate golden file: the query, the window it runs
// over and NannyML's outputs per daily chunk.
type multivariateCase struct {
	Name     string
	Query    map[string]any
	Kept     int
	From, To time.Time
	Days     []map[string]any // "start", then each output
}

// multivariateTolerance is the largest difference from NannyML 0.13.1 accepted: the same
// arithmetic in another order (sums in the store instead of numpy's pairwise sums, the
// eigenvectors of the correlation matrix instead of an SVD of the rows).
const multivariateTolerance = 1e-12

// Multivariate drift end to end: the golden CSV through the loader, each case's query through
// QueryData, every output on every day against NannyML's DataReconstructionDriftCalculator on
// the same rows (scripts/golden/nannyml_reconstruction.py): numbers with missing values, a whole
// number column, a text category with missing values and a boolean; a share of the variance
// and a count of components; the analysis days, where a correlation breaks on day 8, and the
// reference days themselves.
func TestMultivariateEqualsNannyMLThroughQueryData(t *testing.T) {
	db := loadCSV(t, "../../testdata/golden/multivariate/predictions.csv")
	ds := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable}, plugin.OpenStore)
	t.Cleanup(ds.Dispose)
	var golden struct{ Cases []multivariateCase }
	readJSON(t, "../../testdata/golden/multivariate/cases.json", &golden)
	if len(golden.Cases) != 4 {
		t.Fatalf("%d golden cases, want the script's 4", len(golden.Cases))
	}
	for _, c := range golden.Cases {
		t.Run(c.Name, func(t *testing.T) {
			fs := runRange(t, ds, c.Query, c.From, c.To, 24*time.Hour)
			custom := fs[0].Meta.Custom.(map[string]any)
			if custom["kind"] != "multivariate" || custom["components"] != c.Kept {
				t.Fatalf("meta.custom %v: want kind multivariate and NannyML's %d components", custom, c.Kept)
			}
			got := map[string][]*float64{}
			for _, f := range fs {
				v := f.Fields[1]
				got[v.Name] = floats(v)
				if v.Len() != len(c.Days) {
					t.Fatalf("%s: %d buckets, want %d", v.Name, v.Len(), len(c.Days))
				}
			}
			compared, largest, alerts := 0, map[string]float64{}, 0
			for d, day := range c.Days {
				for output, want := range day {
					if output == "start" {
						continue
					}
					values, ok := got[output]
					if !ok {
						t.Fatalf("no series %s", output)
					}
					g := values[d]
					if want == nil || g == nil {
						if (want == nil) != (g == nil) {
							t.Errorf("day %s %s: %v, NannyML's %v", day["start"], output, g, want)
						}
						continue
					}
					diff := math.Abs(*g - want.(float64))
					largest[output] = math.Max(largest[output], diff)
					if diff > multivariateTolerance {
						t.Errorf("day %s %s: %.12g, NannyML's %.12g (off by %.2g)", day["start"], output, *g, want, diff)
					}
					if output == "drifted" && *g == 1 {
						alerts++
					}
					compared++
				}
			}
			if compared < 6*len(c.Days) {
				t.Fatalf("compared %d values, want at least %d", compared, 6*len(c.Days))
			}
			t.Logf("%d values, %d drifted days; largest differences %v", compared, alerts, largest)
		})
	}
}
