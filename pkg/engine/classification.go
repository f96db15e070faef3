package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/frames"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// counted is the confusion statistics of one model, per version and bucket.
type counted struct {
	versions []string
	labels   []string
	buckets  []time.Time // empty for a whole-range query
	// matrices[version][bucket index]; a whole-range query has one bucket.
	matrices map[string][]metrics.Confusion
	coverage map[string]frames.Coverage
}

// count fetches confusion counts and folds them into matrices, one per version and bucket,
// every bucket of the range present (an empty bucket is an all-zero matrix).
func (e *Engine) count(ctx context.Context, q query.Query, bucketed bool) (*counted, error) {
	versions, err := e.versions(ctx, q)
	if err != nil {
		return nil, err
	}
	labels, negative, err := e.classes(ctx, q)
	if err != nil {
		return nil, err
	}
	req := store.ConfusionRequest{
		Model: q.Model, Versions: versions, From: q.From, To: q.To,
		Threshold: q.Threshold, PositiveClass: q.PositiveClass, NegativeClass: negative,
	}
	c := &counted{versions: versions, labels: labels,
		matrices: map[string][]metrics.Confusion{}, coverage: map[string]frames.Coverage{}}
	if bucketed {
		req.Bucket = q.Bucket
		c.buckets, err = buckets(q.From, q.To, q.Bucket)
		if err != nil {
			return nil, err
		}
	}
	n := max(len(c.buckets), 1)
	for _, v := range versions {
		c.matrices[v] = make([]metrics.Confusion, n)
		for i := range n {
			c.matrices[v][i] = metrics.NewConfusion(labels)
		}
	}
	rows, err := e.Store.ConfusionCounts(ctx, req)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		ms, ok := c.matrices[r.Version]
		if !ok {
			continue
		}
		cov := c.coverage[r.Version]
		cov.Rows += r.Count
		switch {
		case r.Actual == nil:
			cov.Unlabeled += r.Count
		case r.Predicted == nil:
			cov.Unpredicted += r.Count
		default:
			i := 0
			if bucketed {
				i = int(r.Bucket.Sub(c.buckets[0]) / q.Bucket)
			}
			if i >= 0 && i < len(ms) {
				ms[i].Add(*r.Actual, *r.Predicted, r.Count)
			}
		}
		c.coverage[r.Version] = cov
	}
	return c, nil
}

// total sums the coverage of every version.
func (c *counted) total() frames.Coverage {
	var t frames.Coverage
	for _, v := range c.coverage {
		t.Rows += v.Rows
		t.Unlabeled += v.Unlabeled
		t.Unpredicted += v.Unpredicted
	}
	return t
}

func (e *Engine) classification(ctx context.Context, q query.Query) (data.Frames, error) {
	bucketed := q.Format == query.FormatTimeSeries
	c, err := e.count(ctx, q, bucketed)
	if err != nil {
		return nil, err
	}
	var out data.Frames
	if bucketed {
		var series []frames.Series
		for _, v := range c.versions {
			for _, m := range q.Metrics {
				f := metrics.Classification[string(m)]
				vals := make([]*float64, len(c.buckets))
				for i, mat := range c.matrices[v] {
					vals[i] = f(mat, q.PositiveClass)
				}
				series = append(series, frames.Series{Metric: string(m), Times: c.buckets, Values: vals,
					Labels: data.Labels{"model": q.Model, "version": v}})
			}
		}
		out = frames.TimeSeries(q.RefID, series)
	} else {
		names := make([]string, len(q.Metrics))
		for i, m := range q.Metrics {
			names[i] = string(m)
		}
		rows := make([]frames.Row, 0, len(c.versions))
		for _, v := range c.versions {
			row := frames.Row{Labels: []string{q.Model, v}, Values: map[string]*float64{}}
			for _, m := range names {
				row.Values[m] = metrics.Classification[m](c.matrices[v][0], q.PositiveClass)
			}
			rows = append(rows, row)
		}
		out = data.Frames{frames.NumericLong(q.RefID, []string{"model", "version"}, names, rows)}
	}
	frames.Annotate(out, c.total(), map[string]any{"positiveClass": q.PositiveClass})
	return out, nil
}

func (e *Engine) confusion(ctx context.Context, q query.Query) (data.Frames, error) {
	c, err := e.count(ctx, q, false)
	if err != nil {
		return nil, err
	}
	versions := make([]frames.VersionMatrix, len(c.versions))
	for i, v := range c.versions {
		versions[i] = frames.VersionMatrix{Version: v, Matrix: c.matrices[v][0], Coverage: c.coverage[v]}
	}
	labels := metrics.NewConfusion(c.labels).Labels
	return data.Frames{frames.Confusion(q.RefID, q.Model, labels, versions)}, nil
}

// buckets lists bucket starts aligned to the epoch, from the one holding from to the one
// holding the last instant before to.
func buckets(from, to time.Time, width time.Duration) ([]time.Time, error) {
	w := width.Microseconds()
	us := from.UnixMicro()
	floor := us / w * w
	if us < 0 && floor != us {
		floor -= w
	}
	start := time.UnixMicro(floor).UTC()
	n := int(to.Sub(start)+width-1) / int(width)
	if n > query.MaxBuckets {
		return nil, fmt.Errorf("%w: %s buckets over this range would make %d points (at most %d): widen the interval",
			query.ErrInvalidQuery, width, n, query.MaxBuckets)
	}
	out := make([]time.Time, n)
	for i := range out {
		out[i] = start.Add(time.Duration(i) * width).UTC()
	}
	return out, nil
}
