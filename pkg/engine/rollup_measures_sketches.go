package engine

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// sketchedBy is the sketched value a measure reads from the sketch rollups ("" for none): the
// error quantiles read the error's sketch, the label delay's mean and quantiles its sketch.
func sketchedBy(m store.Measure) store.SketchedValue {
	if m.Column != "" {
		return ""
	}
	switch m.Kind {
	case store.MeasureErrorQuantile:
		return store.SketchedError
	case store.MeasureLabelDelayMean, store.MeasureLabelDelayQuantile:
		return store.SketchedLabelDelay
	}
	return ""
}

// sketchesOf reads the merged sketches of each value, from the rollups for the plan's whole hours
// and from raw rows for its partial edge hours (bucketed alike), as rows of the measures fold.
func sketchesOf(ctx context.Context, ss store.SketchRollupStore, p *rollupPlan, q query.Query, versions []string, width time.Duration,
	values []store.SketchedValue) ([]measureRow, error) {
	var out []measureRow
	for _, of := range values {
		rows, err := ss.RollupSketches(ctx, p.request(q.Model, versions, width), of)
		if err != nil {
			return nil, err
		}
		for _, edge := range p.edges {
			more, err := ss.RawSketches(ctx, store.Scope{Model: q.Model, Versions: versions, From: edge[0], To: edge[1], Filters: p.filters, GroupBy: p.groupBy}, width, of)
			if err != nil {
				return nil, err
			}
			rows = append(rows, more...)
		}
		for _, r := range rows {
			out = append(out, measureRow{key: keyOf(q, r.Version, r.Group), bucket: r.Bucket,
				sketches: map[store.SketchedValue]*store.ValueSketch{of: &r}})
		}
	}
	return out, nil
}

// measureRow is one fold row of the measures rollups: the summable statistics, the sketches, or
// both once merged, of a series in a bucket.
type measureRow struct {
	key      seriesKey
	bucket   time.Time
	sums     *store.MeasureSums
	sketches map[store.SketchedValue]*store.ValueSketch
}

// mergeMeasureRows merges one fold row into another (nil: none yet): the sums as
// mergeMeasureSums, each value's sketch as mergeSketches.
func mergeMeasureRows(into *measureRow, r measureRow) *measureRow {
	if into == nil {
		into = &measureRow{key: r.key, bucket: r.bucket, sketches: map[store.SketchedValue]*store.ValueSketch{}}
	}
	if r.sums != nil {
		into.sums = mergeMeasureSums(into.sums, *r.sums)
	}
	for of, s := range r.sketches {
		into.sketches[of] = mergeSketches(into.sketches[of], *s)
	}
	return into
}

// mergeSketches adds one sketch to another (nil: none yet): counts and sums add, the least
// minimum and greatest maximum, and the buckets together (SketchQuantile merges repeated keys).
func mergeSketches(into *store.ValueSketch, r store.ValueSketch) *store.ValueSketch {
	if into == nil {
		r.Buckets = slices.Clip(r.Buckets)
		return &r
	}
	into.Count += r.Count
	into.NaN += r.NaN
	into.Sum += r.Sum
	if r.Min != nil && (into.Min == nil || *r.Min < *into.Min) {
		into.Min = r.Min
	}
	if r.Max != nil && (into.Max == nil || *r.Max > *into.Max) {
		into.Max = r.Max
	}
	into.Buckets = append(into.Buckets, r.Buckets...)
	return into
}

// measureRowValues computes the measures asked for from a merged fold row: the summable ones as
// measureValues, the sketched ones from their sketch.
func measureRowValues(r measureRow, measures []store.Measure) []*float64 {
	var sums store.MeasureSums
	if r.sums != nil {
		sums = *r.sums
	}
	out := measureValues(sums, measures)
	for i, m := range measures {
		if of := sketchedBy(m); of != "" {
			out[i] = sketchedValue(r.sketches[of], m)
		}
	}
	return out
}

// sketchedValue is a sketched measure with the raw SQL's nulls: over no value it is null; the
// mean is exact (sum over count), a quantile SketchQuantile's within metrics.SketchAlpha.
func sketchedValue(s *store.ValueSketch, m store.Measure) *float64 {
	if s == nil || s.Count+s.NaN == 0 {
		return nil
	}
	if m.Kind == store.MeasureLabelDelayMean {
		if s.NaN > 0 {
			return number(math.NaN())
		}
		return number(s.Sum / float64(s.Count))
	}
	return sketchQuantile(*s, m.Q)
}

// sketchQuantile is the q-quantile of a sketch's values as the engine's quantile_cont computes
// it over them, NaN ordered above +Inf: NaN when the order statistics it interpolates reach a
// NaN, else the sketch's estimate at the same rank among the values with a bucket.
func sketchQuantile(s store.ValueSketch, q float64) *float64 {
	h := q * float64(s.Count+s.NaN-1)
	last := int64(math.Ceil(h))
	if last >= s.Count || s.Min == nil || s.Max == nil {
		return number(math.NaN())
	}
	if s.NaN > 0 {
		// The same rank h among the Count values with a bucket.
		q = 0
		if s.Count > 1 {
			q = min(h/float64(s.Count-1), 1)
		}
	}
	buckets := make([]metrics.SketchBucket, len(s.Buckets))
	for i, b := range s.Buckets {
		buckets[i] = metrics.SketchBucket{Sign: b.Sign, Key: b.Key, Count: b.Count}
	}
	return metrics.SketchQuantile(buckets, q, *s.Min, *s.Max)
}

// annotateSketchBound writes, for answers from the rollups, a sketched quantile's relative error
// bound into every frame's meta.custom under name, as annotateSource writes the latency's.
func annotateSketchBound(fs data.Frames, p *rollupPlan, name string, asked bool) {
	if p == nil || !asked {
		return
	}
	for _, f := range fs {
		if custom, ok := f.Meta.Custom.(map[string]any); ok {
			custom[name] = metrics.SketchAlpha
		}
	}
}
