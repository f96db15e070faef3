package duckdb_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

func writeRows(t *testing.T, path string, rows [][]driver.Value) {
	t.Helper()
	loadRows(t, path, []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "predicted_label", Kind: store.KindText}, {Name: "actual_label", Kind: store.KindText},
	}, rows)
}

// loadRows loads rows of the given columns into the store at path, each row's line number
// appended, as the loader records it.
func loadRows(t *testing.T, path string, cols []store.Column, rows [][]driver.Value) {
	t.Helper()
	w, err := duckdb.OpenWriter(path, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Load(context.Background(), cols, func(emit duckdb.AppendFunc) error {
		for i, r := range rows {
			if err := emit(append(r, int64(i+2))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// storeOf loads rows of the given columns into a new store and opens it for queries, closed
// when the test ends.
func storeOf(t *testing.T, cols []store.Column, rows [][]driver.Value) store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.duckdb")
	loadRows(t, path, cols, rows)
	st, err := duckdb.Open(path, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func sample(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "p.duckdb")
	ts := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	writeRows(t, path, [][]driver.Value{
		{"1", ts, "m", "A", "yes", "yes"},
		{"2", ts, "m", "B", "no", "yes"},
		{"3", ts, "other", "v1", "no", nil},
	})
	return path
}

// The query connection must not reach files, extensions or settings: Grafana's own DuckDB
// incident (CVE-2024-9264) came from SQL reading the file system.
func TestQueryConnectionIsLockedDown(t *testing.T) {
	st, err := duckdb.Open(sample(t), "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	for name, stmt := range map[string]string{
		"read a file":           "SELECT * FROM read_csv('/etc/passwd')",
		"write":                 "INSERT INTO predictions (prediction_id, ts, model, model_version) VALUES ('x', now(), 'm', 'A')",
		"re-enable file access": "SET enable_external_access = true",
		"install an extension":  "INSTALL httpfs",
		"load an extension":     "LOAD httpfs",
		"attach another file":   "ATTACH '/tmp/other.duckdb'",
		"copy out to a file":    "COPY predictions TO '/tmp/leak.csv'",
	} {
		if _, err := st.DB().ExecContext(ctx, stmt); err == nil {
			t.Errorf("%s: %q succeeded on a query connection", name, stmt)
		}
	}
	if _, err := st.Count(ctx); err != nil {
		t.Fatalf("reads must still work: %v", err)
	}
}

func TestLookups(t *testing.T) {
	st, err := duckdb.Open(sample(t), "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	models, _ := st.Models(ctx)
	versions, _ := st.Versions(ctx, "m")
	classes, _ := st.Classes(ctx, "m")
	if strings.Join(models, ",") != "m,other" || strings.Join(versions, ",") != "A,B" || strings.Join(classes, ",") != "no,yes" {
		t.Fatalf("models %v versions %v classes %v", models, versions, classes)
	}
	sch, err := st.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := sch.Column("ts"); !ok || c.Kind != store.KindTimestamp || c.Role != store.RoleTimestamp {
		t.Fatalf("ts column: %+v", c)
	}
}

func TestOpenErrorsSayWhatToDo(t *testing.T) {
	cases := map[string]string{
		filepath.Join(t.TempDir(), "missing.duckdb"): "modelwatch demo",
		"":                   "no DuckDB file configured",
		"/tmp/a\x00b.duckdb": "control character",
	}
	for path, want := range cases {
		_, err := duckdb.Open(path, "predictions")
		if !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), want) {
			t.Errorf("path %q: want ErrUnavailable mentioning %q, got %v", path, want, err)
		}
	}
	st, err := duckdb.Open(sample(t), "no_such_table")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Schema(context.Background()); !errors.Is(err, store.ErrSchema) {
		t.Fatalf("missing table: want ErrSchema, got %v", err)
	}
}
