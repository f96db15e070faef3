package engine_test

import (
	"database/sql"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// cellHours are three hours of a number feature x: the first with 40 repeated values in
// [-20, 19] (rolled up value by value), the next two with every value distinct, over
// store.FeatureRollupCap per version (rolled up per cell), spanning signs, zeros and nine
// orders of magnitude, with values just below and above 19.
func cellHours(t *testing.T) (string, time.Time) {
	t.Helper()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	perHour := 2*store.FeatureRollupCap + 300
	xs := make([]float64, 3*perHour)
	for i := range xs {
		switch h := i / perHour; {
		case h == 0:
			xs[i] = float64(i%40 - 20)
		case i%97 == 0:
			xs[i] = 0
		case i%89 == 0:
			xs[i] = 18.999 + float64(i/178%2)*0.002 // one cell, on both sides of 19
		default:
			sign := float64(1 - 2*(i%3%2))
			xs[i] = sign * math.Pow(10, float64(i%1000)/1000*9-3) * (1 + float64(i)/1e7) // 1e-3 to 1e6
		}
	}
	return writeFeatures(t, start, 3*time.Hour, xs), start
}

// A number feature over the value cap is rolled up per cell of the logarithmic grid: every
// cell's values lie in it, the cells add up to the hour's rows, and there are far fewer of
// them than values.
func TestFeatureCellsHoldTheirValues(t *testing.T) {
	db, start := cellHours(t)
	c, err := sql.Open("duckdb", db+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rows, err := c.Query(`SELECT hour, model_version, cell_sign, cell_key, n, number_min, number_max, number_sum, number_m2
		FROM predictions_rollup_1h_features WHERE feature = 'x' AND cell_sign IS NOT NULL ORDER BY hour, model_version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	gamma := (1 + store.FeatureCellAlpha) / (1 - store.FeatureCellAlpha)
	type series struct {
		hour    time.Time
		version string
	}
	count, cells := map[series]int64{}, map[series]int{}
	for rows.Next() {
		var s series
		var sign, key int
		var n int64
		var lo, hi, sum, m2 float64
		if err := rows.Scan(&s.hour, &s.version, &sign, &key, &n, &lo, &hi, &sum, &m2); err != nil {
			t.Fatal(err)
		}
		count[s] += n
		cells[s]++
		if s.hour.Equal(start) {
			t.Fatalf("the first hour (40 values) was rolled up per cell")
		}
		if !(lo <= hi) || m2 < 0 || sum < float64(n)*lo*(1+1e-12)-1e-9 && sum < float64(n)*lo*(1-1e-12)-1e-9 {
			t.Errorf("cell %d/%d: min %v, max %v, sum %v of %d, m2 %v", sign, key, lo, hi, sum, n, m2)
		}
		if sign == 0 {
			if lo != 0 || hi != 0 {
				t.Errorf("zero cell holds [%v, %v]", lo, hi)
			}
			continue
		}
		bottom, top := math.Pow(gamma, float64(key-1)), math.Pow(gamma, float64(key))
		for _, x := range []float64{lo, hi} {
			if m := math.Abs(x); m < bottom*(1-1e-12) || m > top*(1+1e-12) || math.Copysign(1, x) != float64(sign) {
				t.Errorf("cell %d/%d (%v, %v] holds %v", sign, key, bottom, top, x)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(count) != 4 {
		t.Fatalf("cells for %d hour and version series, want 4 (two hours, two versions)", len(count))
	}
	perVersion := int64(store.FeatureRollupCap + 150)
	for s, n := range count {
		if n != perVersion {
			t.Errorf("%v: cells hold %d rows, want %d", s, n, perVersion)
		}
		if cells[s] > store.FeatureRollupCap/2 {
			t.Errorf("%v: %d cells for %d values", s, cells[s], n)
		}
	}
}

// Quality over hours kept per value and per cell, over whole hours and over a ragged range
// whose partial hours come from raw rows, per version and per hour, gives the rows' numbers
// from the rollup (mean, std, min, max, missing and out-of-range shares, 1e-9), unless a
// cell holds values on both sides of the reference's range: then x reads raw rows.
func TestQualityFromFeatureCellsMatchesRawRows(t *testing.T) {
	db, start := cellHours(t)
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	whole := query.Window{From: start, To: start.Add(3 * time.Hour)}
	ragged := query.Window{From: start.Add(7 * time.Minute), To: start.Add(3*time.Hour - 11*time.Minute)}
	measures := `"metrics":["rows","missing_share","mean","std","min","max","out_of_range_share"]`
	none := `"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-01T01:00:00Z"}`      // no rows: every value out of range
	allHours := `"reference":{"type":"range","from":"2026-03-02T10:00:00Z","to":"2026-03-02T13:00:00Z"}`  // the cells' own range
	firstHour := `"reference":{"type":"range","from":"2026-03-02T10:00:00Z","to":"2026-03-02T11:00:00Z"}` // [-20, 19]: cells straddle it
	for _, tc := range []struct {
		js   string
		rawX bool
	}{
		{`{"schemaVersion":1,"queryType":"quality","model":"m","features":["x","c"],"format":"numeric",` + measures + `,` + none + `}`, false},
		{`{"schemaVersion":1,"queryType":"quality","model":"m","features":["x"],"interval":"1h",` + measures + `,` + allHours + `}`, false},
		{`{"schemaVersion":1,"queryType":"quality","model":"m","features":["x"],"versions":["B"],"format":"numeric",` + measures + `,` + allHours + `}`, false},
		{`{"schemaVersion":1,"queryType":"quality","model":"m","features":["x","c"],"format":"numeric",` + measures + `,` + firstHour + `}`, true},
	} {
		for _, w := range []query.Window{whole, ragged} {
			fs := compareFeatureSources(t, st, tc.js, w, engine.SourceRollup)
			raw, _ := fs[0].Meta.Custom.(map[string]any)["rawFeatures"].([]string)
			if tc.rawX != slices.Equal(raw, []string{"x"}) {
				t.Errorf("%s over %v: meta.custom.rawFeatures %v", tc.js, w, raw)
			}
		}
	}
}

// exactDrift is a drift method's result from every value of x in the store (the reference
// pooled over versions, the current window per version), as scipy computes it.
func exactDrift(t *testing.T, db, method string, ref, cur query.Window) map[string]metrics.DriftResult {
	t.Helper()
	c, err := sql.Open("duckdb", db+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	read := func(w query.Window) map[string]map[float64]int64 {
		rows, err := c.Query(`SELECT model_version, x FROM predictions WHERE ts >= $1 AND ts < $2 AND x IS NOT NULL`, w.From, w.To)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]map[float64]int64{}
		for rows.Next() {
			var v string
			var x float64
			if err := rows.Scan(&v, &x); err != nil {
				t.Fatal(err)
			}
			if out[v] == nil {
				out[v] = map[float64]int64{}
			}
			out[v][x]++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	pooled := map[float64]int64{}
	for _, xs := range read(ref) {
		for x, n := range xs {
			pooled[x] += n
		}
	}
	out := map[string]metrics.DriftResult{}
	for v, xs := range read(cur) {
		var vc metrics.ValueCounts
		seen := map[float64]bool{}
		for _, m := range []map[float64]int64{pooled, xs} {
			for x := range m {
				if !seen[x] {
					seen[x] = true
					vc.Values = append(vc.Values, x)
					vc.Reference = append(vc.Reference, pooled[x])
					vc.Current = append(vc.Current, xs[x])
				}
			}
		}
		res, err := metrics.Drift(method, metrics.DriftInput{Numeric: true, Values: &vc}, nil)
		if err != nil {
			t.Fatal(err)
		}
		out[v] = res
	}
	return out
}

// Drift by ks, wasserstein and auto of a number feature kept per cell answers from the cells
// (with the partial hours of a ragged range placed in theirs), within the bounds it states in
// meta.custom.approximations (kind "cells") of scipy's answer from every value; a binned method
// and the histogram read raw rows for it, as before.
func TestDriftFromFeatureCells(t *testing.T) {
	db, start := cellHours(t)
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := func(d time.Duration) time.Time { return start.Add(d) }
	for _, tc := range []struct {
		ref, cur query.Window
	}{
		{query.Window{From: h(0), To: h(time.Hour)}, query.Window{From: h(time.Hour), To: h(3 * time.Hour)}},                      // values against cells
		{query.Window{From: h(time.Hour), To: h(2 * time.Hour)}, query.Window{From: h(2 * time.Hour), To: h(3 * time.Hour)}},      // cells against cells
		{query.Window{From: h(0), To: h(2 * time.Hour)}, query.Window{From: h(time.Hour + 13*time.Minute), To: h(3 * time.Hour)}}, // ragged
	} {
		refJS := `"reference":{"type":"range","from":"` + tc.ref.From.Format(time.RFC3339) + `","to":"` + tc.ref.To.Format(time.RFC3339) + `"}`
		for _, method := range []string{metrics.MethodKS, metrics.MethodWasserstein, metrics.MethodAuto} {
			js := `{"schemaVersion":1,"queryType":"drift","model":"m","features":["x"],"method":"` + method + `","format":"numeric","metrics":["statistic","score"],` + refJS + `}`
			cs := &pathCounter{Store: st}
			fs := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, tc.cur)
			if got := sourceOf(t, fs); got != engine.SourceRollup {
				t.Fatalf("%s: source %q", js, got)
			}
			if raw, has := fs[0].Meta.Custom.(map[string]any)["rawFeatures"]; has {
				t.Fatalf("%s: raw features %v", js, raw)
			}
			bounds := map[string]approximation{}
			for _, a := range approximationsOf(t, fs[0]) {
				if a.Feature == "x" {
					bounds[a.Version] = a
				}
			}
			want := exactDrift(t, db, method, tc.ref, tc.cur)
			f := fs[0]
			version, feature := fieldByName(t, f, "version"), fieldByName(t, f, "feature")
			stat, score := fieldByName(t, f, "statistic"), fieldByName(t, f, "score")
			checked := 0
			for r := range f.Rows() {
				if feature.At(r).(string) != "x" {
					continue
				}
				v := version.At(r).(string)
				a, ok := bounds[v]
				if !ok || a.Kind != metrics.ApproximationCells {
					t.Fatalf("%s: version %s: approximation %+v", js, v, a)
				}
				w := want[v]
				gotStat, gotScore := *stat.At(r).(*float64), *score.At(r).(*float64)
				if d := math.Abs(gotStat - *w.Statistic); d > a.StatisticBound {
					t.Errorf("%s: version %s: statistic %v, scipy %v, bound %v", js, v, gotStat, *w.Statistic, a.StatisticBound)
				}
				if d := math.Abs(gotScore - *w.Score); d > a.ScoreBound+1e-12 {
					t.Errorf("%s: version %s: score %v, scipy %v, bound %v", js, v, gotScore, *w.Score, a.ScoreBound)
				}
				checked++
			}
			if checked != 2 {
				t.Fatalf("%s: %d rows of x, want 2 (versions)", js, checked)
			}
		}
		for _, other := range []string{`"method":"psi","format":"numeric"`, `"method":"auto","format":"histogram"`} {
			js := `{"schemaVersion":1,"queryType":"drift","model":"m","features":["x","c"],` + other + `,` + refJS + `}`
			fs := compareFeatureSources(t, st, js, tc.cur, engine.SourceRollup)
			if raw, _ := fs[0].Meta.Custom.(map[string]any)["rawFeatures"].([]string); !slices.Equal(raw, []string{"x"}) {
				t.Errorf("%s: raw features %v, want x", js, raw)
			}
		}
	}
}

func fieldByName(t *testing.T, f *data.Frame, name string) *data.Field {
	t.Helper()
	for _, field := range f.Fields {
		if field.Name == name {
			return field
		}
	}
	t.Fatalf("frame %s has no field %q", f.Name, name)
	return nil
}

// A store whose rollups were built before the cells (format 3: no cell columns, hours above
// the cap marked capped) keeps answering quality and drift from its feature rollup, reading a
// capped feature's rows (its next load rebuilds the rollups whole, as for every older format:
// TestRollupsBuiltBeforeTheFeatureRollupReadRawForFeatures).
func TestFeatureRollupsBuiltBeforeTheCellsStillAnswer(t *testing.T) {
	db, start := cellHours(t)
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{
		`DELETE FROM predictions_rollup_1h_features WHERE feature = 'x' AND cell_sign IS NOT NULL`,
		`UPDATE predictions_rollup_1h_features SET capped = true, number = NULL WHERE feature = 'x' AND number IS NULL AND text IS NULL AND hour > '2026-03-02 10:00:00'`,
		`UPDATE predictions_rollup_meta SET format = 3`,
	}
	for _, col := range []string{"cell_sign", "cell_key", "number_min", "number_max", "number_sum", "number_m2"} {
		stmts = append(stmts, `ALTER TABLE predictions_rollup_1h_features DROP COLUMN `+col)
	}
	for _, stmt := range stmts {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	_ = c.Close()
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := query.Window{From: start.Add(time.Hour), To: start.Add(3 * time.Hour)}
	ref := `"reference":{"type":"range","from":"2026-03-02T10:00:00Z","to":"2026-03-02T11:00:00Z"}`
	for _, tc := range []struct{ js, want string }{
		{`{"schemaVersion":1,"queryType":"quality","model":"m","format":"numeric",` + ref + `}`, engine.SourceRollup},
		{`{"schemaVersion":1,"queryType":"drift","model":"m","features":["x"],"method":"wasserstein","format":"numeric",` + ref + `}`, engine.SourceRaw},
		{`{"schemaVersion":1,"queryType":"drift","model":"m","features":["c"],"format":"numeric",` + ref + `}`, engine.SourceRollup},
	} {
		fs := compareFeatureSources(t, st, tc.js, w, tc.want)
		if tc.want == engine.SourceRaw {
			continue
		}
		q := validQuery(t, []byte(tc.js), w)
		raw, _ := fs[0].Meta.Custom.(map[string]any)["rawFeatures"].([]string)
		if wantRaw := len(q.Features) == 0; wantRaw != slices.Equal(raw, []string{"x"}) {
			t.Errorf("%s: raw features %v", tc.js, raw)
		}
	}
}

// The feature rollup keeps a series only in a form smaller than its rows: 600 distinct
// continuous values an hour and version are neither (600 values, hundreds of cells) and are
// marked capped, so that queries read those few rows for that hour (a gap; the other hour still
// comes from the rollup); 600 rows of 200 values are kept value by value (at most 256 always
// are); text with 3 values too.
func TestFeatureRollupKeepsOnlyWhatShrinks(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	xs := make([]float64, 2400)
	for i := range xs {
		if i < 1200 {
			xs[i] = math.Exp(float64(i) / 100) // distinct, over 5 orders of magnitude
		} else {
			xs[i] = float64(i % 400) // 200 values per version
		}
	}
	db := writeFeatures(t, start, 2*time.Hour, xs)
	c, err := sql.Open("duckdb", db+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rows, err := c.Query(`SELECT hour, feature, bool_or(capped), count(number), count(text), count(cell_sign), sum(n)
		FROM predictions_rollup_1h_features GROUP BY hour, feature ORDER BY hour, feature`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type kept struct {
		capped               bool
		values, texts, cells int
		n                    int64
	}
	got := map[string]kept{}
	for rows.Next() {
		var hour time.Time
		var feature string
		var k kept
		if err := rows.Scan(&hour, &feature, &k.capped, &k.values, &k.texts, &k.cells, &k.n); err != nil {
			t.Fatal(err)
		}
		got[hour.Format("15")+"/"+feature] = k
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]kept{
		"10/x": {capped: true, n: 1200},
		"11/x": {values: 400, n: 1200},
		"10/c": {texts: 6, n: 1200},
		"11/c": {texts: 6, n: 1200},
	}
	for k, w := range want {
		g := got[k]
		if k == "10/c" || k == "11/c" { // nulls (every 7th row) have a row of their own
			g.n, w.n = 0, 0
		}
		if g != w {
			t.Errorf("%s: kept %+v, want %+v", k, g, w)
		}
	}
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	js := `{"schemaVersion":1,"queryType":"quality","model":"m","format":"numeric","reference":{"type":"range","from":"2026-03-02T11:00:00Z","to":"2026-03-02T12:00:00Z"}}`
	fs := compareFeatureSources(t, st, js, query.Window{From: start, To: start.Add(2 * time.Hour)}, engine.SourceRollup)
	if raw, has := fs[0].Meta.Custom.(map[string]any)["rawFeatures"]; has {
		t.Errorf("raw features %v: the capped hour sent x to the rows for the whole range", raw)
	}
}
