package engine

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// featureMeasureKinds are the measures the feature rollup answers: rows, and per rolled-up
// column what its values give exactly (rollupAnswers).
var featureMeasureKinds = []store.MeasureKind{store.MeasureRows, store.MeasureNonNull, store.MeasureMean, store.MeasureStd,
	store.MeasureMin, store.MeasureMax, store.MeasureOutside, store.MeasureNotIn, store.MeasureDistinct, store.MeasureApproxDistinct,
	store.MeasurePositive, store.MeasureSum}

// rollupAnswers reports whether the feature rollup answers measure m of column c as the raw
// rows would: not_in of text and boolean columns, the positive outcomes of any (of a text
// column, equal to its one value), an outcome sum of booleans and numbers, the other measures
// of numbers, and non-null counts of every column. The raw query answers, or refuses, the rest.
func rollupAnswers(m store.Measure, c store.Column) bool {
	if !c.RolledUp() {
		return false
	}
	switch m.Kind {
	case store.MeasureNonNull:
		return true
	case store.MeasureNotIn:
		return !isNumeric(c)
	case store.MeasurePositive:
		return c.Kind == store.KindBoolean || isNumeric(c) || (c.Kind == store.KindText && len(m.Values) == 1)
	case store.MeasureSum:
		return c.Kind == store.KindBoolean || isNumeric(c)
	}
	return isNumeric(c)
}

