package engine_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

func (c *pathCounter) RollupScoreConfusion(ctx context.Context, req store.RollupRequest, t float64, positive, negative string) ([]store.ConfusionCount, bool, error) {
	c.rollup.Add(1)
	return c.Store.RollupScoreConfusion(ctx, req, t, positive, negative)
}

// sameNumbers runs a query with rollups off and on and checks the numbers are identical,
// returning the source the rollups-on answer reports.
func sameNumbers(t *testing.T, st *sqlstore.Store, js string, w query.Window) string {
	t.Helper()
	want := numbers(runRollupQuery(t, &engine.Engine{Store: st}, js, w))
	fs := runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, js, w)
	got := numbers(fs)
	if len(want) == 0 || len(want) != len(got) {
		t.Fatalf("%s: %d values raw, %d with rollups", js, len(want), len(got))
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok || (w == nil) != (g == nil) || (w != nil && *w != *g) {
			t.Errorf("%s: %s: raw %v, with rollups %v", js, k, deref(w), deref(g))
		}
	}
	return sourceOf(t, fs)
}

// A threshold on a cell boundary (0.5, 0.25) answers from the score rollup with exactly the raw
// rows' counts: every classification metric and confusion cell, whole-range, bucketed, per
// version and with partial hours at the ends; a threshold off the grid gives the raw rows'
// numbers whichever path answers it.
func TestThresholdRollupsMatchRawRowsOnTheDemoStore(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-30 * 24 * time.Hour), To: demoEnd}
	ragged := query.Window{From: demoEnd.Add(-48*time.Hour - 17*time.Minute), To: demoEnd.Add(-41 * time.Minute)}
	for _, th := range []string{"0.5", "0.25"} {
		cls := `"queryType":"classification","model":"churn-classifier","positiveClass":"churn","threshold":` + th + `,"metrics":` + confusionMetrics
		compareSources(t, st, `{"schemaVersion":1,`+cls+`,"format":"numeric"}`, w)
		compareSources(t, st, `{"schemaVersion":1,`+cls+`,"versions":["A"],"interval":"6h"}`, w)
		compareSources(t, st, `{"schemaVersion":1,`+cls+`,"interval":"1h"}`, ragged)
		compareSources(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn","threshold":`+th+`}`, w)
		compareSources(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn","threshold":`+th+`}`, ragged)
	}
	for _, th := range []string{"0.9", "0.3", "0.123456"} {
		sameNumbers(t, st, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","threshold":`+th+`,"metrics":`+confusionMetrics+`,"format":"numeric"}`, w)
		sameNumbers(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn","threshold":`+th+`}`, w)
	}
}

// The golden classification model answers a threshold of 0.5 identically from the score rollup
// and raw rows, per version and bucketed.
func TestThresholdRollupsMatchRawRowsOnTheGoldenFamilies(t *testing.T) {
	eng, fc := openFamilies(t)
	st := eng.Store.(*sqlstore.Store)
	w := query.Window{From: fc.From, To: fc.To}
	cls := `"queryType":"classification","model":"cls","positiveClass":"yes","threshold":0.5,"metrics":` + confusionMetrics
	compareSources(t, st, `{"schemaVersion":1,`+cls+`,"format":"numeric"}`, w)
	compareSources(t, st, `{"schemaVersion":1,`+cls+`,"interval":"1h"}`, w)
	compareSources(t, st, `{"schemaVersion":1,`+cls+`,"versions":["B"],"format":"numeric"}`, w)
	compareSources(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"cls","positiveClass":"yes","threshold":0.5}`, w)
	sameNumbers(t, st, `{"schemaVersion":1,`+`"queryType":"classification","model":"cls","positiveClass":"yes","threshold":0.37,"metrics":`+confusionMetrics+`,"format":"numeric"}`, w)
}

// writeScored loads rows (id, minute of the hour, score, actual) of model m, version A, into a
// new store whose rollups the loader builds, and returns its path.
func writeScored(t *testing.T, hour time.Time, rows [][]driver.Value) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "scored.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "predicted_label", Kind: store.KindText}, {Name: "score", Kind: store.KindDouble},
		{Name: "actual_label", Kind: store.KindText}, {Name: "latency_ms", Kind: store.KindDouble}, {Name: "error", Kind: store.KindText},
	}
	loaded := make([][]driver.Value, len(rows))
	for i, r := range rows {
		loaded[i] = []driver.Value{r[0], hour.Add(minutes(r[1].(int))), "m", "A", nil, r[2], r[3], 1.0, nil}
	}
	loadRows(t, w, cols, loaded)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return db
}

// A threshold inside a cell that holds, in one hour and for one actual label, scores on both
// sides of it cannot be split from the rollup: it reads raw rows. A threshold off the grid that
// no cell straddles, and one on a cell boundary, answer from the rollup; rows without a score
// count as without a prediction on both paths.
func TestThresholdStraddlingACellReadsRawRows(t *testing.T) {
	hour := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	// 0.30001 and 0.30004 share the threshold grid's cell 30 = [0.30, 0.31).
	db := writeScored(t, hour, [][]driver.Value{
		{"p1", 5, 0.30001, "yes"}, {"p2", 10, 0.30004, "yes"}, {"p3", 15, 0.9, "no"},
		{"p4", 20, 0.1, "no"}, {"p5", 25, nil, "yes"}, {"p6", 30, 0.7, nil},
	})
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	win := query.Window{From: hour, To: hour.Add(time.Hour)}
	for th, want := range map[string]string{"0.30002": engine.SourceRaw, "0.30005": engine.SourceRollup, "0.5": engine.SourceRollup, "0.3": engine.SourceRollup} {
		for _, js := range []string{
			`{"schemaVersion":1,"queryType":"classification","model":"m","positiveClass":"yes","threshold":` + th + `,"metrics":` + confusionMetrics + `,"format":"numeric"}`,
			`{"schemaVersion":1,"queryType":"confusion","model":"m","positiveClass":"yes","threshold":` + th + `}`,
		} {
			if got := sameNumbers(t, st, js, win); got != want {
				t.Errorf("threshold %s: source %q, want %q", th, got, want)
			}
		}
	}
	compareSources(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"m","positiveClass":"yes","threshold":0.5}`, win)
}

// A store whose rollups were built before the score rollup (format 1) answers a threshold from
// raw rows and everything else from its rollups as before; its next load rebuilds the rollups
// whole, after which the threshold answers from the score rollup too.
func TestRollupsBuiltBeforeTheScoreRollupReadRawForAThreshold(t *testing.T) {
	st, db := openDemo(t)
	_ = st.Close()
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`DROP TABLE predictions_rollup_1h_score`, `UPDATE predictions_rollup_meta SET format = 1`} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	w := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	threshold := `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn","threshold":0.5}`
	labels := `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn"}`
	source := func(js string) string {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		return sameNumbers(t, st, js, w)
	}
	if got := source(threshold); got != engine.SourceRaw {
		t.Fatalf("threshold on format-1 rollups: source %q, want raw", got)
	}
	if got := source(labels); got != engine.SourceRollup {
		t.Fatalf("logged labels on format-1 rollups: source %q, want rollup", got)
	}
	wr, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	o := demo.Options{Rows: 50, Span: time.Hour, End: demoEnd.Add(-time.Hour), Seed: demo.DefaultSeed + 1}
	if _, err := wr.Load(context.Background(), demo.Columns, func(emit duckdb.AppendFunc) error { return demo.Generate(o, emit) }); err != nil {
		t.Fatal(err)
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
	if got := source(threshold); got != engine.SourceRollup {
		t.Fatalf("threshold after the next load: source %q, want rollup", got)
	}
}

// The scikit-learn golden cases with a threshold give scikit-learn's numbers and confusion
// matrices with rollups on: the threshold of 0.5 from the score rollup, 0.3 (ties at exactly
// 0.3, off the grid) from whichever path is exact.
func TestThresholdRollupsMatchTheScikitLearnCases(t *testing.T) {
	answered := 0
	for _, gc := range loadGolden(t) {
		if gc.Threshold == nil {
			continue
		}
		answered++
		t.Run(gc.Name, func(t *testing.T) {
			eng := openGolden(t, gc.File)
			eng.Rollups = true
			var names []query.Metric
			for name := range gc.Metrics {
				if !isScoreMetric(name) {
					names = append(names, query.Metric(name))
				}
			}
			q, err := query.Validate(query.Raw{
				SchemaVersion: 1, QueryType: query.TypeClassification, Model: gc.Model, Threshold: gc.Threshold,
				Versions: []string{gc.Version}, PositiveClass: gc.PositiveClass, Format: query.FormatNumeric, Metrics: names,
			}, goldenRange)
			if err != nil {
				t.Fatal(err)
			}
			frames, err := eng.Run(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			src := sourceOf(t, frames)
			if *gc.Threshold == 0.5 && src != engine.SourceRollup {
				t.Fatalf("source %q, want rollup", src)
			}
			t.Logf("threshold %v answered from %s", *gc.Threshold, src)
			for _, name := range names {
				field, _ := frames[0].FieldByName(string(name))
				assertClose(t, string(name), field.At(0).(*float64), gc.Metrics[string(name)])
			}
			cq, err := query.Validate(query.Raw{SchemaVersion: 1, QueryType: query.TypeConfusion, Model: gc.Model, Threshold: gc.Threshold,
				Versions: []string{gc.Version}, PositiveClass: gc.PositiveClass}, goldenRange)
			if err != nil {
				t.Fatal(err)
			}
			cf, err := eng.Run(context.Background(), cq)
			if err != nil {
				t.Fatal(err)
			}
			if got := sourceOf(t, cf); got != src {
				t.Fatalf("confusion source %q, classification %q", got, src)
			}
			got := matrixOf(t, cf[0], gc.Confusion.Labels)
			sameMatrix(t, got, gc.Confusion.Labels, gc.Confusion.Matrix)
		})
	}
	if answered < 2 {
		t.Fatalf("only %d golden cases with a threshold", answered)
	}
}

// The score rollup reads the labels table as the confusion rollup does: built with it, a late
// label rebuilds its prediction's hour, and a threshold then answers from the rollup with the
// raw rows' counts.
func TestThresholdRollupsReadTheLabelsTable(t *testing.T) {
	ctx := context.Background()
	hour := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	db := writeScored(t, hour, [][]driver.Value{
		{"p1", 5, 0.8, "yes"}, {"p2", 10, 0.6, nil}, {"p3", 15, 0.2, "no"}, {"p4", 70, 0.4, nil},
	})
	yes, no := "yes", "no"
	load := func(rebuild bool, labels ...duckdb.Label) {
		t.Helper()
		w, err := duckdb.OpenWriter(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.LoadLabels(ctx, "labels", labels); err != nil {
			t.Fatal(err)
		}
		if rebuild {
			if err := w.RebuildRollups(ctx, "labels"); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	check := func(wantTP float64) {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.WithLabels("labels"); err != nil {
			t.Fatal(err)
		}
		js := `{"schemaVersion":1,"queryType":"classification","model":"m","positiveClass":"yes","threshold":0.5,"metrics":["precision","recall","accuracy"],"format":"numeric"}`
		win := query.Window{From: hour, To: hour.Add(2 * time.Hour)}
		compareSources(t, st, js, win)
		compareSources(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"m","positiveClass":"yes","threshold":0.5}`, win)
		if p := numbers(runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, js, win))["0/precision/"+data.Labels(nil).String()+"/0"]; p == nil || *p != wantTP {
			t.Fatalf("precision %v, want %v", deref(p), wantTP)
		}
	}
	load(true, duckdb.Label{PredictionID: "p1", ActualLabel: &yes, LabeledAt: hour.Add(time.Hour)})
	check(1)
	// p2 (score 0.6, predicted yes) is labelled no: precision falls to 1/2.
	load(false, duckdb.Label{PredictionID: "p2", ActualLabel: &no, LabeledAt: hour.Add(3 * time.Hour)})
	check(0.5)
}

// A store without a score column has an empty score rollup: a threshold query fails with rollups
// on exactly as it does on raw rows, rather than answering zeros from the empty table.
func TestThresholdWithoutAScoreColumnFailsAsOnRawRows(t *testing.T) {
	db := filepath.Join(t.TempDir(), "noscore.duckdb")
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR, latency_ms DOUBLE, error VARCHAR, predicted_label VARCHAR, actual_label VARCHAR)`,
		`INSERT INTO predictions VALUES ('p1', '2026-03-01 00:10:00', 'm', 'A', 12, NULL, 'yes', 'yes')`,
	} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	rebuildRollups(t, db)
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	raw, err := query.Parse([]byte(`{"schemaVersion":1,"queryType":"confusion","model":"m","positiveClass":"yes","threshold":0.5}`))
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.Validate(raw, query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	sameFailure(t, st, q, "confusion with a threshold")
}

// A threshold of two decimals is a boundary of the threshold grid's cells even where k/100 is
// not exact in floating point (0.29 * 100 = 28.999999999999996): scores of one actual label
// just below and exactly at it fall in different cells, so it answers from the rollup, with
// the raw rows' counts.
func TestThresholdOfTwoDecimalsAnswersFromTheRollup(t *testing.T) {
	hour := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	db := writeScored(t, hour, [][]driver.Value{
		{"p1", 1, 0.29, "yes"}, {"p2", 2, 0.28999, "yes"}, {"p3", 3, 0.57, "no"}, {"p4", 4, math.Nextafter(0.57, 0), "no"},
		{"p5", 5, 0.5, "no"}, {"p6", 6, math.Nextafter(0.5, 0), "no"}, {"p7", 7, 0.01, "yes"}, {"p8", 8, 1.0, "yes"}, {"p9", 9, 0.0099, "yes"},
	})
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	win := query.Window{From: hour, To: hour.Add(time.Hour)}
	for _, th := range []string{"0.29", "0.57", "0.5", "0.01", "1"} {
		for _, js := range []string{
			`{"schemaVersion":1,"queryType":"classification","model":"m","positiveClass":"yes","threshold":` + th + `,"metrics":` + confusionMetrics + `,"format":"numeric"}`,
			`{"schemaVersion":1,"queryType":"confusion","model":"m","positiveClass":"yes","threshold":` + th + `}`,
		} {
			if got := sameNumbers(t, st, js, win); got != engine.SourceRollup {
				t.Errorf("threshold %s: source %q, want rollup", th, got)
			}
		}
	}
}

// The rollups' score tables stay bounded whatever the predictions: the threshold grid holds
// decimal cells 0..99 (each cell's scores inside [k/100, (k+1)/100)), at most 101 rows per hour,
// version and actual label; the ranking grid at most store.ScoreRollupCells; the sums one.
func TestScoreRollupRowsAreBounded(t *testing.T) {
	_, db := openDemo(t)
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for name, tc := range map[string]struct {
		sql  string
		want int64
	}{
		"threshold cells outside 0..99 or scores outside their cell": {`SELECT count(*) FROM predictions_rollup_1h_score WHERE cell IS NOT NULL AND
			(cell < 0 OR cell > 99 OR score_min < CAST(cell AS DOUBLE) / 100 OR (cell < 99 AND score_max >= CAST(cell + 1 AS DOUBLE) / 100))`, 0},
		"threshold rows per hour, version and label above 101": {`SELECT count(*) FROM (SELECT count(*) AS n FROM predictions_rollup_1h_score
			GROUP BY hour, model, model_version, actual_label) WHERE n > 101`, 0},
		"ranking cells outside the grid": {`SELECT count(*) FROM predictions_rollup_1h_score_rank WHERE cell < 0 OR cell >= 1024 OR actual_label IS NULL`, 0},
		"sums rows per hour, version and label above 1": {`SELECT count(*) FROM (SELECT count(*) AS n FROM predictions_rollup_1h_score_sums
			GROUP BY hour, model, model_version, actual_label) WHERE n > 1`, 0},
	} {
		var got int64
		if err := c.QueryRow(tc.sql).Scan(&got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != tc.want {
			t.Errorf("%s: %d, want %d", name, got, tc.want)
		}
	}
	var rank, rows int64
	if err := c.QueryRow(`SELECT (SELECT count(*) FROM predictions_rollup_1h_score_rank), (SELECT count(*) FROM predictions_rollup_1h_score_sums)`).Scan(&rank, &rows); err != nil || rank == 0 || rows == 0 {
		t.Fatalf("ranking rows %d, sums rows %d, %v: want both filled", rank, rows, err)
	}
}

// minutes is a count of minutes as a duration.
func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }
