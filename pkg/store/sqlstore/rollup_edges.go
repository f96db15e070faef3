package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// RawOperations computes, from raw rows, the statistics an operations rollup holds (counts,
// latency sums, min, max and sketch buckets) over a scope, per bucket and version: the partial
// hours at a range's ends, merged with the rollups of the whole hours between them.
func (s *Store) RawOperations(ctx context.Context, req store.Scope, bucket time.Duration) ([]store.OperationsRollup, error) {
	sc, err := s.scope(ctx, req)
	if err != nil {
		return nil, err
	}
	cols, err := s.columns(ctx, store.ColError, store.ColLatencyMS)
	if err != nil {
		return nil, err
	}
	errCol, latency := cols[0], cols[1]
	bucketOf := func(micros int64) time.Time {
		if bucket <= 0 {
			return time.Time{}
		}
		return time.UnixMicro(micros).UTC()
	}
	byKey := map[rollupKey]*store.OperationsRollup{}
	var order []rollupKey
	b := &builder{d: s.d}
	err = s.grouped(b, sc, bucket, func() {
		b.write(", count(*), count(", errCol, "), count(", latency, "), sum(", latency, "), sum(", latency, " * ", latency, "), min(", latency, "), max(", latency, ")")
	}, "", nil, 0)
	if err != nil {
		return nil, err
	}
	err = s.each(ctx, "reading operations statistics", b, func(scan func(...any) error) (bool, error) {
		var (
			r        store.OperationsRollup
			micros   int64
			group    sql.NullString
			sum, sq  sql.NullFloat64
			min, max sql.NullFloat64
		)
		if err := scan(&micros, &r.Version, &group, &r.Rows, &r.Errors, &r.LatencyCount, &sum, &sq, &min, &max); err != nil {
			return false, err
		}
		r.Bucket = bucketOf(micros)
		r.LatencySum, r.LatencySumSq = sum.Float64, sq.Float64
		if min.Valid {
			r.LatencyMin, r.LatencyMax = &min.Float64, &max.Float64
		}
		k := rollupKey{micros, r.Version}
		byKey[k] = &r
		order = append(order, k)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	b = &builder{d: s.d}
	signAlias, keyAlias := s.freeName("mw_sign"), s.freeName("mw_key")
	err = s.grouped(b, sc, bucket, func() {
		sign, key := sketchBucket(b, latency)
		b.write(", ", sign, " AS ", signAlias, ", ", key, " AS ", keyAlias, ", count(*)")
	}, sketched(latency), []string{signAlias, keyAlias}, 0)
	if err != nil {
		return nil, err
	}
	err = s.each(ctx, "reading latency sketches", b, func(scan func(...any) error) (bool, error) {
		var (
			micros    int64
			version   string
			group     sql.NullString
			sign, key int
			n         int64
		)
		if err := scan(&micros, &version, &group, &sign, &key, &n); err != nil {
			return false, err
		}
		if r := byKey[rollupKey{micros, version}]; r != nil {
			r.LatencyBuckets = append(r.LatencyBuckets, store.LatencyBucket{Sign: sign, Key: key, Count: n})
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]store.OperationsRollup, len(order))
	for i, k := range order {
		out[i] = *byKey[k]
	}
	return out, nil
}
