package engine

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/frames"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// comparison tests one metric between champion (versions[0]) and challenger (versions[1]) on
// the same buckets: proportions with a two-proportion z-test, mean errors with Welch's t-test.
func (e *Engine) comparison(ctx context.Context, q query.Query) (data.Frames, error) {
	champion, challenger := q.Versions[0], q.Versions[1]
	var compare func(group string, b int) metrics.Comparison
	var groups []string
	var bucketTimes []time.Time
	var coverage frames.Coverage
	var plan *rollupPlan // the rollups that answered (a mean-error comparison's aggregate or the proportions' counts); nil: raw rows
	switch q.Compare {
	case query.MAE, query.MSE:
		a, err := e.aggregate(ctx, q, []store.Measure{
			{Kind: store.MeasurePaired}, {Kind: store.MeasureSumAbsError}, {Kind: store.MeasureVarSampAbsError},
			{Kind: store.MeasureSumSqError}, {Kind: store.MeasureVarSampSqError},
			{Kind: store.MeasureRows}, {Kind: store.MeasureLabeled},
		})
		if err != nil {
			return nil, err
		}
		coverage = pairedCoverage(a, 5, 6, 0)
		sum, variance := 1, 2
		if q.Compare == query.MSE {
			sum, variance = 3, 4
		}
		stats := func(k seriesKey, b int) metrics.MeanStats {
			n := orZero(a.measure(k, b, 0))
			s := metrics.MeanStats{N: int64(n), Variance: orZero(a.measure(k, b, variance))}
			if n > 0 {
				s.Mean = orZero(a.measure(k, b, sum)) / n
			}
			return s
		}
		compare = func(g string, b int) metrics.Comparison {
			return metrics.CompareMeans(stats(seriesKey{Version: champion, Group: g}, b), stats(seriesKey{Version: challenger, Group: g}, b), false)
		}
		groups, bucketTimes = groupsOf(a.keys), a.buckets
		plan = a.plan
	default:
		c, err := e.count(ctx, q, q.Format == query.FormatTimeSeries)
		if err != nil {
			return nil, err
		}
		prop := metrics.Proportions[string(q.Compare)]
		matrix := func(k seriesKey, b int) metrics.Confusion {
			if ms, ok := c.matrices[k]; ok {
				return ms[b]
			}
			return metrics.NewConfusion(c.labels)
		}
		compare = func(g string, b int) metrics.Comparison {
			return metrics.CompareProportions(
				prop(matrix(seriesKey{Version: champion, Group: g}, b), q.PositiveClass),
				prop(matrix(seriesKey{Version: challenger, Group: g}, b), q.PositiveClass), true)
		}
		groups, bucketTimes, coverage, plan = groupsOf(c.keys), c.buckets, c.total(), c.plan
	}
	// One series per group, labelled by both versions, so that an alert item names the pair.
	keys := make([]seriesKey, len(groups))
	for i, g := range groups {
		keys[i] = seriesKey{Version: champion + " vs " + challenger, Group: g}
	}
	results := map[seriesKey][]metrics.Comparison{}
	for _, k := range keys {
		n := max(len(bucketTimes), 1)
		results[k] = make([]metrics.Comparison, n)
		for b := range n {
			results[k][b] = compare(k.Group, b)
		}
	}
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		return comparisonOutput(results[k][b], m)
	}
	out := shape(ctx, q, keys, bucketTimes, value)
	method := metrics.MethodTwoProportionZ
	if q.Compare == query.MAE || q.Compare == query.MSE {
		method = metrics.MethodWelchT
	}
	frames.Annotate(out, coverage, map[string]any{
		"kind": "comparison", "compare": q.Compare, "champion": champion, "challenger": challenger, "test": method,
	})
	annotateSource(out, plan, false)
	return out, nil
}

// pairedCoverage sums, over every series and bucket, the rows of a mean-error comparison and
// those it left out: rows without ground truth (no actual value) and rows with ground truth but
// no prediction. The indexes are those of the rows, labeled and paired measures.
func pairedCoverage(a *aggregated, rows, labeled, paired int) frames.Coverage {
	var c frames.Coverage
	for _, k := range a.keys {
		for b := range a.values[k] {
			n, l, p := int64(orZero(a.measure(k, b, rows))), int64(orZero(a.measure(k, b, labeled))), int64(orZero(a.measure(k, b, paired)))
			c.Rows += n
			c.Unlabeled += n - l
			c.Unpredicted += l - p
		}
	}
	return c
}

// groupsOf lists the distinct groups of series keys, in order.
func groupsOf(keys []seriesKey) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range keys {
		if !seen[k.Group] {
			seen[k.Group] = true
			out = append(out, k.Group)
		}
	}
	return out
}

func comparisonOutput(c metrics.Comparison, m query.Metric) *float64 {
	switch m {
	case query.Champion:
		return c.Champion
	case query.Challenger:
		return c.Challenger
	case query.Delta:
		return c.Delta
	case query.CILow:
		return c.CILow
	case query.CIHigh:
		return c.CIHigh
	case query.PValue:
		return c.PValue
	case query.ChallengerBetter:
		return flag(c.ChallengerBetter)
	}
	return nil
}
