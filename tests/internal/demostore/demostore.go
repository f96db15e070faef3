// Package demostore writes the demo data set into a DuckDB store for the tests that start the
// plugin binary against one (host, release, load).
package demostore

import (
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

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

// CSVBatches returns the first rows predictions of the demo data set of o (in time order) as
// CSV bodies of at most batchRows rows each, every body with the header line: what a model
// server sends to the ingest route. o.Rows must leave at least rows predictions after outages.
func CSVBatches(o demo.Options, rows, batchRows int) ([][]byte, error) {
	g, err := demo.NewGenerator(o)
	if err != nil {
		return nil, err
	}
	header := make([]string, len(demo.Columns))
	for i, c := range demo.Columns {
		header[i] = c.Name
	}
	var (
		out  [][]byte
		cur  bytes.Buffer
		n    int
		cell []string
	)
	errEnough := errors.New("enough rows")
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, bytes.Clone(cur.Bytes()))
			cur.Reset()
		}
	}
	err = g.Emit(g.Remaining(), func(values []driver.Value) error {
		if n%batchRows == 0 {
			flush()
			cur.WriteString(strings.Join(header, ",") + "\n")
		}
		cell = cell[:0]
		for _, v := range values[:len(demo.Columns)] {
			cell = append(cell, csvCell(v))
		}
		cur.WriteString(strings.Join(cell, ",") + "\n")
		if n++; n == rows {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	if n < rows {
		return nil, fmt.Errorf("the demo of %d request slots has %d predictions, fewer than %d", o.Rows, n, rows)
	}
	flush()
	return out, nil
}

// csvCell writes a demo value as the loader reads it back exactly.
func csvCell(v driver.Value) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v // the demo's text has no comma, quote or line break
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	}
	panic(fmt.Sprintf("demo value of type %T", v))
}
