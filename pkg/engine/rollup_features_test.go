package engine_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"path/filepath"
	"slices"
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

func (c *pathCounter) RollupFeatureValues(ctx context.Context, req store.RollupRequest, columns []string) ([]store.FeatureValueCount, []int, []store.FeatureGap, error) {
	c.rollup.Add(1)
	rows, raw, gaps, err := c.Store.RollupFeatureValues(ctx, req, columns)
	c.gaps.Add(int64(len(gaps)))
	return rows, raw, gaps, err
}

func (c *pathCounter) RollupFeatureSummaries(ctx context.Context, req store.RollupRequest, columns []store.FeatureSummaryColumn) ([]store.FeatureSummary, []int, []store.FeatureGap, error) {
	c.rollup.Add(1)
	c.summaries.Add(1)
	rows, raw, gaps, err := c.Store.RollupFeatureSummaries(ctx, req, columns)
	c.gaps.Add(int64(len(gaps)))
	return rows, raw, gaps, err
}

func (c *pathCounter) Distribution(ctx context.Context, req store.DistributionRequest) ([]store.DistributionCount, error) {
	c.raw.Add(1)
	return c.Store.Distribution(ctx, req)
}

func (c *pathCounter) Distinct(ctx context.Context, sc store.Scope, column string, limit int) ([]string, error) {
	c.raw.Add(1)
	return c.Store.Distinct(ctx, sc, column, limit)
}

// cells flattens every field of frames (numbers, strings, times) and the drift results of
// histogram frames' meta.custom, keyed by frame, field, labels and row.
func cells(fs data.Frames) map[string]any {
	out := map[string]any{}
	for fi, f := range fs {
		for _, field := range f.Fields {
			for r := range field.Len() {
				key := fmt.Sprintf("%d/%s/%s/%d", fi, field.Name, field.Labels, r)
				switch v := field.At(r).(type) {
				case *float64:
					if v != nil {
						out[key] = *v
					} else {
						out[key] = nil
					}
				case int64:
					out[key] = float64(v)
				case *string:
					if v != nil {
						out[key] = *v
					} else {
						out[key] = nil
					}
				default:
					out[key] = fmt.Sprint(v)
				}
			}
		}
		custom, _ := f.Meta.Custom.(map[string]any)
		for _, k := range []string{"statistic", "pValue", "score", "drifted", "method", "reason"} {
			if v, ok := custom[k]; ok {
				if p, ok := v.(*float64); ok && p != nil {
					out[fmt.Sprintf("%d/meta/%s", fi, k)] = *p
				} else if ok {
					out[fmt.Sprintf("%d/meta/%s", fi, k)] = nil
				} else {
					out[fmt.Sprintf("%d/meta/%s", fi, k)] = fmt.Sprint(v)
				}
			}
		}
	}
	return out
}

// close1e9 reports whether two numbers agree within floating-point summation order: 1e-9
// relative (1e-12 absolute near zero).
func close1e9(a, b float64) bool {
	if a == b || (math.IsNaN(a) && math.IsNaN(b)) {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) || math.Abs(a-b) <= 1e-12
}

