package engine_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// errorQuantiles are the regression metrics read from the error sketch.
const errorQuantiles = `["error_p50","error_p90","error_p99"]`

// labelDelays are the coverage metrics read from the label delay sketch.
const labelDelays = `["label_coverage","label_delay_mean","label_delay_p50","label_delay_p95"]`

// addDelayedLabels writes a labels table for the labelled rows of a store file with a spread of
// label delays (from one hour early to two days late, fractions of a second, a share of zero
// delays, a share of labels without labeled_at), rebuilds the rollups with it, and opens the
// store joined to it as a data source with labelsTable "labels" does.
func addDelayedLabels(t *testing.T, db string) *sqlstore.Store {
	t.Helper()
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Exec(`CREATE TABLE labels AS SELECT prediction_id, actual_label, actual_value,
		CASE WHEN hash(prediction_id) % 37 = 0 THEN NULL
		     WHEN hash(prediction_id) % 23 = 0 THEN ts
		     ELSE ts + to_seconds(CAST(hash(prediction_id) % 176400 AS BIGINT) - 3600) + to_microseconds(CAST(hash(prediction_id) % 1000003 AS BIGINT)) END AS labeled_at
		FROM predictions WHERE actual_label IS NOT NULL OR actual_value IS NOT NULL`)
	_ = c.Close()
	if err != nil {
		t.Fatal(err)
	}
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.RebuildRollups(context.Background(), "labels"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st := openStore(t, db)
	if err := st.WithLabels("labels"); err != nil {
		t.Fatal(err)
	}
	return st
}

// writeFamilies writes the golden families' rows to a store file through the loader.
func writeFamilies(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "families.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.LoadFile(context.Background(), w, "../../testdata/golden/families/predictions.csv"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return db
}

// errorRows is the SQL of the errors of a model's paired rows in a range, with a group column
// and more conditions, for engine.CheckSketchedQuantiles.
func errorRows(group, where string) string {
	return `SELECT model_version, ` + group + `, ts, predicted_value - actual_value FROM predictions
		WHERE model = ? AND ts >= ? AND ts < ? AND predicted_value IS NOT NULL AND actual_value IS NOT NULL` + where
}

// delayRowsOf is the SQL of the label delays of a model's rows in a range (labels joined as
// addDelayedLabels writes them: one per prediction), with a group column and more conditions,
// for engine.CheckSketchedQuantiles.
func delayRowsOf(group, where string) string {
	return `SELECT p.model_version, ` + group + `, p.ts, epoch(l.labeled_at) - epoch(p.ts) FROM predictions p JOIN labels l USING (prediction_id)
		WHERE p.model = ? AND p.ts >= ? AND p.ts < ? AND l.labeled_at IS NOT NULL` + where
}

// delayRows are the label delays of a model's rows in a range, without groups.
var delayRows = delayRowsOf("''", "")

// compareSketched runs compareSources, then checks the sketched quantiles against the rows.
func compareSketched(t *testing.T, st *sqlstore.Store, js string, w query.Window, rowsSQL string) {
	t.Helper()
	compareSources(t, st, js, w)
	q := validQuery(t, []byte(js), w)
	if engine.CheckSketchedQuantiles(t, st, q, rowsSQL, q.Model, q.From, q.To) == 0 {
		t.Fatalf("%s: no sketched value checked", js)
	}
}

// boundIn checks that every frame of a rollup answer states a sketched quantile's relative
// bound under name when it asks for one, and only then.
func boundIn(t *testing.T, fs data.Frames, name string, asked bool) {
	t.Helper()
	for i, f := range fs {
		bound, has := f.Meta.Custom.(map[string]any)[name]
		if has != asked || (has && bound != metrics.SketchAlpha) {
			t.Fatalf("frame %d: meta.custom.%s = %v (present %v), want %v only when asked", i, name, bound, has, metrics.SketchAlpha)
		}
	}
}

// The error quantiles (on the golden data, negative and positive errors around zero) answer from
// the error sketch within its relative bound of numpy's interpolated quantile of the raw rows,
// whole-range and bucketed, per version, and over ranges whose partial hours read raw rows; the
// answer states the bound.
func TestErrorQuantileRollupsMatchRawRowsOnTheGoldenFamilies(t *testing.T) {
	db := writeFamilies(t)
	st := openStore(t, db)
	var from, to time.Time
	if err := st.DB().QueryRow(`SELECT min(ts), max(ts) FROM predictions`).Scan(&from, &to); err != nil {
		t.Fatal(err)
	}
	w := query.Window{From: from.Truncate(time.Hour), To: to.Truncate(time.Hour).Add(time.Hour)}
	ragged := query.Window{From: w.From.Add(17*time.Minute + 3*time.Second), To: w.To.Add(-41 * time.Minute)}
	reg := `"queryType":"regression","model":"reg","metrics":`
	for _, win := range []query.Window{w, ragged} {
		compareSketched(t, st, `{"schemaVersion":1,`+reg+errorQuantiles+`,"format":"numeric"}`, win, errorRows("''", ""))
		compareSketched(t, st, `{"schemaVersion":1,`+reg+errorQuantiles+`,"interval":"1h"}`, win, errorRows("''", ""))
		compareSketched(t, st, `{"schemaVersion":1,`+reg+`["mae","r2","error_p90"],"versions":["B"],"interval":"6h"}`, win, errorRows("''", ""))
	}
	fs := runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, `{"schemaVersion":1,`+reg+errorQuantiles+`,"format":"numeric"}`, w)
	boundIn(t, fs, "errorQuantileRelativeError", true)
	fs = runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, `{"schemaVersion":1,`+reg+`["mae"],"format":"numeric"}`, w)
	boundIn(t, fs, "errorQuantileRelativeError", false)
	fs = runRollupQuery(t, &engine.Engine{Store: st}, `{"schemaVersion":1,`+reg+errorQuantiles+`,"format":"numeric"}`, w)
	boundIn(t, fs, "errorQuantileRelativeError", false)
}

