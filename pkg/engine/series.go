package engine

import (
	"fmt"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// seriesKey identifies one series of a result: a version, with groupBy a group value, and for
// the per-feature families a feature.
type seriesKey struct {
	Version, Group, Feature string
	// Class is set for per-class classification metrics.
	Class string
}

// perClass reports whether a classification query answers per class (label "class").
func perClass(q query.Query) bool {
	return q.Type == query.TypeClassification && q.Average == query.PerClass
}

// perFeature reports whether a family answers per feature (a "feature" label on every series).
func perFeature(q query.Query) bool {
	return q.Type == query.TypeQuality || q.Type == query.TypeDrift
}

// scope turns a validated query into the store's row selection.
func scope(q query.Query, versions []string) store.Scope {
	return store.Scope{Model: q.Model, Versions: versions, From: q.From, To: q.To, Filters: q.Filters, GroupBy: q.GroupBy,
		CombineVersions: q.CombineVersions, Weight: q.Weight}
}

// keyOf is the series a store row belongs to: its version's and group's, or with
// combineVersions the model's one series of the group, into which every version's rows merge.
func keyOf(q query.Query, version, group string) seriesKey {
	if q.CombineVersions {
		version = ""
	}
	return seriesKey{Version: version, Group: group}
}

// seriesKeys lists the series of a result in a stable order: every requested version (so that
// a version without rows still gets its explicit null or zero row, which an alert can see), or
// the model's one series with combineVersions, and, with groupBy, every group seen for it.
func seriesKeys(q query.Query, versions []string, seen map[seriesKey]bool) []seriesKey {
	grouped := q.GroupBy != ""
	if q.CombineVersions {
		versions = []string{""}
	}
	var out []seriesKey
	for _, v := range versions {
		var groups []string
		for k := range seen {
			if k.Version == v {
				groups = append(groups, k.Group)
			}
		}
		slices.Sort(groups)
		if len(groups) == 0 || !grouped {
			groups = []string{""}
		}
		for _, g := range groups {
			out = append(out, seriesKey{Version: v, Group: g})
		}
	}
	return out
}

// labels are a series' labels: model, version (none when versions are combined) and the group
// column's value.
func labels(q query.Query, k seriesKey) data.Labels {
	l := data.Labels{"model": q.Model}
	if !q.CombineVersions {
		l["version"] = k.Version
	}
	if q.GroupBy != "" {
		l[q.GroupBy] = k.Group
	}
	if perFeature(q) {
		l["feature"] = k.Feature
	}
	if perClass(q) {
		l["class"] = k.Class
	}
	return l
}

// labelNames and labelValues give the same labels as string columns of a numeric-long frame.
func labelNames(q query.Query) []string {
	names := []string{"model", "version"}
	if q.CombineVersions {
		names = names[:1]
	}
	if q.GroupBy != "" {
		names = append(names, q.GroupBy)
	}
	if perFeature(q) {
		names = append(names, "feature")
	}
	if perClass(q) {
		names = append(names, "class")
	}
	return names
}

func labelValues(q query.Query, k seriesKey) []string {
	vals := []string{q.Model, k.Version}
	if q.CombineVersions {
		vals = vals[:1]
	}
	if q.GroupBy != "" {
		vals = append(vals, k.Group)
	}
	if perFeature(q) {
		vals = append(vals, k.Feature)
	}
	if perClass(q) {
		vals = append(vals, k.Class)
	}
	return vals
}

// timeBuckets are a query's buckets and their width when it answers a time series; none, and
// width 0 (the whole range), for the other formats.
func timeBuckets(q query.Query) ([]time.Time, time.Duration, error) {
	if q.Format != query.FormatTimeSeries {
		return nil, 0, nil
	}
	times, err := buckets(q.From, q.To, q.Bucket)
	return times, q.Bucket, err
}

// bucketIndex places a bucket start among the result's buckets; -1 when outside.
func bucketIndex(buckets []time.Time, width time.Duration, t time.Time) int {
	if len(buckets) == 0 {
		return 0
	}
	i := int(t.Sub(buckets[0]) / width)
	if i < 0 || i >= len(buckets) {
		return -1
	}
	return i
}

// buckets lists bucket starts aligned to the epoch, from the one holding from to the one
// holding the last instant before to. The count is computed in microseconds, which cannot
// overflow for any pair of times the query package accepts (a time.Duration saturates beyond
// 292 years), and it is refused above query.MaxBuckets before anything is allocated.
func buckets(from, to time.Time, width time.Duration) ([]time.Time, error) {
	w := width.Microseconds()
	if w <= 0 || !to.After(from) {
		return nil, fmt.Errorf("%w: no buckets of %s from %s to %s: the range must be non-empty and the interval at least 1µs",
			query.ErrInvalidQuery, width, from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	us := from.UnixMicro()
	floor := us / w * w
	if us < 0 && floor != us {
		floor -= w
	}
	span := to.UnixMicro() - floor // at most about 1.9e16 µs: no overflow
	n := span / w
	if span%w != 0 || to.Sub(time.UnixMicro(floor+n*w)) > 0 {
		n++ // the last, partial bucket (or one holding the sub-microsecond end)
	}
	if n > query.MaxBuckets {
		return nil, fmt.Errorf("%w: %s buckets over this range would make %d points (at most %d): widen the interval",
			query.ErrInvalidQuery, width, n, query.MaxBuckets)
	}
	start := time.UnixMicro(floor).UTC()
	out := make([]time.Time, n)
	for i := range out {
		out[i] = start.Add(time.Duration(i) * width).UTC()
	}
	return out, nil
}
