// Package ingest loads prediction files (CSV, gzipped CSV, Parquet) in the default schema into
// the embedded store. A file is checked whole before anything is written, and written in one
// transaction, so a bad file loads nothing.
package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// LoadFile loads path into the writer's table, choosing the reader by the file's name:
// .parquet is Parquet, anything else is CSV (gzip-compressed or not, detected from its bytes).
func LoadFile(ctx context.Context, w *duckdb.Writer, path string) (duckdb.LoadResult, error) {
	existing, err := w.Columns(ctx)
	if err != nil {
		return duckdb.LoadResult{}, err
	}
	if strings.HasSuffix(strings.ToLower(path), ".parquet") {
		return loadParquet(ctx, w, path, existing)
	}
	return loadCSV(ctx, w, path, existing)
}

// kindOf returns a column's fixed kind: the base column's, else the existing table's.
func kindOf(name string, existing []store.Column) (store.Kind, bool) {
	for _, c := range store.BaseColumns {
		if c.Name == name {
			return c.Kind, true
		}
	}
	for _, c := range existing {
		if c.Name == name {
			return c.Kind, true
		}
	}
	return "", false
}

// checkHeader validates column names: identifiers, no duplicates, required columns present.
func checkHeader(path string, names []string) error {
	seen := map[string]bool{}
	for _, n := range names {
		if err := store.ValidIdentifier(n); err != nil {
			return fmt.Errorf("%s: header: %w", path, err)
		}
		if seen[n] {
			return fmt.Errorf("%s: header: column %q appears twice", path, n)
		}
		seen[n] = true
	}
	var missing []string
	for _, r := range store.RequiredColumns {
		if !seen[r] {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: header: required column %s missing; the default schema is %s plus feature columns",
			path, strings.Join(missing, ", "), baseNames())
	}
	return nil
}

func baseNames() string {
	names := make([]string, len(store.BaseColumns))
	for i, c := range store.BaseColumns {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

func loadParquet(ctx context.Context, w *duckdb.Writer, path string, existing []store.Column) (duckdb.LoadResult, error) {
	cols, err := w.ParquetColumns(ctx, path)
	if err != nil {
		return duckdb.LoadResult{}, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	if err := checkHeader(path, names); err != nil {
		return duckdb.LoadResult{}, err
	}
	for i, c := range cols {
		if k, ok := kindOf(c.Name, existing); ok {
			cols[i].Kind = k
			continue
		}
		cols[i].Kind = parquetKind(c.EngineType)
	}
	return w.LoadParquet(ctx, path, cols)
}

// parquetKind maps a Parquet physical type to a feature kind.
func parquetKind(t string) store.Kind {
	switch strings.ToUpper(t) {
	case "BOOLEAN":
		return store.KindBoolean
	case "INT32", "INT64":
		return store.KindInteger
	case "FLOAT", "DOUBLE":
		return store.KindDouble
	}
	return store.KindText
}
