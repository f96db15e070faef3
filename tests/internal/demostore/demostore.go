// Package demostore writes the demo data set into a DuckDB store for the tests that start the
// plugin binary against one (host, release, load).
package demostore

import (
	"context"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// Write writes the demo predictions of o into a new store at path, as `modelwatch demo` does,
// and returns how many it wrote (o.Rows request slots less those of the demo's outages).
func Write(path string, o demo.Options) (int64, error) {
	w, err := duckdb.OpenWriter(path, "predictions")
	if err != nil {
		return 0, err
	}
	res, err := demo.Write(context.Background(), w, o, 0, nil)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return res.Inserted, err
}
