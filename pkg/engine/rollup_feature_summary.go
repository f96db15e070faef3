package engine

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// featureSummary is a series' feature statistics, mergeable: the rows with and without a
// value, and for numbers their sum, M2 about their mean and extremes (lo and hi, valid when
// hasRange), and the counts of the series' column's
// ranges (outside, with straddles where a cell leaves only the raw rows to count) and category
// lists (notIn), in the order summaryColumns gave them.
type featureSummary struct {
	rows, values int64
	sum, m2      float64
	lo, hi       float64
	hasRange     bool
	outside      []int64
	straddles    []bool
	notIn        []int64
}

// summaryColumns lays out, per column, the ranges of its Outside measures and the lists of its
// NotIn measures, and where each measure's count is in the column's summary (at). An outcome's
// positive rows are counted as a range or a list (summaryCount), as is a boolean's sum.
func summaryColumns(cols []store.Column, index map[string]int, measures []store.Measure) (out []store.FeatureSummaryColumn, at []int) {
	out = make([]store.FeatureSummaryColumn, len(cols))
	for i, c := range cols {
		out[i].Name = c.Name
	}
	at = make([]int, len(measures))
	for i, m := range measures {
		c := &out[index[m.Column]]
		switch summaryCount(m, cols[index[m.Column]]) {
		case store.MeasureOutside:
			lo, hi := m.Lo, m.Hi
			if m.Kind != store.MeasureOutside {
				lo, hi = 0, 0 // the non-zero numbers
			}
			at[i] = len(c.Outside)
			c.Outside = append(c.Outside, [2]float64{lo, hi})
		case store.MeasureNotIn:
			values := m.Values
			if m.Kind != store.MeasureNotIn {
				values = []string{positiveText(m)} // the positives are the values less these
			}
			at[i] = len(c.NotIn)
			c.NotIn = append(c.NotIn, values)
		}
	}
	return out, at
}

// summaryCount is how a summary counts measure m of column c: as the rows outside a range
// (MeasureOutside: a range count, a number's positive outcomes, outside [0, 0]), as the rows
// not in a list (MeasureNotIn: a list count, a text's or boolean's positive outcomes and a
// boolean's sum, the values less those not positive), or not at all (empty).
func summaryCount(m store.Measure, c store.Column) store.MeasureKind {
	switch {
	case m.Kind == store.MeasureOutside || (m.Kind == store.MeasurePositive && isNumeric(c)):
		return store.MeasureOutside
	case m.Kind == store.MeasureNotIn || m.Kind == store.MeasurePositive || (m.Kind == store.MeasureSum && c.Kind == store.KindBoolean):
		return store.MeasureNotIn
	}
	return ""
}

// summaryOf is a store summary as the engine merges it.
func summaryOf(fs store.FeatureSummary) *featureSummary {
	s := &featureSummary{rows: fs.Rows, values: fs.Values, sum: fs.Sum, m2: fs.M2,
		outside: fs.Outside, straddles: fs.Straddles, notIn: fs.NotIn}
	if fs.Min != nil {
		s.lo, s.hi, s.hasRange = *fs.Min, *fs.Max, true
	}
	return s
}

// summarise is the summary of a series' values (the partial hours read from raw rows, counted
// by value), with the counts of column c's ranges and lists.
func (v *featureValues) summarise(c store.FeatureSummaryColumn) *featureSummary {
	s := &featureSummary{values: v.nonNull()}
	s.rows = v.nulls + s.values
	values := sortedKeys(v.numbers)
	for _, x := range values {
		s.sum += x * float64(v.numbers[x])
	}
	if len(values) > 0 {
		mean := s.sum / float64(s.values)
		for _, x := range values {
			d := x - mean
			s.m2 += d * d * float64(v.numbers[x])
		}
		s.lo, s.hi, s.hasRange = values[0], values[len(values)-1], true
		if math.IsNaN(values[0]) || math.IsNaN(values[len(values)-1]) {
			s.lo, s.hi = math.NaN(), math.NaN()
			for _, x := range values {
				s.lo, s.hi = minNaN(s.lo, x), maxNaN(s.hi, x)
			}
		}
	}
	for _, r := range c.Outside {
		s.outside = append(s.outside, int64(*v.measure(store.Measure{Kind: store.MeasureOutside, Lo: r[0], Hi: r[1]})))
		s.straddles = append(s.straddles, false)
	}
	for _, list := range c.NotIn {
		s.notIn = append(s.notIn, int64(*v.measure(store.Measure{Kind: store.MeasureNotIn, Values: list})))
	}
	return s
}

// merge adds o's rows to s: counts and sums added, M2 by Chan's update (the two parts' means),
// extremes in the store's order (NaN above every number).
func (s *featureSummary) merge(o *featureSummary) {
	if n := s.values + o.values; s.values > 0 && o.values > 0 {
		d := o.sum/float64(o.values) - s.sum/float64(s.values)
		s.m2 += o.m2 + d*d*float64(s.values)*float64(o.values)/float64(n)
	} else {
		s.m2 += o.m2
	}
	s.rows += o.rows
	s.values += o.values
	s.sum += o.sum
	switch {
	case !s.hasRange:
		s.lo, s.hi, s.hasRange = o.lo, o.hi, o.hasRange
	case o.hasRange:
		s.lo, s.hi = minNaN(s.lo, o.lo), maxNaN(s.hi, o.hi)
	}
	for i := range s.outside {
		s.outside[i] += o.outside[i]
		s.straddles[i] = s.straddles[i] || o.straddles[i]
	}
	for i := range s.notIn {
		s.notIn[i] += o.notIn[i]
	}
}

