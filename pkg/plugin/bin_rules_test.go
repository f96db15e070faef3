package plugin_test

import (
	"math"
	"testing"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

// A drift histogram with bins named by one of numpy's rules draws numpy's edges on the
// reference (scripts/golden/drift_tests.py: numpy.histogram_bin_edges of the reference rows the
// query selects from the families CSV), end to end through the loader and QueryData.
func TestBinRulesDrawNumpysEdgesThroughQueryData(t *testing.T) {
	db := loadCSV(t, "../../testdata/golden/families/predictions.csv")
	ds := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable}, plugin.OpenStore)
	t.Cleanup(ds.Dispose)
	var golden struct {
		BinRuleQueries []struct {
			Rule  string
			Edges []float64
			Query map[string]any
		}
	}
	readJSON(t, "../../testdata/golden/drift/tests.json", &golden)
	if len(golden.BinRuleQueries) != 7 {
		t.Fatalf("%d bin rule queries, want 7", len(golden.BinRuleQueries))
	}
	for _, c := range golden.BinRuleQueries {
		f := runDriftFrames(t, ds, c.Query)[0] // version A's histogram on the pooled reference
		lower, _ := f.FieldByName("lower")
		upper, _ := f.FieldByName("upper")
		if lower == nil || upper == nil || f.Rows() != len(c.Edges)+1 {
			t.Fatalf("%s: %d rows, want %d bins with underflow and overflow", c.Rule, f.Rows(), len(c.Edges)+1)
		}
		// Rows: underflow (upper = edges[0]), the bins, overflow (lower = edges[k]).
		for i := 1; i < f.Rows()-1; i++ {
			lo, hi := lower.At(i).(*float64), upper.At(i).(*float64)
			if lo == nil || hi == nil || math.Abs(*lo-c.Edges[i-1]) > 1e-12 || math.Abs(*hi-c.Edges[i]) > 1e-12 {
				t.Errorf("%s bin %d: [%v, %v], numpy [%v, %v]", c.Rule, i, lo, hi, c.Edges[i-1], c.Edges[i])
			}
		}
	}
}