// The label delays of the golden rows (with a labels table of delays from an hour early to two
// days late) answer from the label delay sketch: the mean as the raw rows' (1e-9 relative), the
// quantiles within the sketch's bound, for every model, whole-range and bucketed, and over
// ranges whose partial hours read raw rows.
func TestLabelDelayRollupsMatchRawRowsOnTheGoldenFamilies(t *testing.T) {
	st := addDelayedLabels(t, writeFamilies(t))
	var from, to time.Time
	if err := st.DB().QueryRow(`SELECT min(ts), max(ts) FROM predictions`).Scan(&from, &to); err != nil {
		t.Fatal(err)
	}
	w := query.Window{From: from.Truncate(time.Hour), To: to.Truncate(time.Hour).Add(time.Hour)}
	ragged := query.Window{From: w.From.Add(17*time.Minute + 3*time.Second), To: w.To.Add(-41 * time.Minute)}
	for _, win := range []query.Window{w, ragged} {
		for _, model := range []string{"reg", "cls", "multi"} {
			cov := `"queryType":"coverage","model":"` + model + `","metrics":` + labelDelays
			compareSketched(t, st, `{"schemaVersion":1,`+cov+`,"format":"numeric"}`, win, delayRows)
			compareSketched(t, st, `{"schemaVersion":1,`+cov+`,"interval":"1h"}`, win, delayRows)
			compareSketched(t, st, `{"schemaVersion":1,`+cov+`,"versions":["A"],"interval":"3h"}`, win, delayRows)
		}
	}
	cov := `{"schemaVersion":1,"queryType":"coverage","model":"reg","metrics":`
	boundIn(t, runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, cov+labelDelays+`,"format":"numeric"}`, w), "labelDelayQuantileRelativeError", true)
	boundIn(t, runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, cov+`["label_delay_mean"],"format":"numeric"}`, w), "labelDelayQuantileRelativeError", false)
}

