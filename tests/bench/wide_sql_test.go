package bench_test

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
)

// BenchmarkDriftWideSQL is hand-written DuckDB SQL for the statistics BenchmarkDriftWide's
// drift query needs (20 features, every version, the whole 30 days against the first 15), on
// the same store, timed the same way, so that the engine's figure has a ratio:
//
//	MODELWATCH_BENCH_DIR=/tmp/mwbench MODELWATCH_BENCH_ROWS=1000000 \
//	  go test -run '^$' -bench 'DriftWide' -benchtime 1x ./tests/bench/
//
// What a person who knows the data and DuckDB would write: one statement for the reference's
// ranges, spreads and estimated distinct values of the 10 numbers (pooled over the versions),
// then one statement per window with a grouping set per feature: counts per value for the 16
// discrete features (the reference pooled, the current window per version), per reference bin
// and grid cell (with sums) for the 4 continuous ones, the bins by floor arithmetic. It skips
// what the engine does for any data: the per-series distinct count that chooses values or
// bins, and BinIndex's exact edge comparisons. (One statement for both windows, the reference
// lying inside the current range, with a set per feature and window, was slower: 6.6-7.6 s
// against 5.5-5.9 s at 1M rows, load 6-7.)
func BenchmarkDriftWideSQL(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("rows=%d/features=20", n), func(b *testing.B) {
			st := wideStore(b, n)
			db := st.DB()
			ctx := context.Background()
			var numbers, texts []string
			for _, c := range wideColumns() {
				if c.Role != "feature" {
					continue
				}
				if c.Kind == "double" || c.Kind == "integer" {
					numbers = append(numbers, c.Name)
				} else {
					texts = append(texts, c.Name)
				}
			}
			texts = append(texts, "is_mobile")
			where := ` FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3`
			var ranges []string
			for _, c := range numbers {
				x := "CAST(" + c + " AS DOUBLE)"
				ranges = append(ranges, "min("+x+")", "max("+x+")", "approx_count_distinct("+x+")")
				ranges = append(ranges, "count("+x+")", "avg("+x+")", "stddev_samp("+x+")")
			}
			rangesSQL := "SELECT " + strings.Join(ranges, ", ") + where
			var rows int64
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				vals := make([]any, 6*len(numbers))
				ptrs := make([]*float64, len(vals))
				for i := range vals {
					vals[i] = &ptrs[i]
				}
				if err := db.QueryRowContext(ctx, rangesSQL, demo.ChurnModel, dataStart, refEnd).Scan(vals...); err != nil {
					b.Fatal(err)
				}
				var cols, refSets, curSets []string // the reference pooled, the current window per version
				for i, c := range numbers {
					x := "CAST(" + c + " AS DOUBLE)"
					lo, hi, distinct := *ptrs[6*i], *ptrs[6*i+1], *ptrs[6*i+2]
					if distinct <= 4*metrics.GridCells {
						cols = append(cols, x+" AS "+c)
						refSets, curSets = append(refSets, "("+c+")"), append(curSets, "(version, "+c+")")
						continue
					}
					edges, err := metrics.EqualWidthEdges(lo, hi, query.DefaultBins)
					if err != nil {
						b.Fatal(err)
					}
					f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
					step, width := f((edges[len(edges)-1]-edges[0])/query.DefaultBins), f((hi-lo)/metrics.GridCells)
					cols = append(cols, x+" AS "+c,
						"CASE WHEN "+x+" < "+f(lo)+" THEN 0 WHEN "+x+" > "+f(hi)+" THEN "+strconv.Itoa(query.DefaultBins+1)+
							" ELSE least(CAST(floor(("+x+" - "+f(lo)+") / "+step+") AS BIGINT), "+strconv.Itoa(query.DefaultBins-1)+") + 1 END AS "+c+"_bin",
						"CASE WHEN "+x+" < "+f(lo)+" THEN 0 WHEN "+x+" > "+f(hi)+" THEN "+strconv.Itoa(metrics.GridCells+1)+
							" ELSE least(CAST(floor(("+x+" - "+f(lo)+") / "+width+") AS BIGINT), "+strconv.Itoa(metrics.GridCells-1)+") + 1 END AS "+c+"_cell")
					refSets = append(refSets, "("+c+"_bin, "+c+"_cell)")
					curSets = append(curSets, "(version, "+c+"_bin, "+c+"_cell)")
				}
				for _, c := range texts {
					cols = append(cols, "CAST("+c+" AS VARCHAR) AS "+c)
					refSets, curSets = append(refSets, "("+c+")"), append(curSets, "(version, "+c+")")
				}
				var sums []string
				for _, c := range numbers {
					sums = append(sums, "sum("+c+")")
				}
				inner := "(SELECT model_version AS version, " + strings.Join(cols, ", ") + where + ")"
				stmts := [][]any{
					{"SELECT count(*), " + strings.Join(sums, ", ") + " FROM " + inner + " GROUP BY GROUPING SETS (" + strings.Join(refSets, ", ") + ")", demo.ChurnModel, dataStart, refEnd},
					{"SELECT count(*), " + strings.Join(sums, ", ") + " FROM " + inner + " GROUP BY GROUPING SETS (" + strings.Join(curSets, ", ") + ")", demo.ChurnModel, dataStart, dataEnd},
				}
				rows = 0
				for _, stmt := range stmts {
					n, err := countRows(ctx, db, stmt[0].(string), stmt[1:]...)
					if err != nil {
						b.Fatal(err)
					}
					rows += int64(n)
				}
			}
			b.ReportMetric(float64(rows), "groups")
		})
	}
}

// countRows runs a statement and counts the rows it returns.
func countRows(ctx context.Context, db *sql.DB, stmt string, args ...any) (int, error) {
	res, err := db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return 0, err
	}
	defer res.Close()
	n := 0
	for res.Next() {
		n++
	}
	return n, res.Err()
}