// featureAggregates answers what e.Store.Aggregates answers for req from the feature rollup
// when the planner allows and every measure is one it keeps (featureMeasureKinds; not_in of
// text only); a nil plan means the caller must read raw rows. The measures of columns the
// rollup cannot answer (capped in too many hours, or not rolled up in all of them) are read
// from raw rows, and rawColumns names those columns.
func (e *Engine) featureAggregates(ctx context.Context, req store.AggregateRequest) (rows []store.AggregateRow, p *rollupPlan, rawColumns []string, err error) {
	sch, err := e.Store.Schema(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	var cols []store.Column
	index := map[string]int{}
	for _, m := range req.Measures {
		if !slices.Contains(featureMeasureKinds, m.Kind) {
			return nil, nil, nil, nil
		}
		if m.Kind == store.MeasureRows {
			continue
		}
		c, ok := sch.Column(m.Column)
		if !ok || !rollupAnswers(m, c) {
			return nil, nil, nil, nil // the raw query answers, or refuses it
		}
		if _, seen := index[c.Name]; !seen {
			index[c.Name] = len(cols)
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		return nil, nil, nil, nil
	}
	p, fs, err := e.featureRollups(ctx, req.Scope, req.Bucket)
	if err != nil || p == nil {
		return nil, nil, nil, err
	}
	// Summaries merged by the store move one row per bucket, version and feature instead of one
	// per value; values already read for the window (featureMemoHolds) answer as well.
	if ss, ok := fs.(store.FeatureSummaryStore); ok && summaryMeasurable(req.Measures) && !featureMemoHolds(ctx, req.Scope, req.Bucket) {
		rows, rawColumns, err = e.summaryAggregates(ctx, p, ss, req, cols, index)
		if err != nil || len(rawColumns) == len(cols) {
			return nil, nil, rawColumns, err
		}
		rows, err = e.withRawColumns(ctx, req, rows, rawColumns)
		return rows, p, rawColumns, err
	}
	w, err := e.readFeatureValues(ctx, p, fs, req.Scope, req.Bucket, cols)
	if err != nil {
		return nil, nil, nil, err
	}
	// A number feature rolled up per cell answers a measure only where its cells decide it.
	var undecided []int
	for _, k := range w.keys {
		v := w.series[k]
		if len(v.cells) == 0 || slices.Contains(undecided, k.feature) {
			continue
		}
		for _, m := range req.Measures {
			if m.Column == cols[k.feature].Name && !v.decides(m) {
				undecided = append(undecided, k.feature)
				break
			}
		}
	}
	w = w.readingRaw(undecided)
	rawColumns = columnNames(cols, w.raw)
	if len(w.raw) == len(cols) {
		return nil, nil, rawColumns, nil
	}
	type rowKey struct {
		bucket  int64
		version string
	}
	var order []rowKey
	series := map[rowKey][]*featureValues{}
	for _, k := range w.keys {
		rk := rowKey{bucket: k.bucket, version: k.version}
		if series[rk] == nil {
			series[rk] = make([]*featureValues, len(cols))
			order = append(order, rk)
		}
		series[rk][k.feature] = w.series[k]
	}
	none := &featureValues{}
	for _, rk := range order {
		r := store.AggregateRow{Version: rk.version, Values: make([]*float64, len(req.Measures))}
		if req.Bucket > 0 {
			r.Bucket = time.UnixMicro(rk.bucket).UTC()
		}
		var total int64
		for _, v := range series[rk] {
			if v != nil {
				total = max(total, v.nulls+v.nonNull())
			}
		}
		for i, m := range req.Measures {
			if m.Kind == store.MeasureRows {
				r.Values[i] = number(float64(total))
				continue
			}
			if slices.Contains(rawColumns, m.Column) {
				continue
			}
			v := series[rk][index[m.Column]]
			if v == nil {
				v = none
			}
			r.Values[i] = v.measure(m)
		}
		rows = append(rows, r)
	}
	rows, err = e.withRawColumns(ctx, req, rows, rawColumns)
	return rows, p, rawColumns, err
}

// withRawColumns adds to rows (one per bucket and version, answered from the rollups) the raw
// rows' measures of the columns the rollup could not answer, in their places.
func (e *Engine) withRawColumns(ctx context.Context, req store.AggregateRequest, rows []store.AggregateRow, rawColumns []string) ([]store.AggregateRow, error) {
	if len(rawColumns) == 0 {
		return rows, nil
	}
	type rowKey struct {
		bucket  int64
		version string
	}
	at := map[rowKey]int{}
	for i, r := range rows {
		at[rowKey{micros(req.Bucket, r.Bucket), r.Version}] = i
	}
	sub := req
	sub.Measures = nil
	var places []int
	for i, m := range req.Measures {
		if m.Kind != store.MeasureRows && slices.Contains(rawColumns, m.Column) {
			sub.Measures = append(sub.Measures, m)
			places = append(places, i)
		}
	}
	more, err := e.Store.Aggregates(ctx, sub)
	if err != nil {
		return nil, err
	}
	for _, r := range more {
		rk := rowKey{bucket: micros(req.Bucket, r.Bucket), version: r.Version}
		i, ok := at[rk]
		if !ok {
			i = len(rows)
			at[rk] = i
			rows = append(rows, store.AggregateRow{Bucket: r.Bucket, Version: r.Version, Values: make([]*float64, len(req.Measures))})
		}
		for j, place := range places {
			rows[i].Values[place] = r.Values[j]
		}
	}
	return rows, nil
}

// featureDistinct answers what e.Store.Distinct answers for a text feature (its distinct
// non-null values over a scope, pooled over versions, at most limit) from the feature rollup
// when the planner allows; ok false means the caller must read raw rows.
func (e *Engine) featureDistinct(ctx context.Context, sc store.Scope, col store.Column, limit int) (values []string, ok bool, err error) {
	if isNumeric(col) {
		return nil, false, nil
	}
	p, fs, err := e.featureRollups(ctx, sc, 0)
	if err != nil || p == nil {
		return nil, false, err
	}
	w, err := e.readFeatureValues(ctx, p, fs, sc, 0, []store.Column{col})
	if err != nil || len(w.raw) > 0 {
		return nil, false, err
	}
	seen := map[string]bool{}
	for _, k := range w.keys {
		for x, n := range w.series[k].texts {
			if n > 0 && !seen[x] {
				seen[x] = true
				values = append(values, x)
			}
		}
	}
	slices.Sort(values)
	if len(values) > limit {
		values = values[:limit]
	}
	return values, true, nil
}

// aggregatedOf lays out aggregate rows as e.aggregate does: a series per version (with its
// explicit empty row), per bucket for a time series.
func aggregatedOf(q query.Query, versions []string, measures []store.Measure, rows []store.AggregateRow) (*aggregated, error) {
	a := &aggregated{values: map[seriesKey][][]*float64{}, index: map[string]int{}}
	for i, m := range measures {
		a.index[measureID(m)] = i
	}
	if q.Format == query.FormatTimeSeries {
		var err error
		if a.buckets, err = buckets(q.From, q.To, q.Bucket); err != nil {
			return nil, err
		}
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

// rawFeaturesReason says in meta.custom why features were read from raw rows.
var rawFeaturesReason = fmt.Sprintf("more than %d distinct values (texts) or cells (numbers) in more than %d hours of the range (or any with rollups per segment), a statistic the cells of a number with more values do not decide, or not rolled up in every hour of it (a column added later; model outputs in rollups built before format 6), or an outcome with late values in the labels table", store.FeatureRollupCap, store.FeatureGapCap)

// aggregates is e.Store.Aggregates, from the feature rollup when featureAggregates can answer.
func (e *Engine) aggregates(ctx context.Context, req store.AggregateRequest) ([]store.AggregateRow, error) {
	rows, p, _, err := e.featureAggregates(ctx, req)
	if err != nil || p != nil {
		return rows, err
	}
	return e.Store.Aggregates(ctx, req)
}

// featureAggregate is e.aggregate for the measures of feature, model output and outcome
// columns (quality's, outcome's), from the feature rollup when featureAggregates can answer
// them; with combineVersions only counts and sums (additive), whose versions' rows it pools.
func (e *Engine) featureAggregate(ctx context.Context, q query.Query, measures []store.Measure) (*aggregated, *rollupPlan, []string, error) {
	if q.CombineVersions && !additive(measures) {
		a, err := e.aggregate(ctx, q, measures)
		return a, nil, nil, err
	}
	versions, err := e.versions(ctx, q)
	if err != nil {
		return nil, nil, nil, err
	}
	req := store.AggregateRequest{Scope: scope(q, versions), Measures: measures}
	if q.Format == query.FormatTimeSeries {
		req.Bucket = q.Bucket
	}
	rows, p, rawColumns, err := e.featureAggregates(ctx, req)
	if err != nil {
		return nil, nil, nil, err
	}
	if p == nil {
		a, err := e.aggregate(ctx, q, measures)
		return a, nil, rawColumns, err
	}
	if q.CombineVersions {
		rows = pooledVersions(rows)
	}
	a, err := aggregatedOf(q, versions, measures, rows)
	return a, p, rawColumns, err
}

// annotateFeatureSource writes where a quality, drift or outcome answer's current window came from
// (annotateSource), and which features were read from raw rows although rollups were allowed:
// those with more than store.FeatureRollupCap distinct values in an hour of the range.
func annotateFeatureSource(fs data.Frames, p *rollupPlan, rawColumns []string) {
	annotateSource(fs, p, false)
	if len(rawColumns) == 0 {
		return
	}
	for _, f := range fs {
		custom := f.Meta.Custom.(map[string]any)
		custom["rawFeatures"] = rawColumns
		custom["rawFeaturesReason"] = rawFeaturesReason
	}
}
