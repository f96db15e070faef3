package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Format is how an input's rows are written.
type Format string

// The formats an input may have: CSV (with a header line) or JSON lines (one object per line).
// Either may be gzip-compressed.
const (
	FormatCSV       Format = "csv"
	FormatJSONLines Format = "jsonl"
)

// FormatOfPath is the format a file's name says: .jsonl or .ndjson (optionally .gz) are JSON
// lines; anything else is CSV.
func FormatOfPath(path string) Format {
	p := strings.TrimSuffix(strings.ToLower(path), ".gz")
	if strings.HasSuffix(p, ".jsonl") || strings.HasSuffix(p, ".ndjson") {
		return FormatJSONLines
	}
	return FormatCSV
}

// ErrTooLarge is an input over a bound (rows of a batch, line length): the caller should send
// it in smaller parts.
var ErrTooLarge = errors.New("input too large")

// ErrInvalid marks an input refused for what it holds (its header, its values, its framing):
// sending it again unchanged cannot succeed. Its message is the reason itself.
var ErrInvalid = errors.New("input refused")

// invalidInput marks err as the input's fault, keeping its message.
type invalidInput struct{ error }

func (e invalidInput) Is(target error) bool { return target == ErrInvalid }
func (e invalidInput) Unwrap() error        { return e.error }

// invalid marks the error of an input's check (nil stays nil).
func invalid(err error) error {
	if err == nil {
		return nil
	}
	return invalidInput{err}
}

// MaxReasons is the most refused values one input's error lists.
const MaxReasons = 100

// input is a table of text cells read from CSV or JSON lines. In both, an empty cell (a JSON
// null or "") is a missing value.
type input interface {
	// names are the columns: the CSV header, or every key of the JSON lines in first-seen order.
	names() ([]string, error)
	// each calls fn with every row, cells in names' order, and a function giving the line a
	// cell starts on.
	each(fn func(rec []string, line func(field int) int) error) error
	Close()
}

// source opens one input from its start (it is read twice: checked whole, then written).
type source struct {
	name    string // the input's name in messages: a path, or "body"
	open    func() (input, error)
	maxRows int // 0: unbounded
}

// fileSource reads a file on disk in the format its name says.
func fileSource(path string) source {
	reader := func() (io.ReadCloser, error) {
		return os.Open(path) //nolint:gosec // G304: the operator names the file (modelwatch load --file)
	}
	return readerSource(path, FormatOfPath(path), reader)
}

// bodySource reads an in-memory request body (gzip detected from its bytes).
func bodySource(name string, format Format, body []byte, maxRows int) source {
	reader := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	src := readerSource(name, format, reader)
	src.maxRows = maxRows
	return src
}

func readerSource(name string, format Format, reader func() (io.ReadCloser, error)) source {
	return source{name: name, open: func() (input, error) {
		if format == FormatJSONLines {
			return openJSONLines(reader, name)
		}
		r, err := reader()
		if err != nil {
			return nil, err
		}
		return newCSV(r, name)
	}}
}

// RowError is one refused value: its input, line and column, and what is wrong.
type RowError struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

// Refusal is an input refused whole for its values: every reason, up to MaxReasons.
type Refusal struct {
	errs []error
	// More says that more values were wrong than are listed.
	More bool
}

// Reasons are the refused values, in input order.
func (r *Refusal) Reasons() []RowError {
	out := make([]RowError, 0, len(r.errs))
	for _, err := range r.errs {
		var fe *fileError
		if errors.As(err, &fe) && fe.line > 0 {
			out = append(out, RowError{Line: fe.line, Column: fe.column, Reason: fe.err.Error()})
			continue
		}
		out = append(out, RowError{Reason: err.Error()})
	}
	return out
}

func (r *Refusal) Error() string {
	msgs := make([]string, len(r.errs))
	for i, err := range r.errs {
		msgs[i] = err.Error()
	}
	msg := strings.Join(msgs, "\n")
	if r.More {
		msg += fmt.Sprintf("\n(more than %d values are wrong: the first %d are listed)", MaxReasons, MaxReasons)
	}
	return msg
}

// Unwrap gives the first reason (the error a single-value check would have returned).
func (r *Refusal) Unwrap() error { return r.errs[0] }

// refusal collects the reasons of a first pass.
type refusal struct{ Refusal }

// add records a reason; it says when the list is full (the pass should stop).
func (r *refusal) add(err error) (full bool) {
	if len(r.errs) == MaxReasons {
		r.More = true
		return true
	}
	r.errs = append(r.errs, err)
	return false
}

// err is the refusal, or nil when no value was wrong. A single reason is returned as itself.
func (r *refusal) err() error {
	switch len(r.errs) {
	case 0:
		return nil
	case 1:
		return r.errs[0]
	}
	return &r.Refusal
}

// or ends a pass stopped by err: the reasons when the list filled up; else err after the
// values refused before it (a bound exceeded is returned alone: the input must be split first).
func (r *refusal) or(err error) error {
	if r.More {
		return &r.Refusal
	}
	if len(r.errs) == 0 || errors.Is(err, ErrTooLarge) {
		return err
	}
	r.errs = append(r.errs, err)
	return &r.Refusal
}

// Reasons lists the refused values of an input's error: every reason of a Refusal, or the one
// value of a single error (nil when the error names no value).
func Reasons(err error) []RowError {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reasons()
	}
	var fe *fileError
	if errors.As(err, &fe) && fe.line > 0 {
		return []RowError{{Line: fe.line, Column: fe.column, Reason: fe.err.Error()}}
	}
	return nil
}
