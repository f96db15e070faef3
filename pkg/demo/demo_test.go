package demo_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

var smallDemo = demo.Options{Rows: 2_500, Span: 3 * 24 * time.Hour, End: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), Seed: demo.DefaultSeed}

// rowsOf renders every emitted row as text, so that rows emitted through different calls
// compare whole.
func rowsOf(t *testing.T, emitAll func(duckdb.AppendFunc) error) []string {
	t.Helper()
	var out []string
	if err := emitAll(func(values []driver.Value) error {
		out = append(out, fmt.Sprint([]any{values}...))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGeneratorInBatchesEmitsTheSameRowsAsGenerate(t *testing.T) {
	whole := rowsOf(t, func(emit duckdb.AppendFunc) error { return demo.Generate(smallDemo, emit) })
	g, err := demo.NewGenerator(smallDemo)
	if err != nil {
		t.Fatal(err)
	}
	var calls int
	batched := rowsOf(t, func(emit duckdb.AppendFunc) error {
		for g.Remaining() > 0 {
			calls++
			if err := g.Emit(333, emit); err != nil {
				return err
			}
		}
		return nil
	})
	if calls != 8 {
		t.Errorf("2,500 rows in batches of 333 took %d calls, want 8", calls)
	}
	// basket-forecaster's outage (3 days before the end, 6 hours) emits none of its slots.
	if len(whole) >= smallDemo.Rows || len(whole) < smallDemo.Rows*9/10 || !slices.Equal(whole, batched) {
		t.Fatalf("batched rows differ from one Generate, or the outage is missing: %d and %d rows of %d slots", len(whole), len(batched), smallDemo.Rows)
	}
}

func TestWriteLoadsInBatchesAndCompletesAnInterruptedLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.duckdb")
	w, err := duckdb.OpenWriter(path, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Close() }()
	// A first run stopped by its context after the first batch keeps that batch.
	ctx, cancel := context.WithCancel(context.Background())
	var seen []int
	_, err = demo.Write(ctx, w, smallDemo, 1_000, func(done, total int) {
		seen = append(seen, done)
		cancel()
	})
	if err == nil {
		t.Fatal("a cancelled write reported no error")
	}
	if !slices.Equal(seen, []int{1_000}) {
		t.Fatalf("progress of the cancelled write: %v, want [1000]", seen)
	}
	seen = nil
	res, err := demo.Write(context.Background(), w, smallDemo, 1_000, func(done, total int) {
		if total != smallDemo.Rows {
			t.Errorf("progress total %d, want %d", total, smallDemo.Rows)
		}
		seen = append(seen, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, []int{1_000, 2_000, 2_500}) {
		t.Errorf("progress %v, want [1000 2000 2500]", seen)
	}
	g, err := demo.NewGenerator(smallDemo)
	if err != nil {
		t.Fatal(err)
	}
	first := int64(len(rowsOf(t, func(emit duckdb.AppendFunc) error { return g.Emit(1_000, emit) })))
	all := first + int64(len(rowsOf(t, func(emit duckdb.AppendFunc) error { return g.Emit(smallDemo.Rows, emit) })))
	if res.Read != all || res.Inserted != all-first || res.Skipped != first {
		t.Errorf("result %+v, want %d read, %d inserted, %d skipped", res, all, all-first, first)
	}
}
