package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
)

// DefaultMaxSeries is the series cap of an Engine whose MaxSeries is 0. Each series is a frame
// (or a row) built in memory and sent to Grafana: 5000 is far beyond what a panel can show and
// keeps one query's memory to tens of megabytes.
const DefaultMaxSeries = 5000

func (e *Engine) maxSeries() int {
	if e.MaxSeries > 0 {
		return e.MaxSeries
	}
	return DefaultMaxSeries
}

// checkSeries refuses a query whose result would have more series than the cap, before any
// statistics are read: groupBy values x versions x features (quality, drift) x classes
// (per-class classification). A comparison has one series per group (the version pair).
func (e *Engine) checkSeries(ctx context.Context, q query.Query) error {
	limit := e.maxSeries()
	versions, err := e.versions(ctx, q)
	if err != nil {
		return err
	}
	perGroup := 1
	var factors []string
	if q.Type != query.TypeComparison {
		perGroup = len(versions)
		factors = append(factors, plural(len(versions), "version"))
	}
	if perFeature(q) {
		cols, err := e.features(ctx, q)
		if err != nil {
			return err
		}
		perGroup *= len(cols)
		factors = append(factors, plural(len(cols), "feature"))
	}
	if perClass(q) {
		labels, _, err := e.classes(ctx, q)
		if err != nil {
			return err
		}
		n := len(metrics.NewConfusion(labels).Labels)
		perGroup *= n
		factors = append(factors, plural(n, "class"))
	}
	if q.GroupBy == "" {
		if perGroup > limit {
			return fmt.Errorf("%w: this query would make %d series (%s), at most %d are allowed: ask for fewer versions, features or classes, or raise the data source's maxSeries",
				query.ErrInvalidQuery, perGroup, strings.Join(factors, " x "), limit)
		}
		return nil
	}
	// Counting up to the cap itself (not cap / perGroup) gives the exact count in the message
	// whenever it is modest.
	groups, err := e.Store.GroupCount(ctx, scope(q, versions), limit)
	if err != nil {
		return err
	}
	if groups*int64(perGroup) <= int64(limit) {
		return nil
	}
	values := plural(int(groups), "distinct value")
	series := fmt.Sprintf("%d series", groups*int64(perGroup))
	if groups > int64(limit) {
		values = fmt.Sprintf("more than %d distinct values", limit)
		series = fmt.Sprintf("more than %d series", limit*perGroup)
	}
	how := "one series per value"
	if len(factors) > 0 {
		how = "each value x " + strings.Join(factors, " x ")
	}
	return fmt.Errorf("%w: groupBy %q has %s in this range, which makes %s (%s), at most %d are allowed: filter the query to fewer values, group by a column with fewer values, or raise the data source's maxSeries",
		query.ErrInvalidQuery, q.GroupBy, values, series, how, limit)
}

// plural spells a count of things: "1 version", "3 classes".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	if strings.HasSuffix(thing, "s") {
		return fmt.Sprintf("%d %ses", n, thing)
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// MaxKernelTests bounds the MMD tests of one drift query (features x series x buckets): each
// builds a kernel over up to metrics.MMDMaxValues distinct values and multiplies it with a
// vector for each of metrics.MMDPermutations splits (0.14 s at the most distinct values on 2
// cores, BenchmarkMMD), so 100 keep a query to seconds.
const MaxKernelTests = 100

// checkKernelTests refuses an mmd drift query that would run more than MaxKernelTests tests,
// after its rows are read and before any test runs, saying how to ask for fewer.
func checkKernelTests(q query.Query, tests int) error {
	if q.Method != metrics.MethodMMD || tests <= MaxKernelTests {
		return nil
	}
	return fmt.Errorf("%w: mmd runs a kernel permutation test per feature, series and bucket, at most %d per query; this query would run %d: "+
		"use a wider interval or the numeric format, or fewer features, versions or groups", query.ErrInvalidQuery, MaxKernelTests, tests)
}
