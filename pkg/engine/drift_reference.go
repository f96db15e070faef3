package engine

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// maxDistinctValues is the most distinct values of a text feature counted one by one per
// series and window; above it the feature is refused (it is not categorical).
const maxDistinctValues = 200_000

// exactValueLimit is the most distinct values a numeric feature may have for ks and
// wasserstein (and auto, which picks one of them) to count it value by value and be exact:
// the grid's number of cells, so that exact counts never return more rows than the grid
// would. Above it, in the reference or in a series of the current window, the values are
// counted on the grid and the result is approximated within its stated bounds.
const exactValueLimit = metrics.GridCells

// referenceRange is what the reference window says about a numeric feature before its values
// are counted: its range, which fixes the bins and the grid; its population standard
// deviation, which norms wasserstein when the values are counted on the grid; and its number
// of distinct values, which decides whether the values are counted one by one at all. Nil
// fields: the reference has no values.
type referenceRange struct {
	min, max, std *float64
	// rows are the reference's non-null values (over its versions), for numpy's bin rules.
	rows float64
	// distinct is a lower bound of the pooled reference's distinct values: the largest of the
	// versions' estimates (the store's approximate counts) divided by approxDistinctMargin.
	// It is all the decision needs (see distributionFeatures).
	distinct int64
	// skewness and iqr are the reference's shape, read only for the bin rules that need it.
	skewness, iqr float64
}

// binStats is what numpy's bin rules read of the reference (min and max set).
func (r referenceRange) binStats(c store.Column) metrics.BinStats {
	return metrics.BinStats{N: r.rows, PTP: *r.max - *r.min, Std: orZero(r.std), Skewness: r.skewness, IQR: r.iqr, Integer: c.Kind == store.KindInteger}
}

// approxDistinctMargin is how far the store's estimate of a feature's distinct values is
// trusted: DuckDB's HyperLogLog was seen up to 1.5 times off (at 100,000 values), so an
// estimate is taken to be within a factor of 4. A feature is Binned only when its estimate
// is above 4 times the limit, i.e. certainly above it; below that the store counts the values
// and decides per series exactly, so the approximation never changes an answer. An exact
// count(DISTINCT) per feature cost more than the rest of the reference's statistics together
// (0.25-0.45 s per feature per 5M rows).
const approxDistinctMargin = 4

// referenceRanges reads the range, spread and estimated distinct values of every numeric feature over the reference
// window in one scan, pooled over the query's versions; cached, as the window does not change.
func (e *Engine) referenceRanges(ctx context.Context, sc store.Scope, cache *Cache, cols []store.Column) (map[string]referenceRange, error) {
	const referenceMeasures = 6 // min, max, non-null, mean, std, estimated distinct values
	var measures []store.Measure
	var numeric []string
	for _, c := range cols {
		if isNumeric(c) {
			numeric = append(numeric, c.Name)
			for _, k := range []store.MeasureKind{store.MeasureMin, store.MeasureMax, store.MeasureNonNull, store.MeasureMean, store.MeasureStd, store.MeasureApproxDistinct} {
				measures = append(measures, store.Measure{Kind: k, Column: c.Name})
			}
		}
	}
	out := map[string]referenceRange{}
	if len(measures) == 0 {
		return out, nil
	}
	rows, err := cachedWindow(cache, sc, cacheKey("drift-range", sc, measureKey(measures)), func() ([]store.AggregateRow, error) {
		return e.aggregates(ctx, store.AggregateRequest{Scope: sc, Measures: measures})
	})
	if err != nil {
		return nil, err
	}
	for i, name := range numeric {
		j := referenceMeasures * i
		var r referenceRange
		var parts []spread
		for _, row := range rows {
			r.min = minPtr(r.min, row.Values[j])
			r.max = maxPtr(r.max, row.Values[j+1])
			if n := orZero(row.Values[j+2]); n > 0 && row.Values[j+3] != nil {
				parts = append(parts, spread{n: n, mean: *row.Values[j+3], sampleStd: orZero(row.Values[j+4])})
			}
			r.distinct = max(r.distinct, int64(orZero(row.Values[j+5]))/approxDistinctMargin)
		}
		r.std = pooledStd(parts)
		for _, p := range parts {
			r.rows += p.n
		}
		out[name] = r
	}
	return out, nil
}

// spread is one version's count, mean and sample standard deviation of a feature.
type spread struct {
	n, mean, sampleStd float64
}

// pooledStd is the population standard deviation (ddof=0) of the versions' values together:
// the mean of their population variances plus the variance of their means, weighted by
// count. Nil without values.
func pooledStd(parts []spread) *float64 {
	n, _, ss := pooledSpread(parts)
	if n == 0 {
		return nil
	}
	std := math.Sqrt(math.Max(ss, 0) / n)
	return &std
}

// pooledSpread is the versions' values taken together: their count, mean and sum of squared
// deviations from that mean (the versions' own, plus their means' spread, weighted by count).
func pooledSpread(parts []spread) (n, mean, ss float64) {
	for _, p := range parts {
		n += p.n
		mean += p.n * p.mean
	}
	if n == 0 {
		return 0, 0, 0
	}
	mean /= n
	for _, p := range parts {
		d := p.mean - mean
		ss += p.sampleStd*p.sampleStd*(p.n-1) + p.n*d*d
	}
	return n, mean, ss
}

