package sqlstore

import (
	"context"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// RawOperations computes, from raw rows, the statistics an operations rollup holds (counts,
// latency sums, min, max and, when latencySketch asks for them, sketch buckets) over a scope,
// per bucket, version and group: the partial hours at a range's ends, merged with the rollups
// of the whole hours between them.
func (s *Store) RawOperations(ctx context.Context, req store.Scope, bucket time.Duration, latencySketch bool) ([]store.OperationsRollup, error) {
	sc, err := s.scope(ctx, req)
	if err != nil {
		return nil, err
	}
	cols, err := s.columns(ctx, store.ColError, store.ColLatencyMS, store.ColTS)
	if err != nil {
		return nil, err
	}
	errCol, latency, ts := cols[0], cols[1], cols[2]
	c := newOperationsCollector(bucket)
	b := &builder{d: s.d}
	err = s.grouped(b, sc, bucket, func() {
		b.write(", count(*), count(", errCol, "), count(", latency, "), sum(", latency, "), sum(", latency, " * ", latency, "), min(", latency, "), max(", latency, "), ",
			s.d.EpochSeconds("max("+ts+")"))
	}, "", nil, 0)
	if err != nil {
		return nil, err
	}
	err = s.each(ctx, "reading operations statistics", b, func(scan func(...any) error) (bool, error) {
		return true, c.counts(scan)
	})
	if err != nil || !latencySketch {
		return c.rows(), err
	}
	b = &builder{d: s.d}
	signAlias, keyAlias := s.freeName("mw_sign"), s.freeName("mw_key")
	err = s.grouped(b, sc, bucket, func() {
		sign, key := sketchBucket(b, latency)
		b.write(", ", sign, " AS ", signAlias, ", ", key, " AS ", keyAlias, ", count(*)")
	}, sketched(s.d, latency), []string{signAlias, keyAlias}, 0)
	if err != nil {
		return nil, err
	}
	err = s.each(ctx, "reading latency sketches", b, func(scan func(...any) error) (bool, error) {
		return true, c.sketchBucket(scan)
	})
	if err != nil {
		return nil, err
	}
	return c.rows(), nil
}