// compareFeatureSources runs a quality or drift query with rollups off and on and checks the
// answers are identical (numbers within 1e-9 relative), the rollups-on one reports wantSource,
// and a range of whole hours with every feature from rollups reads no raw row. It returns the
// rollups-on frames.
func compareFeatureSources(t *testing.T, st *sqlstore.Store, js string, w query.Window, wantSource string) data.Frames {
	t.Helper()
	cs := &pathCounter{Store: st}
	rawFrames := runRollupQuery(t, &engine.Engine{Store: cs}, js, w)
	if cs.rollup.Load() != 0 {
		t.Fatalf("%s: rollups off: %d rollup reads", js, cs.rollup.Load())
	}
	rawReads := cs.raw.Load()
	rollFrames := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
	q := validQuery(t, []byte(js), w)
	aligned := true
	for _, at := range []time.Time{q.From, q.To, q.RefFrom, q.RefTo} {
		aligned = aligned && at.Equal(at.Truncate(time.Hour))
	}
	if got := sourceOf(t, rollFrames); got != wantSource {
		t.Fatalf("%s: rollups on: source %q, want %q", js, got, wantSource)
	}
	_, someRaw := rollFrames[0].Meta.Custom.(map[string]any)["rawFeatures"]
	// Over whole hours raw rows are read only for a feature named raw, or a capped hour (a gap).
	if wantSource == engine.SourceRollup && (cs.rollup.Load() == 0 || (aligned && !someRaw && cs.gaps.Load() == 0 && cs.raw.Load() != rawReads)) {
		t.Fatalf("%s: rollups on: %d raw reads, %d rollup reads", js, cs.raw.Load()-rawReads, cs.rollup.Load())
	}
	want, got := cells(rawFrames), cells(rollFrames)
	if len(want) == 0 || len(want) != len(got) {
		t.Fatalf("%s: %d values raw, %d from rollups", js, len(want), len(got))
	}
	for k, wv := range want {
		gv, ok := got[k]
		wf, wnum := wv.(float64)
		gf, gnum := gv.(float64)
		switch {
		case !ok:
			t.Errorf("%s: %s missing from the rollup answer", js, k)
		case wnum && gnum:
			if !close1e9(wf, gf) {
				t.Errorf("%s: %s: raw %v, rollups %v", js, k, wf, gf)
			}
		case wv != gv:
			t.Errorf("%s: %s: raw %v, rollups %v", js, k, wv, gv)
		}
	}
	return rollFrames
}

// The drift dashboard's and the operations dashboard's quality and drift queries, every drift
// method over every demo feature (text, boolean and numbers counted per value), each format,
// and the outcomes dashboard's queries give the raw rows' numbers from the feature rollup, over whole hours and over ranges
// whose partial hours at both ends (of both windows) come from raw rows.
func TestFeatureRollupsMatchRawRowsOnTheDemoStore(t *testing.T) {
	st, _ := openDemo(t)
	last3d := query.Window{From: demoEnd.Add(-72 * time.Hour), To: demoEnd}
	ragged := query.Window{From: last3d.From.Add(-17*time.Minute - 3*time.Second), To: last3d.To.Add(-41 * time.Minute)}
	basket := `"model":"` + demo.BasketModel + `"`
	shift14 := `"reference":{"type":"shift","shift":"14d"}`
	queries := []string{
		// The dashboards' queries.
		`{"schemaVersion":1,"queryType":"drift",` + basket + `,"format":"numeric",` + shift14 + `}`,
		`{"schemaVersion":1,"queryType":"drift",` + basket + `,"features":["age"],"method":"wasserstein","format":"timeseries","interval":"1d",` + shift14 + `}`,
		`{"schemaVersion":1,"queryType":"drift",` + basket + `,"features":["age"],"format":"histogram","reference":{"type":"shift","shift":"10d"}}`,
		`{"schemaVersion":1,"queryType":"quality",` + basket + `,"format":"numeric",` + shift14 + `}`,
		// Quality over time and per version; drift histograms of a category and a boolean.
		`{"schemaVersion":1,"queryType":"quality",` + basket + `,"interval":"6h",` + shift14 + `}`,
		`{"schemaVersion":1,"queryType":"quality","model":"` + demo.ChurnModel + `","versions":["A"],"format":"numeric","reference":{"type":"shift","shift":"7d"}}`,
		`{"schemaVersion":1,"queryType":"drift",` + basket + `,"features":["plan","is_mobile","tenure_months"],"format":"histogram",` + shift14 + `}`,
		`{"schemaVersion":1,"queryType":"drift",` + basket + `,"features":["age","country"],"method":"psi","bins":5,"interval":"1d",` + shift14 + `}`,
	}
	for _, m := range metrics.DriftMethods {
		queries = append(queries, `{"schemaVersion":1,"queryType":"drift",`+basket+`,"method":"`+m+`","format":"numeric",`+shift14+`}`)
	}
	// The outcomes dashboard's queries.
	clicked := `{"schemaVersion":1,"queryType":"outcome","model":"` + demo.RankerModel + `","outcome":"` + demo.OutcomeColumn + `",`
	queries = append(queries,
		clicked+`"metrics":["rate"],"interval":"1h"}`,
		clicked+`"metrics":["rate"],"format":"numeric"}`,
		clicked+`"metrics":["coverage"],"interval":"1h"}`,
		clicked+`"metrics":["rate_change"],"combineVersions":true,"compareTo":{"reference":{"type":"shift","shift":"7d"},"as":"pct_change"},"interval":"1d"}`)
	for _, js := range queries {
		compareFeatureSources(t, st, js, last3d, engine.SourceRollup)
		fs := compareFeatureSources(t, st, js, ragged, engine.SourceRollup)
		if _, has := fs[0].Meta.Custom.(map[string]any)["rollupFrom"]; !has {
			t.Errorf("%s: a ragged range's answer does not say which hours came from rollups", js)
		}
	}
}