// On the demo store, the basket forecaster's error quantiles and the churn classifier's label
// delays answer from the rollups within the sketch's bound (the mean delay as the raw rows'),
// per day over a week and per hour over two days, also over ranges that end inside an hour, and
// per segment value (filtered and grouped) with rollups kept per plan and country.
func TestSketchRollupsMatchRawRowsOnTheDemoStore(t *testing.T) {
	st, db := openDemo(t)
	week := query.Window{From: demoEnd.Add(-7 * 24 * time.Hour), To: demoEnd}
	twoDays := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	ragged := query.Window{From: twoDays.From.Add(-17*time.Minute - 3*time.Second), To: twoDays.To.Add(-41 * time.Minute)}
	reg := `"queryType":"regression","model":"` + demo.BasketModel + `","metrics":["mae","mean_error","error_p50","error_p90","error_p99"]`
	for _, win := range []query.Window{week, ragged} {
		compareSketched(t, st, `{"schemaVersion":1,`+reg+`,"interval":"1d"}`, win, errorRows("''", ""))
		compareSketched(t, st, `{"schemaVersion":1,`+reg+`,"format":"numeric"}`, win, errorRows("''", ""))
	}
	compareSketched(t, st, `{"schemaVersion":1,`+reg+`,"interval":"1h"}`, twoDays, errorRows("''", ""))
	_ = st.Close()

	labelled := addDelayedLabels(t, db)
	for _, model := range []string{demo.ChurnModel, demo.BasketModel} {
		cov := `"queryType":"coverage","model":"` + model + `","metrics":` + labelDelays
		for _, win := range []query.Window{week, ragged} {
			compareSketched(t, labelled, `{"schemaVersion":1,`+cov+`,"interval":"1d"}`, win, delayRows)
			compareSketched(t, labelled, `{"schemaVersion":1,`+cov+`,"format":"numeric"}`, win, delayRows)
		}
		compareSketched(t, labelled, `{"schemaVersion":1,`+cov+`,"interval":"1h"}`, twoDays, delayRows)
	}
	_ = labelled.Close()

	// Rollups per plan and country, built with the labels table.
	wr, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if err := wr.SetRollupSegments(context.Background(), "labels", []string{"plan", "country"}); err != nil {
		t.Fatal(err)
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
	segmented := openStore(t, db)
	if err := segmented.WithLabels("labels"); err != nil {
		t.Fatal(err)
	}
	pro, plusAndPro := " AND plan = 'pro'", " AND plan IN ('plus', 'pro') AND country IN ('DE', 'FR')"
	country := "CAST(country AS VARCHAR)"
	cov := `"queryType":"coverage","model":"` + demo.ChurnModel + `","metrics":` + labelDelays
	for seg, where := range map[string][2]string{
		onPro:                   {"''", pro},
		onPlusAndPro:            {"''", plusAndPro},
		byCountry:               {country, ""},
		onPro + "," + byCountry: {country, pro},
	} {
		errors := errorRows(where[0], where[1])
		compareSketched(t, segmented, `{"schemaVersion":1,`+reg+`,"interval":"1d",`+seg+`}`, week, errors)
		compareSketched(t, segmented, `{"schemaVersion":1,`+reg+`,"format":"numeric",`+seg+`}`, ragged, errors)
		delays := delayRowsOf(strings.ReplaceAll(where[0], "country", "p.country"), strings.NewReplacer("plan", "p.plan", "country", "p.country").Replace(where[1]))
		compareSketched(t, segmented, `{"schemaVersion":1,`+cov+`,"interval":"1d",`+seg+`}`, week, delays)
		compareSketched(t, segmented, `{"schemaVersion":1,`+cov+`,"format":"numeric",`+seg+`}`, ragged, delays)
	}
}

// Hours of negative, zero and positive errors, an hour of one row, an error beyond
// store.MeasureScale, infinite errors and a NaN error (an infinite prediction of an infinite
// actual) give the raw rows' quantiles from the sketch: within its bound where finite, the same
// infinity where infinite, null where the raw quantile reaches the NaN.
func TestErrorQuantileRollupsOfSpecialErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "errors.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "predicted_value", Kind: store.KindDouble}, {Name: "actual_value", Kind: store.KindDouble},
	}
	h := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	inf := math.Inf(1)
	at := func(hour, minute int) time.Time {
		return h.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
	}
	loadRows(t, w, cols, [][]driver.Value{
		// Hour 0: errors -7.5, -0.25, 0, 0, 0.001, 3 and one without an actual.
		{"a1", at(0, 1), "m", "A", 2.5, 10.0}, {"a2", at(0, 2), "m", "A", 1.0, 1.25}, {"a3", at(0, 3), "m", "A", 4.0, 4.0},
		{"a4", at(0, 4), "m", "A", -3.0, -3.0}, {"a5", at(0, 5), "m", "A", 1.001, 1.0}, {"a6", at(0, 6), "m", "A", 5.0, 2.0},
		{"a7", at(0, 7), "m", "A", 5.0, nil},
		// Hour 1: one row, error -2.
		{"b1", at(1, 30), "m", "A", 1.0, 3.0},
		// Hour 2: an error beyond MeasureScale and small ones.
		{"c1", at(2, 1), "m", "A", 1e200, 1.0}, {"c2", at(2, 2), "m", "A", 1.0, 1.5}, {"c3", at(2, 3), "m", "A", 2.0, 1.5},
		// Hour 3: +Inf and -Inf errors among finite ones.
		{"d1", at(3, 1), "m", "A", inf, 1.0}, {"d2", at(3, 2), "m", "A", 1.0, inf}, {"d3", at(3, 3), "m", "A", 1.0, 2.0},
		{"d4", at(3, 4), "m", "A", 4.0, 2.0}, {"d5", at(3, 5), "m", "A", 8.0, 2.0},
		// Hour 4: a NaN error (+Inf - +Inf) among finite ones.
		{"e1", at(4, 1), "m", "A", inf, inf}, {"e2", at(4, 2), "m", "A", 1.0, 2.0}, {"e3", at(4, 3), "m", "A", 4.0, 2.0},
		// Hour 5: only zero errors.
		{"f1", at(5, 1), "m", "A", 3.0, 3.0}, {"f2", at(5, 2), "m", "A", 0.0, 0.0},
		// Hour 6: labelled rows of version B only; A has a row without an actual.
		{"g1", at(6, 1), "m", "B", 1.0, -1.0}, {"g2", at(6, 2), "m", "A", 1.0, nil},
	})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st := openStore(t, db)
	win := query.Window{From: h, To: h.Add(7 * time.Hour)}
	quantiles := func(metrics string) string {
		return `{"schemaVersion":1,"queryType":"regression","model":"m","metrics":` + metrics + `,"interval":"1h"}`
	}
	// Every quantile per hour: the finite ones compared within the bound, the infinite and
	// undefined ones identical (compareSources reads null and infinity alike only if identical).
	for _, q := range []string{`["error_p50"]`, `["error_p90"]`, `["error_p99"]`, `["mae","error_p50","error_p99"]`} {
		compareSketched(t, st, quantiles(q), win, errorRows("''", ""))
		compareSketchedExactly(t, st, quantiles(q), win)
	}
	ragged := query.Window{From: h.Add(30 * time.Minute), To: h.Add(6*time.Hour + 30*time.Minute)}
	compareSketched(t, st, `{"schemaVersion":1,"queryType":"regression","model":"m","metrics":`+errorQuantiles+`,"format":"numeric"}`, ragged, errorRows("''", ""))
	compareSketchedExactly(t, st, `{"schemaVersion":1,"queryType":"regression","model":"m","metrics":`+errorQuantiles+`,"format":"numeric"}`, ragged)
}

