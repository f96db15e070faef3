package engine_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// countingStore counts the distribution scans that reach the store.
type countingStore struct {
	store.Store
	scans atomic.Int64
}

func (c *countingStore) Distribution(ctx context.Context, req store.DistributionRequest) ([]store.DistributionCount, error) {
	c.scans.Add(1)
	return c.Store.Distribution(ctx, req)
}

// A refresh of a drift panel scans only the current window: the reference window has ended,
// so its statistics come from the cache.
func TestReferenceStatisticsAreCached(t *testing.T) {
	eng, fc := openFamilies(t)
	counting := &countingStore{Store: eng.Store}
	cached := &engine.Engine{Store: counting, Cache: engine.NewCache()}
	raw, err := query.Parse([]byte(`{"schemaVersion":1,"queryType":"drift","model":"reg","features":["size"],"format":"numeric",
		"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`))
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.Validate(raw, query.Window{From: fc.From, To: fc.To})
	if err != nil {
		t.Fatal(err)
	}
	first, err := cached.Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if n := counting.scans.Load(); n != 2 {
		t.Fatalf("first run: %d scans, want 2 (reference and current)", n)
	}
	second, err := cached.Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if n := counting.scans.Load(); n != 3 {
		t.Fatalf("after a refresh: %d scans, want 3 (the reference came from the cache)", n)
	}
	a, _ := first[0].FieldByName("score")
	b, _ := second[0].FieldByName("score")
	if *a.At(0).(*float64) != *b.At(0).(*float64) {
		t.Fatal("cached reference changed the result")
	}
}
