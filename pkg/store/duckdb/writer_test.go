package duckdb_test

import (
	"context"
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
