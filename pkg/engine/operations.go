package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// The measures of the operations family.
var (
	rowsMeasure        = store.Measure{Kind: store.MeasureRows}
	errorsMeasure      = store.Measure{Kind: store.MeasureErrors}
	latencyP50         = store.Measure{Kind: store.MeasureLatencyQuantile, Q: 0.5}
	latencyP95         = store.Measure{Kind: store.MeasureLatencyQuantile, Q: 0.95}
	latencyP99         = store.Measure{Kind: store.MeasureLatencyQuantile, Q: 0.99}
	latencyMeanMeasure = store.Measure{Kind: store.MeasureLatencyMean}
	latencyMinMeasure  = store.Measure{Kind: store.MeasureLatencyMin}
	latencyMaxMeasure  = store.Measure{Kind: store.MeasureLatencyMax}
)

// operationsNeeds declares the measures each operations metric reads: a latency quantile costs
// a sort of the rows' latencies, so a panel of counts must not pay for it.
var operationsNeeds = map[query.Metric][]store.Measure{
	query.Requests:     {rowsMeasure},
	query.Throughput:   {rowsMeasure},
	query.ErrorRate:    {rowsMeasure, errorsMeasure},
	query.Availability: {rowsMeasure, errorsMeasure},
	query.LatencyP50:   {latencyP50},
	query.LatencyP95:   {latencyP95},
	query.LatencyP99:   {latencyP99},
	query.LatencyMean:  {latencyMeanMeasure},
	query.LatencyMin:   {latencyMinMeasure},
	query.LatencyMax:   {latencyMaxMeasure},
}

// columnMeasures are the measures of the column metrics, for the query's column.
func columnMeasures(column string) map[query.Metric][]store.Measure {
	return map[query.Metric][]store.Measure{
		query.ColumnP50:  {{Kind: store.MeasureQuantile, Q: 0.5, Column: column}},
		query.ColumnP95:  {{Kind: store.MeasureQuantile, Q: 0.95, Column: column}},
		query.ColumnP99:  {{Kind: store.MeasureQuantile, Q: 0.99, Column: column}},
		query.ColumnMean: {{Kind: store.MeasureMean, Column: column}},
		query.ColumnMax:  {{Kind: store.MeasureMax, Column: column}},
	}
}

// operations answers request volume, availability, error rate and latency percentiles (linear
// interpolation between order statistics, numpy's default; from the rollups' sketch within its
// relative bound), the latency mean, minimum and maximum, the statistics of a numeric column
// logged per request (from raw rows), and the time since the last prediction, per series.
// Counts and rates of requests are 0 in a bucket without requests; shares and statistics of
// requests are null there.
func (e *Engine) operations(ctx context.Context, q query.Query) (data.Frames, error) {
	needs := operationsNeeds
	if asksColumn(q) {
		if err := e.checkResourceColumn(ctx, q.Column); err != nil {
			return nil, err
		}
		needs = maps.Clone(operationsNeeds)
		maps.Copy(needs, columnMeasures(q.Column))
	}
	var (
		a    *aggregated
		plan *rollupPlan
		err  error
	)
	if measures := measuresFor(q.Metrics, needs); len(measures) > 0 {
		if asksColumn(q) {
			// The rollups keep no statistics of other columns: all from raw rows, in one scan.
			a, err = e.aggregate(ctx, q, measures)
		} else {
			a, plan, err = e.operationsStatistics(ctx, q, measures)
		}
		if err != nil {
			return nil, err
		}
	}
	versions, err := e.versions(ctx, q)
	if err != nil {
		return nil, err
	}
	var bucketTimes []time.Time
	if q.Format == query.FormatTimeSeries {
		if bucketTimes, err = buckets(q.From, q.To, q.Bucket); err != nil {
			return nil, err
		}
	}
	var seen *lastSeen
	if slices.Contains(q.Metrics, query.LastSeenSeconds) {
		if seen, err = e.lastSeen(ctx, q, versions, bucketTimes); err != nil {
			return nil, err
		}
	}
	keys := operationsKeys(q, versions, a, seen)
	secs := seconds(q)
	of := func(k seriesKey, b int, m store.Measure) *float64 {
		if a == nil || a.values[k] == nil {
			return nil // no rows of this series in the range
		}
		return a.of(k, b, m)
	}
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		switch m {
		case query.Requests:
			rows := orZero(of(k, b, rowsMeasure))
			return &rows
		case query.Throughput:
			return ratioOf(orZero(of(k, b, rowsMeasure)), secs)
		case query.ErrorRate:
			return ratioOf(orZero(of(k, b, errorsMeasure)), orZero(of(k, b, rowsMeasure)))
		case query.Availability:
			rows := orZero(of(k, b, rowsMeasure))
			return ratioOf(rows-orZero(of(k, b, errorsMeasure)), rows)
		case query.LastSeenSeconds:
			return seen.values[k][b]
		}
		if ms, ok := needs[m]; ok && len(ms) == 1 {
			return of(k, b, ms[0])
		}
		return nil
	}
	out := shape(ctx, q, keys, bucketTimes, value)
	annotateSource(out, operationsPlan(a, plan, seen), asksLatencyQuantile(q))
	seen.annotate(out)
	return out, nil
}

