// Package push sends prediction and label files to a running data source through Grafana's
// HTTP API (the data source's ingest routes), so that a store a server holds is written by
// that server only. Files are read in batches of rows, each sent gzipped, one at a time, in
// order: the server takes or refuses a batch whole, and a batch sent again adds nothing
// (predictions are idempotent on prediction_id), so any batch can be retried safely.
package push

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Batch sizes in rows: the default, and the most --batch-rows takes (a larger batch only
// meets the server's size limit and is halved again).
const (
	DefaultBatchRows = 10000
	MaxBatchRows     = 100000
)

// maxReasons is the most row faults of a refused batch that are printed.
const maxReasons = 20

// Options are a push's settings.
type Options struct {
	Route     Route
	BatchRows int
	Progress  *Progress // nil: none
}

// CheckBatchRows refuses a batch size out of range.
func CheckBatchRows(n int) error {
	if n < 1 || n > MaxBatchRows {
		return fmt.Errorf("--batch-rows %d: give 1 to %d rows per batch (default %d)", n, MaxBatchRows, DefaultBatchRows)
	}
	return nil
}

// Push sends the files in order through c and returns what was done, also with an error. On
// an error, batches already taken stay stored, and the error says up to which line.
func Push(ctx context.Context, c *Client, files []string, o Options) (Stats, error) {
	if err := CheckBatchRows(o.BatchRows); err != nil {
		return Stats{}, err
	}
	p := &pusher{c: c, o: o, rows: o.BatchRows}
	defer o.Progress.Done()
	for i, path := range files {
		if err := p.file(ctx, path, float64(i)/float64(len(files)), 1/float64(len(files))); err != nil {
			return p.stats, err
		}
	}
	return p.stats, nil
}

type pusher struct {
	c        *Client
	o        Options
	rows     int // rows per batch; halved after a 413
	stats    Stats
	fileSent int // rows of the current file the server took
}

// file pushes one file; before and share place it in the push's progress (0 to 1).
func (p *pusher) file(ctx context.Context, path string, before, share float64) error {
	p.fileSent = 0
	r, err := Open(path)
	if err != nil {
		return p.stopped(path, 0, err)
	}
	defer r.Close() //nolint:errcheck // read only: nothing to lose when closing
	p.stats.Files++
	for {
		b, err := r.Next(p.rows)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return p.stopped(path, 0, err)
		}
		p.stats.Read += b.Rows()
		if err := p.send(ctx, path, b); err != nil {
			return err
		}
		p.o.Progress.Update(p.stats, before+share*r.Progress())
	}
}

// send sends a batch, halving it (and the batches after it) while the server finds it too large.
func (p *pusher) send(ctx context.Context, path string, b *Batch) error {
	pending := []*Batch{b}
	for len(pending) > 0 {
		cur := pending[0]
		if err := p.sendOne(ctx, path, cur); errors.Is(err, ErrTooLarge) {
			if cur.Rows() == 1 {
				return p.stopped(path, cur.FirstLine(), fmt.Errorf("%s:%d: one row alone is over the data source's size limit: %w", path, cur.FirstLine(), err))
			}
			p.rows = (cur.Rows() + 1) / 2
			p.o.Progress.Note(fmt.Sprintf("push: %s: batch from line %d is too large; sending batches of %d rows", path, cur.FirstLine(), p.rows))
			pending = append(cur.split(p.rows), pending[1:]...)
			continue
		} else if err != nil {
			return p.stopped(path, cur.FirstLine(), err)
		}
		pending = pending[1:]
	}
	return nil
}

func (p *pusher) sendOne(ctx context.Context, path string, b *Batch) error {
	body, err := b.Body()
	if err != nil {
		return err
	}
	gz, err := gzipped(body)
	if err != nil {
		return err
	}
	note := func(why string, wait time.Duration) { p.o.Progress.Note(RetryNote(path, b.FirstLine(), why, wait)) }
	res, retries, err := p.c.Send(ctx, p.o.Route, b.format, gz, note)
	p.stats.Retries += retries
	var refused *RefusedError
	if errors.As(err, &refused) {
		return refusedError(path, b, refused)
	}
	if errors.Is(err, ErrTooLarge) {
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: batch from line %d: %w", path, b.FirstLine(), err)
	}
	if res.Rows != b.Rows() {
		return fmt.Errorf("%s: batch from line %d: the data source counted %d rows in a batch of %d: is --datasource a Modelwatch data source with ingest enabled?",
			path, b.FirstLine(), res.Rows, b.Rows())
	}
	p.stats.Batches++
	p.stats.Sent += res.Rows
	p.fileSent += res.Rows
	p.stats.Inserted += res.Inserted
	p.stats.Skipped += res.Skipped
	p.stats.Labels += res.Labels
	return nil
}

// refusedError states a refused batch's faults at the lines of the file.
func refusedError(path string, b *Batch, e *RefusedError) error {
	var msg strings.Builder
	fmt.Fprintf(&msg, "%s: the data source refused the batch from line %d: %s", path, b.FirstLine(), cutPlain(e.Message))
	for i, r := range e.Reasons {
		if i == maxReasons {
			fmt.Fprintf(&msg, "\n  ... and %d more", len(e.Reasons)-maxReasons)
			break
		}
		where := path
		if line, ok := b.FileLine(r.Line); ok {
			where = fmt.Sprintf("%s:%d", path, line)
		} else if r.Line > 0 {
			where = fmt.Sprintf("%s (line %d of the batch)", path, r.Line)
		}
		if r.Column != "" {
			where += ": column " + cutPlain(r.Column)
		}
		fmt.Fprintf(&msg, "\n  %s: %s", where, cutPlain(r.Reason))
	}
	return errors.New(msg.String())
}

// stopped adds to a push's error what is stored and what to do next. line is the first line
// of the batch that failed (0: the file could not be read on).
func (p *pusher) stopped(path string, line int, err error) error {
	again := "fix the file and push it again: stored rows are skipped"
	if p.o.Route == Labels {
		again = "fix the file and push it again"
	}
	stop, fix := "", "fix it and push it"
	if errors.Is(err, context.Canceled) {
		stop, fix, again = "interrupted: ", "push it", "push the file again to send the rest: stored rows are skipped"
		if p.o.Route == Labels {
			again = "push the file again to send the rest"
		}
	}
	switch {
	case p.stats.Sent == 0:
		return fmt.Errorf("%w\n%snothing was stored", err, stop)
	case p.fileSent == 0:
		return fmt.Errorf("%w\n%sthe files before %s are stored, nothing of it; %s (and the files after it)", err, stop, path, fix)
	case line > 0:
		return fmt.Errorf("%w\n%srows of batches before line %d of %s are stored; %s", err, stop, line, path, again)
	}
	return fmt.Errorf("%w\n%sthe rows of %s sent before that line are stored; %s", err, stop, path, again)
}

func gzipped(body []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
