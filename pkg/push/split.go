package push

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mlops/modelwatch/pkg/ingest"
)

// Reader reads a prediction or label file (CSV, JSON lines, either gzipped) in batches.
type Reader struct {
	path   string
	format Format
	f      *os.File
	gz     *gzip.Reader
	count  *countingReader
	size   int64

	csv        *csv.Reader
	header     []string
	headerLine int

	lines  *bufio.Reader
	line   int
	offset int64 // bytes of the JSON lines read
}

// Open opens path, choosing the format by its name (.jsonl or .ndjson, before an optional
// .gz, are JSON lines; anything else is CSV) and detecting gzip from its first bytes. A CSV
// file's header is read at once. Parquet is refused: it would have to be converted row by row
// to text, and the loader's exact Parquet rules (decimals, NULL against empty text, zoneless
// timestamps) would not survive the trip.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path) //nolint:gosec // G304: the operator names the file (modelwatch push --file)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	r := &Reader{path: path, f: f, size: st.Size(), count: &countingReader{r: f}}
	br := bufio.NewReaderSize(r.count, 64<<10)
	var src io.Reader = br
	magic, _ := br.Peek(4)
	// The format is the name's without .gz (as the loader reads it): gzip is told by the bytes.
	name := strings.TrimSuffix(strings.ToLower(path), ".gz")
	if strings.HasSuffix(name, ".parquet") || bytes.Equal(magic, []byte("PAR1")) {
		_ = f.Close()
		return nil, fmt.Errorf("%s: Parquet files cannot be pushed: convert it to CSV or JSON lines, "+
			"or load it with modelwatch load on a store no server holds", path)
	}
	if len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if r.gz, err = gzip.NewReader(br); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("%s: not a readable gzip file: %w", path, err)
		}
		src = r.gz
	}
	if ingest.FormatOfPath(path) == ingest.FormatJSONLines {
		r.format = JSONLines
		r.lines = bufio.NewReaderSize(src, 64<<10)
		return r, nil
	}
	r.format = CSV
	r.csv = csv.NewReader(ingest.CRLFGuard(src, path))
	if err := r.readHeader(); err != nil {
		_ = r.Close()
		return nil, err
	}
	return r, nil
}

// Format is the file's format.
func (r *Reader) Format() Format { return r.format }

// Progress is the share of the file read so far, from 0 to 1: by the bytes of the rows read
// from a plain file, by the compressed bytes read (ahead in buffers) from a gzipped one.
func (r *Reader) Progress() float64 {
	if r.size == 0 {
		return 1
	}
	n := r.count.n
	switch {
	case r.gz != nil:
	case r.csv != nil:
		n = r.csv.InputOffset()
	default:
		n = r.offset
	}
	return min(1, float64(n)/float64(r.size))
}

// Close closes the file.
func (r *Reader) Close() error {
	if r.gz != nil {
		_ = r.gz.Close()
	}
	return r.f.Close()
}

func (r *Reader) readHeader() error {
	rec, err := r.csv.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: the file is empty: expected a header line with the column names", r.path)
	}
	if err != nil {
		return r.csvError(err)
	}
	r.headerLine, _ = r.csv.FieldPos(0)
	r.header = rec
	// A byte order mark marks the encoding; it is not part of the first name.
	r.header[0] = strings.TrimPrefix(r.header[0], "\ufeff")
	return nil
}

// Next reads the next batch of at most n rows; io.EOF when the file has no more rows.
func (r *Reader) Next(n int) (*Batch, error) {
	b := &Batch{format: r.format, header: r.header, headerLine: r.headerLine}
	for len(b.rows) < n {
		row, err := r.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		b.rows = append(b.rows, row)
	}
	if len(b.rows) == 0 {
		return nil, io.EOF
	}
	return b, nil
}

func (r *Reader) next() (row, error) {
	if r.format == CSV {
		rec, err := r.csv.Read()
		if err != nil {
			return row{}, r.csvError(err)
		}
		line, _ := r.csv.FieldPos(0)
		return row{line: line, cells: rec}, nil
	}
	return r.nextJSON()
}

func (r *Reader) csvError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, ingest.ErrCRLFInQuotes) {
		return err // the guard's error names the file and line already
	}
	// csv.ParseError says "record on line N: ..." (or "parse error on line N, column C: ...").
	return fmt.Errorf("%s: %w", r.path, err)
}

func (r *Reader) nextJSON() (row, error) {
	text, err := r.readLine()
	if err != nil {
		return row{}, err
	}
	r.line++
	text = bytes.TrimSuffix(text, []byte("\r"))
	trimmed := bytes.TrimSpace(text)
	switch {
	case len(trimmed) == 0:
		return row{}, fmt.Errorf("%s:%d: the line is empty: JSON lines holds one object per line, with no empty lines", r.path, r.line)
	case trimmed[0] != '{' || !json.Valid(trimmed):
		return row{}, fmt.Errorf("%s:%d: not a JSON object: %s", r.path, r.line, cut(string(trimmed)))
	}
	return row{line: r.line, text: bytes.Clone(text)}, nil
}

// readLine reads one line without its line break; io.EOF after the last line (a file ending in
// a line break has no empty line after it).
func (r *Reader) readLine() ([]byte, error) {
	var line []byte
	for {
		part, err := r.lines.ReadSlice('\n')
		line = append(line, part...)
		if len(line) > MaxJSONLine {
			return nil, fmt.Errorf("%s:%d: the line is longer than %d MiB: one JSON object per line, each a prediction or a label", r.path, r.line+1, MaxJSONLine>>20)
		}
		switch {
		case err == nil:
			r.offset += int64(len(line))
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			r.offset += int64(len(line))
			return line, nil
		default:
			if errors.Is(err, io.EOF) {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("%s:%d: %w", r.path, r.line+1, err)
		}
	}
}

// countingReader counts the bytes read from the file, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// cut shortens a text for an error message.
func cut(s string) string {
	const most = 200
	if len(s) <= most {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q... (%d bytes)", s[:most], len(s))
}
