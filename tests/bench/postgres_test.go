package bench_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mlops/modelwatch/pkg/store/postgres"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
)

// pgFixture is the demo store of one size copied into a private PostgreSQL server.
type pgFixture struct {
	srv     *pgserver.Server
	st      *sqlstore.Store
	rollups bool // built (buildRollups)
}

var (
	pgMu       sync.Mutex
	pgFixtures = map[int]*pgFixture{}
)

// pgFixtureFor starts a server for the run and copies the n-row demo store into it (once per
// size; the copy streams through COPY).
func pgFixtureFor(b *testing.B, n int) *pgFixture {
	b.Helper()
	pgMu.Lock()
	defer pgMu.Unlock()
	if f, ok := pgFixtures[n]; ok {
		return f
	}
	duck := fixtureFor(b, n)
	srv := pgserver.Start(b)
	start := time.Now()
	srv.CopyTable(b, duck.path, "predictions")
	b.Logf("copied %d rows into PostgreSQL in %s", n, time.Since(start).Round(time.Second))
	st, err := postgres.Open(srv.URL, "predictions", postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	f := &pgFixture{srv: srv, st: st}
	pgFixtures[n] = f
	return f
}

// pgFamily is one query family on PostgreSQL, beside the statement a person would write for the
// same sufficient statistics over the same rows.
type pgFamily struct {
	name, query, sql string
}

// pgFamilies: the whole 30 days of one model, as the in-process family benchmarks (bench_test.go).
var pgFamilies = []pgFamily{
	{"operations", operationsQuery, `SELECT model_version, count(*), count(error), count(latency_ms), avg(latency_ms), min(latency_ms), max(latency_ms),
  percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms)
FROM predictions WHERE model = 'churn-classifier' AND ts >= $1 AND ts < $2 GROUP BY 1`},
	{"classification", classificationQuery, `SELECT model_version, actual_label, CASE WHEN score IS NULL THEN NULL WHEN score >= 0.5 THEN 'churn' ELSE 'stay' END, count(*)
FROM predictions WHERE model = 'churn-classifier' AND ts >= $1 AND ts < $2 GROUP BY 1, 2, 3`},
	{"regression", regressionQuery, `SELECT model_version, count(*), sum(predicted_value - actual_value), sum(abs(predicted_value - actual_value)),
  sum((predicted_value - actual_value) ^ 2), avg(actual_value), var_pop(actual_value),
  sum(abs((predicted_value - actual_value) / actual_value)) FILTER (WHERE actual_value <> 0), count(*) FILTER (WHERE actual_value <> 0),
  percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY predicted_value - actual_value)
FROM predictions WHERE model = 'basket-forecaster' AND ts >= $1 AND ts < $2 AND predicted_value IS NOT NULL AND actual_value IS NOT NULL GROUP BY 1`},
	{"coverage", coverageQuery, `SELECT model_version, count(*), count(*) FILTER (WHERE actual_label IS NOT NULL OR actual_value IS NOT NULL)
FROM predictions WHERE model = 'churn-classifier' AND ts >= $1 AND ts < $2 GROUP BY 1`},
}

// BenchmarkPostgresFamilies times each family's query through the engine on PostgreSQL from
// the rows, cold (a new cache: versions and classes looked up again) and warm (the data
// source's cache, as a dashboard refresh finds it), beside its hand-written statement on the
// same server in the same run: x-sql-* are the ratios.
// The server is a private PostgreSQL 15 with its defaults (shared_buffers 128 MB), the table
// without indexes; both sides scan it.
//
//	MODELWATCH_BENCH_DIR=/tmp/mwbench MODELWATCH_BENCH_ROWS=10000000 go test -run '^$' -bench PostgresFamilies -benchtime 3x -timeout 60m ./tests/bench/
func BenchmarkPostgresFamilies(b *testing.B) {
	benchPostgresFamilies(b, false)
}

// BenchmarkPostgresRollups is BenchmarkPostgresFamilies through the hourly rollups, built first
// as `modelwatch rollup --db postgres://...` builds them (the time it takes is logged), beside
// the same hand-written statements over the rows.
//
//	MODELWATCH_BENCH_DIR=/tmp/mwbench MODELWATCH_BENCH_ROWS=10000000 go test -run '^$' -bench PostgresRollups -benchtime 3x -timeout 60m ./tests/bench/
func BenchmarkPostgresRollups(b *testing.B) {
	benchPostgresFamilies(b, true)
}

// benchPostgresFamilies times every family on each size's server, from its rollups or rows.
func benchPostgresFamilies(b *testing.B, rollups bool) {
	for _, n := range sizes(b) {
		f := pgFixtureFor(b, n) // the server lives as long as the whole benchmark
		if rollups {
			f.buildRollups(b, n)
		}
		for _, fam := range pgFamilies {
			b.Run(fmt.Sprintf("rows=%d/%s", n, fam.name), func(b *testing.B) {
				q := validated(b, fam.query)
				ctx := context.Background()
				conn, err := pgx.Connect(ctx, f.srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				defer conn.Close(ctx)
				runSQL := func() time.Duration {
					start := time.Now()
					rows, err := conn.Query(ctx, fam.sql, dataStart, dataEnd)
					if err != nil {
						b.Fatal(err)
					}
					n := 0
					for rows.Next() {
						n++
					}
					if rows.Err() != nil || n == 0 {
						b.Fatalf("hand-written SQL: %d rows, %v", n, rows.Err())
					}
					return time.Since(start)
				}
				timeBesideSQL(b, f.st, rollups, q, runSQL)
			})
		}
	}
}

// buildRollups builds the fixture's rollups once, as `modelwatch rollup` does, and logs the time.
func (f *pgFixture) buildRollups(b *testing.B, n int) {
	b.Helper()
	pgMu.Lock()
	defer pgMu.Unlock()
	if f.rollups {
		return
	}
	ctx := context.Background()
	w, err := postgres.OpenWriter(ctx, f.srv.URL, "predictions")
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	start := time.Now()
	if err := w.RebuildRollups(ctx, ""); err != nil {
		b.Fatal(err)
	}
	b.Logf("built the rollups of %d rows in %s", n, time.Since(start).Round(time.Second))
	if usable, reason, err := f.st.Rollups(ctx); err != nil || !usable {
		b.Fatalf("rollups not usable: %s %v", reason, err)
	}
	f.rollups = true
}
