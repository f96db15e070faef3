package engine_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// summableRegression are the regression metrics computed from sums (every one but the error
// quantiles, which read raw rows).
const summableRegression = `["mae","mse","rmse","mape","r2","mean_error"]`

// Regression, coverage and mean-error comparisons answer from the measures rollup with the raw
// rows' numbers on the golden data (whose actuals are near 10^6, so that R2 needs the merged
// variances to keep their precision), whole-range and bucketed, per version, and with partial
// hours at the range's ends read from raw rows.
func TestMeasureRollupsMatchRawRowsOnTheGoldenFamilies(t *testing.T) {
	eng, fc := openFamilies(t)
	st := eng.Store.(*sqlstore.Store)
	w := query.Window{From: fc.From, To: fc.To}
	ragged := query.Window{From: fc.From.Add(17*time.Minute + 3*time.Second), To: fc.To.Add(-41 * time.Minute)}
	reg := `"queryType":"regression","model":"reg","metrics":` + summableRegression
	for _, win := range []query.Window{w, ragged} {
		compareSources(t, st, `{"schemaVersion":1,`+reg+`,"format":"numeric"}`, win)
		compareSources(t, st, `{"schemaVersion":1,`+reg+`,"interval":"1h"}`, win)
		compareSources(t, st, `{"schemaVersion":1,`+reg+`,"versions":["B"],"interval":"6h"}`, win)
		for _, model := range []string{"reg", "cls", "multi"} {
			compareSources(t, st, `{"schemaVersion":1,"queryType":"coverage","model":"`+model+`","format":"numeric"}`, win)
			compareSources(t, st, `{"schemaVersion":1,"queryType":"coverage","model":"`+model+`","interval":"3h"}`, win)
		}
		for _, metric := range []string{"mae", "mse"} {
			cmp := `"queryType":"comparison","model":"reg","versions":["A","B"],"compare":"` + metric + `"`
			compareSources(t, st, `{"schemaVersion":1,`+cmp+`,"format":"numeric"}`, win)
			compareSources(t, st, `{"schemaVersion":1,`+cmp+`,"interval":"6h"}`, win)
		}
	}
}

