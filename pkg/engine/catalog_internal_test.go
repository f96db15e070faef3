package engine

import (
	"context"
	"database/sql"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// lookupCounter counts the catalog scans (versions, classes) and generation reads that reach
// the store.
type lookupCounter struct {
	store.Store
	versions, classes, generations atomic.Int64
}

func (c *lookupCounter) Versions(ctx context.Context, model string) ([]string, error) {
	c.versions.Add(1)
	return c.Store.Versions(ctx, model)
}

func (c *lookupCounter) Classes(ctx context.Context, model string) ([]string, error) {
	c.classes.Add(1)
	return c.Store.Classes(ctx, model)
}

func (c *lookupCounter) Generation(ctx context.Context) (string, error) {
	c.generations.Add(1)
	return c.Store.(store.Generational).Generation(ctx)
}

// writableStore is an in-memory DuckDB store with one prediction of model m, version A, and
// the connection that adds more (as a load does).
func writableStore(t *testing.T) (*sqlstore.Store, *sql.DB) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one in-memory database shared by every statement
	t.Cleanup(func() { _ = db.Close() })
	for _, stmt := range []string{
		`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR,
			predicted_label VARCHAR, predicted_value DOUBLE, score DOUBLE, actual_label VARCHAR, actual_value DOUBLE,
			latency_ms DOUBLE, error VARCHAR)`,
		`INSERT INTO predictions VALUES ('p1', '2026-03-01 00:00:00', 'm', 'A', 'yes', NULL, NULL, 'no', NULL, 1, NULL)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	st, err := sqlstore.New(db, duckdb.Dialect{}, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	return st, db
}

// A model's versions and classes were remembered for a fixed minute, so a version loaded
// after the first query stayed invisible for up to a minute. They are now kept per store
// generation: identical queries do not scan again, and a load is seen by the first query after
// the generation check interval.
func TestCatalogFollowsTheStoreGeneration(t *testing.T) {
	st, db := writableStore(t)
	counted := &lookupCounter{Store: st}
	clock := &testClock{}
	clock.now.Store(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	e := &Engine{Store: counted, Cache: newCache(DefaultCacheBytes, clock)}
	ctx := context.Background()
	q := query.Query{Model: "m"}
	lookup := func() ([]string, []string) {
		t.Helper()
		versions, err := e.versions(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		classes, _, err := e.classes(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return versions, classes
	}

	for range 3 {
		lookup()
	}
	if v, c := counted.versions.Load(), counted.classes.Load(); v != 1 || c != 1 {
		t.Fatalf("3 identical lookups scanned versions %d and classes %d times, want once each", v, c)
	}
	if _, err := db.Exec(`INSERT INTO predictions VALUES ('p2', '2026-03-01 01:00:00', 'm', 'B', 'maybe', NULL, NULL, 'no', NULL, 1, NULL)`); err != nil {
		t.Fatal(err)
	}
	clock.advance(generationCheckInterval + time.Second)
	versions, classes := lookup()
	if !slices.Equal(versions, []string{"A", "B"}) || !slices.Equal(classes, []string{"maybe", "no", "yes"}) {
		t.Fatalf("%s after the load: versions %v, classes %v; want the loaded version B and class maybe",
			generationCheckInterval+time.Second, versions, classes)
	}
	for range 3 {
		lookup()
	}
	if v, c := counted.versions.Load(), counted.classes.Load(); v != 2 || c != 2 {
		t.Fatalf("after the load: versions scanned %d and classes %d times, want twice each (once per generation)", v, c)
	}
	if n := counted.generations.Load(); n != 2 {
		t.Fatalf("the generation was read %d times, want 2: at most once per check interval", n)
	}
}