// operationsPlan is the plan an operations answer reports: the rollups' only when they answered
// every part of it (its statistics, and last_seen_seconds).
func operationsPlan(a *aggregated, plan *rollupPlan, seen *lastSeen) *rollupPlan {
	switch {
	case seen == nil:
		return plan
	case a == nil:
		return seen.plan
	case seen.plan == nil:
		return nil
	}
	return plan
}

// operationsKeys are the result's series: every version, with the groups seen in the range's
// statistics or, for last_seen_seconds, in its look-back.
func operationsKeys(q query.Query, versions []string, a *aggregated, seen *lastSeen) []seriesKey {
	groups := map[seriesKey]bool{}
	if a != nil {
		for _, k := range a.keys {
			groups[k] = true
		}
	}
	if seen != nil {
		for k := range seen.seen {
			groups[k] = true
		}
	}
	return seriesKeys(q, versions, groups)
}

// asksColumn reports whether an operations query asks for a statistic of its column.
func asksColumn(q query.Query) bool {
	return slices.ContainsFunc(q.Metrics, func(m query.Metric) bool { return slices.Contains(query.ColumnMetrics, m) })
}

// checkResourceColumn refuses a column that is not a numeric column of the table besides the
// base ones, naming the ones that are.
func (e *Engine) checkResourceColumn(ctx context.Context, column string) error {
	sch, err := e.Store.Schema(ctx)
	if err != nil {
		return err
	}
	var numeric []string
	for _, c := range sch.Columns {
		if c.Role == store.RoleFeature && (c.Kind == store.KindDouble || c.Kind == store.KindInteger) {
			if c.Name == column {
				return nil
			}
			numeric = append(numeric, c.Name)
		}
	}
	what := "is not a column of table " + sch.Table
	if c, ok := sch.Column(column); ok {
		what = fmt.Sprintf("is a %s %s column", c.Kind, c.Role)
	}
	return fmt.Errorf("%w: column %q %s: the column metrics read a numeric column logged per request; numeric columns: %s",
		query.ErrInvalidQuery, clipName(column), what, list(numeric))
}

// clipName cuts a name for an error message.
func clipName(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// labelDelays maps the delay metrics to their measures.
var labelDelays = map[query.Metric]store.Measure{
	query.LabelDelayMean: {Kind: store.MeasureLabelDelayMean},
	query.LabelDelayP50:  {Kind: store.MeasureLabelDelayQuantile, Q: 0.5},
	query.LabelDelayP95:  {Kind: store.MeasureLabelDelayQuantile, Q: 0.95},
}

// coverage answers the share of rows whose ground truth has arrived and, with a labels table,
// how long labels take to arrive (from the rollups, the mean exactly and the quantiles from the
// label delay sketch within its relative bound, stated in
// meta.custom.labelDelayQuantileRelativeError).
func (e *Engine) coverage(ctx context.Context, q query.Query) (data.Frames, error) {
	measures := []store.Measure{{Kind: store.MeasureRows}, {Kind: store.MeasureLabeled}}
	delayIndex := map[query.Metric]int{}
	for _, m := range q.Metrics {
		if d, ok := labelDelays[m]; ok {
			delayIndex[m] = len(measures)
			measures = append(measures, d)
		}
	}
	a, err := e.aggregate(ctx, q, measures)
	if err != nil {
		return nil, err
	}
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		labeled := orZero(a.measure(k, b, 1))
		switch m {
		case query.LabelCoverage:
			return ratioOf(labeled, orZero(a.measure(k, b, 0)))
		case query.LabeledRows:
			return &labeled
		}
		if i, ok := delayIndex[m]; ok {
			return a.measure(k, b, i)
		}
		return nil
	}
	out := shape(ctx, q, a.keys, a.buckets, value)
	annotateSource(out, a.plan, false)
	annotateSketchBound(out, a.plan, "labelDelayQuantileRelativeError", slices.ContainsFunc(q.Metrics, func(m query.Metric) bool {
		return labelDelays[m].Kind == store.MeasureLabelDelayQuantile
	}))
	return out, nil
}
