package engine

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// lastSeen holds last_seen_seconds per series and bucket (one bucket over the whole range),
// the series whose rows it saw (in the look-back or the range) and whether any value is the
// look-back's length because the series had no prediction in it; plan is the rollups' plan
// when they answered every part (nil: raw rows answered some).
type lastSeen struct {
	values     map[seriesKey][]*float64
	seen       map[seriesKey]bool
	lookFrom   time.Time
	lowerBound bool
	plan       *rollupPlan
}

// lastSeenFrom is where last_seen_seconds starts looking: query.LastSeenLookback before the
// range's start, at the start of that hour (so that a moving dashboard range reads the same
// hours, and the rollups' whole hours can answer).
func lastSeenFrom(q query.Query) time.Time {
	return q.From.Add(-query.LastSeenLookback).Truncate(store.RollupGrain)
}

// lastSeen computes the seconds from each series' last prediction at or before the end of the
// range (of each bucket, over time) to that end: the latest ts before the range (within the
// look-back) carried forward through the range's buckets. A series without any prediction
// since the look-back's start reads the look-back's length to that end, a lower bound that an
// alert rule's threshold still compares (a null would leave it to the rule's no-data setting).
func (e *Engine) lastSeen(ctx context.Context, q query.Query, versions []string, bucketTimes []time.Time) (*lastSeen, error) {
	ls := &lastSeen{values: map[seriesKey][]*float64{}, seen: map[seriesKey]bool{}, lookFrom: lastSeenFrom(q)}
	if err := e.checkLookbackGroups(ctx, q, versions, ls.lookFrom); err != nil {
		return nil, err
	}
	// A single value reads the look-back and the range as one window; a time series carries
	// the look-back's last prediction into the range's buckets.
	until := q.From
	if q.Format != query.FormatTimeSeries {
		until = q.To
	}
	carried, carriedPlan, err := e.lastTimes(ctx, q, versions, ls.lookFrom, until)
	if err != nil {
		return nil, err
	}
	for k := range carried {
		ls.seen[k] = true
	}
	ls.plan = carriedPlan
	n := max(len(bucketTimes), 1)
	latest := map[seriesKey][]*float64{}
	if q.Format == query.FormatTimeSeries {
		rows, p, err := e.latestPerBucket(ctx, q, versions)
		if err != nil {
			return nil, err
		}
		if p == nil {
			ls.plan = nil
		}
		for _, r := range rows {
			k := keyOf(q, r.version, r.group)
			ls.seen[k] = true
			if latest[k] == nil {
				latest[k] = make([]*float64, n)
			}
			if i := bucketIndex(bucketTimes, q.Bucket, r.bucket); i >= 0 && (latest[k][i] == nil || r.last > *latest[k][i]) {
				latest[k][i] = number(r.last)
			}
		}
	}
	for _, k := range seriesKeys(q, versions, ls.seen) {
		last, ok := carried[k]
		vals := make([]*float64, n)
		for i := range n {
			if v := latest[k]; i < len(v) && v[i] != nil && (!ok || *v[i] > last) {
				last, ok = *v[i], true
			}
			end := bucketEnd(q, bucketTimes, i)
			since := ls.lookFrom
			if ok {
				since = time.UnixMicro(int64(math.Round(last * 1e6))).UTC()
			} else {
				ls.lowerBound = true
			}
			vals[i] = number(seconds64(end.Sub(since)))
		}
		ls.values[k] = vals
	}
	return ls, nil
}

// lastTimes returns each series' latest ts in [from, to), in seconds since the epoch, and the
// rollups' plan when they answered (nil: raw rows did). With usable rollups, each whole hour's
// latest ts comes from them and only the partial hour at the window's end from raw rows;
// rollups built before they kept it (format 4 or older) say in which hour each series was last
// seen, and the raw rows are read from the earliest of those hours only (DuckDB skips the
// blocks before it by their ts statistics). Without rollups, the raw rows of the whole window.
func (e *Engine) lastTimes(ctx context.Context, q query.Query, versions []string, from, to time.Time) (map[seriesKey]float64, *rollupPlan, error) {
	out := map[seriesKey]float64{}
	if !from.Before(to) {
		return out, nil, nil
	}
	sc := scope(q, versions)
	sc.From, sc.To = from, to
	window := q
	window.From, window.To, window.Format = from, to, query.FormatNumeric
	p, err := e.rollupFor(ctx, window, segmentGroups)
	if err != nil {
		return nil, nil, err
	}
	if p != nil {
		rows, err := p.rs.RollupOperations(ctx, p.request(q.Model, versions, store.RollupGrain))
		if err != nil {
			return nil, nil, err
		}
		lastHour := map[seriesKey]time.Time{}
		kept := true
		for _, r := range rows {
			k := keyOf(q, r.Version, r.Group)
			if r.Rows == 0 {
				continue
			}
			if r.LastTS == nil {
				kept = false
			} else if last, ok := out[k]; !ok || *r.LastTS > last {
				out[k] = *r.LastTS
			}
			if r.Bucket.After(lastHour[k]) {
				lastHour[k] = r.Bucket
			}
		}
		sc.From = p.to // the partial hour at the window's end, if any, is read from raw rows
		if !kept {
			clear(out)
			p = nil
			for _, h := range lastHour {
				if h.Before(sc.From) {
					sc.From = h
				}
			}
		}
		if !sc.From.Before(to) {
			return out, p, nil
		}
	}
	rows, err := e.Store.Aggregates(ctx, store.AggregateRequest{Scope: sc, Measures: []store.Measure{{Kind: store.MeasureLastTS}}})
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		k := keyOf(q, r.Version, r.Group)
		if last, ok := out[k]; r.Values[0] != nil && (!ok || *r.Values[0] > last) {
			out[k] = *r.Values[0]
		}
	}
	return out, p, nil
}

