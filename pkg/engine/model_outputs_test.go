package engine_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// Quality and drift of the model outputs (score, predicted_label of the churn classifier,
// predicted_value of the basket forecaster) on the demo store give the same numbers from raw
// rows and with rollups on, where the outputs are read from the feature rollup beside the inputs
// (rollups format 6; before, from the rows). Before outputs were accepted, every one of these
// queries failed with "score is not a feature column".
func TestModelOutputsMatchRawRowsWithRollupsOnTheDemoStore(t *testing.T) {
	st, _ := openDemo(t)
	last3d := query.Window{From: demoEnd.Add(-72 * time.Hour), To: demoEnd}
	ragged := query.Window{From: last3d.From.Add(-17 * time.Minute), To: last3d.To.Add(-41 * time.Minute)}
	churn := `"model":"` + demo.ChurnModel + `"`
	basket := `"model":"` + demo.BasketModel + `"`
	shift7 := `"reference":{"type":"shift","shift":"7d"}`
	shifts := `"metrics":["rows","missing_share","out_of_range_share","new_category_share","mean","std","std_ratio","mean_shift"]`
	queries := []string{
		`{"schemaVersion":1,"queryType":"quality",` + churn + `,"features":["age","score","predicted_label"],` + shifts + `,"format":"numeric",` + shift7 + `}`,
		`{"schemaVersion":1,"queryType":"quality",` + churn + `,"features":["score","plan"],` + shifts + `,"interval":"12h",` + shift7 + `}`,
		`{"schemaVersion":1,"queryType":"quality",` + churn + `,"features":["score"],` + shifts + `,"format":"numeric",` + shift7 + `}`,
		`{"schemaVersion":1,"queryType":"quality",` + basket + `,"features":["predicted_value","age"],` + shifts + `,"format":"numeric",` + shift7 + `}`,
		`{"schemaVersion":1,"queryType":"drift",` + churn + `,"features":["score","age"],"format":"histogram",` + shift7 + `}`,
		`{"schemaVersion":1,"queryType":"drift",` + churn + `,"features":["predicted_label","plan"],"method":"chisquare","format":"numeric",` + shift7 + `}`,
		`{"schemaVersion":1,"queryType":"drift",` + basket + `,"features":["predicted_value","age"],"method":"psi","interval":"1d",` + shift7 + `}`,
		`{"schemaVersion":1,"queryType":"drift",` + basket + `,"features":["age","predicted_value"],"format":"histogram","bins":8,` + shift7 + `}`,
	}
	for _, m := range metrics.DriftMethods {
		queries = append(queries, `{"schemaVersion":1,"queryType":"drift",`+churn+`,"features":["score","tenure_months"],"method":"`+m+`","format":"numeric",`+shift7+`}`)
	}
	for _, js := range queries {
		for _, w := range []query.Window{last3d, ragged} {
			// compareFeatureSources also requires no raw read over whole hours.
			fs := compareFeatureSources(t, st, js, w, engine.SourceRollup)
			if raw, has := fs[0].Meta.Custom.(map[string]any)["rawFeatures"]; has {
				t.Errorf("%s: meta.custom.rawFeatures %v: outputs read from the rows", js, raw)
			}
		}
	}
}