// The golden quality and drift cases without a filter answer from the feature rollup with
// numpy's and scipy's numbers (TestRollupsMatchTheGoldenFamilies checks the values), and
// identically to raw rows; the filtered ones read raw rows.
func TestFeatureRollupsAnswerTheGoldenCases(t *testing.T) {
	eng, fc := openFamilies(t)
	st := eng.Store.(*sqlstore.Store)
	w := query.Window{From: fc.From, To: fc.To}
	answered := 0
	for _, c := range fc.Cases {
		q := validQuery(t, c.Query, w)
		if q.Type != query.TypeQuality && q.Type != query.TypeDrift {
			continue
		}
		want := engine.SourceRaw
		if len(q.Filters) == 0 {
			want = engine.SourceRollup
			answered++
		}
		compareFeatureSources(t, st, string(c.Query), w, want)
	}
	if answered < 4 {
		t.Fatalf("only %d golden quality and drift cases answered from rollups", answered)
	}
}

// writeFeatures writes predictions of model m spread evenly over span from start, with a
// number feature x and a text feature c, through the loader (which builds the rollups).
func writeFeatures(t *testing.T, start time.Time, span time.Duration, xs []float64) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "features.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	cols := append(append([]store.Column{}, store.BaseColumns...),
		store.Column{Name: "x", Kind: store.KindDouble, Role: store.RoleFeature},
		store.Column{Name: "c", Kind: store.KindText, Role: store.RoleFeature})
	rows := make([][]driver.Value, len(xs))
	for i, x := range xs {
		row := make([]driver.Value, len(cols))
		row[0], row[1], row[2], row[3] = fmt.Sprintf("p%d", i), start.Add(time.Duration(i)*span/time.Duration(len(xs))), "m", []string{"A", "B"}[i%2]
		row[len(cols)-2], row[len(cols)-1] = x, []string{"red", "green", "blue"}[i%3]
		if i%7 == 0 {
			row[len(cols)-1] = nil
		}
		rows[i] = row
	}
	loadRows(t, w, cols, rows)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return db
}

