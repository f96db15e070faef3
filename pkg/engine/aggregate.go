package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// aggregated holds store measures per series and bucket: values[key][bucket][measure].
type aggregated struct {
	keys    []seriesKey
	buckets []time.Time
	values  map[seriesKey][][]*float64
	index   map[string]int // a measure's position in values, by measureID
	plan    *rollupPlan    // the rollups that answered (aggregateFromRollups); nil: raw rows
}

// measure returns one measure of a series in a bucket; nil where the store had no row.
func (a *aggregated) measure(k seriesKey, bucket, m int) *float64 {
	return a.values[k][bucket][m]
}

// of returns a measure of a series in a bucket by what it is; nil where the store had no row,
// or when the measure was not asked for (a metric that reads it declares it in its needs).
func (a *aggregated) of(k seriesKey, bucket int, m store.Measure) *float64 {
	i, ok := a.index[measureID(m)]
	if !ok {
		return nil
	}
	return a.values[k][bucket][i]
}

// measuresFor lists the measures that the metrics need, each once, in the order first needed:
// the store computes only what the query asks for (a request count does not pay for three
// latency quantiles). needs declares, per metric of a family, the measures it reads.
func measuresFor(ms []query.Metric, needs map[query.Metric][]store.Measure) []store.Measure {
	var out []store.Measure
	seen := map[string]bool{}
	for _, m := range ms {
		for _, need := range needs[m] {
			if id := measureID(need); !seen[id] {
				seen[id] = true
				out = append(out, need)
			}
		}
	}
	return out
}

// measureID identifies a measure by everything that defines it.
func measureID(m store.Measure) string {
	return fmt.Sprintf("%s|%v|%q|%v|%v|%q", m.Kind, m.Q, m.Column, m.Lo, m.Hi, m.Values)
}

// aggregate asks the store for measures over the query's scope, per bucket for a time series
// and over the whole range otherwise: from the rollups when every measure is summable and the
// planner allows (a.plan says so), else from raw rows.
func (e *Engine) aggregate(ctx context.Context, q query.Query, measures []store.Measure) (*aggregated, error) {
	if a, err := e.aggregateFromRollups(ctx, q, measures); err != nil || a != nil {
		return a, err
	}
	versions, err := e.versions(ctx, q)
	if err != nil {
		return nil, err
	}
	req := store.AggregateRequest{Scope: scope(q, versions), Measures: measures}
	a := &aggregated{values: map[seriesKey][][]*float64{}, index: map[string]int{}}
	for i, m := range measures {
		a.index[measureID(m)] = i
	}
	if q.Format == query.FormatTimeSeries {
		req.Bucket = q.Bucket
		if a.buckets, err = buckets(q.From, q.To, q.Bucket); err != nil {
			return nil, err
		}
	}
	rows, err := e.Store.Aggregates(ctx, req)
	if err != nil {
		return nil, err
	}
	seen := map[seriesKey]bool{}
	for _, r := range rows {
		seen[keyOf(q, r.Version, r.Group)] = true
	}
	a.keys = seriesKeys(q, versions, seen)
	n := max(len(a.buckets), 1)
	for _, k := range a.keys {
		a.values[k] = make([][]*float64, n)
		for i := range n {
			a.values[k][i] = make([]*float64, len(measures))
		}
	}
	for _, r := range rows {
		vals, ok := a.values[keyOf(q, r.Version, r.Group)]
		if !ok {
			continue
		}
		if i := bucketIndex(a.buckets, q.Bucket, r.Bucket); i >= 0 {
			vals[i] = r.Values
		}
	}
	return a, nil
}

// seconds is the length of a bucket, or of the whole range for a single value.
func seconds(q query.Query) float64 {
	if q.Format == query.FormatTimeSeries {
		return q.Bucket.Seconds()
	}
	return q.To.Sub(q.From).Seconds()
}

// orZero reads a count: no row means zero rows, which must show as 0 (a missing value cannot
// alert), unlike a ratio or quantile over no rows, which is undefined.
func orZero(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

func ratioOf(a, b float64) *float64 {
	if b == 0 {
		return nil
	}
	r := a / b
	return &r
}

// flag is a verdict as an alertable number: 1 for true, 0 for false.
func flag(b bool) *float64 {
	v := 0.0
	if b {
		v = 1
	}
	return &v
}
