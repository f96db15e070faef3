package engine_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"sync/atomic"
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

// pathCounter counts the reads of raw rows (statistics, and the version and class lookups) and
// of rollups, to prove which path answered, the operations reads that asked for the latency
// sketch, and the feature rollup reads merged by the store (summaries).
type pathCounter struct {
	*sqlstore.Store
	raw, rollup, sketches, summaries atomic.Int64
	// gaps counts the capped hours the feature rollup readers left to raw rows.
	gaps atomic.Int64
}

func (c *pathCounter) Aggregates(ctx context.Context, req store.AggregateRequest) ([]store.AggregateRow, error) {
	c.raw.Add(1)
	return c.Store.Aggregates(ctx, req)
}

func (c *pathCounter) ConfusionCounts(ctx context.Context, req store.ConfusionRequest) ([]store.ConfusionCount, error) {
	c.raw.Add(1)
	return c.Store.ConfusionCounts(ctx, req)
}

func (c *pathCounter) Versions(ctx context.Context, model string) ([]string, error) {
	c.raw.Add(1)
	return c.Store.Versions(ctx, model)
}

func (c *pathCounter) Classes(ctx context.Context, model string) ([]string, error) {
	c.raw.Add(1)
	return c.Store.Classes(ctx, model)
}

func (c *pathCounter) RollupOperations(ctx context.Context, req store.RollupRequest) ([]store.OperationsRollup, error) {
	c.rollup.Add(1)
	if req.LatencySketch {
		c.sketches.Add(1)
	}
	return c.Store.RollupOperations(ctx, req)
}

func (c *pathCounter) RawOperations(ctx context.Context, sc store.Scope, bucket time.Duration, latencySketch bool) ([]store.OperationsRollup, error) {
	if latencySketch {
		c.sketches.Add(1)
	}
	return c.Store.RawOperations(ctx, sc, bucket, latencySketch)
}

func (c *pathCounter) RollupMeasureSums(ctx context.Context, req store.RollupRequest, measures []store.Measure) ([]store.MeasureSums, error) {
	c.rollup.Add(1)
	return c.Store.RollupMeasureSums(ctx, req, measures)
}

func (c *pathCounter) RollupConfusion(ctx context.Context, req store.RollupRequest) ([]store.ConfusionCount, error) {
	c.rollup.Add(1)
	return c.Store.RollupConfusion(ctx, req)
}

// demoEnd is a whole hour, so that whole-hour ranges cover the data set's hours exactly.
var demoEnd = time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)

// openDemo writes a small demo store through the loader (which maintains the rollups) and
// opens it read-only as the data source does.
func openDemo(t *testing.T) (*sqlstore.Store, string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	o := demo.Options{Rows: 30_000, Span: 30 * 24 * time.Hour, End: demoEnd, Seed: demo.DefaultSeed}
	if _, err := w.Load(context.Background(), demo.Columns, func(emit duckdb.AppendFunc) error { return demo.Generate(o, emit) }); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st, db
}

