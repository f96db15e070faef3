package push_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/push"
)

// Files that cannot be pushed as they are are refused when opened, naming the file and line and
// saying what would be right.
func TestOpenRefusesFilesItCannotSendFaithfully(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		want                string
	}{
		{"parquet by name", "a.parquet", "anything", "Parquet files cannot be pushed: convert it to CSV or JSON lines, or load it with modelwatch load on a store no server holds"},
		{"parquet by magic", "a.csv", "PAR1\x15\x04", "Parquet files cannot be pushed"},
		{"empty CSV", "a.csv", "", "the file is empty: expected a header line"},
		// encoding/csv reads a CRLF inside quotes as LF: the server would store a text that is
		// not the file's.
		{"CRLF in a quoted cell", "a.csv", "prediction_id,note\r\np1,\"a\r\nb\"\r\n", "a.csv:2: a quoted cell holds a CRLF line break"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.file, tc.content, false)
			r, err := push.Open(path)
			if err == nil {
				_, err = r.Next(10)
				_ = r.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// Rows that are not what the format allows are errors of their line, never skipped.
func TestNextNamesTheBadLine(t *testing.T) {
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"CSV record too short", "a.csv", "prediction_id,score\np1,0.1\np2\n", "a.csv: record on line 3: wrong number of fields"},
		{"JSON line not an object", "a.jsonl", "{\"prediction_id\":\"p1\"}\n[1,2]\n", "a.jsonl:2: not a JSON object: \"[1,2]\""},
		{"JSON line cut", "a.ndjson", "{\"prediction_id\":\"p1\"\n", "a.ndjson:1: not a JSON object"},
		{"whitespace line", "a.jsonl", "{\"prediction_id\":\"p1\"}\n  \t\n", "a.jsonl:2: the line is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := push.Open(writeFile(t, tc.file, tc.content, false))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			_, err = r.Next(10)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// A CSV batch's body lines map back to the file's lines, across rows spanning several lines
// and blank lines the CSV reader passes over.
func TestBatchFileLine(t *testing.T) {
	content := "id,note\n\"r1\",\"a\nb\nc\"\n\nr2,x\nr3,\"d\ne\"\nr4,y\n"
	r, err := push.Open(writeFile(t, "a.csv", content, false))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Next(1); err != nil { // r1: lines 2-4
		t.Fatal(err)
	}
	b, err := r.Next(10) // r2: line 6, r3: lines 7-8, r4: line 9
	if err != nil {
		t.Fatal(err)
	}
	if b.Rows() != 3 || b.FirstLine() != 6 {
		t.Fatalf("batch of %d rows from line %d", b.Rows(), b.FirstLine())
	}
	for batchLine, want := range map[int]int{1: 1, 2: 6, 3: 7, 4: 8, 5: 9} {
		if got, ok := b.FileLine(batchLine); !ok || got != want {
			t.Errorf("batch line %d is file line %d (%v), want %d", batchLine, got, ok, want)
		}
	}
	for _, outside := range []int{0, 6} {
		if got, ok := b.FileLine(outside); ok {
			t.Errorf("batch line %d read as file line %d", outside, got)
		}
	}
	if _, err := r.Next(10); !errors.Is(err, io.EOF) {
		t.Errorf("after the last row: %v, want io.EOF", err)
	}
}

// A log gets a progress line per tenth of the input at most; a terminal's line is rewritten.
func TestProgressLines(t *testing.T) {
	var log, term bytes.Buffer
	pl := push.NewProgress(&log, false, push.Predictions)
	pt := push.NewProgress(&term, true, push.Predictions)
	for i := 1; i <= 100; i++ {
		s := push.Stats{Read: i, Sent: i, Inserted: i}
		pl.Update(s, float64(i)/100)
		pt.Update(s, float64(i)/100)
	}
	pt.Done()
	if n := strings.Count(log.String(), "\n"); n != 10 {
		t.Errorf("%d log lines, want 10:\n%s", n, log.String())
	}
	if !strings.HasSuffix(log.String(), "push: 100 rows sent of 100 read, 100 inserted, 0 skipped, 0 retries (100%)\n") {
		t.Errorf("last log line:\n%s", log.String())
	}
	if n := strings.Count(term.String(), "\r"); n != 100 || strings.Count(term.String(), "\n") != 1 {
		t.Errorf("terminal: %d rewrites, %d line breaks", n, strings.Count(term.String(), "\n"))
	}
}

// Progress follows the rows read, not the bytes buffered ahead of them (a small file used to
// read as done after its first batch).
func TestReaderProgressFollowsTheRows(t *testing.T) {
	for _, tc := range []struct{ name, content string }{
		{"a.csv", predictionsCSV(0, 100)},
		{"a.jsonl", strings.Repeat("{\"prediction_id\":\"p\"}\n", 100)},
	} {
		r, err := push.Open(writeFile(t, tc.name, tc.content, false))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Next(40); err != nil {
			t.Fatal(err)
		}
		if got := r.Progress(); got < 0.35 || got > 0.45 {
			t.Errorf("%s: progress %.2f after 40 rows of 100", tc.name, got)
		}
		_ = r.Close()
	}
}

// A log that has not had the last counts (the input's last tenth not reached) gets them at the end.
func TestProgressDoneTellsALogTheLastCounts(t *testing.T) {
	var log bytes.Buffer
	p := push.NewProgress(&log, false, push.Labels)
	p.Update(push.Stats{Read: 3, Sent: 3, Labels: 3}, 0.05)
	p.Done()
	if got := log.String(); got != "push: 3 labels sent of 3 read, 3 stored, 0 skipped, 0 retries (5%)\n" {
		t.Errorf("log %q", got)
	}
}

// The format follows the name without its .gz, whether or not the file is really gzipped
// (regression: a plain a.jsonl.gz was read as CSV).
func TestOpenChoosesTheFormatByName(t *testing.T) {
	for _, tc := range []struct {
		name string
		zip  bool
		want push.Format
	}{
		{"a.csv", false, push.CSV},
		{"a.csv.gz", true, push.CSV},
		{"a.txt", false, push.CSV},
		{"a.jsonl", false, push.JSONLines},
		{"A.NDJSON", false, push.JSONLines},
		{"a.jsonl.gz", true, push.JSONLines},
		{"a.jsonl.gz", false, push.JSONLines},
		{"a.ndjson.GZ", false, push.JSONLines},
	} {
		r, err := push.Open(writeFile(t, tc.name, "prediction_id\n", tc.zip)) // a CSV header, and a line a JSON reader has not read yet
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if r.Format() != tc.want {
			t.Errorf("%s (gzipped %v): format %v, want %v", tc.name, tc.zip, r.Format(), tc.want)
		}
		_ = r.Close()
	}
}

// A JSON line longer than MaxJSONLine is refused with its number, not read whole into memory.
func TestNextRefusesAnOverlongJSONLine(t *testing.T) {
	long := `{"prediction_id":"p2","note":"` + strings.Repeat("x", push.MaxJSONLine) + "\"}\n"
	r, err := push.Open(writeFile(t, "a.jsonl", "{\"prediction_id\":\"p1\"}\n"+long, false))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.Next(10)
	if err == nil || !strings.Contains(err.Error(), "a.jsonl:2: the line is longer than 16 MiB") {
		t.Fatalf("error %v", err)
	}
}
