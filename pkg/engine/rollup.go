package engine

import (
	"context"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/frames"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// Where a result's statistics came from, reported as meta.custom.source.
const (
	SourceRollup = "rollup"
	SourceRaw    = "raw"
)

// rollupPlan answers a query from the rollups: the whole hours between From and To from the
// rollups, and the partial hours at the range's ends (edges) from raw rows, merged.
type rollupPlan struct {
	rs       store.RollupStore
	from, to time.Time // the whole hours
	edges    [][2]time.Time
	// filters and groupBy are the query's, when they are on the rollups' segment columns.
	filters []query.Filter
	groupBy string
}

// segmentUse says how far a family's rollup readers follow the rollups' segment columns.
type segmentUse int

const (
	noSegments     segmentUse = iota // no filter, no groupBy
	segmentFilters                   // filters with = or in on segment columns
	segmentGroups                    // those filters, and a groupBy on a segment column
)

// rollupFor is the planner: it returns a plan when the store's hourly rollups can answer q
// exactly as the raw rows would (up to the latency sketch's stated bound), and nil otherwise.
// Rollups answer when the engine allows them, the store keeps usable rollups, every filter is
// "=" or "in" on one of the rollups' segment columns and the groupBy is empty or a segment
// column, as far as the family's readers follow segments (use), the range holds at least one
// whole hour and a time series' bucket is a whole number of hours. The family's own conditions
// (no score threshold, no score metric) are the caller's.
func (e *Engine) rollupFor(ctx context.Context, q query.Query, use segmentUse) (*rollupPlan, error) {
	rs, ok := e.Store.(store.RollupStore)
	if !e.Rollups || !ok || q.Weight != "" { // the rollups count rows, not sample weights
		return nil, nil
	}
	if (len(q.Filters) > 0 && use < segmentFilters) || (q.GroupBy != "" && use < segmentGroups) {
		return nil, nil
	}
	if q.Format == query.FormatTimeSeries && (q.Bucket <= 0 || q.Bucket%store.RollupGrain != 0) {
		return nil, nil
	}
	p := &rollupPlan{rs: rs, from: q.From.Truncate(store.RollupGrain), to: q.To.Truncate(store.RollupGrain),
		filters: q.Filters, groupBy: q.GroupBy}
	if p.from.Before(q.From) {
		p.from = p.from.Add(store.RollupGrain)
	}
	if !p.from.Before(p.to) {
		return nil, nil // no whole hour: the raw rows are as cheap
	}
	if q.From.Before(p.from) {
		p.edges = append(p.edges, [2]time.Time{q.From, p.from})
	}
	if p.to.Before(q.To) {
		p.edges = append(p.edges, [2]time.Time{p.to, q.To})
	}
	usable, err := e.rollupsUsable(ctx, rs)
	if err != nil || !usable {
		return nil, err
	}
	if len(q.Filters) > 0 || q.GroupBy != "" {
		segments, err := e.rollupSegments(ctx, rs)
		if err != nil || !segmentsAnswer(q, segments) {
			return nil, err
		}
	}
	return p, nil
}

// segmentsAnswer reports whether rollups kept per these segment columns can apply q's filters
// and groupBy.
func segmentsAnswer(q query.Query, segments []string) bool {
	if q.GroupBy != "" && !slices.Contains(segments, q.GroupBy) {
		return false
	}
	for _, f := range q.Filters {
		if (f.Op != query.OpEq && f.Op != query.OpIn) || !slices.Contains(segments, f.Column) {
			return false
		}
	}
	return true
}

// rollupSegments reads the rollups' segment columns, remembered per store generation as their
// usability is (none for a store whose rollups cannot keep segments).
func (e *Engine) rollupSegments(ctx context.Context, rs store.RollupStore) ([]string, error) {
	ss, ok := rs.(store.RollupSegmentStore)
	if !ok {
		return nil, nil
	}
	return catalogued(ctx, e, "rollup-segments", func() ([]string, error) { return ss.RollupSegments(ctx) })
}

// request is the rollup request of the plan's whole hours: its segment filters and groupBy
// with the versions and bucket given.
func (p *rollupPlan) request(model string, versions []string, bucket time.Duration) store.RollupRequest {
	return store.RollupRequest{Model: model, Versions: versions, From: p.from, To: p.to, Bucket: bucket, Filters: p.filters, GroupBy: p.groupBy}
}

// rollupsUsable reads whether the store's rollups account for all its rows, remembered per
// store generation as a model's versions and classes are: every query plans with it (and its
// versions and classes lookups with it again), and it only changes when data is loaded or the
// rollups are rebuilt.
func (e *Engine) rollupsUsable(ctx context.Context, rs store.RollupStore) (bool, error) {
	return catalogued(ctx, e, "rollups-usable", func() (bool, error) {
		usable, _, err := rs.Rollups(ctx)
		return usable, err
	})
}

// meta describes the plan for meta.custom: the whole hours read from rollups, when the range's
// partial hours were read from raw rows.
func (p *rollupPlan) meta() map[string]any {
	if p == nil || len(p.edges) == 0 {
		return nil
	}
	return map[string]any{"rollupFrom": p.from, "rollupTo": p.to}
}

// usableRollups returns the store's rollups when the engine allows them and they account for
// every row, for lookups (a model's versions and classes) that need no other condition; nil
// otherwise, or when their state cannot be read (the raw lookup then answers).
func (e *Engine) usableRollups(ctx context.Context) store.RollupStore {
	rs, ok := e.Store.(store.RollupStore)
	if !e.Rollups || !ok {
		return nil
	}
	if usable, err := e.rollupsUsable(ctx, rs); err != nil || !usable {
		return nil
	}
	return rs
}

// confusionCounts reads a classification or confusion query's counts from the rollups (and the
// range's partial hours from raw rows) when the planner allows: predicted_label from the
// confusion rollup, a threshold on score from the score rollup when it is exact
// (thresholdConfusion); else from the raw rows. The plan says which answered. A query with
// score metrics reads its counts from rollups only when its scores can too (scoresFromRollups).
func (e *Engine) confusionCounts(ctx context.Context, q query.Query, req store.ConfusionRequest) ([]store.ConfusionCount, *rollupPlan, error) {
	scores, err := e.scoresFromRollups(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	if req.Threshold != nil && scores {
		rows, p, err := e.thresholdConfusion(ctx, q, req)
		if err != nil || p != nil {
			return rows, p, err
		}
	}
	if q.Threshold == nil && scores {
		p, err := e.rollupFor(ctx, q, segmentGroups)
		if err != nil {
			return nil, nil, err
		}
		if p != nil {
			rows, err := p.rs.RollupConfusion(ctx, p.request(q.Model, req.Versions, req.Bucket))
			if err != nil {
				return nil, nil, err
			}
			for _, edge := range p.edges {
				er := req
				er.From, er.To = edge[0], edge[1]
				more, err := e.Store.ConfusionCounts(ctx, er)
				if err != nil {
					return nil, nil, err
				}
				rows = append(rows, more...) // counts of one key add up when folded
			}
			return rows, p, nil
		}
	}
	rows, err := e.Store.ConfusionCounts(ctx, req)
	return rows, nil, err
}

// operationsStatistics answers the measures asked for per series and bucket from the rollups (and
// the range's partial hours from raw rows) when the planner allows, else from the raw rows.
func (e *Engine) operationsStatistics(ctx context.Context, q query.Query, measures []store.Measure) (*aggregated, *rollupPlan, error) {
	p, err := e.rollupFor(ctx, q, segmentGroups)
	if err != nil {
		return nil, nil, err
	}
	if p == nil {
		a, err := e.aggregate(ctx, q, measures)
		return a, nil, err
	}
	versions, err := e.versions(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	a, width, err := rollupAggregated(q, measures, p)
	if err != nil {
		return nil, nil, err
	}
	// The latency sketch is read only for quantiles: it is most of what the rollups hold.
	req := p.request(q.Model, versions, width)
	req.LatencySketch = slices.ContainsFunc(measures, func(m store.Measure) bool { return m.Kind == store.MeasureLatencyQuantile })
	rows, err := p.rs.RollupOperations(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	for _, edge := range p.edges {
		more, err := p.rs.RawOperations(ctx, store.Scope{Model: q.Model, Versions: versions, From: edge[0], To: edge[1], Filters: p.filters, GroupBy: p.groupBy}, width, req.LatencySketch)
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, more...)
	}
	foldRollups(a, q, versions, measures, rows, func(r store.OperationsRollup) (seriesKey, time.Time) {
		return keyOf(q, r.Version, r.Group), r.Bucket
	}, mergeOperations, operationsValues)
	return a, p, nil
}

// rollupAggregated starts a rollup answer's aggregated result: the measures' index and, for a
// time series, its buckets. width is the rollup request's bucket width (0: the whole range).
func rollupAggregated(q query.Query, measures []store.Measure, p *rollupPlan) (*aggregated, time.Duration, error) {
	a := &aggregated{values: map[seriesKey][][]*float64{}, index: map[string]int{}, plan: p}
	for i, m := range measures {
		a.index[measureID(m)] = i
	}
	if q.Format != query.FormatTimeSeries {
		return a, 0, nil
	}
	var err error
	a.buckets, err = buckets(q.From, q.To, q.Bucket)
	return a, q.Bucket, err
}

// foldRollups merges rollup rows (the whole hours' and the partial edge hours') into a's series
// and buckets: the series are the versions' groups seen in the rows, as the raw rows' are; the
// rows of one series and bucket are merged by merge, and each merged row's measures computed by
// values.
func foldRollups[R any](a *aggregated, q query.Query, versions []string, measures []store.Measure, rows []R,
	key func(R) (seriesKey, time.Time), merge func(*R, R) *R, values func(R, []store.Measure) []*float64) {
	seen := map[seriesKey]bool{}
	for _, r := range rows {
		k, _ := key(r)
		seen[k] = true
	}
	a.keys = seriesKeys(q, versions, seen)
	n := max(len(a.buckets), 1)
	merged := map[seriesKey][]*R{}
	for _, k := range a.keys {
		merged[k] = make([]*R, n)
	}
	for _, r := range rows {
		k, bucket := key(r)
		ms, ok := merged[k]
		if !ok {
			continue
		}
		if i := bucketIndex(a.buckets, q.Bucket, bucket); i >= 0 {
			ms[i] = merge(ms[i], r)
		}
	}
	for _, k := range a.keys {
		a.values[k] = make([][]*float64, n)
		for i := range n {
			a.values[k][i] = make([]*float64, len(measures))
			if r := merged[k][i]; r != nil {
				a.values[k][i] = values(*r, measures)
			}
		}
	}
}

// mergeOperations adds one set of operations statistics to another (nil: none yet).
func mergeOperations(into *store.OperationsRollup, r store.OperationsRollup) *store.OperationsRollup {
	if into == nil {
		return &r
	}
	into.Rows += r.Rows
	into.Errors += r.Errors
	into.LatencyCount += r.LatencyCount
	into.LatencySum += r.LatencySum
	into.LatencySumSq += r.LatencySumSq
	if r.LatencyMin != nil && (into.LatencyMin == nil || *r.LatencyMin < *into.LatencyMin) {
		into.LatencyMin = r.LatencyMin
	}
	if r.LatencyMax != nil && (into.LatencyMax == nil || *r.LatencyMax > *into.LatencyMax) {
		into.LatencyMax = r.LatencyMax
	}
	into.LatencyBuckets = append(into.LatencyBuckets, r.LatencyBuckets...)
	return into
}

// operationsValues computes the measures asked for from one merged rollup row: counts, the mean,
// least and greatest latency exactly, and the latency quantiles from the sketch.
func operationsValues(r store.OperationsRollup, measures []store.Measure) []*float64 {
	out := make([]*float64, len(measures))
	sketch := make([]metrics.SketchBucket, len(r.LatencyBuckets))
	for i, b := range r.LatencyBuckets {
		sketch[i] = metrics.SketchBucket{Sign: b.Sign, Key: b.Key, Count: b.Count}
	}
	for i, m := range measures {
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
// with what is there): "rollup" (with the plan's details) or "raw", and for rollup answers with
// latency quantiles their relative error bound.
func annotateSource(fs data.Frames, p *rollupPlan, latencyQuantiles bool) {
	source := SourceRaw
	if p != nil {
		source = SourceRollup
	}
	for _, f := range fs {
		custom := frames.Custom(f)
		custom["source"] = source
		for k, v := range p.meta() {
			custom[k] = v
		}
		if p != nil && latencyQuantiles {
			custom["latencyQuantileRelativeError"] = metrics.SketchAlpha
		}
	}
}