// The golden regression, coverage and mean-error comparison cases without a filter or groupBy
// give numpy's and scikit-learn's numbers from the rollups (the error quantiles, from the error
// sketch, within its relative bound).
func TestMeasureRollupsMatchTheGoldenFamilies(t *testing.T) {
	eng, fc := openFamilies(t)
	eng.Rollups = true
	answered := map[query.Type]int{}
	for _, c := range fc.Cases {
		q := validQuery(t, c.Query, query.Window{From: fc.From, To: fc.To})
		meanComparison := q.Type == query.TypeComparison && (q.Compare == query.MAE || q.Compare == query.MSE)
		if len(q.Filters) > 0 || q.GroupBy != "" || !(q.Type == query.TypeRegression || q.Type == query.TypeCoverage || meanComparison) {
			continue
		}
		if slices.Contains(q.Metrics, query.MaxError) || slices.Contains(q.Metrics, query.MedianAbsoluteError) {
			continue // the rollups keep neither: these read the rows (TestFamiliesMatchNumpyAndScikitLearn)
		}
		t.Run(c.Name, func(t *testing.T) {
			frames, err := eng.Run(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if got := sourceOf(t, frames); got != engine.SourceRollup {
				t.Fatalf("source %q, want rollup", got)
			}
			answered[q.Type]++
			for i, s := range c.Series {
				for metric, want := range s.Values {
					field, _ := frames[0].FieldByName(metric)
					if field == nil {
						t.Fatalf("no field %s", metric)
					}
					tol := tolerance(metric)
					if strings.HasPrefix(metric, "error_p") {
						tol = metrics.SketchAlpha * (1 + 1e-9)
					}
					checkValue(t, labelsOf(s.Labels)+" "+metric, field.At(i).(*float64), want, tol)
				}
			}
		})
	}
	for _, typ := range []query.Type{query.TypeRegression, query.TypeCoverage, query.TypeComparison} {
		if answered[typ] == 0 {
			t.Errorf("no golden %s case answered from rollups", typ)
		}
	}
}

// The operations dashboard's basket forecaster MAE and bias per day over 7 days, and its
// ground truth coverage over the last 24 hours, answer from rollups on the demo store with the
// raw rows' numbers, also over ranges that end inside an hour.
func TestMeasureRollupsMatchRawRowsOnTheDemoStore(t *testing.T) {
	st, _ := openDemo(t)
	week := query.Window{From: demoEnd.Add(-7 * 24 * time.Hour), To: demoEnd}
	day := query.Window{From: demoEnd.Add(-24 * time.Hour), To: demoEnd}
	raggedWeek := query.Window{From: week.From.Add(-17*time.Minute - 3*time.Second), To: week.To.Add(-41 * time.Minute)}
	raggedDay := query.Window{From: day.From.Add(-17*time.Minute - 3*time.Second), To: day.To.Add(-41 * time.Minute)}
	mae := `{"schemaVersion":1,"queryType":"regression","model":"basket-forecaster","metrics":["mae","mean_error"],"format":"timeseries","interval":"1d"}`
	coverage := `{"schemaVersion":1,"queryType":"coverage","model":"churn-classifier","metrics":["label_coverage"],"format":"numeric"}`
	all := `{"schemaVersion":1,"queryType":"regression","model":"basket-forecaster","metrics":` + summableRegression + `,"interval":"1h"}`
	for _, win := range []query.Window{week, raggedWeek} {
		compareSources(t, st, mae, win)
		compareSources(t, st, all, win)
	}
	for _, win := range []query.Window{day, raggedDay} {
		compareSources(t, st, coverage, win)
	}
}

// What the rollups cannot answer reads raw rows: a filter on a column that is not a segment.
func TestMeasureRollupsLeaveFiltersToRawRows(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	for name, js := range map[string]string{
		"filter":                `{"schemaVersion":1,"queryType":"regression","model":"basket-forecaster","metrics":["mae"],"format":"numeric","filters":[{"column":"plan","op":"=","values":["pro"]}]}`,
		"error quantile filter": `{"schemaVersion":1,"queryType":"regression","model":"basket-forecaster","metrics":["mae","error_p90"],"format":"numeric","filters":[{"column":"plan","op":"=","values":["pro"]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			cs := &pathCounter{Store: st}
			fs := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
			if got := sourceOf(t, fs); got != engine.SourceRaw || cs.rollup.Load() != 0 || cs.raw.Load() == 0 {
				t.Errorf("source %q, %d rollup reads, %d raw reads: want raw only", got, cs.rollup.Load(), cs.raw.Load())
			}
		})
	}
}

// writeDemo writes a small demo store through the loader (which maintains the rollups) and
// returns its path, closed.
func writeDemo(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	o := demo.Options{Rows: 20_000, Span: 10 * 24 * time.Hour, End: demoEnd, Seed: demo.DefaultSeed}
	if _, err := w.Load(context.Background(), demo.Columns, func(emit duckdb.AppendFunc) error { return demo.Generate(o, emit) }); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return db
}

// A store whose rollups were built before the measures rollup (format 2) answers regression
// from raw rows and still answers classification, with and without a threshold, from its
// other rollups; its next load rebuilds the rollups whole, measures included.
func TestOlderRollupFormatReadsMeasuresFromRawRows(t *testing.T) {
	db := writeDemo(t)
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`DROP TABLE predictions_rollup_1h_measures`, `UPDATE predictions_rollup_meta SET format = 2`} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	w := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	reg := `{"schemaVersion":1,"queryType":"regression","model":"basket-forecaster","metrics":["mae","r2"],"interval":"1d"}`
	sources := func() (regression, classification, threshold string) {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		eng := &engine.Engine{Store: st, Rollups: true}
		regression = sourceOf(t, runRollupQuery(t, eng, reg, w))
		classification = sourceOf(t, runRollupQuery(t, eng, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":["precision"],"format":"numeric"}`, w))
		threshold = sourceOf(t, runRollupQuery(t, eng, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","threshold":0.5,"metrics":["precision"],"format":"numeric"}`, w))
		if regression == engine.SourceRollup {
			compareSources(t, st, reg, w)
		}
		return regression, classification, threshold
	}
	if r, c, th := sources(); r != engine.SourceRaw || c != engine.SourceRollup || th != engine.SourceRollup {
		t.Fatalf("format-2 rollups: regression from %s (want raw), classification from %s and with a threshold from %s (want rollup)", r, c, th)
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
	if r, _, _ := sources(); r != engine.SourceRollup {
		t.Fatalf("after a load rebuilt the rollups: regression from %s, want rollup", r)
	}
}

// A late actual value loaded into the labels table rebuilds the measures rollup of the hour of
// the prediction it labels: MAE, bias and coverage then answer from rollups with it.
func TestLateActualValueUpdatesItsHour(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "late.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "predicted_label", Kind: store.KindText}, {Name: "actual_label", Kind: store.KindText},
		{Name: "predicted_value", Kind: store.KindDouble}, {Name: "actual_value", Kind: store.KindDouble},
	}
	hour := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	loadRows(t, w, cols, [][]driver.Value{
		{"p1", hour.Add(5 * time.Minute), "m", "A", nil, nil, 10.0, 12.0},
		{"p2", hour.Add(20 * time.Minute), "m", "A", nil, nil, 5.0, nil},
		{"p3", hour.Add(70 * time.Minute), "m", "A", nil, nil, 1.0, 1.0},
	})
	twelve, nine := 12.0, 9.0
	if err := w.LoadLabels(ctx, "labels", []duckdb.Label{{PredictionID: "p1", ActualValue: &twelve, LabeledAt: hour.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if err := w.RebuildRollups(ctx, "labels"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	reg := `{"schemaVersion":1,"queryType":"regression","model":"m","metrics":["mae","mean_error"],"format":"numeric"}`
	cov := `{"schemaVersion":1,"queryType":"coverage","model":"m","metrics":["labeled_rows"],"format":"numeric"}`
	win := query.Window{From: hour, To: hour.Add(time.Hour)}
	measure := func() (mae, bias, labeled float64) {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.WithLabels("labels"); err != nil {
			t.Fatal(err)
		}
		compareSources(t, st, reg, win)
		compareSources(t, st, cov, win)
		eng := &engine.Engine{Store: st, Rollups: true}
		row := data.Labels(nil).String() + "/0"
		n := numbers(runRollupQuery(t, eng, reg, win))
		c := numbers(runRollupQuery(t, eng, cov, win))
		return *n["0/mae/"+row], *n["0/mean_error/"+row], *c["0/labeled_rows/"+row]
	}
	// Before: only p1 has its actual value in that hour (error -2).
	if mae, bias, labeled := measure(); mae != 2 || bias != -2 || labeled != 1 {
		t.Fatalf("before the late value: mae %v, bias %v, labeled %v; want 2, -2, 1", mae, bias, labeled)
	}
	if w, err = duckdb.OpenWriter(db, "predictions"); err != nil {
		t.Fatal(err)
	}
	if err := w.LoadLabels(ctx, "labels", []duckdb.Label{{PredictionID: "p2", ActualValue: &nine, LabeledAt: hour.Add(3 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// After: p2's actual 9 against its prediction 5 (error -4).
	if mae, bias, labeled := measure(); mae != 3 || bias != -3 || labeled != 2 {
		t.Fatalf("after the late value: mae %v, bias %v, labeled %v; want 3, -3, 2", mae, bias, labeled)
	}
}

// A table without predicted_value and actual_value keeps measures rollups of its rows and
// labels (coverage answers from them), and refuses a regression query from rollups exactly as
// the raw rows refuse it.
func TestMeasureRollupsOfATableWithoutValues(t *testing.T) {
	db := filepath.Join(t.TempDir(), "labels-only.duckdb")
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR, latency_ms DOUBLE, error VARCHAR,
			predicted_label VARCHAR, actual_label VARCHAR)`,
		`INSERT INTO predictions VALUES ('p1', '2026-03-01 00:10:00', 'm', 'A', 12, NULL, 'x', 'x'), ('p2', '2026-03-01 05:00:00', 'm', 'A', 30, 'boom', 'x', NULL)`,
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
	w := query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	compareSources(t, st, `{"schemaVersion":1,"queryType":"coverage","model":"m","format":"numeric"}`, w)
	reg := validQuery(t, []byte(`{"schemaVersion":1,"queryType":"regression","model":"m","metrics":["mae"],"format":"numeric"}`), w)
	sameFailure(t, st, reg, "regression on a table without values")
}

// A prediction far out of scale (an error whose square overflows) must not fail the load that
// rolls it up: the engine's variance refuses non-finite results, so the rollup's M2 leaves such
// rows out and counts them, and what depends on M2 is NaN (as the sums over such rows are),
// while the sums themselves answer as the raw rows do.
func TestOutOfScaleValuesDoNotFailTheRollups(t *testing.T) {
	db := filepath.Join(t.TempDir(), "wild.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "predicted_label", Kind: store.KindText}, {Name: "actual_label", Kind: store.KindText},
		{Name: "predicted_value", Kind: store.KindDouble}, {Name: "actual_value", Kind: store.KindDouble},
	}
	hour := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	loadRows(t, w, cols, [][]driver.Value{
		{"p1", hour.Add(5 * time.Minute), "m", "A", nil, nil, 2.0, 1.0},
		{"p2", hour.Add(20 * time.Minute), "m", "A", nil, nil, 1e200, 1.0},
		{"p3", hour.Add(70 * time.Minute), "m", "A", nil, nil, 2.0, 1.0},
		{"p4", hour.Add(75 * time.Minute), "m", "A", nil, nil, 4.0, 5.0},
	})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	win := query.Window{From: hour, To: hour.Add(2 * time.Hour)}
	reg := `{"schemaVersion":1,"queryType":"regression","model":"m","metrics":["mae","mse","mean_error","r2"],"interval":"1h"}`
	fs := runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, reg, win)
	if src := sourceOf(t, fs); src != engine.SourceRollup {
		t.Fatalf("source %q, want rollup", src)
	}
	got := numbers(fs)
	// The first hour holds the out-of-scale row; the second hour's errors are 1 and -1, its
	// actuals 1 and 5 (R2 = 1 - 2/8).
	// nullAt reports whether a metric's bucket is present and null.
	nullAt := func(frame int, metric string, row int) bool {
		for key, x := range got {
			if strings.HasPrefix(key, strconv.Itoa(frame)+"/"+metric+"/") && strings.HasSuffix(key, "/"+strconv.Itoa(row)) {
				return x == nil
			}
		}
		return false
	}
	v := func(frame int, metric string, row int) float64 {
		t.Helper()
		for key, x := range got {
			if strings.HasPrefix(key, strconv.Itoa(frame)+"/"+metric+"/") && strings.HasSuffix(key, "/"+strconv.Itoa(row)) && x != nil {
				return *x
			}
		}
		t.Fatalf("no %s in frame %d row %d: %v", metric, frame, row, got)
		return 0
	}
	if mae := v(0, "mae", 0); mae != 1e200/2 {
		t.Errorf("first hour's mae %v, want 5e199", mae)
	}
	if mse := v(1, "mse", 0); !math.IsInf(mse, 1) {
		t.Errorf("first hour's mse %v, want +Inf", mse)
	}
	if !nullAt(3, "r2", 0) {
		t.Errorf("first hour's r2 is not null: its spread is undefined (written as null, never NaN)")
	}
	if mae, bias, r2 := v(0, "mae", 1), v(2, "mean_error", 1), v(3, "r2", 1); mae != 1 || bias != 0 || r2 != 0.75 {
		t.Errorf("second hour: mae %v, mean_error %v, r2 %v; want 1, 0, 0.75", mae, bias, r2)
	}
}
