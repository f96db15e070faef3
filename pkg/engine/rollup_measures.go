package engine

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// aggregateFromRollups answers measures from the Measures rollup (whole hours) and raw rows
// (the range's partial hours), merged per series and bucket, when every measure is summable or
// sketched (the error quantiles, the label delay's mean and quantiles: from the ErrorSketch and
// LabelDelaySketch rollups), the planner allows and the store keeps usable rollups of them. A
// nil result means the raw rows must answer.
func (e *Engine) aggregateFromRollups(ctx context.Context, q query.Query, measures []store.Measure) (*aggregated, error) {
	var (
		summable []store.Measure
		sketched []store.SketchedValue
	)
	for _, m := range measures {
		if of := sketchedBy(m); of != "" {
			if m.Kind != store.MeasureLabelDelayMean && !(m.Q >= 0 && m.Q <= 1) {
				return nil, nil // the raw rows refuse it
			}
			if !slices.Contains(sketched, of) {
				sketched = append(sketched, of)
			}
			continue
		}
		if !store.SummableMeasures[m.Kind] || m.Column != "" {
			return nil, nil
		}
		summable = append(summable, m)
	}
	p, err := e.rollupFor(ctx, q, segmentGroups)
	if err != nil || p == nil {
		return nil, err
	}
	ms, ok := p.rs.(store.MeasureRollupStore)
	if !ok {
		return nil, nil
	}
	usable, err := catalogued(ctx, e, "rollup-measures-usable", func() (bool, error) {
		usable, _, err := ms.RollupMeasuresUsable(ctx)
		return usable, err
	})
	if err != nil || !usable {
		return nil, err
	}
	ss, ok := p.rs.(store.SketchRollupStore)
	if len(sketched) > 0 {
		if !ok {
			return nil, nil
		}
		usable, err := catalogued(ctx, e, "rollup-sketches-usable", func() (bool, error) {
			usable, _, err := ss.RollupSketchesUsable(ctx)
			return usable, err
		})
		if err != nil || !usable {
			return nil, err
		}
	}
	versions, err := e.versions(ctx, q)
	if err != nil {
		return nil, err
	}
	a, width, err := rollupAggregated(q, measures, p)
	if err != nil {
		return nil, err
	}
	// The sums are read even for sketched measures alone: their rows name every series the raw
	// rows would (a group without a paired row still has a series).
	sums, err := ms.RollupMeasureSums(ctx, p.request(q.Model, versions, width), summable)
	if err != nil {
		return nil, err
	}
	for _, edge := range p.edges {
		more, err := ms.RawMeasureSums(ctx, store.Scope{Model: q.Model, Versions: versions, From: edge[0], To: edge[1], Filters: p.filters, GroupBy: p.groupBy}, width)
		if err != nil {
			return nil, err
		}
		sums = append(sums, more...)
	}
	rows := make([]measureRow, len(sums))
	for i := range sums {
		rows[i] = measureRow{key: keyOf(q, sums[i].Version, sums[i].Group), bucket: sums[i].Bucket, sums: &sums[i]}
	}
	more, err := sketchesOf(ctx, ss, p, q, versions, width, sketched)
	if err != nil {
		return nil, err
	}
	rows = append(rows, more...)
	foldRollups(a, q, versions, measures, rows, func(r measureRow) (seriesKey, time.Time) {
		return r.key, r.bucket
	}, mergeMeasureRows, measureRowValues)
	return a, nil
}

// mergeMeasureSums adds one set of statistics to another (nil: none yet). Counts and sums add;
// each M2 merges with the difference of the two parts' means (Chan, Golub and LeVeque's
// pairwise update), which keeps the spread of values that are large compared with it, as the
// engine's own var_pop over all the rows does.
func mergeMeasureSums(into *store.MeasureSums, r store.MeasureSums) *store.MeasureSums {
	if into == nil {
		return &r
	}
	na, nb := float64(into.Paired), float64(r.Paired)
	m2 := func(m2a, m2b, sumA, sumB float64) float64 {
		if na == 0 || nb == 0 {
			return m2a + m2b
		}
		delta := sumB/nb - sumA/na
		return m2a + m2b + delta*delta*na*nb/(na+nb)
	}
	into.M2Actual = m2(into.M2Actual, r.M2Actual, into.SumActual, r.SumActual)
	into.M2Error = m2(into.M2Error, r.M2Error, into.SumError, r.SumError)
	into.M2AbsError = m2(into.M2AbsError, r.M2AbsError, into.SumAbsError, r.SumAbsError)
	into.M2SqError = m2(into.M2SqError, r.M2SqError, into.SumSqError, r.SumSqError)
	into.Rows += r.Rows
	into.Labeled += r.Labeled
	into.Paired += r.Paired
	into.NonZeroActual += r.NonZeroActual
	into.OutOfScale += r.OutOfScale
	into.SumError += r.SumError
	into.SumAbsError += r.SumAbsError
	into.SumSqError += r.SumSqError
	into.SumActual += r.SumActual
	into.SumAbsPctError += r.SumAbsPctError
	return into
}

// measureValues computes the measures asked for from merged statistics, with the raw SQL's
// nulls: a sum or population variance over no paired row is null, a sample variance over
// fewer than two, MAPE's sum over no non-zero actual. A variance over rows out of scale is NaN,
// as the sums over them are (the raw rows' variance refuses them with an engine error).
func measureValues(r store.MeasureSums, measures []store.Measure) []*float64 {
	out := make([]*float64, len(measures))
	paired := float64(r.Paired)
	over := func(v float64, rows int64) *float64 {
		if rows == 0 {
			return nil
		}
		return number(v)
	}
	if r.OutOfScale > 0 {
		r.M2Actual, r.M2Error, r.M2AbsError, r.M2SqError = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}
	sample := func(m2 float64) *float64 {
		if r.Paired < 2 {
			return nil
		}
		return number(m2 / (paired - 1))
	}
	for i, m := range measures {
		switch m.Kind {
		case store.MeasureRows:
			out[i] = number(float64(r.Rows))
		case store.MeasureLabeled:
			out[i] = number(float64(r.Labeled))
		case store.MeasurePaired:
			out[i] = number(paired)
		case store.MeasureNonZeroActual:
			out[i] = number(float64(r.NonZeroActual))
		case store.MeasureSumError:
			out[i] = over(r.SumError, r.Paired)
		case store.MeasureSumAbsError:
			out[i] = over(r.SumAbsError, r.Paired)
		case store.MeasureSumSqError:
			out[i] = over(r.SumSqError, r.Paired)
		case store.MeasureSumAbsPctError:
			out[i] = over(r.SumAbsPctError, r.NonZeroActual)
		case store.MeasureVarPopActual:
			if r.Paired > 0 {
				out[i] = number(r.M2Actual / paired)
			}
		case store.MeasureVarSampError:
			out[i] = sample(r.M2Error)
		case store.MeasureVarSampAbsError:
			out[i] = sample(r.M2AbsError)
		case store.MeasureVarSampSqError:
			out[i] = sample(r.M2SqError)
		}
	}
	return out
}
