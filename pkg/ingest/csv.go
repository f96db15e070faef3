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
	"strconv"
	"strings"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// ErrCRLFInQuotes is a CRLF line break inside a quoted CSV cell, which encoding/csv would read
// as LF: text is stored as given or not at all, so such an input is refused.
var ErrCRLFInQuotes = errors.New("a quoted cell holds a CRLF line break")

// CRLFGuard reads r for a CSV reader and fails with ErrCRLFInQuotes, naming the input and its
// line, at a CRLF line break inside a quoted cell (modelwatch push checks files by the same rule
// before sending them).
func CRLFGuard(r io.Reader, name string) io.Reader {
	return &crlfGuard{r: r, path: name, line: 1}
}

// crlfGuard passes the file's bytes to the CSV reader and fails at a CRLF line break inside a
// quoted cell: encoding/csv would store it as LF, and text is stored as given or not at all.
// A quote toggles the state; an escaped quote ("") toggles it twice.
type crlfGuard struct {
	r          io.Reader
	path       string
	line       int
	quoted, cr bool
}

func (g *crlfGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, b := range p[:n] {
		switch b {
		case '"':
			g.quoted = !g.quoted
		case '\n':
			if g.quoted && g.cr {
				return 0, &fileError{msg: fmt.Sprintf("%s:%d: %v, which the CSV reader would store as LF: "+
					"text is stored as given, so save the file with LF line breaks (or without line breaks inside cells)", g.path, g.line, ErrCRLFInQuotes),
					err: ErrCRLFInQuotes}
			}
			g.line++
		}
		g.cr = b == '\r'
	}
	return n, err
}

// csvFile reads CSV (gzip detected from its first bytes) from the start.
type csvFile struct {
	src io.Closer
	gz  *gzip.Reader
	r   *csv.Reader
}

// newCSV reads CSV from src (closed with the reader); name is the input's name in messages.
func newCSV(src io.ReadCloser, name string) (*csvFile, error) {
	br := bufio.NewReaderSize(src, 1<<20)
	var r io.Reader = br
	cf := &csvFile{src: src}
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			_ = src.Close()
			return nil, fmt.Errorf("not readable gzip: %w", err)
		}
		cf.gz, r = gz, gz
	}
	cf.r = csv.NewReader(CRLFGuard(r, name))
	cf.r.ReuseRecord = true
	return cf, nil
}

func (c *csvFile) Close() {
	if c.gz != nil {
		_ = c.gz.Close()
	}
	_ = c.src.Close()
}

// names reads the first record as column names, exactly as written (a byte order mark
// before the first name is dropped: it marks the encoding, it is not part of the name).
func (c *csvFile) names() ([]string, error) {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("the input is empty: expected a header line with %s", baseNames())
	}
	if err != nil {
		return nil, err
	}
	names := make([]string, len(rec))
	copy(names, rec)
	if len(names) > 0 {
		names[0] = strings.TrimPrefix(names[0], "\ufeff")
	}
	return names, nil
}

// each calls fn with every data record and a function giving the line a field starts on.
func (c *csvFile) each(fn func(rec []string, line func(field int) int) error) error {
	line := func(field int) int {
		l, _ := c.r.FieldPos(field)
		return l
	}
	for {
		rec, err := c.r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(rec, line); err != nil {
			return err
		}
	}
}

// loadRecords checks the whole input (types, timestamps, required values, UTF-8), deciding the
// kind of new feature columns from their values, then reads it again to append the rows.
func loadRecords(ctx context.Context, w Writer, src source, existing []store.Column) (duckdb.LoadResult, error) {
	kinds := storedKinds(existing)
	cols, err := scanRecords(src, kinds)
	if err != nil {
		return duckdb.LoadResult{}, invalid(err)
	}
	in, err := src.open()
	if err != nil {
		return duckdb.LoadResult{}, err
	}
	defer in.Close()
	if _, err := in.names(); err != nil {
		return duckdb.LoadResult{}, err
	}
	values := make([]driver.Value, len(cols)+1)
	return w.Load(ctx, cols, func(appendRow duckdb.AppendFunc) error {
		return in.each(func(rec []string, line func(int) int) error {
			for i, c := range cols {
				v, err := fromText(c, rec[i])
				if err != nil {
					return atLine(src.name, line(i), c.Name, err)
				}
				values[i] = v
			}
			values[len(cols)] = int64(line(0))
			return appendRow(values)
		})
	})
}

// scanRecords is the first pass: every cell must be valid UTF-8 and every value must convert to
// its column's kind; a new feature column is boolean, integer or double when all its values
// are, else text. Every bad value is reported (up to MaxReasons), not only the first.
func scanRecords(src source, kinds map[string]store.Kind) ([]store.Column, error) {
	in, err := src.open()
	if err != nil {
		return nil, err
	}
	defer in.Close()
	names, err := in.names()
	if err != nil {
		return nil, err
	}
	if err := checkHeader(names, kinds); err != nil {
		return nil, err
	}
	cols := make([]store.Column, len(names))
	inferred := make([]*inference, len(names))
	for i, n := range names {
		cols[i] = store.Column{Name: n, Role: store.RoleOf(n)}
		if k, ok := kinds[n]; ok {
			cols[i].Kind = k
		} else {
			inferred[i] = &inference{boolean: true, integer: true, double: true}
		}
	}
	rows := 0
	var bad refusal
	err = in.each(func(rec []string, line func(int) int) error {
		rows++
		if src.maxRows > 0 && rows > src.maxRows {
			return fmt.Errorf("%w: more than %d rows in one batch: send at most %d", ErrTooLarge, src.maxRows, src.maxRows)
		}
		for i, c := range cols {
			if inferred[i] == nil {
				_, err = fromText(c, rec[i])
			} else {
				err = inferred[i].see(rec[i])
			}
			if err != nil {
				if full := bad.add(atLine(src.name, cellLine(line(i), rec[i], err), c.Name, err)); full {
					return &bad.Refusal
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, bad.or(err)
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	if rows == 0 {
		return nil, errors.New("no data rows after the header")
	}
	for i, inf := range inferred {
		if inf != nil {
			cols[i].Kind = inf.kind()
		}
	}
	return cols, nil
}

// cellLine is the line of an error inside a cell that spans lines: the line of the bad byte
// for invalid UTF-8, else the line the cell starts on.
func cellLine(start int, cell string, err error) int {
	var ue *utf8Error
	if errors.As(err, &ue) {
		return start + strings.Count(cell[:ue.at], "\n")
	}
	return start
}

// inference narrows a new column's kind as values are seen. Only an empty cell says nothing; a
// cell of spaces is text.
type inference struct{ boolean, integer, double bool }

func (f *inference) see(raw string) error {
	if raw == "" {
		return nil
	}
	if err := checkUTF8(raw); err != nil {
		return err
	}
	s := strings.TrimSpace(raw)
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
		f.double = err == nil || errors.Is(err, strconv.ErrRange)
	}
	return nil
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
