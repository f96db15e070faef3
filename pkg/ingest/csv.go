package ingest

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql/driver"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// csvFile reads a CSV file (gzip detected from its first bytes) from the start.
type csvFile struct {
	path string
	f    *os.File
	gz   *gzip.Reader
	r    *csv.Reader
}

func openCSV(path string) (*csvFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 1<<20)
	var src io.Reader = br
	cf := &csvFile{path: path, f: f}
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if cf.gz, err = gzip.NewReader(br); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("%s: not a readable gzip file: %w", path, err)
		}
		src = cf.gz
	}
	cf.r = csv.NewReader(src)
	cf.r.ReuseRecord = true
	return cf, nil
}

func (c *csvFile) Close() {
	if c.gz != nil {
		_ = c.gz.Close()
	}
	_ = c.f.Close()
}

// header reads the first record as column names.
func (c *csvFile) header() ([]string, error) {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: the file is empty: expected a header line with %s", c.path, baseNames())
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.path, err)
	}
	names := make([]string, len(rec))
	for i, n := range rec {
		names[i] = strings.TrimSpace(strings.TrimPrefix(n, "\ufeff"))
	}
	return names, checkHeader(c.path, names)
}

// each calls fn with every data record and its line number.
func (c *csvFile) each(fn func(line int, rec []string) error) error {
	for {
		rec, err := c.r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", c.path, err)
		}
		line, _ := c.r.FieldPos(0)
		if err := fn(line, rec); err != nil {
			return err
		}
	}
}

// loadCSV checks the whole file (types, timestamps, required values), deciding the kind of new
// feature columns from their values, then reads it again to append the rows.
func loadCSV(ctx context.Context, w *duckdb.Writer, path string, existing []store.Column) (duckdb.LoadResult, error) {
	cols, err := scanCSV(path, existing)
	if err != nil {
		return duckdb.LoadResult{}, err
	}
	cf, err := openCSV(path)
	if err != nil {
		return duckdb.LoadResult{}, err
	}
	defer cf.Close()
	if _, err := cf.header(); err != nil {
		return duckdb.LoadResult{}, err
	}
	values := make([]driver.Value, len(cols)+1)
	return w.Load(ctx, cols, func(appendRow duckdb.AppendFunc) error {
		return cf.each(func(line int, rec []string) error {
			for i, c := range cols {
				v, err := convert(c, rec[i])
				if err != nil {
					return fmt.Errorf("%s:%d: column %q: %w", path, line, c.Name, err)
				}
				values[i] = v
			}
			values[len(cols)] = int64(line)
			return appendRow(values)
		})
	})
}

// scanCSV is the first pass: every value must convert to its column's kind; a new feature
// column is boolean, integer or double when all its values are, else text.
func scanCSV(path string, existing []store.Column) ([]store.Column, error) {
	cf, err := openCSV(path)
	if err != nil {
		return nil, err
	}
	defer cf.Close()
	names, err := cf.header()
	if err != nil {
		return nil, err
	}
	cols := make([]store.Column, len(names))
	inferred := make([]*inference, len(names))
	for i, n := range names {
		cols[i] = store.Column{Name: n, Role: store.RoleOf(n)}
		if k, ok := kindOf(n, existing); ok {
			cols[i].Kind = k
		} else {
			inferred[i] = &inference{boolean: true, integer: true, double: true}
		}
	}
	rows := 0
	err = cf.each(func(line int, rec []string) error {
		rows++
		for i, c := range cols {
			if inferred[i] != nil {
				inferred[i].see(rec[i])
				continue
			}
			if _, err := convert(c, rec[i]); err != nil {
				return fmt.Errorf("%s:%d: column %q: %w", path, line, c.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if rows == 0 {
		return nil, fmt.Errorf("%s: no data rows after the header", path)
	}
	for i, inf := range inferred {
		if inf != nil {
			cols[i].Kind = inf.kind()
		}
	}
	return cols, nil
}

// inference narrows a new column's kind as values are seen.
type inference struct{ boolean, integer, double bool }

func (f *inference) see(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	if f.boolean {
		_, err := parseBool(s)
		f.boolean = err == nil
	}
	if f.integer {
		_, err := strconv.ParseInt(s, 10, 64)
		f.integer = err == nil
	}
	if f.double {
		_, err := strconv.ParseFloat(s, 64)
		f.double = err == nil
	}
}

func (f *inference) kind() store.Kind {
	switch {
	case f.boolean:
		return store.KindBoolean
	case f.integer:
		return store.KindInteger
	case f.double:
		return store.KindDouble
	}
	return store.KindText
}

// convert parses one CSV value for a column. An empty value is NULL (refused for required
// columns); NaN in a numeric column is NULL too.
func convert(c store.Column, raw string) (driver.Value, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		for _, r := range store.RequiredColumns {
			if r == c.Name {
				return nil, errors.New("a value is required")
			}
		}
		return nil, nil
	}
	switch c.Kind {
	case store.KindText:
		return raw, nil
	case store.KindTimestamp:
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an RFC 3339 timestamp (write it like 2026-03-01T12:00:00Z)", s)
		}
		return t.UTC(), nil
	case store.KindDouble:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		if math.IsNaN(v) {
			return nil, nil
		}
		return v, nil
	case store.KindInteger:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", s)
		}
		return v, nil
	case store.KindBoolean:
		v, err := parseBool(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not a boolean (true or false)", s)
		}
		return v, nil
	}
	return nil, fmt.Errorf("column kind %q is not supported", c.Kind)
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errors.New("not a boolean")
}
