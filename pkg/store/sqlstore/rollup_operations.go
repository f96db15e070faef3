package sqlstore

import (
	"database/sql"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// operationsCollector gathers operations statistics per bucket, version and group from two
// statements, whether they read the rollups or raw rows: first the counts and latency sums, then
// the latency sketch's buckets, which join the series their counts made.
type operationsCollector struct {
	bucket time.Duration
	byKey  map[rollupKey]*store.OperationsRollup
	order  []rollupKey
}

func newOperationsCollector(bucket time.Duration) *operationsCollector {
	return &operationsCollector{bucket: bucket, byKey: map[rollupKey]*store.OperationsRollup{}}
}

// bucketOf is a bucket's start; without buckets (the whole range) the zero time.
func (c *operationsCollector) bucketOf(micros int64) time.Time {
	if c.bucket <= 0 {
		return time.Time{}
	}
	return time.UnixMicro(micros).UTC()
}

// counts scans one row of: bucket, version, group (NULL: ""), rows, errors, latency count, sum,
// sum of squares, minimum, maximum and the latest ts in seconds since the epoch (NULL: not
// kept).
func (c *operationsCollector) counts(scan func(...any) error) error {
	var (
		r        store.OperationsRollup
		micros   int64
		group    sql.NullString
		sum, sq  sql.NullFloat64
		min, max sql.NullFloat64
		last     sql.NullFloat64
	)
	if err := scan(&micros, &r.Version, &group, &r.Rows, &r.Errors, &r.LatencyCount, &sum, &sq, &min, &max, &last); err != nil {
		return err
	}
	if last.Valid {
		r.LastTS = &last.Float64
	}
	r.Bucket = c.bucketOf(micros)
	r.Group = group.String
	r.LatencySum, r.LatencySumSq = sum.Float64, sq.Float64
	if min.Valid {
		r.LatencyMin, r.LatencyMax = &min.Float64, &max.Float64
	}
	k := rollupKey{micros, r.Version, r.Group}
	c.byKey[k] = &r
	c.order = append(c.order, k)
	return nil
}

// sketchBucket scans one row of: bucket, version, group, sketch sign, key and count, and adds
// it to its series.
func (c *operationsCollector) sketchBucket(scan func(...any) error) error {
	var (
		micros    int64
		version   string
		group     sql.NullString
		sign, key int
		n         int64
	)
	if err := scan(&micros, &version, &group, &sign, &key, &n); err != nil {
		return err
	}
	if r := c.byKey[rollupKey{micros, version, group.String}]; r != nil {
		r.LatencyBuckets = append(r.LatencyBuckets, store.LatencyBucket{Sign: sign, Key: key, Count: n})
	}
	return nil
}

// rows are the series in the order their counts arrived.
func (c *operationsCollector) rows() []store.OperationsRollup {
	out := make([]store.OperationsRollup, len(c.order))
	for i, k := range c.order {
		out[i] = *c.byKey[k]
	}
	return out
}