// bucketLast is one series' latest ts in one bucket of a time series, in seconds since the
// epoch.
type bucketLast struct {
	bucket         time.Time
	version, group string
	last           float64
}

// latestPerBucket returns each series' latest ts per bucket of q's range (buckets without rows
// have none), and the rollups' plan when they answered: the whole hours' from the rollups (with
// the operations statistics' rows of the partial hours at the range's ends), else one raw
// scan.
func (e *Engine) latestPerBucket(ctx context.Context, q query.Query, versions []string) ([]bucketLast, *rollupPlan, error) {
	var out []bucketLast
	p, err := e.rollupFor(ctx, q, segmentGroups)
	if err != nil {
		return nil, nil, err
	}
	if p != nil {
		rows, err := p.rs.RollupOperations(ctx, p.request(q.Model, versions, q.Bucket))
		if err != nil {
			return nil, nil, err
		}
		for _, edge := range p.edges {
			more, err := p.rs.RawOperations(ctx, store.Scope{Model: q.Model, Versions: versions, From: edge[0], To: edge[1], Filters: p.filters, GroupBy: p.groupBy}, q.Bucket, false)
			if err != nil {
				return nil, nil, err
			}
			rows = append(rows, more...)
		}
		for _, r := range rows {
			if r.Rows == 0 {
				continue
			}
			if r.LastTS == nil {
				out, p = nil, nil // rollups built before they kept last_ts: read the rows
				break
			}
			out = append(out, bucketLast{bucket: r.Bucket, version: r.Version, group: r.Group, last: *r.LastTS})
		}
		if p != nil {
			return out, p, nil
		}
	}
	req := store.AggregateRequest{Scope: scope(q, versions), Bucket: q.Bucket, Measures: []store.Measure{{Kind: store.MeasureLastTS}}}
	rows, err := e.Store.Aggregates(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		if r.Values[0] != nil {
			out = append(out, bucketLast{bucket: r.Bucket, version: r.Version, group: r.Group, last: *r.Values[0]})
		}
	}
	return out, nil, nil
}

// checkLookbackGroups applies the series cap to the groups of the look-back as well as the
// range's (the cap's check before the query counted the range's): a group that stopped serving
// before the range still gets its series.
func (e *Engine) checkLookbackGroups(ctx context.Context, q query.Query, versions []string, from time.Time) error {
	if q.GroupBy == "" {
		return nil
	}
	limit := e.maxSeries()
	sc := scope(q, versions)
	sc.From = from
	groups, err := e.Store.GroupCount(ctx, sc, limit)
	if err != nil {
		return err
	}
	if n := groups * int64(len(versions)); n > int64(limit) {
		return fmt.Errorf("%w: last_seen_seconds grouped by %q would make more than %d series over the range and its %s look-back (%d versions x %d or more values), at most %d are allowed: filter the rows, group by a column with fewer values, or raise the data source's maxSeries",
			query.ErrInvalidQuery, clipName(q.GroupBy), limit, query.LastSeenLookback, len(versions), groups, limit)
	}
	return nil
}

// bucketEnd is the end of bucket i, or of the range for a single value; the last bucket ends
// with the range.
func bucketEnd(q query.Query, bucketTimes []time.Time, i int) time.Time {
	if len(bucketTimes) == 0 {
		return q.To
	}
	if end := bucketTimes[i].Add(q.Bucket); end.Before(q.To) {
		return end
	}
	return q.To
}

// seconds64 is a duration in seconds at microsecond resolution (the store's).
func seconds64(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1e6
}

// annotate says, in a notice on every frame, that some series had no prediction since the
// look-back's start, and what their value then means.
func (ls *lastSeen) annotate(fs data.Frames) {
	if ls == nil || !ls.lowerBound {
		return
	}
	notice := data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
		"last_seen_seconds: no prediction since %s (%s before the range): the value is the time since then, a lower bound",
		ls.lookFrom.Format(time.RFC3339), query.LastSeenLookback)}
	for _, f := range fs {
		if f.Meta == nil {
			f.Meta = &data.FrameMeta{}
		}
		f.Meta.Notices = append(f.Meta.Notices, notice)
	}
}
