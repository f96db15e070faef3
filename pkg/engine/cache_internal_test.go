package engine

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// testClock is a clock the test moves by hand; it gives no ticks, so nothing expires behind
// the test's back.
type testClock struct{ now atomic.Int64 }

func (c *testClock) NowNano() int64                      { return c.now.Load() }
func (c *testClock) Tick(time.Duration) <-chan time.Time { return nil }
func (c *testClock) advance(d time.Duration)             { c.now.Add(int64(d)) }

// counter returns a compute function that counts its calls and returns value.
func counter[T any](calls *atomic.Int64, value T) func() (T, error) {
	return func() (T, error) { calls.Add(1); return value, nil }
}

// Lookups (versions, classes) are cached for their lifetime and computed again after it, so a
// model loaded after the first query shows up; reference statistics (no lifetime) stay.
func TestCacheEntriesExpireAfterTheirLifetime(t *testing.T) {
	clock := &testClock{}
	clock.now.Store(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	c := newCache(DefaultCacheBytes, clock)
	var lookups, stats atomic.Int64
	lookup := func() { _, _ = cachedFor(c, "versions|m", time.Minute, counter(&lookups, []string{"v1"})) }
	stat := func() { _, _ = cached(c, "range|m", counter(&stats, []store.AggregateRow{{Version: "v1"}})) }

	lookup()
	stat()
	clock.advance(30 * time.Second)
	lookup()
	stat()
	if lookups.Load() != 1 || stats.Load() != 1 {
		t.Fatalf("within the lifetime: %d lookups, %d statistics computed; want 1 and 1", lookups.Load(), stats.Load())
	}
	clock.advance(time.Minute)
	lookup()
	stat()
	if lookups.Load() != 2 {
		t.Fatalf("after the lifetime: %d lookups computed, want 2 (the expired one again)", lookups.Load())
	}
	clock.advance(100 * 365 * 24 * time.Hour)
	stat()
	if stats.Load() != 1 {
		t.Fatalf("a reference statistic was computed %d times, want 1: it has no lifetime", stats.Load())
	}
}

// The cache is bounded by bytes, not entries: many large values evict, and the estimated total
// stays under the bound.
func TestCacheEvictsBeyondItsByteBound(t *testing.T) {
	const bound = 1 << 20
	c := newCache(bound, nil)
	big := make([]string, 100)
	for i := range big {
		big[i] = strings.Repeat("x", 100) // about 11 KiB a value
	}
	for i := range 1000 { // about 11 MiB in all
		_, _ = cached(c, fmt.Sprintf("categories|%d", i), func() ([]string, error) { return big, nil })
	}
	c.entries.CleanUp()
	if w := c.entries.WeightedSize(); w > bound || w == 0 {
		t.Fatalf("cache holds %d bytes, want between 1 and %d", w, bound)
	}
	if n := c.entries.EstimatedSize(); n >= 1000 || n == 0 {
		t.Fatalf("cache holds %d entries, want fewer than the 1000 inserted and some", n)
	}
}

func TestEntrySizeGrowsWithTheValue(t *testing.T) {
	x := 1.0
	for name, pair := range map[string][2]any{
		"strings":       {[]string{"a"}, []string{"a", strings.Repeat("b", 1000)}},
		"aggregates":    {[]store.AggregateRow{{}}, []store.AggregateRow{{Group: strings.Repeat("g", 1000), Values: []*float64{&x, &x}}}},
		"distributions": {[]store.DistributionCount{{}}, []store.DistributionCount{{}, {Text: strings.Repeat("t", 1000)}}},
	} {
		small, large := entrySize("k", entry{value: pair[0]}), entrySize("k", entry{value: pair[1]})
		if large < small+1000 {
			t.Errorf("%s: %d bytes then %d, want at least 1000 more", name, small, large)
		}
	}
	if entrySize("k", entry{value: true}) == 0 {
		t.Error("a flag counts as zero bytes: the bound would not see it")
	}
}

// Many queries of one data source share the cache at once; each reads the value of its own key.
func TestCacheConcurrentUse(t *testing.T) {
	c := newCache(64<<10, nil) // small: evictions happen while others read
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				key := fmt.Sprintf("k%d", (i*7+g)%300)
				v, err := cachedFor(c, key, time.Duration(i%3)*time.Minute, func() ([]string, error) { return []string{key}, nil })
				if err != nil || len(v) != 1 || v[0] != key {
					t.Errorf("%s: got %v, %v", key, v, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNilCacheComputes(t *testing.T) {
	var c *Cache
	var calls atomic.Int64
	for range 3 {
		if v, err := cached(c, "k", counter(&calls, 7)); v != 7 || err != nil {
			t.Fatalf("got %v, %v", v, err)
		}
	}
	if calls.Load() != 3 {
		t.Fatalf("%d computations, want 3: a nil cache keeps nothing", calls.Load())
	}
}

// A failed computation is not remembered: the next query tries again.
func TestCacheKeepsNoErrors(t *testing.T) {
	c := NewCache()
	boom := errors.New("store down")
	if _, err := cached(c, "k", func() (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the store's error", err)
	}
	if v, err := cached(c, "k", func() (int, error) { return 5, nil }); v != 5 || err != nil {
		t.Fatalf("got %v, %v; want the value computed again", v, err)
	}
}

// A disposed data source closes its cache: the memory goes back, and a late query still answers.
func TestClosedCacheEmptiesAndStillComputes(t *testing.T) {
	c := NewCache()
	var calls atomic.Int64
	_, _ = cached(c, "k", counter(&calls, 1))
	c.Close()
	if n := c.entries.EstimatedSize(); n != 0 {
		t.Fatalf("%d entries after Close, want 0", n)
	}
	if v, err := cached(c, "k", counter(&calls, 1)); v != 1 || err != nil || calls.Load() != 2 {
		t.Fatalf("got %v, %v after %d computations; want the value computed again", v, err, calls.Load())
	}
	var none *Cache
	none.Close()
}

// Panels opened at once ask for the same reference statistics: one computation serves them all.
func TestConcurrentIdenticalLookupsShareOneComputation(t *testing.T) {
	c := newCache(1<<20, nil)
	defer c.Close()
	var computations atomic.Int64
	release := make(chan struct{})
	compute := func() ([]string, error) {
		computations.Add(1)
		<-release
		return []string{"A", "B"}, nil
	}
	const callers = 8
	var wg sync.WaitGroup
	results := make([][]string, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := cached(c, "versions|m", compute)
			if err != nil {
				t.Error(err)
			}
			results[i] = v
		}()
	}
	// Let every caller reach the cache before the first computation ends.
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := computations.Load(); n != 1 {
		t.Fatalf("%d computations for one key, want 1", n)
	}
	for i, v := range results {
		if len(v) != 2 {
			t.Fatalf("caller %d got %v", i, v)
		}
	}
}

// An error is not cached: the next lookup computes again.
func TestFailedLookupsAreNotCached(t *testing.T) {
	c := newCache(1<<20, nil)
	defer c.Close()
	calls := 0
	fail := func() (int, error) { calls++; return 0, errors.New("store unavailable") }
	if _, err := cached(c, "k", fail); err == nil {
		t.Fatal("want the error")
	}
	v, err := cached(c, "k", func() (int, error) { calls++; return 7, nil })
	if err != nil || v != 7 || calls != 2 {
		t.Fatalf("got %d, %v after %d calls", v, err, calls)
	}
}

// A write forgets exactly the statistics of the windows it touched: the model's windows that
// overlap the written time range, not its other windows, not other models' windows; and the
// store generation is read again by the next query.
func TestForgetDropsOnlyTheWindowsAWriteTouched(t *testing.T) {
	c := newCache(1<<20, &testClock{})
	at := func(h int) time.Time { return time.Date(2026, 3, 1, h, 0, 0, 0, time.UTC) }
	scopes := map[string]store.Scope{
		"m 0-10":  {Model: "m", From: at(0), To: at(10)},
		"m 10-20": {Model: "m", From: at(10), To: at(20)},
		"n 0-10":  {Model: "n", From: at(0), To: at(10)},
	}
	var calls atomic.Int64
	fill := func() {
		for name, sc := range scopes {
			if _, err := cachedWindow(c, sc, name, counter(&calls, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	fill()
	c.generation.read = true
	for _, c2 := range []struct {
		written   store.Written
		forgotten int64
	}{
		{store.Written{Model: "m", From: at(5), To: at(6)}, 1},   // inside the first window
		{store.Written{Model: "m", From: at(10), To: at(10)}, 1}, // at the second's start (inclusive)
		{store.Written{Model: "m", From: at(20), To: at(21)}, 0}, // at the second's end (exclusive)
		{store.Written{Model: "m", From: at(9), To: at(11)}, 2},  // across both
		{store.Written{Model: "x", From: at(0), To: at(23)}, 0},  // another model
		{store.Written{Model: "n", From: at(-5), To: at(-1)}, 0}, // before every window
		{store.Written{Model: "n", From: at(-5), To: at(0)}, 1},  // ends at the first instant
	} {
		calls.Store(0)
		c.Forget([]store.Written{c2.written})
		if c.generation.read {
			t.Errorf("%+v: the store generation must be read again", c2.written)
		}
		c.generation.read = true
		fill()
		if got := calls.Load(); got != c2.forgotten {
			t.Errorf("%+v: %d windows computed again, want %d", c2.written, got, c2.forgotten)
		}
	}
}
