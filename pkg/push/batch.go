package push

import (
	"bytes"
	"encoding/csv"
	"sort"
	"strings"
)

// Format is how a file's rows are written, and so how a batch of them is sent.
type Format int

const (
	// CSV is a header line and one record per row (a record may span lines in quoted cells).
	CSV Format = iota
	// JSONLines is one JSON object per line.
	JSONLines
)

// ContentType is the batch's media type for the ingest routes.
func (f Format) ContentType() string {
	if f == JSONLines {
		return "application/x-ndjson"
	}
	return "text/csv"
}

// MaxJSONLine is the longest JSON line read (16 MiB): a longer one is refused with its line
// number rather than read whole into memory; no prediction row is anywhere near it.
const MaxJSONLine = 16 << 20

// row is one record of a file: the line it starts on and its cells (CSV) or its text (JSON).
type row struct {
	line  int
	cells []string
	text  []byte
}

// Batch is a run of consecutive rows of one file, sent as one request.
type Batch struct {
	format     Format
	header     []string
	headerLine int
	rows       []row
}

// Rows is the number of rows the batch holds.
func (b *Batch) Rows() int { return len(b.rows) }

// FirstLine is the line of the file the batch's first row starts on.
func (b *Batch) FirstLine() int { return b.rows[0].line }

// split cuts the batch into batches of at most n rows, in order.
func (b *Batch) split(n int) []*Batch {
	var out []*Batch
	for i := 0; i < len(b.rows); i += n {
		part := *b
		part.rows = b.rows[i:min(i+n, len(b.rows))]
		out = append(out, &part)
	}
	return out
}

// Body is the batch as the server reads it: CSV with the file's header first (re-encoded, so
// quoted cells stay quoted), or the JSON lines.
func (b *Batch) Body() ([]byte, error) {
	var buf bytes.Buffer
	if b.format == JSONLines {
		for _, r := range b.rows {
			buf.Write(r.text)
			buf.WriteByte('\n')
		}
		return buf.Bytes(), nil
	}
	w := csv.NewWriter(&buf)
	if err := w.Write(b.header); err != nil {
		return nil, err
	}
	for _, r := range b.rows {
		if err := w.Write(r.cells); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// FileLine translates a line of the batch's body (as the server numbers them: from 1, a CSV
// header being line 1) to the line of the file it came from.
func (b *Batch) FileLine(line int) (int, bool) {
	if line < 1 {
		return 0, false
	}
	if b.format == JSONLines {
		if line > len(b.rows) {
			return 0, false
		}
		return b.rows[line-1].line, true
	}
	if line == 1 {
		return b.headerLine, true
	}
	// Rows start one after another; a row spans one line more per line break in its cells
	// (csv.Writer writes them as they are, and the reader kept the file's count of them).
	start := 2
	starts := make([]int, len(b.rows))
	for i, r := range b.rows {
		starts[i] = start
		start += 1 + strings.Count(strings.Join(r.cells, ""), "\n")
	}
	if line >= start {
		return 0, false
	}
	i := sort.SearchInts(starts, line+1) - 1
	return b.rows[i].line + line - starts[i], true
}
