package engine

import (
	"context"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// Where a result's statistics came from, reported as meta.custom.source.
const (
	SourceRollup = "rollup"
	SourceRaw    = "raw"
)

// rollupFor is the planner: it returns the store's hourly rollups when they can answer q
// exactly as the raw rows would (up to the latency sketch's stated bound), and nil otherwise.
// Rollups answer when the engine allows them, the store keeps usable rollups, the query has no
// filter and no groupBy (they hold only model and version), the range's ends are whole hours
// and a time series' bucket is a whole number of hours. The family's own conditions (no score
// threshold, no score metric) are the caller's.
func (e *Engine) rollupFor(ctx context.Context, q query.Query) (store.RollupStore, error) {
	rs, ok := e.Store.(store.RollupStore)
	if !e.Rollups || !ok || len(q.Filters) > 0 || q.GroupBy != "" {
		return nil, nil
	}
	whole := func(t time.Time) bool { return t.Equal(t.Truncate(store.RollupGrain)) }
	if !whole(q.From) || !whole(q.To) {
		return nil, nil
	}
	if q.Format == query.FormatTimeSeries && (q.Bucket <= 0 || q.Bucket%store.RollupGrain != 0) {
		return nil, nil
	}
	usable, _, err := rs.Rollups(ctx)
	if err != nil || !usable {
		return nil, err
	}
	return rs, nil
}

// usableRollups returns the store's rollups when the engine allows them and they account for
// every row, for lookups (a model's versions and classes) that need no other condition; nil
// otherwise, or when their state cannot be read (the raw lookup then answers).
func (e *Engine) usableRollups(ctx context.Context) store.RollupStore {
	rs, ok := e.Store.(store.RollupStore)
	if !e.Rollups || !ok {
		return nil
	}
	if usable, _, err := rs.Rollups(ctx); err != nil || !usable {
		return nil
	}
	return rs
}

// rollupRequest is the rollup selection of a query.
func rollupRequest(q query.Query, versions []string) store.RollupRequest {
	req := store.RollupRequest{Model: q.Model, Versions: versions, From: q.From, To: q.To}
	if q.Format == query.FormatTimeSeries {
		req.Bucket = q.Bucket
	}
	return req
}

// confusionCounts reads a classification or confusion query's counts from the rollups when
// the planner allows (predicted_label only: a threshold on score needs raw rows), else from
// the raw rows; it says which answered.
func (e *Engine) confusionCounts(ctx context.Context, q query.Query, req store.ConfusionRequest) ([]store.ConfusionCount, string, error) {
	if q.Threshold == nil && !needsScores(q) {
		rs, err := e.rollupFor(ctx, q)
		if err != nil {
			return nil, "", err
		}
		if rs != nil {
			rr := store.RollupRequest{Model: q.Model, Versions: req.Versions, From: q.From, To: q.To, Bucket: req.Bucket}
			rows, err := rs.RollupConfusion(ctx, rr)
			return rows, SourceRollup, err
		}
	}
	rows, err := e.Store.ConfusionCounts(ctx, req)
	return rows, SourceRaw, err
}

// operationsStatistics answers operationsMeasures per series and bucket from the rollups when
// the planner allows, else from the raw rows; it says which answered.
func (e *Engine) operationsStatistics(ctx context.Context, q query.Query) (*aggregated, string, error) {
	rs, err := e.rollupFor(ctx, q)
	if err != nil {
		return nil, "", err
	}
	if rs == nil {
		a, err := e.aggregate(ctx, q, operationsMeasures)
		return a, SourceRaw, err
	}
	versions, err := e.versions(ctx, q)
	if err != nil {
		return nil, "", err
	}
	a := &aggregated{keys: seriesKeys(versions, nil, false), values: map[seriesKey][][]*float64{}}
	if q.Format == query.FormatTimeSeries {
		if a.buckets, err = buckets(q.From, q.To, q.Bucket); err != nil {
			return nil, "", err
		}
	}
	rows, err := rs.RollupOperations(ctx, rollupRequest(q, versions))
	if err != nil {
		return nil, "", err
	}
	n := max(len(a.buckets), 1)
	for _, k := range a.keys {
		a.values[k] = make([][]*float64, n)
		for i := range n {
			a.values[k][i] = make([]*float64, len(operationsMeasures))
		}
	}
	for _, r := range rows {
		vals, ok := a.values[seriesKey{Version: r.Version}]
		if !ok {
			continue
		}
		if i := bucketIndex(a.buckets, q.Bucket, r.Bucket); i >= 0 {
			vals[i] = operationsValues(r)
		}
	}
	return a, SourceRollup, nil
}

// operationsValues computes operationsMeasures from one merged rollup row: counts, the mean,
// least and greatest latency exactly, and the latency quantiles from the sketch.
func operationsValues(r store.OperationsRollup) []*float64 {
	out := make([]*float64, len(operationsMeasures))
	sketch := make([]metrics.SketchBucket, len(r.LatencyBuckets))
	for i, b := range r.LatencyBuckets {
		sketch[i] = metrics.SketchBucket{Sign: b.Sign, Key: b.Key, Count: b.Count}
	}
	for i, m := range operationsMeasures {
		switch m.Kind {
		case store.MeasureRows:
			out[i] = number(float64(r.Rows))
		case store.MeasureErrors:
			out[i] = number(float64(r.Errors))
		case store.MeasureLatencyMean:
			out[i] = ratioOf(r.LatencySum, float64(r.LatencyCount))
		case store.MeasureLatencyMin:
			out[i] = r.LatencyMin
		case store.MeasureLatencyMax:
			out[i] = r.LatencyMax
		case store.MeasureLatencyQuantile:
			if r.LatencyMin != nil {
				out[i] = metrics.SketchQuantile(sketch, m.Q, *r.LatencyMin, *r.LatencyMax)
			}
		}
	}
	return out
}

func number(v float64) *float64 { return &v }

// asksLatencyQuantile reports whether an operations query asks for a latency quantile.
func asksLatencyQuantile(q query.Query) bool {
	return slices.ContainsFunc(q.Metrics, func(m query.Metric) bool {
		return m == query.LatencyP50 || m == query.LatencyP95 || m == query.LatencyP99
	})
}

// annotateSource writes where the statistics came from into every frame's meta.custom (kept
// with what is there), and for rollup answers the latency quantiles' relative error bound.
func annotateSource(fs data.Frames, source string, latencyQuantiles bool) {
	for _, f := range fs {
		if f.Meta == nil {
			f.Meta = &data.FrameMeta{}
		}
		custom, _ := f.Meta.Custom.(map[string]any)
		if custom == nil {
			custom = map[string]any{}
		}
		custom["source"] = source
		if source == SourceRollup && latencyQuantiles {
			custom["latencyQuantileRelativeError"] = metrics.SketchAlpha
		}
		f.Meta.Custom = custom
	}
}
