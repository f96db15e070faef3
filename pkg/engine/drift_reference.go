package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// maxDistinctValues is the most distinct values of a feature counted one by one per series and
// window: up to it ks and wasserstein are exact; above it a numeric feature is counted on a
// fine grid (ks and wasserstein are then approximated within stated bounds) and a text one is
// refused.
const maxDistinctValues = 200_000

// referenceRange is what the reference window says about a numeric feature before its values
// are counted: its range, which fixes the bins and the grid, and its population standard
// deviation, which norms wasserstein when the values are counted on the grid. Nil fields: the
// reference has no values.
type referenceRange struct {
	min, max, std *float64
}

// referenceRanges reads the range and spread of every numeric feature over the reference
// window in one scan, pooled over the query's versions; cached, as the window does not change.
func (e *Engine) referenceRanges(ctx context.Context, sc store.Scope, cache *Cache, cols []store.Column) (map[string]referenceRange, error) {
	var measures []store.Measure
	var numeric []string
	for _, c := range cols {
		if isNumeric(c) {
			numeric = append(numeric, c.Name)
			for _, k := range []store.MeasureKind{store.MeasureMin, store.MeasureMax, store.MeasureNonNull, store.MeasureMean, store.MeasureStd} {
				measures = append(measures, store.Measure{Kind: k, Column: c.Name})
			}
		}
	}
	out := map[string]referenceRange{}
	if len(measures) == 0 {
		return out, nil
	}
	rows, err := cached(cache, cacheKey("drift-range", sc, measureKey(measures)), func() ([]store.AggregateRow, error) {
		return e.Store.Aggregates(ctx, store.AggregateRequest{Scope: sc, Measures: measures})
	})
	if err != nil {
		return nil, err
	}
	for i, name := range numeric {
		j := 5 * i
		var r referenceRange
		var parts []spread
		for _, row := range rows {
			r.min = minPtr(r.min, row.Values[j])
			r.max = maxPtr(r.max, row.Values[j+1])
			if n := orZero(row.Values[j+2]); n > 0 && row.Values[j+3] != nil {
				parts = append(parts, spread{n: n, mean: *row.Values[j+3], sampleStd: orZero(row.Values[j+4])})
			}
		}
		r.std = pooledStd(parts)
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
	var n, mean float64
	for _, p := range parts {
		n += p.n
		mean += p.n * p.mean
	}
	if n == 0 {
		return nil
	}
	mean /= n
	var ss float64
	for _, p := range parts {
		d := p.mean - mean
		ss += p.sampleStd*p.sampleStd*(p.n-1) + p.n*d*d
	}
	std := math.Sqrt(math.Max(ss, 0) / n)
	return &std
}

// exactValueMethods compare the values themselves, so they count values one by one up to
// maxDistinctValues (auto may pick one of them).
var exactValueMethods = []string{metrics.MethodKS, metrics.MethodWasserstein, metrics.MethodAuto, ""}

// distributionFeatures says how the store counts each feature: text by value (refused above
// maxDistinctValues); numbers by value up to the most distinct values the method compares one
// by one (20 for the binned methods, Evidently's rule, else maxDistinctValues) and above it on
// the reference bins and, for the methods that need values, on the fine grid.
func distributionFeatures(q query.Query, cols []store.Column, ranges map[string]referenceRange) ([]store.DistributionFeature, error) {
	out := make([]store.DistributionFeature, len(cols))
	for i, c := range cols {
		f := store.DistributionFeature{Column: c.Name, MaxValues: maxDistinctValues}
		exact := slices.Contains(exactValueMethods, q.Method)
		if isNumeric(c) && !exact {
			f.MaxValues = metrics.MaxValueBuckets
		}
		if r := ranges[c.Name]; isNumeric(c) && r.min != nil && r.max != nil {
			edges, err := metrics.EqualWidthEdges(*r.min, *r.max, q.Bins)
			if err != nil {
				return nil, err
			}
			f.Edges = edges
			if exact {
				f.Grid = &store.DistributionGrid{Lo: *r.min, Hi: *r.max, Cells: metrics.GridCells}
			}
		}
		out[i] = f
	}
	return out, nil
}

func isNumeric(c store.Column) bool {
	return c.Kind == store.KindDouble || c.Kind == store.KindInteger
}

// featuresKey identifies a distribution request's features for the cache: columns, limits,
// edges and grid.
func featuresKey(features []store.DistributionFeature) string {
	var sb strings.Builder
	for _, f := range features {
		fmt.Fprintf(&sb, "%q/%d/%v", f.Column, f.MaxValues, f.Edges)
		if f.Grid != nil {
			fmt.Fprintf(&sb, "/%v", *f.Grid)
		}
		sb.WriteString(";")
	}
	return sb.String()
}
