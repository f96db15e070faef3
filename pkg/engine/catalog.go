package engine

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// generationCheckInterval is how often the store's data generation is read: a load is seen by
// the queries that start this long after it, and a dashboard's panels opened at once read the
// generation once between them.
const generationCheckInterval = 3 * time.Second

// fallbackGeneration is how long a store that cannot report its generation (not
// store.Generational) keeps one: its catalog is then read again every fallbackGeneration.
const fallbackGeneration = time.Minute

// generationCheck is the store's generation as last read and when it was read.
type generationCheck struct {
	mu      sync.Mutex
	read    bool
	readAt  int64 // nanoseconds, by the cache's clock
	current string
}

// now is the cache's clock in nanoseconds.
func (c *Cache) now() int64 {
	if c.clock == nil {
		return time.Now().UnixNano()
	}
	return c.clock.NowNano()
}

// storeGeneration returns the store's data generation, read at most every
// generationCheckInterval. A store that cannot report one gets a token that changes every
// fallbackGeneration. An error is not remembered: the next query reads again.
func (c *Cache) storeGeneration(ctx context.Context, st store.Store) (string, error) {
	now := c.now()
	g, ok := st.(store.Generational)
	if !ok {
		return "t" + strconv.FormatInt(now/int64(fallbackGeneration), 10), nil
	}
	c.generation.mu.Lock()
	defer c.generation.mu.Unlock()
	if c.generation.read && now-c.generation.readAt < int64(generationCheckInterval) {
		return c.generation.current, nil
	}
	gen, err := g.Generation(ctx)
	if err != nil {
		return "", err
	}
	c.generation.read, c.generation.readAt, c.generation.current = true, now, gen
	return gen, nil
}

// catalogued returns what the engine discovers about the store's data (a model's versions and
// classes, the rollups' state), computed once per store generation: identical queries do not
// scan for it again, and a load that changes the generation is seen by the next query after
// the check interval. A nil cache computes.
func catalogued[T any](ctx context.Context, e *Engine, what string, compute func() (T, error)) (T, error) {
	if e.Cache == nil {
		return compute()
	}
	gen, err := e.Cache.storeGeneration(ctx, e.Store)
	if err != nil {
		var zero T
		return zero, err
	}
	return cached(e.Cache, "catalog|"+strconv.Quote(gen)+"|"+what, compute)
}