// compareSketchedExactly checks that where the raw answer is null, infinite or exactly zero, the
// rollup answer is the same (a relative bound says nothing there).
func compareSketchedExactly(t *testing.T, st *sqlstore.Store, js string, w query.Window) {
	t.Helper()
	want := numbers(runRollupQuery(t, &engine.Engine{Store: st}, js, w))
	got := numbers(runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, js, w))
	special := 0
	for key, x := range want {
		g := got[key]
		switch {
		case x == nil || g == nil:
			if (x == nil) != (g == nil) {
				t.Errorf("%s: %s: raw %v, rollup %v", js, key, deref(x), deref(g))
			}
			special++
		case math.IsInf(*x, 0) || *x == 0 || math.IsInf(*g, 0) || *g == 0:
			if *x != *g {
				t.Errorf("%s: %s: raw %v, rollup %v", js, key, *x, *g)
			}
			special++
		}
	}
	if special == 0 && strings.Contains(js, "interval") {
		t.Fatalf("%s: no null, infinite or zero value compared", js)
	}
}

// A store whose rollups were built before the sketches (format 3: no ErrorSketch or
// LabelDelaySketch table) answers the error quantiles and the label delays from raw rows, with
// the raw rows' numbers; its next load rebuilds the rollups whole, sketches included, and they
// answer from the rollups again.
func TestFormat3RollupsReadSketchedMeasuresFromRawRows(t *testing.T) {
	db := writeDemo(t)
	_ = addDelayedLabels(t, db).Close()
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`DROP TABLE predictions_rollup_1h_error_sketch`, `DROP TABLE predictions_rollup_1h_label_delay_sketch`,
		`UPDATE predictions_rollup_meta SET format = 3`} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	w := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	reg := `{"schemaVersion":1,"queryType":"regression","model":"` + demo.BasketModel + `","metrics":["mae","error_p50","error_p90"],"interval":"1d"}`
	cov := `{"schemaVersion":1,"queryType":"coverage","model":"` + demo.ChurnModel + `","metrics":` + labelDelays + `,"format":"numeric"}`
	sources := func() (regression, coverage string) {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.WithLabels("labels"); err != nil {
			t.Fatal(err)
		}
		var got [2]string
		for i, js := range []string{reg, cov} {
			cs := &pathCounter{Store: st}
			fs := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
			got[i] = sourceOf(t, fs)
			if got[i] == engine.SourceRollup {
				compareSources(t, st, js, w)
				continue
			}
			if cs.rollup.Load() != 0 {
				t.Errorf("%s: %d rollup reads on the raw path", js, cs.rollup.Load())
			}
			want, answer := numbers(runRollupQuery(t, &engine.Engine{Store: st}, js, w)), numbers(fs)
			if len(want) == 0 || len(want) != len(answer) {
				t.Fatalf("%s: %d values raw, %d answered", js, len(want), len(answer))
			}
			// Identical but for the engine's summation order between two scans.
			for k, x := range want {
				if y := answer[k]; (x == nil) != (y == nil) || (x != nil && math.Abs(*x-*y) > 1e-12*math.Abs(*x)) {
					t.Errorf("%s: %s: %v, raw rows %v", js, k, deref(y), deref(x))
				}
			}
		}
		return got[0], got[1]
	}
	if r, c := sources(); r != engine.SourceRaw || c != engine.SourceRaw {
		t.Fatalf("format-3 rollups: regression from %s, coverage from %s; want raw", r, c)
	}
	wr, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "predicted_value", Kind: store.KindDouble}, {Name: "actual_value", Kind: store.KindDouble},
	}
	loadRows(t, wr, cols, [][]driver.Value{{"late-1", demoEnd.Add(-3 * time.Hour), demo.BasketModel, "v1", 10.0, 12.5}})
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
	if r, c := sources(); r != engine.SourceRollup || c != engine.SourceRollup {
		t.Fatalf("after a load rebuilt the rollups: regression from %s, coverage from %s; want rollup", r, c)
	}
}

