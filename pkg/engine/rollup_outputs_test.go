package engine_test

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// outputHours writes four hours of a model's outputs dense enough to be rolled up per cell:
// per hour and version more distinct scores and predicted values than store.FeatureRollupCap,
// two predicted labels, and an input x with 50 values. The scores move up hour by hour (the
// drift a monitor should see).
func outputHours(t *testing.T) (string, time.Time) {
	t.Helper()
	x := store.Column{Name: "x", Kind: store.KindDouble, Role: store.RoleFeature}
	return writeDenseHours(t, []store.Column{x}, func(i, hour int, set func(string, driver.Value)) {
		score := math.Mod(float64(i)*0.6180339887, 1)*0.9 + 0.03*float64(hour) // distinct, in (0, 0.99)
		set(store.ColScore, score)
		set(store.ColPredictedValue, 1000*score-400)
		set(store.ColPredictedLabel, map[bool]string{true: "yes", false: "no"}[score >= 0.5])
		set("x", float64(i%50))
		if i%31 == 0 { // a few rows without outputs
			set(store.ColScore, nil)
			set(store.ColPredictedValue, nil)
			set(store.ColPredictedLabel, nil)
		}
	})
}

// denseHoursPerHour is writeDenseHours' rows per hour: more than store.FeatureRollupCap per
// version, so that a continuous column is rolled up per cell.
const denseHoursPerHour = 2*store.FeatureRollupCap + 300

// writeDenseHours writes, through the loader, four hours from 2026-03-02T10:00Z of model m's
// predictions, denseHoursPerHour an hour evenly spread, versions A and B alternating, with the
// base columns and extra ones, which fill sets (by name) for row i of the given hour. It returns
// the store's path and the first hour.
func writeDenseHours(t *testing.T, extra []store.Column, fill func(i, hour int, set func(string, driver.Value))) (string, time.Time) {
	t.Helper()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	n := 4 * denseHoursPerHour
	cols := append(append([]store.Column{}, store.BaseColumns...), extra...)
	rows := make([][]driver.Value, n)
	for i := range rows {
		row := make([]driver.Value, len(cols))
		set := func(name string, v driver.Value) {
			row[slices.IndexFunc(cols, func(c store.Column) bool { return c.Name == name })] = v
		}
		set(store.ColPredictionID, fmt.Sprintf("p%d", i))
		set(store.ColTS, start.Add(time.Duration(i)*4*time.Hour/time.Duration(n)))
		set(store.ColModel, "m")
		set(store.ColModelVersion, []string{"A", "B"}[i%2])
		fill(i, i/denseHoursPerHour, set)
		rows[i] = row
	}
	db := filepath.Join(t.TempDir(), "dense.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	loadRows(t, w, cols, rows)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return db, start
}

// outputQueries are quality and drift of the model outputs (over outputHours' second and
// third hours, or so) against its first hour: the classification dashboard's score spread
// panel, quality of every output per hour, and drift by the methods that read cells (ks,
// wasserstein) and of the label. (out_of_range_share is left out: the cells holding the
// reference's least and greatest score straddle the range's ends, so the rows count it, as for
// any input rolled up per cell.)
func outputQueries(start time.Time) []string {
	ref := `"reference":{"type":"range","from":"` + start.Format(time.RFC3339) + `","to":"` + start.Add(time.Hour).Format(time.RFC3339) + `"}`
	head := `{"schemaVersion":1,"model":"m",`
	return []string{
		head + `"queryType":"quality","features":["score"],"metrics":["std_ratio","mean_shift","mean","std"],"format":"numeric",` + ref + `}`,
		head + `"queryType":"quality","features":["score","predicted_value","predicted_label","x"],"metrics":["rows","missing_share","new_category_share","mean","std","min","max","std_ratio","mean_shift"],"interval":"1h",` + ref + `}`,
		head + `"queryType":"drift","features":["score","predicted_value"],"method":"ks","format":"numeric",` + ref + `}`,
		head + `"queryType":"drift","features":["score"],"method":"wasserstein","interval":"1h",` + ref + `}`,
		head + `"queryType":"drift","features":["predicted_label","x"],"method":"chisquare","format":"numeric",` + ref + `}`,
	}
}

// The model outputs are rolled up beside the inputs (rollups format 6): the score's spread
// against a reference window, quality of every output and drift of the label answer from the
// feature rollup (per value or per cell) with the raw rows' numbers, reading no raw row over
// whole hours and only the partial hours at a ragged range's ends. Drift of the score by ks and
// wasserstein reads its cells too (their bound against the rows is TestDriftFromFeatureCells').
func TestModelOutputsAnswerFromTheFeatureRollup(t *testing.T) {
	db, start := outputHours(t)
	st := openStore(t, db)
	whole := query.Window{From: start.Add(time.Hour), To: start.Add(3 * time.Hour)}
	ragged := query.Window{From: whole.From.Add(17 * time.Minute), To: whole.To.Add(23 * time.Minute)}
	for _, js := range outputQueries(start) {
		for _, w := range []query.Window{whole, ragged} {
			var raw any
			if strings.Contains(js, `"drift"`) && !strings.Contains(js, "chisquare") {
				cs := &pathCounter{Store: st}
				fs := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
				if got := sourceOf(t, fs); got != engine.SourceRollup {
					t.Fatalf("%s: source %q", js, got)
				}
				raw = fs[0].Meta.Custom.(map[string]any)["rawFeatures"]
				if w == whole && cs.raw.Load() != 0 {
					t.Errorf("%s over whole hours: %d raw reads", js, cs.raw.Load())
				}
			} else {
				fs := compareFeatureSources(t, st, js, w, engine.SourceRollup)
				raw = fs[0].Meta.Custom.(map[string]any)["rawFeatures"]
			}
			if raw != nil {
				t.Errorf("%s over %v: meta.custom.rawFeatures %v: the outputs were read from raw rows", js, w, raw)
			}
		}
	}
}

// Rollups built before the outputs were rolled up (format 5) answer the inputs from the feature
// rollup and the outputs from raw rows, saying so, with the same numbers; a rebuild rolls the
// outputs up and they answer from it.
func TestModelOutputsOnFormat5RollupsReadRawRows(t *testing.T) {
	db, start := outputHours(t)
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`DELETE FROM predictions_rollup_1h_features WHERE feature IN ('score', 'predicted_value', 'predicted_label')`,
		`UPDATE predictions_rollup_meta SET format = 5`,
	} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	w := query.Window{From: start.Add(time.Hour), To: start.Add(3 * time.Hour)}
	js := outputQueries(start)[1]
	check := func(want []string) {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close() // before the rebuild below opens the file to write
		fs := compareFeatureSources(t, st, js, w, engine.SourceRollup)
		custom := fs[0].Meta.Custom.(map[string]any)
		raw, _ := custom["rawFeatures"].([]string)
		if !slices.Equal(raw, want) {
			t.Errorf("meta.custom.rawFeatures %v, want %v", raw, want)
		}
		if reason, _ := custom["rawFeaturesReason"].(string); len(want) > 0 && !strings.Contains(reason, "format 6") {
			t.Errorf("rawFeaturesReason %q does not say that rollups before format 6 lack the outputs", reason)
		}
	}
	check([]string{"score", "predicted_value", "predicted_label"})
	rebuildRollups(t, db)
	check(nil)
}
