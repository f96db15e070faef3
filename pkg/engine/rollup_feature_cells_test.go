package engine_test

import (
	"database/sql"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
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
	metrics := `"metrics":["rows","missing_share","mean","std","min","max","out_of_range_share"]`
	none := `"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-01T01:00:00Z"}`      // no rows: every value out of range
	allHours := `"reference":{"type":"range","from":"2026-03-02T10:00:00Z","to":"2026-03-02T13:00:00Z"}`  // the cells' own range
	firstHour := `"reference":{"type":"range","from":"2026-03-02T10:00:00Z","to":"2026-03-02T11:00:00Z"}` // [-20, 19]: cells straddle it
	for _, tc := range []struct {
		js   string
		rawX bool
	}{
		{`{"schemaVersion":1,"queryType":"quality","model":"m","features":["x","c"],"format":"numeric",` + metrics + `,` + none + `}`, false},
		{`{"schemaVersion":1,"queryType":"quality","model":"m","features":["x"],"interval":"1h",` + metrics + `,` + allHours + `}`, false},
		{`{"schemaVersion":1,"queryType":"quality","model":"m","features":["x"],"versions":["B"],"format":"numeric",` + metrics + `,` + allHours + `}`, false},
		{`{"schemaVersion":1,"queryType":"quality","model":"m","features":["x","c"],"format":"numeric",` + metrics + `,` + firstHour + `}`, true},
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