// rebuildRollups rebuilds every rollup of a store file, as `modelwatch rollup` does.
func rebuildRollups(t *testing.T, db string) {
	t.Helper()
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.RebuildRollups(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// validQuery parses and validates a query's JSON over a window.
func validQuery(t *testing.T, js []byte, w query.Window) query.Query {
	t.Helper()
	raw, err := query.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.Validate(raw, w)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// runRollupQuery validates and runs a query over a window.
func runRollupQuery(t *testing.T, eng *engine.Engine, js string, w query.Window) data.Frames {
	t.Helper()
	frames, err := eng.Run(context.Background(), validQuery(t, []byte(js), w))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return frames
}

// sourceOf checks every frame reports one source and returns it.
func sourceOf(t *testing.T, fs data.Frames) string {
	t.Helper()
	var src string
	for i, f := range fs {
		custom, _ := f.Meta.Custom.(map[string]any)
		s, _ := custom["source"].(string)
		if s == "" || (i > 0 && s != src) {
			t.Fatalf("frame %d: meta.custom.source %q (first frame %q)", i, s, src)
		}
		src = s
	}
	return src
}

// numbers flattens the nullable number fields of frames, keyed by frame, field, labels and row.
func numbers(fs data.Frames) map[string]*float64 {
	out := map[string]*float64{}
	for fi, f := range fs {
		for _, field := range f.Fields {
			for r := range field.Len() {
				key := fmt.Sprintf("%d/%s/%s/%d", fi, field.Name, field.Labels, r)
				switch v := field.At(r).(type) {
				case *float64:
					out[key] = v
				case int64:
					x := float64(v)
					out[key] = &x
				}
			}
		}
	}
	return out
}

// quantileMetric reports whether a metric is a sketch-based latency quantile.
func quantileMetric(key string) bool {
	for _, m := range []string{"latency_p50", "latency_p95", "latency_p99"} {
		if strings.Contains(key, "/"+m+"/") {
			return true
		}
	}
	return false
}

// compareSources runs a query on both paths and checks the rollup answer: identical numbers
// for exact figures, the latency mean within floating-point summation order (1e-12), the
// figures computed from sums of errors and values within summation order (1e-9 relative), the
// latency quantiles within the sketch's relative bound of the exact quantile, and the error and
// label delay quantiles null where the raw ones are (their bound: engine.CheckSketchedQuantiles).
func compareSources(t *testing.T, st *sqlstore.Store, js string, w query.Window) {
	t.Helper()
	cs := &pathCounter{Store: st}
	rawFrames := runRollupQuery(t, &engine.Engine{Store: cs}, js, w)
	if got := sourceOf(t, rawFrames); got != engine.SourceRaw || cs.rollup.Load() != 0 {
		t.Fatalf("%s: rollups off: source %q, %d rollup reads", js, got, cs.rollup.Load())
	}
	rawReads := cs.raw.Load()
	rollFrames := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
	// A range of whole hours reads no raw row; one with partial hours at its ends reads those
	// from raw rows and says which hours came from rollups.
	aligned := w.From.Equal(w.From.Truncate(time.Hour)) && w.To.Equal(w.To.Truncate(time.Hour))
	if got := sourceOf(t, rollFrames); got != engine.SourceRollup || (aligned && cs.raw.Load() != rawReads) || cs.rollup.Load() == 0 {
		t.Fatalf("%s: rollups on: source %q, %d raw reads, %d rollup reads", js, got, cs.raw.Load()-rawReads, cs.rollup.Load())
	}
	for _, f := range rollFrames {
		_, has := f.Meta.Custom.(map[string]any)["rollupFrom"]
		if has == aligned {
			t.Fatalf("%s: rollupFrom in meta %v, range of whole hours %v", js, has, aligned)
		}
	}
	for _, f := range rollFrames {
		bound, has := f.Meta.Custom.(map[string]any)["latencyQuantileRelativeError"]
		if asks := strings.Contains(js, `"latency_p`); asks != has || (has && bound != metrics.SketchAlpha) {
			t.Fatalf("%s: latencyQuantileRelativeError %v (present %v), want %v only with latency quantiles", js, bound, has, metrics.SketchAlpha)
		}
	}
	want, got := numbers(rawFrames), numbers(rollFrames)
	if len(want) != len(got) || len(want) == 0 {
		t.Fatalf("%s: %d values raw, %d from rollups", js, len(want), len(got))
	}
	checked := 0
	for key, w := range want {
		g, ok := got[key]
		switch {
		case !ok:
			t.Errorf("%s: %s missing from the rollup answer", js, key)
		case w == nil || g == nil:
			if w != g && (w == nil) != (g == nil) {
				t.Errorf("%s: %s: raw %v, rollup %v", js, key, deref(w), deref(g))
			}
		case signedQuantileMetric(key):
			// Within the sketch's bound of the interpolated magnitudes of the order statistics
			// around it, which only the rows tell: engine.CheckSketchedQuantiles checks it.
			checked++
		case quantileMetric(key):
			if math.Abs(*g-*w) > metrics.SketchAlpha*math.Abs(*w)*(1+1e-9) {
				t.Errorf("%s: %s: sketch %.9g not within %g of exact %.9g", js, key, *g, metrics.SketchAlpha, *w)
			}
			checked++
		case summedMetric(key):
			if math.Abs(*g-*w) > 1e-9*math.Abs(*w) {
				t.Errorf("%s: %s: rollup %.17g, raw %.17g (beyond 1e-9 relative)", js, key, *g, *w)
			}
			checked++
		case strings.Contains(key, "/latency_mean/"):
			if math.Abs(*g-*w) > 1e-12*math.Abs(*w) {
				t.Errorf("%s: %s: rollup %.17g, raw %.17g", js, key, *g, *w)
			}
			checked++
		default:
			if *g != *w {
				t.Errorf("%s: %s: rollup %.17g, raw %.17g (must be identical)", js, key, *g, *w)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatalf("%s: no values compared", js)
	}
}

// signedQuantileMetric reports whether a metric is a sketch-based quantile of a signed value:
// the error, the label delay.
func signedQuantileMetric(key string) bool {
	for _, m := range []string{"error_p50", "error_p90", "error_p99", "label_delay_p50", "label_delay_p95"} {
		if strings.Contains(key, "/"+m+"/") {
			return true
		}
	}
	return false
}

// summedMetric reports whether a value is computed from floating-point sums (of errors, of
// actual values, of label delays), which the rollups add in another order than the raw scan: the
// regression metrics, the mean label delay and a mean-error comparison's figures (its verdict and
// counts stay identical).
func summedMetric(key string) bool {
	for _, m := range []string{"mae", "mse", "rmse", "mape", "r2", "mean_error", "label_delay_mean", "champion", "challenger", "delta", "ci_low", "ci_high", "p_value"} {
		if strings.Contains(key, "/"+m+"/") {
			return true
		}
	}
	return false
}

var confusionMetrics = `["accuracy","precision","recall","f1","specificity","mcc","balanced_accuracy","fpr","fnr"]`

// On the demo store, every exact figure is identical from rollups and from raw rows, and the
// latency quantiles are within the sketch's bound, for whole-range and bucketed queries.
func TestRollupsMatchRawRowsOnTheDemoStore(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-30 * 24 * time.Hour), To: demoEnd}
	last2d := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	ops := `"queryType":"operations","metrics":["requests","throughput","error_rate","latency_p50","latency_p95","latency_p99","latency_mean","latency_min","latency_max"]`
	for model, version := range map[string]string{demo.ChurnModel: "A", demo.BasketModel: "v1"} {
		compareSources(t, st, `{"schemaVersion":1,`+ops+`,"model":"`+model+`","format":"numeric"}`, w)
		compareSources(t, st, `{"schemaVersion":1,`+ops+`,"model":"`+model+`","interval":"1h"}`, last2d)
		compareSources(t, st, `{"schemaVersion":1,`+ops+`,"model":"`+model+`","versions":["`+version+`"],"interval":"1d"}`, w)
	}
	// Ranges whose ends are not whole hours: the partial hours come from raw rows.
	ragged := query.Window{From: last2d.From.Add(-17*time.Minute - 3*time.Second), To: last2d.To.Add(-41 * time.Minute)}
	compareSources(t, st, `{"schemaVersion":1,`+ops+`,"model":"churn-classifier","format":"numeric"}`, ragged)
	compareSources(t, st, `{"schemaVersion":1,`+ops+`,"model":"churn-classifier","interval":"2h"}`, ragged)
	compareSources(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier"}`, ragged)
	compareSources(t, st, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":`+confusionMetrics+`,"interval":"1h"}`, ragged)
	cls := `"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":` + confusionMetrics
	compareSources(t, st, `{"schemaVersion":1,`+cls+`,"format":"numeric"}`, w)
	compareSources(t, st, `{"schemaVersion":1,`+cls+`,"versions":["A"],"interval":"6h"}`, w)
	compareSources(t, st, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","average":"none","metrics":["precision","recall","f1"],"format":"numeric"}`, w)
	compareSources(t, st, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","average":"macro","metrics":["precision","recall","f1"],"interval":"1d"}`, w)
	compareSources(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn"}`, w)
}

// The latency sketch, most of what the operations rollups hold, is read only for latency
// quantiles: counts, error rates, the latency mean and extremes and last_seen_seconds answer
// without it, with the numbers of the raw rows.
func TestOperationsReadTheLatencySketchOnlyForQuantiles(t *testing.T) {
	st, _ := openDemo(t)
	last2d := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	ragged := query.Window{From: last2d.From.Add(-17 * time.Minute), To: last2d.To.Add(-41 * time.Minute)}
	for _, tc := range []struct {
		metrics string
		sketch  bool
	}{
		{`["requests","throughput","error_rate","latency_mean","latency_min","latency_max"]`, false},
		{`["last_seen_seconds"]`, false},
		{`["requests","last_seen_seconds"]`, false},
		{`["throughput","latency_p95"]`, true},
	} {
		for _, w := range []query.Window{last2d, ragged} {
			js := `{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","metrics":` + tc.metrics + `,"interval":"1h"}`
			cs := &pathCounter{Store: st}
			if src := sourceOf(t, runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)); src != engine.SourceRollup {
				t.Fatalf("%s: source %q", js, src)
			}
			if read := cs.sketches.Load() > 0; read != tc.sketch {
				t.Errorf("%s over %s: latency sketch read %v, want %v", js, w.From, read, tc.sketch)
			}
			compareSources(t, st, js, w)
		}
	}
}

// The planner keeps what rollups cannot answer on raw rows: a range without a whole hour, a
// bucket that is not whole hours, a filter (score metrics too), a groupBy (a threshold that a
// score cell straddles: TestThresholdStraddlingACellReadsRawRows).
func TestPlannerReadsRawRowsWhenRollupsCannotAnswer(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	for name, tc := range map[string]struct {
		js string
		w  query.Window
	}{
		"range without a whole hour": {`{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","format":"numeric"}`,
			query.Window{From: w.From.Add(30 * time.Minute), To: w.From.Add(90 * time.Minute)}},
		"bucket not whole hours": {`{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","interval":"30m"}`, w},
		"filter":                 {`{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","format":"numeric","filters":[{"column":"plan","op":"=","values":["pro"]}]}`, w},
		"groupBy":                {`{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","format":"numeric","groupBy":"plan"}`, w},
		"score metric filtered":  {`{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":["accuracy","roc_auc"],"format":"numeric","filters":[{"column":"plan","op":"=","values":["pro"]}]}`, w},
	} {
		t.Run(name, func(t *testing.T) {
			cs := &pathCounter{Store: st}
			fs := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, tc.js, tc.w)
			if got := sourceOf(t, fs); got != engine.SourceRaw || cs.rollup.Load() != 0 || cs.raw.Load() == 0 {
				t.Errorf("source %q, %d rollup reads, %d raw reads: want raw only", got, cs.rollup.Load(), cs.raw.Load())
			}
		})
	}
}

// A store written without rollup tables (by another tool, or before rollups existed) answers
// exactly as before, from raw rows; so does a store whose rows grew without its rollups.
func TestStoreWithoutUsableRollupsReadsRawRows(t *testing.T) {
	js := `{"schemaVersion":1,"queryType":"operations","model":"m","format":"numeric","metrics":["requests","latency_mean","latency_min","latency_max"]}`
	w := query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	db := filepath.Join(t.TempDir(), "plain.duckdb")
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(stmt string) {
		t.Helper()
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	exec(`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR, latency_ms DOUBLE, error VARCHAR,
		predicted_label VARCHAR, actual_label VARCHAR)`)
	exec(`INSERT INTO predictions VALUES ('p1', '2026-03-01 00:10:00', 'm', 'A', 12, NULL, 'x', 'x'), ('p2', '2026-03-01 05:00:00', 'm', 'A', 30, 'boom', 'x', NULL)`)
	_ = c.Close()
	check := func(want [4]float64, wantSource string) {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		cs := &pathCounter{Store: st}
		fs := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
		if got := sourceOf(t, fs); got != wantSource || (cs.rollup.Load() == 0) != (wantSource == engine.SourceRaw) {
			t.Fatalf("source %q, %d rollup reads: want %s", got, cs.rollup.Load(), wantSource)
		}
		for i, m := range []string{"requests", "latency_mean", "latency_min", "latency_max"} {
			if v := numbers(fs)["0/"+m+"/"+data.Labels(nil).String()+"/0"]; v == nil || *v != want[i] {
				t.Fatalf("%s: got %v, want %v", m, deref(v), want[i])
			}
		}
	}
	check([4]float64{2, 21, 12, 30}, engine.SourceRaw)

	// Rollups built, then a row added behind their back: they no longer account for the table.
	rebuildRollups(t, db)
	check([4]float64{2, 21, 12, 30}, engine.SourceRollup)
	c, err = sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO predictions VALUES ('p3', '2026-03-01 06:00:00', 'm', 'A', 7, NULL, 'x', 'y')`)
	_ = c.Close()
	check([4]float64{3, 49.0 / 3, 7, 30}, engine.SourceRaw)
}

// The data source's rollups setting off: the same store answers from raw rows.
func TestRollupsOffReadsRawRows(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-24 * time.Hour), To: demoEnd}
	js := `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn"}`
	for _, on := range []bool{true, false} {
		cs := &pathCounter{Store: st}
		fs := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: on}, js, w)
		want := map[bool]string{true: engine.SourceRollup, false: engine.SourceRaw}[on]
		if got := sourceOf(t, fs); got != want {
			t.Errorf("rollups %v: source %q, want %q", on, got, want)
		}
		if on == (cs.rollup.Load() == 0) || !on == (cs.raw.Load() == 0) {
			t.Errorf("rollups %v: %d rollup reads, %d raw reads", on, cs.rollup.Load(), cs.raw.Load())
		}
	}
}

// A late label loaded into the labels table rebuilds the rollup hour of the prediction it
// labels, in the same transaction: the hour then answers from rollups with the new label.
func TestLateLabelUpdatesItsHour(t *testing.T) {
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
	}
	hour := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	yes, no := "yes", "no"
	rows := [][]driver.Value{
		{"p1", hour.Add(5 * time.Minute), "m", "A", "yes", "yes"},
		{"p2", hour.Add(20 * time.Minute), "m", "A", "yes", nil},
		{"p3", hour.Add(70 * time.Minute), "m", "A", "no", "no"},
	}
	loadRows(t, w, cols, rows)
	// The labels table exists (one early label for p1, agreeing with the row) and the rollups
	// are rebuilt to read it, as a data source with labelsTable "labels" does.
	if err := w.LoadLabels(ctx, "labels", []duckdb.Label{{PredictionID: "p1", ActualLabel: &yes, LabeledAt: hour.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if err := w.RebuildRollups(ctx, "labels"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	js := `{"schemaVersion":1,"queryType":"classification","model":"m","positiveClass":"yes","metrics":["accuracy","precision"],"format":"numeric"}`
	win := query.Window{From: hour, To: hour.Add(time.Hour)}
	measure := func() (accuracy, precision *float64, src string) {
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
		n := numbers(fs)
		return n["0/accuracy/"+data.Labels(nil).String()+"/0"], n["0/precision/"+data.Labels(nil).String()+"/0"], sourceOf(t, fs)
	}
	// Before: only p1 is labelled in that hour (yes/yes).
	if acc, prec, src := measure(); src != engine.SourceRollup || *acc != 1 || *prec != 1 {
		t.Fatalf("before the late label: accuracy %v precision %v from %s", deref(acc), deref(prec), src)
	}
	// A label for a prediction not stored yet changes no hour, and the rollups still account
	// for every row; then p2's label arrives: it was predicted yes and is no.
	if w, err = duckdb.OpenWriter(db, "predictions"); err != nil {
		t.Fatal(err)
	}
	if err := w.LoadLabels(ctx, "labels", []duckdb.Label{{PredictionID: "p-later", ActualLabel: &no, LabeledAt: hour}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if acc, _, src := measure(); src != engine.SourceRollup || *acc != 1 {
		t.Fatalf("after a label of no stored prediction: accuracy %v from %s, want 1 from rollup", deref(acc), src)
	}
	if w, err = duckdb.OpenWriter(db, "predictions"); err != nil {
		t.Fatal(err)
	}
	if err := w.LoadLabels(ctx, "labels", []duckdb.Label{{PredictionID: "p2", ActualLabel: &no, LabeledAt: hour.Add(3 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if acc, prec, src := measure(); src != engine.SourceRollup || *acc != 0.5 || *prec != 0.5 {
		t.Fatalf("after the late label: accuracy %v precision %v from %s, want 0.5, 0.5 from rollup", deref(acc), deref(prec), src)
	}
}

// loadRows loads rows with the writer, each followed by its line number as the CSV reader
// counts them (the header is line 1).
func loadRows(t *testing.T, w *duckdb.Writer, cols []store.Column, rows [][]driver.Value) {
	t.Helper()
	if _, err := w.Load(context.Background(), cols, func(emit duckdb.AppendFunc) error {
		for i, r := range rows {
			if err := emit(append(r, int64(i+2))); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// stateCounter counts how often the rollups' state is read.
type stateCounter struct {
	*sqlstore.Store
	reads atomic.Int64
}

func (c *stateCounter) Rollups(ctx context.Context) (bool, string, error) {
	c.reads.Add(1)
	return c.Store.Rollups(ctx)
}

// The rollups' state (a count of the tables' rows) is read once, not by every query and again
// for its version and class lookups: it only changes when data is loaded.
func TestRollupStateIsReadOncePerLookupTime(t *testing.T) {
	st, _ := openDemo(t)
	counter := &stateCounter{Store: st}
	eng := &engine.Engine{Store: counter, Rollups: true, Cache: engine.NewCache()}
	w := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	for _, js := range []string{
		`{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","format":"numeric"}`,
		`{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":["precision"],"format":"numeric"}`,
	} {
		if src := sourceOf(t, runRollupQuery(t, eng, js, w)); src != engine.SourceRollup {
			t.Fatalf("%s: source %q, want rollup", js, src)
		}
	}
	if n := counter.reads.Load(); n != 1 {
		t.Fatalf("the rollups' state was read %d times for two queries, want 1", n)
	}
}

// sameFailure checks that a query fails with rollups off and on, with the same error: a
// question the rows cannot answer is refused alike whichever path reads them.
func sameFailure(t *testing.T, st store.Store, q query.Query, what string) {
	t.Helper()
	_, rawErr := (&engine.Engine{Store: st}).Run(context.Background(), q)
	_, rollErr := (&engine.Engine{Store: st, Rollups: true}).Run(context.Background(), q)
	if rawErr == nil || rollErr == nil || rawErr.Error() != rollErr.Error() {
		t.Errorf("%s: raw error %v, rollup error %v; want the same error", what, rawErr, rollErr)
	}
}