// The churn champion's scores on the demo: std_ratio and mean_shift are numbers for the score
// and null for the label (a category has no spread).
func TestStdRatioAndMeanShiftOfTheDemoScores(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-72 * time.Hour), To: demoEnd}
	fs := runRollupQuery(t, &engine.Engine{Store: st}, `{"schemaVersion":1,"queryType":"quality","model":"`+demo.ChurnModel+
		`","versions":["A"],"features":["score","predicted_label"],"metrics":["std_ratio","mean_shift"],"format":"numeric","reference":{"type":"shift","shift":"7d"}}`, w)
	f := fs[0]
	feature, _ := f.FieldByName("feature")
	ratio, _ := f.FieldByName("std_ratio")
	shift, _ := f.FieldByName("mean_shift")
	if feature == nil || ratio == nil || shift == nil || f.Rows() != 2 {
		t.Fatalf("want feature, std_ratio and mean_shift for 2 features, got %d rows of %v", f.Rows(), f.Fields)
	}
	for i := range f.Rows() {
		r, s := ratio.At(i).(*float64), shift.At(i).(*float64)
		switch feature.At(i).(string) {
		case "score":
			if r == nil || s == nil || *r <= 0 {
				t.Errorf("score: std_ratio %v, mean_shift %v: want numbers, the ratio positive", deref(r), deref(s))
			}
		case "predicted_label":
			if r != nil || s != nil {
				t.Errorf("predicted_label: std_ratio %v, mean_shift %v: want null", deref(r), deref(s))
			}
		}
	}
}

// An empty features list still means the input features only: the outputs are profiled when
// named, never by default.
func TestEmptyFeaturesMeanTheInputsOnly(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-24 * time.Hour), To: demoEnd}
	for _, family := range []string{"quality", "drift"} {
		fs := runRollupQuery(t, &engine.Engine{Store: st}, `{"schemaVersion":1,"queryType":"`+family+`","model":"`+demo.ChurnModel+
			`","versions":["A"],"format":"numeric","reference":{"type":"shift","shift":"7d"}}`, w)
		feature, _ := fs[0].FieldByName("feature")
		if feature == nil || feature.Len() == 0 {
			t.Fatalf("%s: no feature rows", family)
		}
		for i := range feature.Len() {
			if name := feature.At(i).(string); slices.Contains(query.ModelOutputs, name) {
				t.Errorf("%s without features profiles the model output %s", family, name)
			}
		}
	}
}

// A model output the table does not have is a schema error (400) naming it and what the
// table has; a name that is neither a feature nor an output is not found, listing both.
func TestModelOutputErrors(t *testing.T) {
	// A table of a classifier that logs labels only: no score or predicted_value column.
	db := filepath.Join(t.TempDir(), "labels_only.duckdb")
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR, predicted_label VARCHAR, x DOUBLE)`,
		`INSERT INTO predictions VALUES ('p1', '2026-03-01 00:00:00', 'm', 'A', 'yes', 1.5), ('p2', '2026-03-01 01:00:00', 'm', 'A', 'no', 2.5)`,
	} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	eng := &engine.Engine{Store: st}
	w := query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		family, feature string
		sentinel        error
		says            []string
	}{
		{"quality", "score", store.ErrSchema, []string{"no score column", `model output "score"`, "model outputs: predicted_label", "features: x"}},
		{"drift", "predicted_value", store.ErrSchema, []string{"no predicted_value column", "model outputs: predicted_label", "features: x"}},
		{"quality", "nope", store.ErrNotFound, []string{`"nope" is not a feature column or a model output`, "features: x", "model outputs: predicted_label"}},
	} {
		js := `{"schemaVersion":1,"queryType":"` + tc.family + `","model":"m","features":["` + tc.feature + `"],"format":"numeric","reference":{"type":"previous"}}`
		_, err := eng.Run(context.Background(), validQuery(t, []byte(js), w))
		if !errors.Is(err, tc.sentinel) {
			t.Fatalf("%s of %s: got %v, want %v", tc.family, tc.feature, err, tc.sentinel)
		}
		for _, s := range tc.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s of %s: %q does not say %q", tc.family, tc.feature, err, s)
			}
		}
	}
	// The output the table has is profiled as a category.
	fs := runRollupQuery(t, eng, `{"schemaVersion":1,"queryType":"quality","model":"m","features":["predicted_label"],"metrics":["rows","missing_share"],"format":"numeric","reference":{"type":"previous"}}`, w)
	if f, _ := fs[0].FieldByName("rows"); f == nil || *f.At(0).(*float64) != 2 {
		t.Fatalf("predicted_label: want 2 rows, got %v", fs[0].Fields)
	}
}
