package plugin_test

import (
	"math"
	"testing"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

// nulls "category" makes the rows without a value one more bucket of the binned methods: a
// category and a whole-number feature with more missing values in the current day, end to end
// through the loader and QueryData, equal to scipy's chi-square and Jensen-Shannon on the table
// with (and, with "drop", without) a null column (scripts/golden/drift_tests.py).
func TestNullsAsACategoryThroughQueryData(t *testing.T) {
	db := loadCSV(t, "../../testdata/golden/drift/nulls.csv")
	ds := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable}, plugin.OpenStore)
	t.Cleanup(ds.Dispose)
	var golden struct {
		Nulls []struct {
			Feature, Nulls, Method string
			Score                  float64
			Query                  map[string]any
		}
	}
	readJSON(t, "../../testdata/golden/drift/tests.json", &golden)
	if len(golden.Nulls) != 8 {
		t.Fatalf("%d nulls cases, want 8", len(golden.Nulls))
	}
	for _, c := range golden.Nulls {
		f := runDrift(t, ds, c.Query)
		score, _ := f.FieldByName("score")
		got := score.At(0).(*float64)
		if got == nil || math.Abs(*got-c.Score) > 1e-9*math.Max(1, c.Score)+1e-15 {
			t.Errorf("%s %s nulls %s: score %v, scipy %v", c.Feature, c.Method, c.Nulls, deref(got), c.Score)
		}
	}
}
