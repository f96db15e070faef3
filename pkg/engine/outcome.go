package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// outcome answers what happened after the predictions (a click, a purchase, feedback) from the
// query's outcome column, per series: the rate of positive outcomes, their mean and sum, the
// rows with an outcome and the share of predictions that have one. The feature rollup keeps an
// outcome's values as it keeps a feature's, so whole hours come from it (featureAggregate) and
// the rest from one scan of raw rows; an outcome with late values in the labels table is read
// from the rows. A bucket without predictions has 0 for count and sum and null for the shares
// and the mean.
func (e *Engine) outcome(ctx context.Context, q query.Query) (data.Frames, error) {
	col, err := e.outcomeColumn(ctx, q)
	if err != nil {
		return nil, err
	}
	rows := store.Measure{Kind: store.MeasureRows}
	nonNull := store.Measure{Kind: store.MeasureNonNull, Column: col.Name}
	positive := store.Measure{Kind: store.MeasurePositive, Column: col.Name}
	if col.Kind == store.KindText {
		positive.Values = []string{q.OutcomeValue}
	}
	sum := store.Measure{Kind: store.MeasureSum, Column: col.Name}
	needs := map[query.Metric][]store.Measure{
		query.OutcomeRate:     {nonNull, positive},
		query.OutcomeMean:     {nonNull, sum},
		query.OutcomeSum:      {sum},
		query.OutcomeCount:    {nonNull},
		query.OutcomeCoverage: {rows, nonNull},
	}
	a, plan, rawColumns, err := e.featureAggregate(ctx, q, measuresFor(q.BaseMetrics(), needs))
	if err != nil {
		return nil, err
	}
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		switch m {
		case query.OutcomeRate:
			return ratioOf(orZero(a.of(k, b, positive)), orZero(a.of(k, b, nonNull)))
		case query.OutcomeMean:
			return ratioOf(orZero(a.of(k, b, sum)), orZero(a.of(k, b, nonNull)))
		case query.OutcomeSum:
			v := orZero(a.of(k, b, sum))
			return &v
		case query.OutcomeCount:
			v := orZero(a.of(k, b, nonNull))
			return &v
		case query.OutcomeCoverage:
			return ratioOf(orZero(a.of(k, b, nonNull)), orZero(a.of(k, b, rows)))
		}
		return nil
	}
	out := shape(ctx, q, a.keys, a.buckets, value)
	annotateFeatureSource(out, plan, rawColumns)
	return out, nil
}

// outcomeColumn checks the query's outcome against the schema: a column other than the base
// ones, of a type its metrics can read (a text column counts the query's value as positive and
// has no mean or sum; value applies to text columns only).
func (e *Engine) outcomeColumn(ctx context.Context, q query.Query) (store.Column, error) {
	sch, err := e.Store.Schema(ctx)
	if err != nil {
		return store.Column{}, err
	}
	var candidates []string
	for _, c := range sch.Columns {
		if c.Role == store.RoleOutcome {
			candidates = append(candidates, c.Name)
		}
	}
	for _, c := range sch.Columns {
		if c.Role == store.RoleFeature {
			candidates = append(candidates, c.Name)
		}
	}
	c, ok := sch.Column(q.Outcome)
	if !ok || (c.Role != store.RoleOutcome && c.Role != store.RoleFeature) {
		what := "is not a column of table " + sch.Table
		if ok {
			what = fmt.Sprintf("is a base column (%s)", c.Role)
		}
		return store.Column{}, fmt.Errorf("%w: outcome %q %s: name a column logged about what happened after the prediction; columns: %s",
			query.ErrInvalidQuery, clipName(q.Outcome), what, list(candidates))
	}
	metrics := q.BaseMetrics()
	switch c.Kind {
	case store.KindText:
		for _, m := range []query.Metric{query.OutcomeMean, query.OutcomeSum} {
			if slices.Contains(metrics, m) {
				return store.Column{}, fmt.Errorf("%w: metric %q needs a boolean or number outcome; column %q is text: use rate (with value), count or coverage",
					query.ErrInvalidQuery, m, c.Name)
			}
		}
		if q.OutcomeValue == "" && slices.Contains(metrics, query.OutcomeRate) {
			return store.Column{}, fmt.Errorf("%w: metric rate of text column %q needs value: the text that counts as positive, e.g. \"value\": \"yes\"",
				query.ErrInvalidQuery, c.Name)
		}
	case store.KindBoolean, store.KindInteger, store.KindDouble:
		if q.OutcomeValue != "" {
			return store.Column{}, fmt.Errorf("%w: value applies to text outcomes; column %q is %s, whose rate counts true or non-zero outcomes: remove value",
				query.ErrInvalidQuery, c.Name, c.Kind)
		}
	default:
		return store.Column{}, fmt.Errorf("%w: outcome column %q is %s: use a boolean, integer, double or text column", query.ErrInvalidQuery, c.Name, c.Kind)
	}
	return c, nil
}
