// Package bench_test measures the query families on the demo data set (DESIGN.md, "Performance
// contract"). It holds benchmarks only: `go test ./tests/bench/` builds it and runs nothing;
//
//	MODELWATCH_BENCH_ROWS=1000000,10000000 go test -run '^$' -bench . -benchtime 3x -timeout 30m ./tests/bench/
//
// builds the demo stores once (kept under MODELWATCH_BENCH_DIR, default the OS temp dir) and
// reports, per family and store size, the time of one query through the engine (the data
// source's QueryData path without the SDK's JSON encoding), rows/s over the model's rows in the
// range, and x-inmem: that time divided by the time of one Go loop computing the same
// sufficient statistics from the same columns already in memory (BenchmarkInMemoryPass).
package bench_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
)

// The queries measured, over the whole 30-day range. Quality and drift compare with the first
// 15 days.
const (
	reference = `"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-16T00:00:00Z"}`

	classificationQuery = `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","threshold":0.5,"format":"numeric"}`
	timeseriesQuery     = `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","threshold":0.5,"format":"timeseries","interval":"1h"}`
	scoresQuery         = `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":["roc_auc","average_precision","log_loss","brier"],"format":"numeric"}`
	confusionQuery      = `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn","threshold":0.5}`
	regressionQuery     = `{"schemaVersion":1,"queryType":"regression","model":"basket-forecaster","format":"numeric"}`
	operationsQuery     = `{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","format":"numeric"}`
	coverageQuery       = `{"schemaVersion":1,"queryType":"coverage","model":"churn-classifier","format":"numeric"}`
	qualityQuery        = `{"schemaVersion":1,"queryType":"quality","model":"churn-classifier","format":"numeric",` + reference + `}`
	driftQuery          = `{"schemaVersion":1,"queryType":"drift","model":"churn-classifier","method":"auto","format":"numeric",` + reference + `}`
	comparisonQuery     = `{"schemaVersion":1,"queryType":"comparison","model":"churn-classifier","versions":["A","B"],"compare":"accuracy","positiveClass":"churn","threshold":0.5,"format":"numeric"}`
)

// validated parses and validates a query over the whole range of the demo data.
func validated(tb testing.TB, js string) query.Query {
	tb.Helper()
	raw, err := query.Parse([]byte(js))
	if err != nil {
		tb.Fatal(err)
	}
	q, err := query.Validate(raw, query.Window{From: dataStart, To: dataEnd, MaxDataPoints: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	return q
}

// cacheMode says whether reference-window statistics are cached between queries.
type cacheMode int

const (
	// cold: a new cache per query, so quality and drift also scan the reference window (the
	// first query of a panel).
	cold cacheMode = iota
	// warm: one cache for the run, filled before timing (a dashboard refresh).
	warm
)

// benchFamily times one query per store size.
func benchFamily(b *testing.B, family, js string, mode cacheMode) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			f := fixtureFor(b, n)
			q := validated(b, js)
			ctx := context.Background()
			base := f.baseline(b, family)
			rows := f.modelRows[passes[family].model]
			shared := engine.NewCache()
			if mode == warm {
				eng := engine.Engine{Store: f.st, Cache: shared}
				if _, err := eng.Run(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				cache := shared
				if mode == cold {
					cache = engine.NewCache()
				}
				eng := engine.Engine{Store: f.st, Cache: cache}
				frames, err := eng.Run(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if len(frames) == 0 {
					b.Fatal("no frames")
				}
			}
			perOp := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(rows)/perOp, "rows/s")
			b.ReportMetric(perOp/base.Seconds(), "x-inmem")
		})
	}
}

