package bench_test

import (
	"context"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// timeBesideSQL times a family's query through the engine on a server store (from its rollups
// when rollups is set and they can answer, else the rows), cold (a new cache: versions and classes looked up again) and warm (the data
// source's cache, as a dashboard refresh finds it), beside runSQL, its hand-written statement on
// the same server, in the same loop: x-sql-* are the ratios.
func timeBesideSQL(b *testing.B, st *sqlstore.Store, rollups bool, q query.Query, runSQL func() time.Duration) {
	b.Helper()
	ctx := context.Background()
	runSQL() // the table's pages in the server's cache and the OS's, for both sides
	runEngine := func(cache *engine.Cache) time.Duration {
		start := time.Now()
		frames, err := (&engine.Engine{Store: st, Cache: cache, Rollups: rollups}).Run(ctx, q)
		if err != nil || len(frames) == 0 {
			b.Fatalf("%d frames, %v", len(frames), err)
		}
		return time.Since(start)
	}
	shared := engine.NewCache()
	runEngine(shared)
	var cold, warm, hand time.Duration
	for b.Loop() {
		cold += runEngine(engine.NewCache())
		warm += runEngine(shared)
		hand += runSQL()
	}
	per := func(d time.Duration) float64 { return float64(d.Milliseconds()) / float64(b.N) }
	b.ReportMetric(per(cold), "cold-ms")
	b.ReportMetric(per(warm), "warm-ms")
	b.ReportMetric(per(hand), "sql-ms")
	b.ReportMetric(cold.Seconds()/hand.Seconds(), "x-sql-cold")
	b.ReportMetric(warm.Seconds()/hand.Seconds(), "x-sql-warm")
}
