package engine

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// CheckSketchedQuantiles answers a regression or coverage query's error or label delay measures
// from raw rows and from the rollups, and checks them against the values the rows hold (rowsSQL,
// with args: version, group as text, ts and value of every row of the query's model, filters and
// range that has the value): the raw path's quantile is numpy's interpolation of them and its
// mean their mean; the rollups' mean is the raw one within 1e-9, and their quantile within
// metrics.SketchAlpha of the interpolated magnitudes of the two order statistics it lies
// between, (1-f)|x_k| + f|x_k+1|, which is alpha |quantile| when both have one sign (a value
// near zero between errors of both signs has an absolute bound, not a relative one). It returns
// how many quantiles it checked.
func CheckSketchedQuantiles(t *testing.T, st *sqlstore.Store, q query.Query, rowsSQL string, args ...any) int {
	t.Helper()
	var measures []store.Measure
	for _, m := range q.Metrics {
		if d, ok := errorQuantiles[m]; ok {
			measures = append(measures, d)
		}
		if d, ok := labelDelays[m]; ok {
			measures = append(measures, d)
		}
	}
	ctx := context.Background()
	raw, err := (&Engine{Store: st}).aggregate(ctx, q, measures)
	if err != nil {
		t.Fatal(err)
	}
	roll, err := (&Engine{Store: st, Rollups: true}).aggregate(ctx, q, measures)
	if err != nil {
		t.Fatal(err)
	}
	if roll.plan == nil || !slices.Equal(raw.keys, roll.keys) {
		t.Fatalf("rollup plan %v, series %v from rollups and %v from raw rows", roll.plan != nil, roll.keys, raw.keys)
	}
	type cell struct {
		k      seriesKey
		bucket int
	}
	values := map[cell][]float64{}
	rows, err := st.DB().QueryContext(ctx, rowsSQL, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			version, group string
			ts             time.Time
			x              float64
		)
		if err := rows.Scan(&version, &group, &ts, &x); err != nil {
			t.Fatal(err)
		}
		b := 0
		if q.Format == query.FormatTimeSeries {
			width := q.Bucket.Microseconds()
			b = bucketIndex(raw.buckets, q.Bucket, time.UnixMicro(ts.UnixMicro()/width*width).UTC())
		}
		k := seriesKey{Version: version}
		if q.GroupBy != "" {
			k.Group = group
		}
		values[cell{k, b}] = append(values[cell{k, b}], x)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, k := range raw.keys {
		for b := range raw.values[k] {
			xs := values[cell{k, b}]
			if slices.ContainsFunc(xs, func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }) {
				continue // no relative bound: the special values are compared exactly elsewhere
			}
			slices.Sort(xs)
			for i, m := range measures {
				w, g := raw.values[k][b][i], roll.values[k][b][i]
				if len(xs) == 0 || w == nil || g == nil {
					if len(xs) != 0 || w != nil || g != nil {
						t.Errorf("%v bucket %d %s: %d values, raw %v, rollup %v", k, b, measureID(m), len(xs), w, g)
					}
					continue
				}
				exact, bound := interpolated(xs, m)
				if math.Abs(*w-exact) > 1e-9*math.Abs(exact)+1e-12 {
					t.Fatalf("%v bucket %d %s: raw %.17g, the rows' %.17g", k, b, measureID(m), *w, exact)
				}
				if m.Kind == store.MeasureLabelDelayMean {
					bound = 1e-9 * math.Abs(*w) / metrics.SketchAlpha
				}
				if math.Abs(*g-*w) > metrics.SketchAlpha*bound*(1+1e-9) {
					t.Errorf("%v bucket %d %s: rollup %.9g, raw %.9g: beyond %g x %.9g", k, b, measureID(m), *g, *w, metrics.SketchAlpha, bound)
				}
				checked++
			}
		}
	}
	return checked
}

// interpolated is a sorted sample's mean (bound: its magnitude) or q-quantile (numpy's linear
// interpolation; bound: the interpolated magnitudes of the order statistics around it).
func interpolated(xs []float64, m store.Measure) (value, bound float64) {
	if m.Kind == store.MeasureLabelDelayMean {
		var sum float64
		for _, x := range xs {
			sum += x
		}
		mean := sum / float64(len(xs))
		return mean, math.Abs(mean)
	}
	h := m.Q * float64(len(xs)-1)
	k := int(math.Floor(h))
	f := h - float64(k)
	value, bound = xs[k], math.Abs(xs[k])
	if f > 0 {
		value += f * (xs[k+1] - xs[k])
		bound = (1-f)*math.Abs(xs[k]) + f*math.Abs(xs[k+1])
	}
	return value, bound
}
