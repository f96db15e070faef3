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
func clickHouseRollupStores(t *testing.T, duckPath string) map[string]chRollups {
	t.Helper()
	out := map[string]chRollups{}
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
		out[fmt.Sprintf("%d shards", shards)] = chRollups{st: st, srv: servers[0]}
	}
	return out
}

// chRollups is a ClickHouse store with rollups, and the server queries go to.
type chRollups struct {
	st  *sqlstore.Store
	srv *chserver.Server
}

// duckEngineFor is the embedded store's engine to compare the answer of a ClickHouse store
// through its rollups with: through the embedded rollups too, but from the rows for the
// families the feature rollup answers there (drift, quality, outcome), which ClickHouse does
// not keep, and for those the measures rollup answers when the ClickHouse store has none (a
// cluster of 18.16: keepsMeasures).
func duckEngineFor(duck *sqlstore.Store, js []byte, measures bool) *engine.Engine {
	var q struct {
		QueryType string `json:"queryType"`
	}
	_ = json.Unmarshal(js, &q)
	switch q.QueryType {
	case "drift", "quality", "outcome":
		return &engine.Engine{Store: duck}
	case "regression", "coverage", "comparison":
		if !measures {
			return &engine.Engine{Store: duck}
		}
	}
	return &engine.Engine{Store: duck, Rollups: true}
}

// keepsMeasures reports whether a ClickHouse store's rollups keep the measures: not on a
// cluster of servers before 19.x, whose shards cannot exchange stable variance states.
func keepsMeasures(t *testing.T, st *sqlstore.Store) bool {
	t.Helper()
	usable, _, err := st.RollupMeasuresUsable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return usable
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
	for name, ch := range clickHouseRollupStores(t, duckPath) {
		t.Run(name, func(t *testing.T) {
			requireRollups(t, ch.st)
			measures := keepsMeasures(t, ch.st)
			if name == "1 shards" && !measures {
				t.Error("one server keeps no measures")
			}
			values := 0
			for qn, js := range queries {
				t.Run(qn, func(t *testing.T) {
					values += sameFrames(t, runOn(t, duckEngineFor(duck, js, measures), js, w), runOn(t, &engine.Engine{Store: ch.st, Rollups: true}, js, w))
				})
			}
			if values < 1000 {
				t.Errorf("only %d values compared", values)
			}
			if name == "1 shards" {
				replayRollupsOnCurrent(t, ch.srv)
			}
		})
	}
}

// replayRollupsOnCurrent replays the statements that read the rollups' states of srv on the
// current ClickHouse release, whose states tables and materialized views are made by the same
// statements as on srv before the rows arrive: the views keep the states there, and every read
// answers as on 18.16.
func replayRollupsOnCurrent(t *testing.T, srv *chserver.Server) {
	t.Helper()
	var statements []string
	seen := map[string]bool{}
	for _, table := range []string{"operations", "latency", "confusion", "score", "score_rank", "score_sums", "measures", "error_sketch"} {
		for _, s := range srv.Statements(t, "predictions_rollup_1h_"+table+"_states") {
			if !seen[s] {
				seen[s] = true
				statements = append(statements, s)
			}
		}
	}
	st, err := sqlstore.New(srv.Admin(t), clickhouse.Dialect{}, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	states, err := st.RollupStates(context.Background(), clickhouse.Dialect{}.HourStart)
	if err != nil {
		t.Fatal(err)
	}
	var setup []string
	for _, s := range states {
		setup = append(setup, clickhouse.Dialect{}.StatesStatements(s, "predictions", clickhouse.Dialect{}.StatesTable(s.Table))...)
	}
	setup = append(setup, clickhouse.MetaStatements("predictions", nil)...)
	replayStatementsOnCurrent(t, srv, statements, 20, setup)
}

// Every query of every provisioned dashboard answers through the rollups ClickHouse keeps with
// the embedded store's frames through its rollups (rebuilt after the times were made whole
// seconds, as ClickHouse's DateTime holds them).
func TestProvisionedDashboardsThroughClickHouseRollups(t *testing.T) {
	duckPath := wholeSecondsDemoStore(t)
	duck := openDuck(t, duckPath)
	if err := duck.WithOutcomes([]string{demo.OutcomeColumn}); err != nil {
		t.Fatal(err)
	}
	targets := dashboardTargets(t)
	for name, ch := range clickHouseRollupStores(t, duckPath) {
		st := ch.st
		if err := st.WithOutcomes([]string{demo.OutcomeColumn}); err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			requireRollups(t, st)
			measures := keepsMeasures(t, st)
			for _, dt := range targets {
				t.Run(dt.name, func(t *testing.T) {
					if sameFrames(t, runOn(t, duckEngineFor(duck, dt.json, measures), dt.json, dt.window), runOn(t, &engine.Engine{Store: st, Rollups: true}, dt.json, dt.window)) == 0 {
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
			servers, admin := goldenCluster(t, shards)
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
			measures := keepsMeasures(t, st)
			same := func(want *sqlstore.Store) {
				t.Helper()
				values := 0
				for _, c := range gc.Cases {
					values += sameFrames(t, runOn(t, duckEngineFor(want, c.Query, measures), c.Query, w), runOn(t, &engine.Engine{Store: st, Rollups: true}, c.Query, w))
				}
				if values < 1000 {
					t.Errorf("only %d values compared", values)
				}
			}
			same(duck)
			read := []string{"operations", "latency", "confusion"}
			if measures {
				read = append(read, "measures", "error_sketch")
			}
			for _, table := range read {
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

// The built plugin binary answers every provisioned dashboard query and evaluates every alert
// rule on a ClickHouse data source through the rollups its materialized views keep, as on a
// DuckDB data source through its own (from the rows for drift, quality and outcome, which
// ClickHouse's rollups leave to the rows).
func TestThePluginBinaryOnClickHouseRollups(t *testing.T) {
	duckPath := wholeSecondsDemoStore(t)
	srv := chserver.Start(t)
	chserver.CopyTable(t, duckPath, "predictions", []*chserver.Server{srv})
	if err := clickhouse.BuildRollups(context.Background(), clickhouse.Options{Address: srv.Addr, Database: "default", User: "default"}, "predictions", nil, true); err != nil {
		t.Fatal(err)
	}
	host, port := splitHostPort(t, srv.Addr)
	pluginBinaryAsOnDuckDB(t, duckPath, "ClickHouse", true, map[string]bool{"drift": true, "quality": true, "outcome": true},
		map[string]any{"store": "clickhouse", "host": host, "port": port, "database": "default", "user": chserver.User, "sslMode": "disable"},
		map[string]string{"password": chserver.Password})
	for _, table := range []string{"operations", "latency", "confusion", "score", "score_rank", "measures"} {
		if len(srv.Statements(t, "predictions_rollup_1h_"+table+"_states")) == 0 {
			t.Errorf("the plugin binary never read the %s states", table)
		}
	}
}

// wholeSecondsDemoStore is demoStore with its times made whole seconds, as ClickHouse's DateTime
// holds them, and its rollups rebuilt after.
func wholeSecondsDemoStore(t *testing.T) string {
	t.Helper()
	duckPath := demoStore(t)
	wholeSeconds(t, duckPath)
	w, err := duckdb.OpenWriter(duckPath, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.RebuildRollups(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	return duckPath
}