// referenceShapes reads the skewness and interquartile range of every numeric feature's
// reference values into ranges, for numpy's doane, fd and auto rules: the reference's value
// counts pooled over its versions, in one distribution scan, cached once the window has ended.
// A series with more than exactValueLimit distinct values is counted on the fine grid over the
// range, each cell taken at its mean, which moves a quartile by at most a cell's width (the
// range / metrics.GridCells).
func (e *Engine) referenceShapes(ctx context.Context, sc store.Scope, cache *Cache, cols []store.Column, ranges map[string]referenceRange) error {
	var features []store.DistributionFeature
	var names []string
	for _, c := range cols {
		r := ranges[c.Name]
		if !isNumeric(c) || r.min == nil || r.max == nil {
			continue
		}
		names = append(names, c.Name)
		features = append(features, store.DistributionFeature{
			Column: c.Name, MaxValues: exactValueLimit, Binned: r.distinct > int64(exactValueLimit),
			Grid: &store.DistributionGrid{Lo: *r.min, Hi: *r.max, Cells: metrics.GridCells},
		})
	}
	if len(features) == 0 {
		return nil
	}
	rows, err := cachedWindow(cache, sc, cacheKey("drift-shape", sc, featuresKey(features)), func() ([]store.DistributionCount, error) {
		return e.Store.Distribution(ctx, store.DistributionRequest{Scope: sc, Features: features})
	})
	if err != nil {
		return err
	}
	counts := make([]map[float64]int64, len(features))
	for i := range counts {
		counts[i] = map[float64]int64{}
	}
	for _, d := range rows {
		if d.Null || d.Count <= 0 || d.Feature < 0 || d.Feature >= len(features) {
			continue
		}
		v := d.Number
		if !d.Exact {
			v = d.Sum / float64(d.Count) // the cell's mean
		}
		counts[d.Feature][v] += d.Count
	}
	for i, name := range names {
		values := make([]float64, 0, len(counts[i]))
		ns := make([]int64, 0, len(counts[i]))
		for v, n := range counts[i] {
			values, ns = append(values, v), append(ns, n)
		}
		r := ranges[name]
		r.skewness, r.iqr = metrics.ShapeOfCounts(values, ns)
		ranges[name] = r
	}
	return nil
}

// comparesValues tells whether a query's method compares the values themselves, so that it
// counts values one by one up to exactValueLimit (auto may pick ks or wasserstein).
func comparesValues(method string) bool {
	return method == metrics.MethodAuto || method == "" || metrics.ComparesValues(method)
}

// distributionFeatures says how the store counts each feature. Text is counted by value
// (refused above maxDistinctValues). A number is counted by value only while that is what the
// method compares and it is cheap: up to 20 distinct values for the binned methods (Evidently's
// rule: fewer values are the buckets themselves), up to exactValueLimit for the methods on
// values and auto (exact); a series above that limit is counted on the reference bins and, for the
// methods that compare values, on the fine grid. A number whose reference alone certainly has
// more distinct values than the limit (its estimate above approxDistinctMargin times the limit)
// is Binned: the store counts it per bin and grid cell as it
// reads the rows, without grouping it by value first (what made a continuous feature cost one
// group per row). The answers are those of counting by value, since a window whose reference
// has more values than the limit never uses its values one by one.
func distributionFeatures(q query.Query, defs metrics.Definitions, cols []store.Column, ranges map[string]referenceRange) ([]store.DistributionFeature, error) {
	out := make([]store.DistributionFeature, len(cols))
	exact := comparesValues(q.Method) || metrics.ReadsValueCounts(q.Method, defs)
	for i, c := range cols {
		f := store.DistributionFeature{Column: c.Name, MaxValues: maxDistinctValues}
		if isNumeric(c) {
			f.MaxValues = metrics.MaxValueBuckets
			if exact {
				f.MaxValues = exactValueLimit
			}
		}
		if r := ranges[c.Name]; isNumeric(c) && r.min != nil && r.max != nil {
			bins := q.Bins
			if q.BinRule != "" {
				bins, _ = metrics.BinsByRule(q.BinRule, r.binStats(c))
			}
			edges, err := metrics.EqualWidthEdges(*r.min, *r.max, bins)
			if err != nil {
				return nil, err
			}
			f.Edges = edges
			if exact {
				f.Grid = &store.DistributionGrid{Lo: *r.min, Hi: *r.max, Cells: metrics.GridCells}
			}
			f.Binned = r.distinct > int64(f.MaxValues)
		}
		out[i] = f
	}
	return out, nil
}

func isNumeric(c store.Column) bool {
	return c.Kind == store.KindDouble || c.Kind == store.KindInteger
}

// featuresKey identifies a distribution request's features for the cache: columns, how they
// are counted, limits, edges and grid.
func featuresKey(features []store.DistributionFeature) string {
	var sb strings.Builder
	for _, f := range features {
		fmt.Fprintf(&sb, "%q/%v/%d/%v", f.Column, f.Binned, f.MaxValues, f.Edges)
		if f.Grid != nil {
			fmt.Fprintf(&sb, "/%v", *f.Grid)
		}
		sb.WriteString(";")
	}
	return sb.String()
}