// A labels load rebuilds the label delay sketch of the hours of the predictions it labels, in
// its transaction: a new label adds its delay, a corrected label (a later labeled_at) replaces
// the prediction's delay, and the label delays answer from the rollups with them.
func TestLabelsLoadUpdatesTheRolledUpLabelDelays(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "delays.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "predicted_value", Kind: store.KindDouble}, {Name: "actual_value", Kind: store.KindDouble},
	}
	hour := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	loadRows(t, w, cols, [][]driver.Value{
		{"p1", hour.Add(5 * time.Minute), "m", "A", 1.0, nil},
		{"p2", hour.Add(20 * time.Minute), "m", "A", 2.0, nil},
		{"p3", hour.Add(40 * time.Minute), "m", "A", 3.0, nil},
		{"p4", hour.Add(70 * time.Minute), "m", "A", 4.0, nil},
	})
	one := 1.0
	label := func(id string, after time.Duration) duckdb.Label {
		var ts time.Time
		switch id {
		case "p1":
			ts = hour.Add(5 * time.Minute)
		case "p2":
			ts = hour.Add(20 * time.Minute)
		case "p4":
			ts = hour.Add(70 * time.Minute)
		}
		return duckdb.Label{PredictionID: id, ActualValue: &one, LabeledAt: ts.Add(after)}
	}
	if err := w.LoadLabels(ctx, "labels", []duckdb.Label{label("p1", time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := w.RebuildRollups(ctx, "labels"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	js := `{"schemaVersion":1,"queryType":"coverage","model":"m","metrics":["label_delay_mean","label_delay_p50"],"interval":"1h"}`
	win := query.Window{From: hour, To: hour.Add(2 * time.Hour)}
	// delays returns the first hour's mean and median delay and the second hour's mean (nil:
	// null), answered from the rollups.
	delays := func() (mean, median, next *float64) {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.WithLabels("labels"); err != nil {
			t.Fatal(err)
		}
		compareSources(t, st, js, win)
		fs := runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, js, win)
		if src := sourceOf(t, fs); src != engine.SourceRollup {
			t.Fatalf("source %q, want rollup", src)
		}
		n := numbers(fs)
		row := data.Labels{"model": "m", "version": "A"}.String()
		return n["0/label_delay_mean/"+row+"/0"], n["1/label_delay_p50/"+row+"/0"], n["0/label_delay_mean/"+row+"/1"]
	}
	load := func(labels ...duckdb.Label) {
		t.Helper()
		w, err := duckdb.OpenWriter(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.LoadLabels(ctx, "labels", labels); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	near := func(got *float64, want float64) bool {
		return got != nil && math.Abs(*got-want) <= metrics.SketchAlpha*want*(1+1e-9)
	}
	// Before: p1's delay of an hour alone (a one-value sketch is clamped to its exact value).
	if mean, median, next := delays(); deref(mean) != 3600.0 || deref(median) != 3600.0 || next != nil {
		t.Fatalf("before the loads: mean %v, median %v, next hour %v; want 3600, 3600, null", deref(mean), deref(median), deref(next))
	}
	// p2 labelled two hours late, p4 (the next hour) a minute late.
	load(label("p2", 2*time.Hour), label("p4", time.Minute))
	if mean, median, next := delays(); deref(mean) != 5400.0 || !near(median, 5400) || deref(next) != 60.0 {
		t.Fatalf("after new labels: mean %v, median %v, next hour %v; want 5400, 5400 (within the sketch's bound), 60", deref(mean), deref(median), deref(next))
	}
	// p1's label sent again two hours late, unchanged: it changes nothing, not even the delay.
	load(label("p1", 2*time.Hour))
	if mean, median, _ := delays(); deref(mean) != 5400.0 || !near(median, 5400) {
		t.Fatalf("after the same label again: mean %v, median %v; want 5400, 5400", deref(mean), deref(median))
	}
	// p1's label corrected three hours late: the latest labeled_at wins.
	corrected := label("p1", 3*time.Hour)
	two := 2.0
	corrected.ActualValue = &two
	load(corrected)
	if mean, median, _ := delays(); deref(mean) != 9000.0 || !near(median, 9000) {
		t.Fatalf("after a corrected label: mean %v, median %v; want 9000, 9000 (within the sketch's bound)", deref(mean), deref(median))
	}
}

// Without a labels table the label delay is refused from the rollups with the raw rows' error.
func TestLabelDelayWithoutALabelsTableFailsAsOnRawRows(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	q := validQuery(t, []byte(`{"schemaVersion":1,"queryType":"coverage","model":"`+demo.ChurnModel+`","metrics":["label_delay_p50"],"format":"numeric"}`), w)
	sameFailure(t, st, q, "label delay without a labels table")
}

// A store whose rows cannot give a sketched value refuses it from the rollups with the raw
// rows' error: error quantiles of a table without predicted_value and actual_value, label
// delays with a labels table without labeled_at.
func TestSketchedMeasuresTheRowsCannotGiveFailAsOnRawRows(t *testing.T) {
	db := filepath.Join(t.TempDir(), "no-values.duckdb")
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR, latency_ms DOUBLE, error VARCHAR,
			predicted_label VARCHAR, actual_label VARCHAR)`,
		`INSERT INTO predictions VALUES ('p1', '2026-03-01 00:10:00', 'm', 'A', 12, NULL, 'x', NULL), ('p2', '2026-03-01 05:00:00', 'm', 'A', 30, NULL, 'x', NULL)`,
		`CREATE TABLE labels (prediction_id VARCHAR, actual_label VARCHAR)`,
		`INSERT INTO labels VALUES ('p1', 'x')`,
	} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	wr, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if err := wr.RebuildRollups(context.Background(), "labels"); err != nil {
		t.Fatal(err)
	}
	_ = wr.Close()
	st := openStore(t, db)
	if err := st.WithLabels("labels"); err != nil {
		t.Fatal(err)
	}
	w := query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	compareSources(t, st, `{"schemaVersion":1,"queryType":"coverage","model":"m","metrics":["label_coverage"],"format":"numeric"}`, w)
	for _, js := range []string{
		`{"schemaVersion":1,"queryType":"regression","model":"m","metrics":["error_p50"],"format":"numeric"}`,
		`{"schemaVersion":1,"queryType":"coverage","model":"m","metrics":["label_coverage","label_delay_p95"],"interval":"1h"}`,
	} {
		sameFailure(t, st, validQuery(t, []byte(js), w), js)
	}
}
