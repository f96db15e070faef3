package engine_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// scoreCountingStore counts the score grid scans that reach the store.
type scoreCountingStore struct {
	store.Store
	scans atomic.Int64
}

func (c *scoreCountingStore) ScoreCounts(ctx context.Context, req store.ScoreRequest, row func(store.ScoreCountRow)) error {
	c.scans.Add(1)
	return c.Store.ScoreCounts(ctx, req, row)
}

// A refresh of an estimation panel reads only the current window's scores: the reference
// window has ended, so its calibration comes from the cache, and the estimates do not change.
func TestEstimationReferenceIsCached(t *testing.T) {
	eng, fc := openFamilies(t)
	counting := &scoreCountingStore{Store: eng.Store}
	cached := &engine.Engine{Store: counting, Cache: engine.NewCache()}
	raw, err := query.Parse([]byte(`{"schemaVersion":1,"queryType":"estimation","model":"cls","positiveClass":"yes","threshold":0.5,
		"format":"numeric","metrics":["estimated"],"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`))
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
		t.Fatalf("first run: %d score scans, want 2 (reference and current)", n)
	}
	second, err := cached.Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if n := counting.scans.Load(); n != 3 {
		t.Fatalf("after a refresh: %d score scans, want 3 (the reference came from the cache)", n)
	}
	a, _ := first[0].FieldByName("estimated")
	b, _ := second[0].FieldByName("estimated")
	if a.Len() == 0 || a.Len() != b.Len() {
		t.Fatalf("%d and %d rows", a.Len(), b.Len())
	}
	for i := range a.Len() {
		x, y := a.At(i).(*float64), b.At(i).(*float64)
		if x == nil || y == nil || *x != *y {
			t.Fatalf("row %d: %v then %v: the cached reference changed the result", i, x, y)
		}
	}
}
