package engine

import (
	"fmt"
	"sync"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// Cache remembers reference-window statistics: a past window's rows do not change, so a
// dashboard refresh scans only the current window. It is safe for concurrent use and bounded.
type Cache struct {
	mu      sync.Mutex
	entries map[string]entry
	order   []string
}

// entry is a cached value and when it stops being valid (zero: never).
type entry struct {
	value   any
	expires time.Time
}

// maxCacheEntries bounds the cache; the oldest entries go first.
const maxCacheEntries = 4096

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{entries: map[string]entry{}} }

// cached returns the cached value for key or computes and stores it. A nil cache computes.
// Only windows that ended in the past should be cached; callers key by absolute times.
func cached[T any](c *Cache, key string, compute func() (T, error)) (T, error) {
	return cachedFor(c, key, 0, compute)
}

// cachedFor is cached with a lifetime: lookups that change when data is loaded (the versions and
// classes of a model) are kept for ttl; zero keeps the value until it is evicted.
func cachedFor[T any](c *Cache, key string, ttl time.Duration, compute func() (T, error)) (T, error) {
	if c == nil {
		return compute()
	}
	now := time.Now()
	c.mu.Lock()
	if e, ok := c.entries[key]; ok && (e.expires.IsZero() || now.Before(e.expires)) {
		c.mu.Unlock()
		return e.value.(T), nil
	}
	c.mu.Unlock()
	v, err := compute()
	if err != nil {
		return v, err
	}
	e := entry{value: v}
	if ttl > 0 {
		e.expires = now.Add(ttl)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok {
		c.order = append(c.order, key)
		if len(c.order) > maxCacheEntries {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.entries[key] = e
	return v, nil
}

// cacheKey identifies a reference statistic by everything that selects its rows.
func cacheKey(kind string, sc store.Scope, what string) string {
	return fmt.Sprintf("%s|%q|%q|%d|%d|%v|%q|%s", kind, sc.Model, sc.Versions, sc.From.UnixMicro(), sc.To.UnixMicro(), sc.Filters, sc.GroupBy, what)
}

func measureKey(ms []store.Measure) string {
	return fmt.Sprintf("%v", ms)
}