// decides reports whether the summary answers m of column c (at: m's place in its column's
// ranges): every measure but a range's count where a cell straddles one of its ends.
func (s *featureSummary) decides(m store.Measure, c store.Column, at int) bool {
	return summaryCount(m, c) != store.MeasureOutside || !s.straddles[at]
}

// measure computes one measure of column c as the store's SQL does from the rows
// (featureValues.measure's rules): a mean, minimum or maximum is null without values, a sample
// standard deviation of fewer than two; a series whose values are all one number has that mean
// exactly and no spread.
func (s *featureSummary) measure(m store.Measure, c store.Column, at int) *float64 {
	switch summaryCount(m, c) {
	case store.MeasureOutside:
		return number(float64(s.outside[at]))
	case store.MeasureNotIn:
		if m.Kind == store.MeasureNotIn {
			return number(float64(s.notIn[at]))
		}
		if m.Kind == store.MeasureSum && s.values == 0 {
			return nil
		}
		return number(float64(s.values - s.notIn[at]))
	}
	switch m.Kind {
	case store.MeasureNonNull:
		return number(float64(s.values))
	case store.MeasureSum:
		if s.values == 0 {
			return nil
		}
		return number(s.sum)
	}
	if s.values == 0 || !s.hasRange {
		return nil
	}
	one := s.lo == s.hi // every value the same number (NaN never equals itself)
	switch m.Kind {
	case store.MeasureMin:
		return number(s.lo)
	case store.MeasureMax:
		return number(s.hi)
	case store.MeasureMean:
		if one {
			return number(s.lo)
		}
		return number(s.sum / float64(s.values))
	case store.MeasureStd:
		switch {
		case s.values < 2:
			return nil
		case math.Abs(s.lo) > store.MeasureScale || math.Abs(s.hi) > store.MeasureScale:
			return number(math.NaN()) // undefined, as the rows' statement says (sqlstore's spread)
		case one:
			return number(0)
		}
		return number(math.Sqrt(s.m2 / float64(s.values-1)))
	}
	return nil
}

// summaryMeasurable reports whether summaries answer every measure of req: all but the
// distinct counts, which only values tell.
func summaryMeasurable(measures []store.Measure) bool {
	return !slices.ContainsFunc(measures, func(m store.Measure) bool {
		return m.Kind == store.MeasureDistinct || m.Kind == store.MeasureApproxDistinct
	})
}

// summaryAggregates answers featureAggregates' request from the store's per-bucket summaries of
// the feature rollup (the whole hours) merged with the values of the partial hours and the
// capped ones (raw rows), and says which columns only raw rows can answer: those
// RollupFeatureSummaries lists (model outputs of rollups built before they were rolled up among
// them), and those whose range count a cell straddles.
func (e *Engine) summaryAggregates(ctx context.Context, p *rollupPlan, ss store.FeatureSummaryStore, req store.AggregateRequest, cols []store.Column, index map[string]int) ([]store.AggregateRow, []string, error) {
	sumCols, at := summaryColumns(cols, index, req.Measures)
	got, raw, gaps, err := ss.RollupFeatureSummaries(ctx, p.request(req.Model, req.Versions, req.Bucket), sumCols)
	if err != nil {
		return nil, nil, err
	}
	slices.Sort(raw)
	type rowKey struct {
		bucket  int64
		version string
	}
	var order []rowKey
	series := map[rowKey][]*featureSummary{}
	add := func(rk rowKey, feature int, s *featureSummary) {
		if series[rk] == nil {
			series[rk] = make([]*featureSummary, len(cols))
			order = append(order, rk)
		}
		if cur := series[rk][feature]; cur != nil {
			cur.merge(s)
			return
		}
		series[rk][feature] = s
	}
	for _, fs := range got {
		add(rowKey{micros(req.Bucket, fs.Bucket), fs.Version}, fs.Feature, summaryOf(fs))
	}
	edges := &windowValues{series: map[featureKey]*featureValues{}, plan: p, raw: raw, gaps: gaps}
	if err := e.addEdgeValues(ctx, edges, req.Scope, req.Bucket, cols); err != nil {
		return nil, nil, err
	}
	for _, k := range edges.keys {
		add(rowKey{k.bucket, k.version}, k.feature, edges.series[k].summarise(sumCols[k.feature]))
	}
	// A range count that a cell straddles in some series leaves its column to the raw rows.
	for _, rk := range order {
		for i, m := range req.Measures {
			if m.Kind == store.MeasureRows {
				continue
			}
			f := index[m.Column]
			if s := series[rk][f]; s != nil && !s.decides(m, cols[f], at[i]) && !slices.Contains(raw, f) {
				raw = append(raw, f)
			}
		}
	}
	slices.Sort(raw)
	rawColumns := columnNames(cols, raw)
	if len(raw) == len(cols) {
		return nil, rawColumns, nil
	}
	rows := make([]store.AggregateRow, 0, len(order))
	for _, rk := range order {
		r := store.AggregateRow{Version: rk.version, Values: make([]*float64, len(req.Measures))}
		if req.Bucket > 0 {
			r.Bucket = time.UnixMicro(rk.bucket).UTC()
		}
		var total int64
		for f, s := range series[rk] {
			if s != nil && !slices.Contains(raw, f) {
				total = max(total, s.rows)
			}
		}
		for i, m := range req.Measures {
			if m.Kind == store.MeasureRows {
				r.Values[i] = number(float64(total))
				continue
			}
			f := index[m.Column]
			if slices.Contains(raw, f) {
				continue
			}
			s := series[rk][f]
			if s == nil { // no rows of the column in this bucket
				s = &featureSummary{outside: make([]int64, len(sumCols[f].Outside)), notIn: make([]int64, len(sumCols[f].NotIn))}
			}
			r.Values[i] = s.measure(m, cols[f], at[i])
		}
		rows = append(rows, r)
	}
	return rows, rawColumns, nil
}