// A number feature with more distinct values in an hour than the feature rollup keeps value by
// value is kept per cell: quality answers from the cells with the rows' numbers, a binned drift
// method (which counts values per bin) reads raw rows for it (named in meta.custom.rawFeatures)
// with the same numbers; the other features of the same query still come from the rollup.
// (Drift by ks, wasserstein and auto reads the cells: TestDriftFromFeatureCells.)
func TestFeatureOverTheCapReadsCellsForQualityAndRawRowsForDrift(t *testing.T) {
	hour := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	n := 2*store.FeatureRollupCap + 50
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i) / 7 // every value distinct: over the cap for both versions
	}
	st, err := duckdb.Open(writeFeatures(t, hour, time.Hour, xs), "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cur := query.Window{From: hour.Add(30 * time.Minute), To: hour.Add(time.Hour)}
	ref := `"reference":{"type":"range","from":"2026-03-02T10:00:00Z","to":"2026-03-02T10:30:00Z"}`
	whole := query.Window{From: hour, To: hour.Add(time.Hour)}
	for _, tc := range []struct {
		js   string
		w    query.Window
		want string
		rawX bool
	}{
		// Both windows hold part of the hour only: nothing to read from rollups.
		{`{"schemaVersion":1,"queryType":"drift","model":"m","features":["x","c"],"method":"psi","format":"numeric",` + ref + `}`, cur, engine.SourceRaw, false},
		// A whole hour: drift reads x from raw rows, c from the rollup.
		{`{"schemaVersion":1,"queryType":"drift","model":"m","features":["x","c"],"method":"psi","format":"numeric","reference":{"type":"shift","shift":"1h"}}`, whole, engine.SourceRollup, true},
		{`{"schemaVersion":1,"queryType":"drift","model":"m","features":["x"],"method":"psi","format":"numeric","reference":{"type":"shift","shift":"1h"}}`, whole, engine.SourceRaw, true},
		// Quality reads both from the rollup.
		{`{"schemaVersion":1,"queryType":"quality","model":"m","format":"numeric","reference":{"type":"shift","shift":"1h"}}`, whole, engine.SourceRollup, false},
		{`{"schemaVersion":1,"queryType":"quality","model":"m","interval":"1h","reference":{"type":"range","from":"2026-03-02T10:00:00Z","to":"2026-03-02T11:00:00Z"}}`, whole, engine.SourceRollup, false},
		{`{"schemaVersion":1,"queryType":"quality","model":"m","features":["x"],"format":"numeric","reference":{"type":"shift","shift":"1h"}}`, whole, engine.SourceRollup, false},
		{`{"schemaVersion":1,"queryType":"quality","model":"m","features":["c"],"format":"numeric","reference":{"type":"shift","shift":"1h"}}`, whole, engine.SourceRollup, false},
	} {
		fs := compareFeatureSources(t, st, tc.js, tc.w, tc.want)
		raw, _ := fs[0].Meta.Custom.(map[string]any)["rawFeatures"].([]string)
		if tc.rawX != slices.Equal(raw, []string{"x"}) {
			t.Errorf("%s: meta.custom.rawFeatures %v", tc.js, raw)
		}
	}
}

// A store whose rollups were built before the feature rollup (format 2) answers quality and
// drift from raw rows, and operations and a threshold's confusion from its rollups as before; its next load rebuilds the
// rollups whole, after which quality and drift answer from the feature rollup.
func TestRollupsBuiltBeforeTheFeatureRollupReadRawForFeatures(t *testing.T) {
	st, db := openDemo(t)
	_ = st.Close()
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`DROP TABLE predictions_rollup_1h_features`, `UPDATE predictions_rollup_meta SET format = 2`} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	w := query.Window{From: demoEnd.Add(-72 * time.Hour), To: demoEnd}
	drift := `{"schemaVersion":1,"queryType":"drift","model":"` + demo.BasketModel + `","format":"numeric","reference":{"type":"shift","shift":"14d"}}`
	quality := `{"schemaVersion":1,"queryType":"quality","model":"` + demo.BasketModel + `","format":"numeric","reference":{"type":"shift","shift":"14d"}}`
	ops := `{"schemaVersion":1,"queryType":"operations","model":"` + demo.BasketModel + `","format":"numeric","metrics":["requests"]}`
	threshold := `{"schemaVersion":1,"queryType":"confusion","model":"` + demo.ChurnModel + `","positiveClass":"churn","threshold":0.5}`
	check := func(js, want string) {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if want == engine.SourceRaw {
			cs := &pathCounter{Store: st}
			fs := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
			if got := sourceOf(t, fs); got != want || cs.rollup.Load() != 0 {
				t.Fatalf("%s: source %q, %d rollup reads: want raw", js, got, cs.rollup.Load())
			}
		}
		compareFeatureSources(t, st, js, w, want)
	}
	check(drift, engine.SourceRaw)
	check(quality, engine.SourceRaw)
	check(ops, engine.SourceRollup)
	check(threshold, engine.SourceRollup)
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
	check(drift, engine.SourceRollup)
	check(quality, engine.SourceRollup)
}

