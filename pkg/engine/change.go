package engine

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"
	"unsafe"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// valueFunc is a family's answer for one series, metric and bucket (0 in a numeric query).
type valueFunc func(k seriesKey, m query.Metric, bucket int) *float64

// shaped is what a family laid out as frames (shape): its series, buckets and values, kept so
// that a compareTo query can compare two runs of the family value by value.
type shaped struct {
	keys    []seriesKey
	buckets []time.Time
	value   valueFunc
}

type shapedKey struct{}

// runShaped runs a family and returns its frames and what it laid out.
func runShaped(ctx context.Context, q query.Query, family func(context.Context, query.Query) (data.Frames, error)) (data.Frames, *shaped, error) {
	s := &shaped{}
	out, err := family(context.WithValue(ctx, shapedKey{}, s), q)
	if err == nil && s.value == nil {
		err = fmt.Errorf("%s answered without metric values to compare", q.Type)
	}
	return out, s, err
}

// changed answers a query with compareTo: the family over the query's range and over the
// reference window (the range moved back by the shift, bucket by bucket; or the whole window,
// one value per series that every bucket is compared with), then each metric as asked: itself,
// its reference value (<metric>_reference) or its change (<metric>_change, as q.Change.As
// says). The reference's values are cached once its window has ended. The frames carry the
// current run's meta and, in meta.custom.compareTo, the reference window and the comparison.
func (e *Engine) changed(ctx context.Context, q query.Query, family func(context.Context, query.Query) (data.Frames, error)) (data.Frames, error) {
	base := q
	base.Metrics, base.Change = q.BaseMetrics(), nil
	curFrames, cur, err := runShaped(ctx, base, family)
	if err != nil {
		return nil, err
	}
	rq := base
	rq.From, rq.To = q.Change.From, q.Change.To
	if q.Change.Shift == 0 {
		rq.Format = query.FormatNumeric
	}
	ref, err := e.changeReference(ctx, rq, family)
	if err != nil {
		return nil, err
	}
	refBucket := referenceBuckets(cur.buckets, ref.buckets, q.Change.Shift)
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		bm, suffix := query.SplitMetric(m)
		if suffix == "" || !slices.Contains(base.Metrics, bm) {
			return cur.value(k, m, b)
		}
		r := ref.at(k, bm, refBucket(b))
		if suffix == query.ReferenceSuffix {
			return r
		}
		return change(q.Change.As, cur.value(k, bm, b), r)
	}
	out := shape(withoutShaped(ctx), q, cur.keys, cur.buckets, value)
	var meta *data.FrameMeta
	if len(curFrames) > 0 {
		meta = curFrames[0].Meta
	}
	for _, f := range out {
		if f.Meta == nil {
			f.Meta = &data.FrameMeta{}
		}
		custom := map[string]any{}
		if meta != nil {
			if c, ok := meta.Custom.(map[string]any); ok {
				custom = maps.Clone(c)
			}
			f.Meta.Notices = append(f.Meta.Notices, meta.Notices...)
		}
		custom["compareTo"] = map[string]any{"referenceFrom": q.Change.From, "referenceTo": q.Change.To, "as": q.Change.As,
			"perBucket": q.Change.Shift > 0}
		f.Meta.Custom = custom
	}
	return out, nil
}

// withoutShaped returns a context whose shape calls are not captured.
func withoutShaped(ctx context.Context) context.Context {
	return context.WithValue(ctx, shapedKey{}, (*shaped)(nil))
}

// referenceBuckets maps a current bucket to the reference run's: none with a whole-window
// reference (one value, bucket 0); with a shift, the bucket starting shift earlier, else the
// same index when both runs have as many buckets (a shift that is not a multiple of the bucket
// width moves the buckets' alignment), else none (-1).
func referenceBuckets(cur, ref []time.Time, shift time.Duration) func(int) int {
	if shift == 0 {
		return func(int) int { return 0 }
	}
	at := map[int64]int{}
	for i, t := range ref {
		at[t.UnixMicro()] = i
	}
	return func(b int) int {
		if b >= len(cur) {
			return 0 // a numeric query: one value over the window
		}
		if i, ok := at[cur[b].Add(-shift).UnixMicro()]; ok {
			return i
		}
		if len(ref) == len(cur) {
			return b
		}
		return -1
	}
}

// change compares a current value with its reference value; nil when either is missing or
// the comparison is undefined (a pct_change or ratio of a zero reference).
func change(as query.Change, cur, ref *float64) *float64 {
	if cur == nil || ref == nil || math.IsNaN(*cur) || math.IsNaN(*ref) {
		return nil
	}
	var v float64
	switch as {
	case query.ChangeDelta:
		v = *cur - *ref
	case query.ChangeRatio:
		if *ref == 0 {
			return nil
		}
		v = *cur / *ref
	default:
		if *ref == 0 {
			return nil
		}
		v = 100 * (*cur - *ref) / math.Abs(*ref)
	}
	return &v
}

// referenceValues are a reference run's values per series, metric and bucket, kept apart from
// the family's state so that they can be cached.
type referenceValues struct {
	buckets []time.Time
	values  map[seriesKey]map[query.Metric][]*float64
}

func (r *referenceValues) at(k seriesKey, m query.Metric, b int) *float64 {
	vs := r.values[k][m]
	if b < 0 || b >= len(vs) {
		return nil
	}
	return vs[b]
}

// size estimates the bytes the values hold, for the cache's bound.
func (r *referenceValues) size() int {
	const pointer, float = 8, 8
	size := len(r.buckets) * int(unsafe.Sizeof(time.Time{}))
	for k, ms := range r.values {
		size += len(k.Version) + len(k.Group) + len(k.Feature) + len(k.Class) + int(unsafe.Sizeof(k))
		for m, vs := range ms {
			size += len(m) + len(vs)*(pointer+float)
		}
	}
	return size
}

// changeReference runs the family over the reference window and keeps its values, from the
// cache when the window has ended.
func (e *Engine) changeReference(ctx context.Context, rq query.Query, family func(context.Context, query.Query) (data.Frames, error)) (*referenceValues, error) {
	compute := func() (*referenceValues, error) {
		_, s, err := runShaped(ctx, rq, family)
		if err != nil {
			return nil, err
		}
		n := max(len(s.buckets), 1)
		r := &referenceValues{buckets: s.buckets, values: map[seriesKey]map[query.Metric][]*float64{}}
		for _, k := range s.keys {
			r.values[k] = map[query.Metric][]*float64{}
			for _, m := range rq.Metrics {
				vs := make([]*float64, n)
				for b := range n {
					vs[b] = s.value(k, m, b)
				}
				r.values[k][m] = vs
			}
		}
		return r, nil
	}
	if !rq.To.Before(time.Now()) {
		return compute()
	}
	return cachedWindow(e.Cache, store.Scope{Model: rq.Model, From: rq.From, To: rq.To}, changeKey(rq), compute)
}

// changeKey identifies a reference run by everything that selects and shapes its answer.
func changeKey(q query.Query) string {
	return fmt.Sprintf("change|%s|%q|%q|%q|%q|%d|%d|%s|%d|%v|%q|%q|%v|%q|%d|%d|%q|%q|%q", q.Type, q.Model, q.Versions, q.Metrics, q.Column,
		q.From.UnixMicro(), q.To.UnixMicro(), q.Format, q.Bucket, q.Filters, q.GroupBy, q.PositiveClass, floatKey(q.Threshold), q.Average,
		q.RefFrom.UnixMicro(), q.RefTo.UnixMicro(), q.Features, q.Outcome, q.OutcomeValue)
}

func floatKey(f *float64) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprint(*f)
}
