package engines_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/clickhouse"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
	"github.com/mlops/modelwatch/tests/internal/chserver"
)

// clickHouseRollupStores is clickHouseStores with the rollups built as `modelwatch rollup --db
// clickhouse://...` builds them (by the default user, which may write), after the rows: the
// states of the rows already stored, then the materialized views for later inserts.
func clickHouseRollupStores(t *testing.T, duckPath string) map[string]*sqlstore.Store {
	t.Helper()
	out := map[string]*sqlstore.Store{}
	for _, shards := range []int{1, 2} {
		servers := chserver.StartCluster(t, shards)
		chserver.CopyTable(t, duckPath, "predictions", servers)
		if err := clickhouse.BuildRollups(context.Background(), clickhouse.Options{Address: servers[0].Addr, Database: "default", User: "default"}, "predictions", nil, true); err != nil {
			t.Fatal(err)
		}
		st, err := clickhouse.Open(clickhouse.Options{Address: servers[0].Addr, Database: "default", User: chserver.User, Password: chserver.Password}, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		out[fmt.Sprintf("%d shards", shards)] = st
	}
	return out
}

// duckEngineFor is the embedded store's engine to compare a ClickHouse store's answer through
// its rollups with: through the embedded rollups too, but from the rows for the families the
// feature rollup answers there (drift, quality, outcome), which ClickHouse does not keep.
func duckEngineFor(duck *sqlstore.Store, js []byte) *engine.Engine {
	var q struct {
		QueryType string `json:"queryType"`
	}
	_ = json.Unmarshal(js, &q)
	switch q.QueryType {
	case "drift", "quality", "outcome":
		return &engine.Engine{Store: duck}
	}
	return &engine.Engine{Store: duck, Rollups: true}
}

// Every golden family query, and the score metrics, answer through the rollups ClickHouse keeps
// (one server, and a two-shard cluster's Distributed states) with the embedded store's frames
// through its rollups (the rows for the feature families: duckEngineFor).
func TestGoldenFamiliesThroughClickHouseRollups(t *testing.T) {
	duckPath := goldenStore(t)
	duck := openDuck(t, duckPath)
	requireRollups(t, duck)
	gc := goldenQueries(t)
	w := query.Window{From: gc.From, To: gc.To}
	queries := map[string][]byte{}
	for _, c := range gc.Cases {
		queries[c.Name] = c.Query
	}
	for i, js := range scoreRollupQueries {
		queries[fmt.Sprintf("score rollups %d", i)] = []byte(js)
	}
	for name, st := range clickHouseRollupStores(t, duckPath) {
		t.Run(name, func(t *testing.T) {
			requireRollups(t, st)
			values := 0
			for qn, js := range queries {
				t.Run(qn, func(t *testing.T) {
					values += sameFrames(t, runOn(t, duckEngineFor(duck, js), js, w), runOn(t, &engine.Engine{Store: st, Rollups: true}, js, w))
				})
			}
			if values < 1000 {
				t.Errorf("only %d values compared", values)
			}
		})
	}
}

// Every query of every provisioned dashboard answers through the rollups ClickHouse keeps with
// the embedded store's frames through its rollups (rebuilt after the times were made whole
// seconds, as ClickHouse's DateTime holds them).
func TestProvisionedDashboardsThroughClickHouseRollups(t *testing.T) {
	duckPath := demoStore(t)
	wholeSeconds(t, duckPath)
	w, err := duckdb.OpenWriter(duckPath, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.RebuildRollups(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	duck := openDuck(t, duckPath)
	if err := duck.WithOutcomes([]string{demo.OutcomeColumn}); err != nil {
		t.Fatal(err)
	}
	targets := dashboardTargets(t)
	for name, st := range clickHouseRollupStores(t, duckPath) {
		if err := st.WithOutcomes([]string{demo.OutcomeColumn}); err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			requireRollups(t, st)
			for _, dt := range targets {
				t.Run(dt.name, func(t *testing.T) {
					if sameFrames(t, runOn(t, duckEngineFor(duck, dt.json), dt.json, dt.window), runOn(t, &engine.Engine{Store: st, Rollups: true}, dt.json, dt.window)) == 0 {
						t.Errorf("%s: no values to compare", dt.json)
					}
				})
			}
		})
	}
}

// `modelwatch rollup --db clickhouse://...` builds the rollups from the rows already loaded, and
// ClickHouse's materialized views keep them as more rows are loaded (the golden rows split
// alternately between two files, so every hour gets rows after the build): every golden query
// answers through them, read from the states tables (the query log), as the DuckDB store loaded
// at once; with --segments too. On one server, rows deleted behind the views' back make the
// rollups unusable (the reason says so) until the next build.
func TestClickHouseRollupsKeptByTheViews(t *testing.T) {
	cli := buildCLI(t)
	first, second := splitAlternately(t, "../../testdata/golden/families/predictions.csv")
	gc := goldenQueries(t)
	w := query.Window{From: gc.From, To: gc.To}
	duck, segmented := openDuck(t, goldenStore(t)), openDuck(t, segmentedGoldenStore(t))
	for _, shards := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d shards", shards), func(t *testing.T) {
			servers := chserver.StartCluster(t, shards)
			if shards > 1 {
				chserver.CreateTable(t, servers, "predictions", goldenColumns)
			}
			admin := "clickhouse://default@" + servers[0].Addr + "/default?sslmode=disable"
			cliOK := func(args ...string) string {
				t.Helper()
				out, err := cli(nil, args...)
				if err != nil {
					t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
				}
				return out
			}
			cliOK("load", "--db", admin, "--file", first)
			if out := cliOK("rollup", "--db", admin); !strings.Contains(out, "rebuilt the hourly rollups of predictions in clickhouse://default@") {
				t.Errorf("rollup: %s", out)
			}
			cliOK("load", "--db", admin, "--file", second)
			st := openClickHouse(t, servers[0])
			requireRollups(t, st)
			same := func(want *sqlstore.Store) {
				t.Helper()
				values := 0
				for _, c := range gc.Cases {
					values += sameFrames(t, runOn(t, duckEngineFor(want, c.Query), c.Query, w), runOn(t, &engine.Engine{Store: st, Rollups: true}, c.Query, w))
				}
				if values < 1000 {
					t.Errorf("only %d values compared", values)
				}
			}
			same(duck)
			for _, table := range []string{"operations", "latency", "confusion", "measures", "error_sketch"} {
				if len(servers[0].Statements(t, "predictions_rollup_1h_"+table+"_states")) == 0 {
					t.Errorf("no query read the %s states", table)
				}
			}

			cliOK("rollup", "--db", admin, "--segments", "segment")
			st = openClickHouse(t, servers[0])
			requireRollups(t, st)
			if segs, err := st.RollupSegments(context.Background()); err != nil || strings.Join(segs, ",") != "segment" {
				t.Errorf("segments %v, %v", segs, err)
			}
			same(segmented)

			if shards > 1 {
				return
			}
			servers[0].Exec(t, "ALTER TABLE predictions DELETE WHERE prediction_id IN (SELECT prediction_id FROM predictions LIMIT 3)")
			deadline := time.Now().Add(30 * time.Second)
			for {
				st = openClickHouse(t, servers[0])
				usable, reason, err := st.Rollups(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if !usable {
					if !strings.Contains(reason, "materialized views counted") || !strings.Contains(reason, "modelwatch rollup") {
						t.Errorf("reason: %s", reason)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the rollups stay usable after rows were deleted")
				}
				time.Sleep(200 * time.Millisecond)
			}
			cliOK("rollup", "--db", admin)
			requireRollups(t, openClickHouse(t, servers[0]))
		})
	}
}
