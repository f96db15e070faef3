package push

import (
	"fmt"
	"io"
	"time"
)

// Stats counts what a push has done so far.
type Stats struct {
	Files    int // files opened
	Read     int // rows read from the files
	Sent     int // rows in batches the data source took
	Inserted int // predictions stored
	Skipped  int // predictions already stored (their prediction_id was there)
	Labels   int // labels stored
	Batches  int // batches the data source took
	Retries  int // requests sent again (429, 5xx, network errors)
}

// Progress writes a progress line to a terminal (rewritten in place) or a log (one line per
// tenth of the input, so that a log is not flooded).
type Progress struct {
	w        io.Writer
	terminal bool
	route    Route
	next     float64 // the share at which a log gets its next line
	open     bool    // a line is on the terminal without its line break
	unsaid   string  // the latest line a log has not been given
}

// NewProgress writes to w; terminal says whether w is a terminal.
func NewProgress(w io.Writer, terminal bool, route Route) *Progress {
	return &Progress{w: w, terminal: terminal, route: route, next: 0.1}
}

// Update tells the counts after a batch; done is the share of the input read (0 to 1).
func (p *Progress) Update(s Stats, done float64) {
	if p == nil {
		return
	}
	line := p.line(s, done)
	if p.terminal {
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
		p.open = true
		return
	}
	if done < p.next {
		p.unsaid = line
		return
	}
	for p.next <= done {
		p.next += 0.1
	}
	p.unsaid = ""
	fmt.Fprintln(p.w, line)
}

// Note writes a line of its own (a retry), keeping a terminal's progress line below it.
func (p *Progress) Note(msg string) {
	if p == nil {
		return
	}
	if p.open {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.open = false
	}
	fmt.Fprintln(p.w, msg)
}

// Done ends a terminal's progress line, and gives a log the latest counts if it has not had them.
func (p *Progress) Done() {
	if p == nil {
		return
	}
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
	if p.unsaid != "" {
		fmt.Fprintln(p.w, p.unsaid)
		p.unsaid = ""
	}
}

func (p *Progress) line(s Stats, done float64) string {
	if p.route == Labels {
		return fmt.Sprintf("push: %d labels sent of %d read, %d stored, %d skipped, %s (%.0f%%)",
			s.Sent, s.Read, s.Labels, s.Skipped, plural(s.Retries, "retry", "retries"), 100*done)
	}
	return fmt.Sprintf("push: %d rows sent of %d read, %d inserted, %d skipped, %s (%.0f%%)",
		s.Sent, s.Read, s.Inserted, s.Skipped, plural(s.Retries, "retry", "retries"), 100*done)
}

// Summary is the closing line of a push (of a stopped one too: what it did).
func (s Stats) Summary(route Route) string {
	head := fmt.Sprintf("pushed %s from %s in %s", plural(s.Sent, "row", "rows"), plural(s.Files, "file", "files"),
		plural(s.Batches, "batch", "batches"))
	if route == Labels {
		return fmt.Sprintf("%s: %d labels stored, %d skipped (the same as stored), %s", head, s.Labels, s.Skipped, plural(s.Retries, "retry", "retries"))
	}
	return fmt.Sprintf("%s: %d inserted, %d skipped (already stored), %s", head, s.Inserted, s.Skipped,
		plural(s.Retries, "retry", "retries"))
}

// RetryNote is the line telling of a retry.
func RetryNote(file string, line int, why string, wait time.Duration) string {
	return fmt.Sprintf("push: %s: batch from line %d: %s; sending it again in %s", file, line, why, wait.Round(time.Millisecond))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
