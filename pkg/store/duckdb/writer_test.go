package duckdb_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// A new table of the column limit's width is created whole, every feature with its kind (it was
// built with one ALTER TABLE per feature, quadratic in columns; the time is a benchmark's
// business, not this test's).
func TestNewWideTableIsCreatedWhole(t *testing.T) {
	w, err := duckdb.OpenWriter(filepath.Join(t.TempDir(), "p.duckdb"), "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
	}
	row := []driver.Value{"p1", time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), "m", "A"}
	for i := len(cols); i < 1000; i++ {
		cols = append(cols, store.Column{Name: fmt.Sprintf("f%d", i), Kind: store.KindDouble, Role: store.RoleFeature})
		row = append(row, float64(i))
	}
	res, err := w.Load(context.Background(), cols, func(emit duckdb.AppendFunc) error {
		return emit(append(row, int64(2)))
	})
	if err != nil || res.Inserted != 1 {
		t.Fatalf("load: %+v, %v", res, err)
	}
	got, err := w.Columns(context.Background())
	if err != nil || len(got) != 1000+7 {
		t.Fatalf("table has %d columns (%v), want the 11 base columns and 996 features", len(got), err)
	}
}

// A load writes its rows in time order, whatever order they came in (and the anti-join on
// prediction_id leaves them in): each row group of the table then spans a short time, so that
// a query over a few hours skips the others by their zone maps.
func TestLoadWritesRowsInTimeOrder(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
	}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const n = 50_000
	if _, err := w.Load(context.Background(), cols, func(emit duckdb.AppendFunc) error {
		for i := range n { // latest first, interleaved
			j := (i * 7919) % n
			if err := emit([]driver.Value{fmt.Sprintf("p%d", j), start.Add(time.Duration(n-j) * time.Second), "m", "A", int64(i + 2)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := sql.Open("duckdb", db+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var unordered int
	if err := c.QueryRow(`SELECT count(*) FROM (SELECT ts < lag(ts) OVER (ORDER BY rowid) AS back FROM predictions) WHERE back`).Scan(&unordered); err != nil {
		t.Fatal(err)
	}
	if unordered > 0 {
		t.Errorf("%d rows are stored before an earlier one: the load did not write them in time order", unordered)
	}
}