// A current window with more distinct values than the method counts one by one, against a
// reference with fewer, is counted on the reference's bins and grid from the rollup as the
// store counts it from raw rows: psi over 20 values, and ks and wasserstein over 4,096 (two
// hours kept value by value each, over the limit together), approximated on the grid alike.
func TestFeatureRollupsBinACurrentWindowOverTheLimit(t *testing.T) {
	hour := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	perHour := 2*store.FeatureRollupCap + 400 // per version an hour: 2,148 values twice each; over the cap in two
	xs := make([]float64, 3*perHour)
	for i := range xs {
		if i < perHour {
			xs[i] = float64(i % 5) // the first hour: 5 values
		} else {
			xs[i] = float64(i/4%9973) * 4 / 9973 // then values within the reference range, each twice per version
		}
	}
	st, err := duckdb.Open(writeFeatures(t, hour, 3*time.Hour, xs), "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := query.Window{From: hour.Add(time.Hour), To: hour.Add(3 * time.Hour)}
	ref := `"reference":{"type":"range","from":"2026-03-02T10:00:00Z","to":"2026-03-02T11:00:00Z"}`
	approximated := 0
	for _, m := range []string{"psi", "ks", "wasserstein", "chisquare"} {
		for _, format := range []string{`"format":"numeric"`, `"format":"histogram"`} {
			fs := compareFeatureSources(t, st, `{"schemaVersion":1,"queryType":"drift","model":"m","features":["x"],"method":"`+m+`",`+format+`,`+ref+`}`, w, engine.SourceRollup)
			custom := fs[0].Meta.Custom.(map[string]any)
			if custom["approximations"] != nil || custom["approximation"] != nil {
				approximated++
			}
		}
	}
	if approximated == 0 {
		t.Fatal("no answer was approximated on the grid: the test does not reach a window over the limit")
	}
}

// Quality's current window comes from summaries the store merges per bucket, version and feature
// (one row each, not one per value): over whole and ragged ranges, per hour, day and the whole
// range, for one version or all, every metric, with the rows' numbers.
func TestQualityReadsFeatureSummaries(t *testing.T) {
	st, _ := openDemo(t)
	last3d := query.Window{From: demoEnd.Add(-72 * time.Hour), To: demoEnd}
	ragged := query.Window{From: last3d.From.Add(-17*time.Minute - 3*time.Second), To: last3d.To.Add(-41 * time.Minute)}
	all := `"metrics":["rows","missing_share","out_of_range_share","new_category_share","mean","std","min","max","std_ratio","mean_shift"]`
	for _, js := range []string{
		`{"schemaVersion":1,"queryType":"quality","model":"` + demo.ChurnModel + `","features":["age"],"metrics":["missing_share","mean_shift","std_ratio"],"reference":{"type":"shift","shift":"1d"},"interval":"1h"}`,
		`{"schemaVersion":1,"queryType":"quality","model":"` + demo.ChurnModel + `","versions":["A"],` + all + `,"reference":{"type":"shift","shift":"1d"},"interval":"1d"}`,
		`{"schemaVersion":1,"queryType":"quality","model":"` + demo.BasketModel + `",` + all + `,"format":"numeric","reference":{"type":"shift","shift":"14d"}}`,
	} {
		for _, w := range []query.Window{last3d, ragged} {
			compareFeatureSources(t, st, js, w, engine.SourceRollup)
			cs := &pathCounter{Store: st}
			runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
			if cs.summaries.Load() == 0 {
				t.Errorf("%s: the current window was not read as summaries", js)
			}
		}
	}
}

// A quality or drift query reads the feature rollup once per window: the reference's range,
// categories and distribution share one read (it was one read each, and one per text feature
// for the categories).
func TestFeatureRollupsReadEachWindowOnce(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-72 * time.Hour), To: demoEnd}
	for _, js := range []string{
		`{"schemaVersion":1,"queryType":"drift","model":"` + demo.BasketModel + `","format":"numeric","reference":{"type":"shift","shift":"14d"}}`,
		`{"schemaVersion":1,"queryType":"quality","model":"` + demo.BasketModel + `","format":"numeric","reference":{"type":"shift","shift":"14d"}}`,
	} {
		cs := &pathCounter{Store: st}
		fs := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
		if got := sourceOf(t, fs); got != engine.SourceRollup || cs.rollup.Load() != 2 || cs.raw.Load() != 0 {
			t.Errorf("%s: source %q, %d rollup reads, %d raw reads: want 2 rollup reads (reference and current window)", js, got, cs.rollup.Load(), cs.raw.Load())
		}
	}
}

