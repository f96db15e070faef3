// Package demostore writes the demo data set into a DuckDB store for the tests that start the
// plugin binary against one (host, release, load).
package demostore

import (
	"context"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// Write writes the demo predictions of o into a new store at path, as `modelwatch demo` does.
func Write(path string, o demo.Options) error {
	w, err := duckdb.OpenWriter(path, "predictions")
	if err != nil {
		return err
	}
	_, err = demo.Write(context.Background(), w, o, 0, nil)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}
