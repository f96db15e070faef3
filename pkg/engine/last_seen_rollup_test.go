package engine_test

import (
	"database/sql"
	"math"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// last_seen_seconds over time and as one value answers from each hour's latest ts in the
// rollups (format 5), with the raw rows' numbers, reading raw rows only for the partial hours at
// the ends: whole ranges, ragged ones, and combined versions.
func TestLastSeenFromRollups(t *testing.T) {
	st, _ := openDemo(t)
	last2d := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	ragged := query.Window{From: last2d.From.Add(-17*time.Minute - 3*time.Second), To: last2d.To.Add(-41 * time.Minute)}
	for _, js := range []string{
		`{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","metrics":["last_seen_seconds"],"interval":"1h"}`,
		`{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","metrics":["last_seen_seconds"],"interval":"3h"}`,
		`{"schemaVersion":1,"queryType":"operations","model":"basket-forecaster","metrics":["last_seen_seconds"],"combineVersions":true,"interval":"1h"}`,
		`{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","metrics":["last_seen_seconds","throughput"],"format":"numeric"}`,
		`{"schemaVersion":1,"queryType":"operations","model":"basket-forecaster","metrics":["last_seen_seconds"],"combineVersions":true,"format":"numeric"}`,
	} {
		for _, w := range []query.Window{last2d, ragged} {
			compareSources(t, st, js, w)
		}
	}
}

// asFormat4Rollups makes a store's rollups those of format 4: no latest ts per hour.
func asFormat4Rollups(t *testing.T, db string) {
	t.Helper()
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, stmt := range []string{`ALTER TABLE predictions_rollup_1h_operations DROP COLUMN last_ts`, `UPDATE predictions_rollup_meta SET format = 4`} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
}

// Rollups built before they kept each hour's latest ts (format 4) answer last_seen_seconds from
// raw rows, with the same numbers (the operations statistics beside it still come from the
// rollups); a rebuild adds the column and the rollups answer again.
func TestLastSeenOnFormat4RollupsReadsRawRows(t *testing.T) {
	_, db := openDemo(t)
	asFormat4Rollups(t, db)
	w := query.Window{From: demoEnd.Add(-48*time.Hour - 17*time.Minute), To: demoEnd.Add(-41 * time.Minute)}
	queries := []string{
		`{"schemaVersion":1,"queryType":"operations","model":"` + demo.ChurnModel + `","metrics":["last_seen_seconds"],"interval":"1h"}`,
		`{"schemaVersion":1,"queryType":"operations","model":"` + demo.ChurnModel + `","metrics":["last_seen_seconds"],"format":"numeric"}`,
	}
	check := func(wantSource string) {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		for _, js := range queries {
			fs := runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, js, w)
			if got := sourceOf(t, fs); got != wantSource {
				t.Fatalf("%s: source %s, want %s", js, got, wantSource)
			}
			want, got := numbers(runRollupQuery(t, &engine.Engine{Store: st}, js, w)), numbers(fs)
			if len(want) == 0 || len(want) != len(got) {
				t.Fatalf("%s: %d values raw, %d answered", js, len(want), len(got))
			}
			for k, x := range want {
				if y := got[k]; (x == nil) != (y == nil) || (x != nil && *x != *y && !(math.IsNaN(*x) && math.IsNaN(*y))) {
					t.Errorf("%s: %s: %v, raw rows %v", js, k, deref(y), deref(x))
				}
			}
		}
	}
	check(engine.SourceRaw)
	rebuildRollups(t, db)
	check(engine.SourceRollup)
}