// A load into a store with current rollups rebuilds the feature rollup of the hours it wrote:
// quality and drift over them still answer from the rollup with the rows' numbers, new rows
// included.
func TestLoadUpdatesTheFeatureRollupOfItsHours(t *testing.T) {
	st, db := openDemo(t)
	_ = st.Close()
	w := query.Window{From: demoEnd.Add(-72 * time.Hour), To: demoEnd}
	quality := `{"schemaVersion":1,"queryType":"quality","model":"` + demo.BasketModel + `","format":"numeric","metrics":["rows","mean"],"reference":{"type":"shift","shift":"14d"}}`
	rowsOf := func() float64 {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		compareFeatureSources(t, st, `{"schemaVersion":1,"queryType":"drift","model":"`+demo.BasketModel+`","format":"numeric","reference":{"type":"shift","shift":"14d"}}`, w, engine.SourceRollup)
		fs := compareFeatureSources(t, st, quality, w, engine.SourceRollup)
		field, _ := fs[0].FieldByName("rows")
		var total float64
		for i := range field.Len() {
			total += *field.At(i).(*float64)
		}
		return total
	}
	before := rowsOf()
	wr, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	o := demo.Options{Rows: 400, Span: 2 * time.Hour, End: demoEnd.Add(-5 * time.Hour), Seed: demo.DefaultSeed + 2}
	if _, err := wr.Load(context.Background(), demo.Columns, func(emit duckdb.AppendFunc) error {
		return demo.Generate(o, func(row []driver.Value) error {
			row[0] = "extra-" + row[0].(string) // new predictions, not the first load's again
			return emit(row)
		})
	}); err != nil {
		t.Fatal(err)
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
	if after := rowsOf(); after <= before {
		t.Fatalf("rows over the window: %v before the load, %v after", before, after)
	}
}

// A feature column added after the rollups were built has no rows in the feature rollup: it
// reads raw rows (named in meta.custom.rawFeatures), the features rolled up still answer from
// the rollup, and the numbers are the rows'.
func TestFeatureAddedAfterTheRollupsReadsRawRows(t *testing.T) {
	hour := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	xs := make([]float64, 300)
	for i := range xs {
		xs[i] = float64(i % 11)
	}
	db := writeFeatures(t, hour, 2*time.Hour, xs)
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(`ALTER TABLE predictions ADD COLUMN y DOUBLE DEFAULT 3`); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := query.Window{From: hour.Add(time.Hour), To: hour.Add(2 * time.Hour)}
	ref := `"reference":{"type":"shift","shift":"1h"}`
	for _, js := range []string{
		`{"schemaVersion":1,"queryType":"drift","model":"m","method":"psi","format":"numeric",` + ref + `}`,
		`{"schemaVersion":1,"queryType":"quality","model":"m","format":"numeric",` + ref + `}`,
	} {
		fs := compareFeatureSources(t, st, js, w, engine.SourceRollup)
		if raw, _ := fs[0].Meta.Custom.(map[string]any)["rawFeatures"].([]string); !slices.Equal(raw, []string{"y"}) {
			t.Errorf("%s: meta.custom.rawFeatures %v, want [y]", js, raw)
		}
	}
}
