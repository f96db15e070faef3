package sqlstore_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// Late outcomes share the labels table with late labels: each column's latest value among the
// rows that have one wins. Regression: a row bringing only an outcome, later than a prediction's
// label, hid that label (the latest row won whole and its actual_label was null), and a later
// label row without the outcome hid the late outcome.
func TestLateOutcomesAndLabelsDoNotHideEachOther(t *testing.T) {
	db := writeCSV(t, "outcomes", "prediction_id,ts,model,model_version,predicted_label,actual_label,clicked\n"+
		"p1,2026-03-01T01:00:00Z,m,A,yes,,false\n"+
		"p2,2026-03-01T02:00:00Z,m,A,no,,true\n"+
		"p3,2026-03-01T03:00:00Z,m,A,yes,,true\n"+
		"p4,2026-03-01T04:00:00Z,m,A,no,,\n")
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE labels (prediction_id VARCHAR, actual_label VARCHAR, labeled_at TIMESTAMP, clicked BOOLEAN)`,
		`INSERT INTO labels VALUES
			('p1', 'yes', '2026-03-01 05:00:00', NULL),
			('p1', NULL,  '2026-03-01 07:00:00', true),
			('p2', NULL,  '2026-03-01 05:00:00', false),
			('p2', 'no',  '2026-03-01 07:00:00', NULL),
			('p4', NULL,  '2026-03-01 05:00:00', true),
			('p4', NULL,  '2026-03-01 08:00:00', false)`,
	} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.RebuildRollups(context.Background(), "labels"); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	for _, declared := range []bool{true, false} {
		st := openStore(t, db)
		if declared {
			if err := st.WithOutcomes([]string{"clicked"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.WithLabels("labels"); err != nil {
			t.Fatal(err)
		}
		eng := &engine.Engine{Store: st}
		cov := runNumbers(t, eng, `{"schemaVersion":1,"queryType":"coverage","model":"m","format":"numeric","metrics":["labeled_rows"]}`)
		if cov["labeled_rows"] == nil || *cov["labeled_rows"] != 2 {
			t.Errorf("declared %v: labeled_rows %v, want 2 (p1 and p2 keep their late labels)", declared, deref(cov["labeled_rows"]))
		}
		// With rollups on, the feature rollup answers the logged values; the late ones only the
		// rows, which the answer says (the rollups hold the prediction table's values, whoever
		// built them).
		for _, rollups := range []bool{false, true} {
			eng := &engine.Engine{Store: st, Rollups: rollups}
			js := `{"schemaVersion":1,"queryType":"outcome","model":"m","format":"numeric","outcome":"clicked","metrics":["count","sum","rate","coverage"]}`
			out := runNumbers(t, eng, js)
			// Declared: p1 true (late), p2 false (late), p3 true (logged), p4 false (the latest late).
			// Not declared: the logged values only, p1 false, p2 true, p3 true, p4 none.
			want := map[string]float64{"count": 4, "sum": 2, "rate": 0.5, "coverage": 1}
			if !declared {
				want = map[string]float64{"count": 3, "sum": 2, "rate": 2.0 / 3, "coverage": 0.75}
			}
			for name, v := range want {
				if out[name] == nil || *out[name] != v {
					t.Errorf("declared %v, rollups %v: %s %v, want %v", declared, rollups, name, deref(out[name]), v)
				}
			}
			if !rollups {
				continue
			}
			custom := runFrames(t, eng, js)[0].Meta.Custom.(map[string]any)
			raw, _ := custom["rawFeatures"].([]string)
			switch {
			case declared && (custom["source"] != engine.SourceRaw || !slices.Equal(raw, []string{"clicked"})):
				t.Errorf("declared: source %v, rawFeatures %v; want raw, [clicked]: its late values are only in the rows", custom["source"], raw)
			case !declared && (custom["source"] != engine.SourceRollup || raw != nil):
				t.Errorf("not declared: source %v, rawFeatures %v; want the rollups, none", custom["source"], raw)
			}
		}
	}
}
