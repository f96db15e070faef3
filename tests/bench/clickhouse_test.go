package bench_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store/clickhouse"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
	"github.com/mlops/modelwatch/tests/internal/chserver"
)

// chFixture is the demo store of one size copied into a private ClickHouse server.
type chFixture struct {
	admin   *sql.DB
	addr    string
	st      *sqlstore.Store
	rollups bool // built (buildRollups)
}

var (
	chMu       sync.Mutex
	chFixtures = map[int]*chFixture{}
)

// chFixtureFor starts a server for the run and copies the n-row demo store into it (once per
// size), as docs/clickhouse.md's table (times to the second, as DateTime holds them).
func chFixtureFor(b *testing.B, n int) *chFixture {
	b.Helper()
	chMu.Lock()
	defer chMu.Unlock()
	if f, ok := chFixtures[n]; ok {
		return f
	}
	duck := fixtureFor(b, n)
	srv := chserver.Start(b)
	start := time.Now()
	chserver.CopyTable(b, duck.path, "predictions", []*chserver.Server{srv})
	srv.Exec(b, "OPTIMIZE TABLE predictions FINAL")
	b.Logf("copied %d rows into ClickHouse in %s", n, time.Since(start).Round(time.Second))
	st, err := clickhouse.Open(clickhouse.Options{Address: srv.Addr, Database: "default", User: chserver.User, Password: chserver.Password}, "predictions")
	if err != nil {
		b.Fatal(err)
	}
	f := &chFixture{admin: srv.Admin(b), addr: srv.Addr, st: st}
	chFixtures[n] = f
	return f
}

// chFamilies are pgFamilies' statements as a person writes them for ClickHouse 18.16 (its exact
// quantiles without interpolation: quantilesExactInclusive came in 20.1).
var chFamilies = []pgFamily{
	{"operations", operationsQuery, `SELECT model_version, count(), count(error), count(latency_ms), avg(latency_ms), min(latency_ms), max(latency_ms),
  quantilesExact(0.5, 0.95, 0.99)(latency_ms)
FROM predictions WHERE model = 'churn-classifier' AND ts >= $1 AND ts < $2 GROUP BY model_version`},
	{"classification", classificationQuery, `SELECT model_version, actual_label, multiIf(score IS NULL, NULL, score >= 0.5, 'churn', 'stay') AS predicted, count()
FROM predictions WHERE model = 'churn-classifier' AND ts >= $1 AND ts < $2 GROUP BY model_version, actual_label, predicted`},
	{"regression", regressionQuery, `SELECT model_version, count(), sum(predicted_value - actual_value), sum(abs(predicted_value - actual_value)),
  sum(pow(predicted_value - actual_value, 2)), avg(actual_value), varPop(actual_value),
  sumIf(abs((predicted_value - actual_value) / actual_value), actual_value != 0), countIf(actual_value != 0),
  quantilesExact(0.5, 0.9, 0.99)(predicted_value - actual_value)
FROM predictions WHERE model = 'basket-forecaster' AND ts >= $1 AND ts < $2 AND predicted_value IS NOT NULL AND actual_value IS NOT NULL GROUP BY model_version`},
	{"coverage", coverageQuery, `SELECT model_version, count(), countIf(actual_label IS NOT NULL OR actual_value IS NOT NULL)
FROM predictions WHERE model = 'churn-classifier' AND ts >= $1 AND ts < $2 GROUP BY model_version`},
}

// BenchmarkClickHouseFamilies times each family's query through the engine on ClickHouse
// beside its hand-written statement on the same server in the same run (timeBesideSQL). The
// server is a private ClickHouse 18.16 (max_threads 2), the table docs/clickhouse.md's MergeTree.
//
//	MODELWATCH_BENCH_DIR=/tmp/mwbench MODELWATCH_BENCH_ROWS=10000000 go test -run '^$' -bench ClickHouseFamilies -benchtime 5x -timeout 60m ./tests/bench/
func BenchmarkClickHouseFamilies(b *testing.B) {
	benchClickHouseFamilies(b, false)
}

// BenchmarkClickHouseRollups is BenchmarkClickHouseFamilies through the rollups ClickHouse
// keeps, built first as `modelwatch rollup --db clickhouse://...` builds them (the time it takes
// is logged), beside the same hand-written statements over the rows.
//
//	MODELWATCH_BENCH_DIR=/tmp/mwbench MODELWATCH_BENCH_ROWS=10000000 go test -run '^$' -bench ClickHouseRollups -benchtime 5x -timeout 60m ./tests/bench/
func BenchmarkClickHouseRollups(b *testing.B) {
	benchClickHouseFamilies(b, true)
}

// benchClickHouseFamilies times every family on each size's server, from its rollups or rows.
func benchClickHouseFamilies(b *testing.B, rollups bool) {
	for _, n := range sizes(b) {
		f := chFixtureFor(b, n)
		if rollups {
			f.buildRollups(b, n)
		}
		for _, fam := range chFamilies {
			b.Run(fmt.Sprintf("rows=%d/%s", n, fam.name), func(b *testing.B) {
				q := validated(b, fam.query)
				timeBesideSQL(b, f.st, rollups, q, func() time.Duration {
					start := time.Now()
					if n, err := countRows(context.Background(), f.admin, fam.sql, dataStart, dataEnd); err != nil || n == 0 {
						b.Fatalf("hand-written SQL: %d rows, %v", n, err)
					}
					return time.Since(start)
				})
			})
		}
	}
}

// buildRollups builds the fixture's rollups once, as `modelwatch rollup` does, and logs the time.
func (f *chFixture) buildRollups(b *testing.B, n int) {
	b.Helper()
	chMu.Lock()
	defer chMu.Unlock()
	if f.rollups {
		return
	}
	ctx := context.Background()
	start := time.Now()
	if err := clickhouse.BuildRollups(ctx, clickhouse.Options{Address: f.addr, Database: "default", User: "default"}, "predictions", nil, true); err != nil {
		b.Fatal(err)
	}
	b.Logf("built the rollups of %d rows in %s", n, time.Since(start).Round(100*time.Millisecond))
	if usable, reason, err := f.st.Rollups(ctx); err != nil || !usable {
		b.Fatalf("rollups not usable: %s %v", reason, err)
	}
	f.rollups = true
}
