package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/maypok86/otter/v2"

	"github.com/mlops/modelwatch/pkg/store"
)

// DefaultCacheBytes bounds a data source's cache: the estimated size of its keys and values.
const DefaultCacheBytes = 64 << 20

// Cache remembers reference-window statistics: a past window's rows do not change, so a
// dashboard refresh scans only the current window. It is safe for concurrent use and bounded by
// bytes (an estimate of each entry's size); when full, the entries least likely to be used again
// go first (otter's W-TinyLFU policy).
type Cache struct {
	entries *otter.Cache[string, entry]
	// clock reads the time for the store generation's checks (the entries' clock); nil is the
	// wall clock.
	clock otter.Clock
	// generation is the store's data generation as last read, and when (see catalog.go).
	generation generationCheck
}

// entry is a cached value and how long it stays valid (never: math.MaxInt64), and the window
// of predictions it was computed from (windowed false: none, e.g. the catalog).
type entry struct {
	value    any
	ttl      time.Duration
	windowed bool
	model    string
	from, to time.Time // from inclusive, to exclusive
}

// NewCache returns an empty cache of DefaultCacheBytes.
func NewCache() *Cache { return newCache(DefaultCacheBytes, nil) }

// newCache returns an empty cache of maxBytes; a nil clock is the wall clock.
func newCache(maxBytes uint64, clock otter.Clock) *Cache {
	c, err := otter.New(&otter.Options[string, entry]{
		MaximumWeight:    maxBytes,
		Weigher:          entrySize,
		ExpiryCalculator: otter.ExpiryCreatingFunc(func(e otter.Entry[string, entry]) time.Duration { return e.Value.ttl }),
		Clock:            clock,
	})
	if err != nil {
		panic(fmt.Sprintf("engine: cache options: %v", err)) // the options are constants: a bug
	}
	return &Cache{entries: c, clock: clock}
}

// Close empties the cache and stops its clean-up goroutine (which otherwise ends once the cache
// is garbage collected); a data source calls it when disposed. A closed cache still works.
func (c *Cache) Close() {
	if c == nil {
		return
	}
	c.entries.InvalidateAll()
	c.entries.StopAllGoroutines()
}

// cached returns the cached value for key or computes and stores it. A nil cache computes.
// Only windows that ended in the past should be cached; callers key by absolute times.
func cached[T any](c *Cache, key string, compute func() (T, error)) (T, error) {
	return cachedFor(c, key, 0, compute)
}

// cachedFor is cached with a lifetime: lookups that change when data is loaded (the versions and
// classes of a model) are kept for ttl; zero keeps the value until it is evicted. Concurrent
// calls for one key share one computation (the panels of a dashboard opened at once ask for the
// same reference statistics): the first computes, the others wait for its value. An error is
// not cached; a computation cancelled by its own caller's context is run again by the next
// caller rather than failing it.
func cachedFor[T any](c *Cache, key string, ttl time.Duration, compute func() (T, error)) (T, error) {
	return cachedEntry(c, key, entry{ttl: ttl}, compute)
}

// cachedWindow is cached for a statistic of the predictions of one scope (its model and
// window): a write that adds or labels predictions in that window forgets it (Forget).
func cachedWindow[T any](c *Cache, sc store.Scope, key string, compute func() (T, error)) (T, error) {
	return cachedEntry(c, key, entry{windowed: true, model: sc.Model, from: sc.From, to: sc.To}, compute)
}

func cachedEntry[T any](c *Cache, key string, meta entry, compute func() (T, error)) (T, error) {
	if c == nil {
		return compute()
	}
	if meta.ttl <= 0 {
		meta.ttl = math.MaxInt64
	}
	e, err := c.entries.Get(context.Background(), key, otter.LoaderFunc[string, entry](func(context.Context, string) (entry, error) {
		v, err := compute()
		if err != nil {
			return entry{}, err
		}
		e := meta
		e.value = v
		return e, nil
	}))
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return compute()
	}
	if err != nil {
		var zero T
		return zero, err
	}
	v, ok := e.value.(T)
	if !ok {
		// A key is only ever used with one type; a mismatch is a bug, so compute without caching.
		return compute()
	}
	return v, nil
}

// Forget drops what a write made untrue: every statistic of a window that overlaps the time
// range of a model's written predictions, and the store generation as last read (the next
// query reads it again, so the catalog and rollup state are read again too). Rows of other
// models and other windows stay cached.
func (c *Cache) Forget(written []store.Written) {
	if c == nil || len(written) == 0 {
		return
	}
	c.generation.mu.Lock()
	c.generation.read = false
	c.generation.mu.Unlock()
	for key, e := range c.entries.All() {
		if !e.windowed {
			continue
		}
		for _, w := range written {
			if e.model == w.Model && w.From.Before(e.to) && !w.To.Before(e.from) {
				c.entries.Invalidate(key)
				break
			}
		}
	}
}

// entryOverhead is a rough size of the cache's own bookkeeping per entry.
const entryOverhead = 128

// entrySize estimates the bytes an entry holds: its key, its value's slices and strings, and
// the cache's bookkeeping. Values of other types count as a small fixed size.
func entrySize(key string, e entry) uint32 {
	size := entryOverhead + len(key) + valueSize(e.value)
	return uint32(min(size, math.MaxUint32)) //nolint:gosec // G115: clamped to the range
}

func valueSize(v any) int {
	const sliceHeader, stringHeader, pointer, float = 24, 16, 8, 8
	size := sliceHeader
	switch v := v.(type) {
	case []string:
		for _, s := range v {
			size += stringHeader + len(s)
		}
	case []store.AggregateRow:
		for _, r := range v {
			size += int(unsafe.Sizeof(r)) + len(r.Version) + len(r.Group) + len(r.Values)*(pointer+float)
		}
	case []store.DistributionCount:
		for _, d := range v {
			size += int(unsafe.Sizeof(d)) + len(d.Version) + len(d.Group) + len(d.Text)
		}
	case *referenceValues:
		size += v.size()
	case calibrations:
		size += v.size()
	case *reconstruction:
		size += v.size()
	}
	return size
}

// cacheKey identifies a reference statistic by everything that selects its rows.
func cacheKey(kind string, sc store.Scope, what string) string {
	return fmt.Sprintf("%s|%q|%q|%d|%d|%v|%q|%s", kind, sc.Model, sc.Versions, sc.From.UnixMicro(), sc.To.UnixMicro(), sc.Filters, sc.GroupBy, what)
}

func measureKey(ms []store.Measure) string {
	return fmt.Sprintf("%v", ms)
}
