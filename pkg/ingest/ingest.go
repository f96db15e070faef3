// Package ingest loads prediction files (CSV, gzipped CSV, Parquet) in the default schema into
// the embedded store. The loader never guesses: a value that does not fit its column exactly is
// an error naming the file, the line (or Parquet row) and the column. A file is checked whole
// before anything is written, and written in one transaction, so a bad file loads nothing.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// MaxColumns is the most columns a file, and the table it loads into, may have. PostgreSQL
// refuses tables wider than 1,600 columns, so a store loaded here stays portable to the server
// engines; every query discovers the schema and "all features" drift runs per column, so a
// wider table makes every dashboard slow; and no model we monitor has anywhere near 1,000
// inputs. Refusing early also bounds the memory a malformed header (a data line read as the
// header, a file with no line breaks) can take.
const MaxColumns = 1000

// Writer is a store's loader of predictions: the embedded store's (duckdb.Writer) or a server's
// (postgres.Writer).
type Writer interface {
	// Columns lists the prediction table's columns (none when it does not exist yet).
	Columns(ctx context.Context) ([]store.Column, error)
	// Load appends the rows fill emits, of the given columns, in one transaction: every new
	// row, the ones already stored by prediction_id skipped, or nothing.
	Load(ctx context.Context, columns []store.Column, fill func(store.AppendFunc) error) (store.LoadResult, error)
}

var _ Writer = (*duckdb.Writer)(nil)

// LoadFile loads path into the writer's table, choosing the reader by the file's name:
// .parquet is Parquet, anything else is CSV (gzip-compressed or not, detected from its bytes).
// Every error it returns starts with the file's name.
func LoadFile(ctx context.Context, w Writer, path string) (store.LoadResult, error) {
	res, err := loadFile(ctx, w, path)
	if err != nil {
		return res, inFile(path, err)
	}
	return res, nil
}

func loadFile(ctx context.Context, w Writer, path string) (store.LoadResult, error) {
	existing, err := w.Columns(ctx)
	if err != nil {
		return duckdb.LoadResult{}, err
	}
	if strings.HasSuffix(strings.ToLower(path), ".parquet") {
		return loadParquet(ctx, w, path, existing)
	}
	return loadRecords(ctx, w, fileSource(path), existing)
}

// fileError is an error whose message already names its file (and line, row and column).
type fileError struct {
	msg string
	err error
	// line and column locate a refused value (0 and "": the error is not about one value).
	line   int
	column string
}

func (e *fileError) Error() string { return e.msg }
func (e *fileError) Unwrap() error { return e.err }

// inFile prefixes an error with the file's name unless it already names it (a wrapped
// fileError is complete on its own).
func inFile(path string, err error) error {
	var fe *fileError
	if errors.As(err, &fe) {
		return fe
	}
	return &fileError{msg: path + ": " + err.Error(), err: err}
}

// atLine is a CSV value's error: file:line: column "x": what is wrong.
func atLine(path string, line int, column string, err error) error {
	return &fileError{msg: fmt.Sprintf("%s:%d: column %q: %v", path, line, column, err), err: err, line: line, column: column}
}

// atRow is a Parquet value's error: file: row n: column "x": what is wrong.
func atRow(path string, row int64, column string, err error) error {
	return &fileError{msg: fmt.Sprintf("%s: row %d: column %q: %v", path, row, column, err), err: err, line: int(row), column: column}
}

// storedKinds maps every column the table has (the base columns when it does not exist yet)
// to its kind.
func storedKinds(existing []store.Column) map[string]store.Kind {
	kinds := make(map[string]store.Kind, len(store.BaseColumns)+len(existing))
	for _, c := range store.BaseColumns {
		kinds[c.Name] = c.Kind
	}
	for _, c := range existing {
		kinds[c.Name] = c.Kind
	}
	return kinds
}

// checkHeader validates column names: not more than MaxColumns (in the file and in the table
// it grows), identifiers, no duplicates, required columns present. The width is checked first
// so that a huge header costs one pass.
func checkHeader(names []string, kinds map[string]store.Kind) error {
	if len(names) > MaxColumns {
		return fmt.Errorf("header: %d columns, more than the limit of %d: is the first line really the header? (a table that wide is refused so that every engine can hold it)",
			len(names), MaxColumns)
	}
	seen := make(map[string]bool, len(names))
	added := 0
	for _, n := range names {
		if len(n) > 200 {
			return fmt.Errorf("header: column name %s is not a valid name: at most 63 characters", cut(n))
		}
		if err := store.ValidIdentifier(n); err != nil {
			return fmt.Errorf("header: %w", err)
		}
		if seen[n] {
			return fmt.Errorf("header: column %q appears twice", n)
		}
		seen[n] = true
		if _, ok := kinds[n]; !ok {
			added++
		}
	}
	if total := len(kinds) + added; total > MaxColumns {
		return fmt.Errorf("header: the table would have %d columns (%d stored, %d new in this file), more than the limit of %d: load these features into another table (--table)",
			total, len(kinds), added, MaxColumns)
	}
	var missing []string
	for _, r := range store.RequiredColumns {
		if !seen[r] {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("header: required column %s missing; the default schema is %s plus feature columns",
			strings.Join(missing, ", "), baseNames())
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
