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

// A new table was created with the base columns and then one ALTER TABLE per feature, each
// rewriting the catalog entry: quadratic in columns, 6 to 10 s for 1,000 columns here where one
// CREATE TABLE takes well under a second. The bound is loose so that a busy machine does not
// fail it; the quadratic path exceeds it several times over.
func TestNewWideTableIsCreatedInLinearWork(t *testing.T) {
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
	start := time.Now()
	res, err := w.Load(context.Background(), cols, func(emit duckdb.AppendFunc) error {
		return emit(append(row, int64(2)))
	})
	if err != nil || res.Inserted != 1 {
		t.Fatalf("load: %+v, %v", res, err)
	}
	if elapsed := time.Since(start); elapsed > 4*time.Second {
		t.Fatalf("creating a 1,000-column table took %s", elapsed)
	}
	got, err := w.Columns(context.Background())
	if err != nil || len(got) != 1000+7 {
		t.Fatalf("table has %d columns (%v), want the 11 base columns and 996 features", len(got), err)
	}
}