// BenchmarkMemory runs the classification query and reports the Go heap in use after it (after
// a GC: what the plugin keeps), the heap's growth over the run, DuckDB's own memory
// (duckdb_memory(): its buffer pool, which caches the file's blocks up to memory_limit) and the
// process's resident memory. It is declared first so that, in a full run, it measures before
// any in-memory copy of the data is loaded; run it alone (-bench Memory) for clean figures.
func BenchmarkMemory(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			f := fixtureFor(b, n)
			q := validated(b, classificationQuery)
			ctx := context.Background()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			b.ReportAllocs()
			for b.Loop() {
				eng := engine.Engine{Store: f.st, Cache: engine.NewCache()}
				if _, err := eng.Run(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapInuse), "go-heap-inuse-B")
			b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse)), "go-heap-growth-B")
			var duck int64
			if err := f.st.DB().QueryRow("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()").Scan(&duck); err != nil {
				b.Logf("duckdb_memory() unavailable: %v", err)
			} else {
				b.ReportMetric(float64(duck), "duckdb-mem-B")
			}
			var limit string
			if err := f.st.DB().QueryRow("SELECT current_setting('memory_limit')").Scan(&limit); err == nil {
				b.Logf("DuckDB memory_limit %s", limit)
			}
			if rss, hwm, ok := residentMemory(); ok {
				b.ReportMetric(float64(rss), "rss-B")
				b.ReportMetric(float64(hwm), "rss-peak-B")
			}
		})
	}
}

// residentMemory reads VmRSS and VmHWM (peak) from /proc/self/status, in bytes (Linux only).
func residentMemory() (rss, hwm int64, ok bool) {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0, false
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		name, value, found := strings.Cut(sc.Text(), ":")
		if !found {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) != 2 || fields[1] != "kB" {
			continue
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			rss = kb * 1024
		case "VmHWM":
			hwm = kb * 1024
		}
	}
	return rss, hwm, rss > 0
}

func BenchmarkClassification(b *testing.B) {
	benchFamily(b, "classification", classificationQuery, cold)
}

// BenchmarkClassificationTimeseries buckets by hour: 720 buckets per version.
func BenchmarkClassificationTimeseries(b *testing.B) {
	benchFamily(b, "classification_timeseries", timeseriesQuery, cold)
}

// BenchmarkClassificationScores asks for the score-based metrics (ROC AUC, average precision,
// log loss, Brier), which read the score histogram.
func BenchmarkClassificationScores(b *testing.B) {
	benchFamily(b, "classification_scores", scoresQuery, cold)
}

func BenchmarkConfusion(b *testing.B) {
	benchFamily(b, "confusion", confusionQuery, cold)
}

func BenchmarkRegression(b *testing.B) {
	benchFamily(b, "regression", regressionQuery, cold)
}

func BenchmarkOperations(b *testing.B) {
	benchFamily(b, "operations", operationsQuery, cold)
}

func BenchmarkCoverage(b *testing.B) {
	benchFamily(b, "coverage", coverageQuery, cold)
}

// BenchmarkQuality: every feature, reference statistics computed by each query.
func BenchmarkQuality(b *testing.B) {
	benchFamily(b, "quality", qualityQuery, cold)
}

// BenchmarkQualityWarm: reference statistics from the cache, as on a dashboard refresh.
func BenchmarkQualityWarm(b *testing.B) {
	benchFamily(b, "quality", qualityQuery, warm)
}

// BenchmarkDrift: method auto, every feature, reference distributions read by each query.
func BenchmarkDrift(b *testing.B) {
	benchFamily(b, "drift", driftQuery, cold)
}

// BenchmarkDriftWarm: reference distributions from the cache, as on a dashboard refresh.
func BenchmarkDriftWarm(b *testing.B) {
	benchFamily(b, "drift", driftQuery, warm)
}

func BenchmarkComparison(b *testing.B) {
	benchFamily(b, "comparison", comparisonQuery, cold)
}

// BenchmarkInMemoryPass times the baseline itself: one Go loop per family over the columns
// already in memory (see pass). rows/s counts the model's rows in the range, as above.
// Confusion and comparison use the classification pass.
func BenchmarkInMemoryPass(b *testing.B) {
	families := []string{"classification", "classification_timeseries", "classification_scores", "regression",
		"operations", "coverage", "quality", "drift"}
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			f := fixtureFor(b, n)
			m := f.memory(b)
			for _, family := range families {
				p := passes[family]
				b.Run(family, func(b *testing.B) {
					for b.Loop() {
						sink += p.run(m).sum
					}
					b.ReportMetric(float64(f.modelRows[p.model])*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
				})
			}
		})
	}
}
