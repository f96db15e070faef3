package push_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/push"
)

func options(batchRows int, progress *bytes.Buffer) push.Options {
	return push.Options{Route: push.Predictions, BatchRows: batchRows, Progress: push.NewProgress(progress, false, push.Predictions)}
}

// Every row of every file reaches the server exactly once, each CSV batch with its file's
// header, and a file pushed again adds nothing (its rows are skipped).
func TestPushSendsEveryRowOnceWithTheHeader(t *testing.T) {
	f, srv := newFake(t)
	c, _ := newClient(t, srv.URL, 0)
	a := writeFile(t, "a.csv", predictionsCSV(0, 7), false)
	b := writeFile(t, "b.csv.gz", predictionsCSV(7, 5), true)
	var progress bytes.Buffer
	stats, err := push.Push(context.Background(), c, []string{a, b}, options(3, &progress))
	if err != nil {
		t.Fatal(err)
	}
	want := push.Stats{Files: 2, Read: 12, Sent: 12, Inserted: 12, Batches: 5}
	if stats != want {
		t.Fatalf("stats %+v, want %+v", stats, want)
	}
	for i, b := range f.batches {
		if strings.Join(b.header, ",") != "prediction_id,ts,model,model_version,score" || b.contentType != "text/csv" || b.route != "predictions" {
			t.Errorf("batch %d: header %v, %s to %s", i, b.header, b.contentType, b.route)
		}
		if len(b.rows) > 3 {
			t.Errorf("batch %d has %d rows, more than --batch-rows 3", i, len(b.rows))
		}
	}
	for i := range 12 {
		if n := f.seen[fmt.Sprintf("p%d", i)]; n != 1 {
			t.Errorf("p%d stored %d times", i, n)
		}
	}
	if len(f.seen) != 12 {
		t.Errorf("%d ids stored, want 12", len(f.seen))
	}
	if strings.Contains(progress.String(), testToken) {
		t.Errorf("progress shows the token: %s", progress.String())
	}

	again, err := push.Push(context.Background(), c, []string{a}, options(3, &progress))
	if err != nil || again.Inserted != 0 || again.Skipped != 7 {
		t.Fatalf("pushed again: %+v %v, want 7 skipped", again, err)
	}
	if got := again.Summary(push.Predictions); got != "pushed 7 rows from 1 file in 3 batches: 0 inserted, 7 skipped (already stored), 0 retries" {
		t.Errorf("summary %q", got)
	}
}

// JSON lines (plain and gzipped) are sent line by line as application/x-ndjson, unchanged.
func TestPushSendsJSONLines(t *testing.T) {
	f, srv := newFake(t)
	c, _ := newClient(t, srv.URL, 0)
	a := writeFile(t, "a.jsonl", "{\"prediction_id\":\"x1\",\"score\":0.1}\r\n{\"prediction_id\":\"x2\", \"note\":\"a\\nb\"}\n", false)
	b := writeFile(t, "b.ndjson.gz", `{"prediction_id":"x3"}`, true)
	stats, err := push.Push(context.Background(), c, []string{a, b}, options(10, &bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	if stats.Sent != 3 || stats.Batches != 2 {
		t.Fatalf("stats %+v", stats)
	}
	var lines []string
	for _, b := range f.batches {
		if b.contentType != "application/x-ndjson" {
			t.Errorf("Content-Type %s", b.contentType)
		}
		for _, r := range b.rows {
			lines = append(lines, r[0])
		}
	}
	want := []string{`{"prediction_id":"x1","score":0.1}`, `{"prediction_id":"x2", "note":"a\nb"}`, `{"prediction_id":"x3"}`}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("lines on the server:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// An empty JSON line is an error of that line, not skipped: the push stops there, and says
// what is stored.
func TestPushStopsAtAnEmptyJSONLine(t *testing.T) {
	f, srv := newFake(t)
	c, _ := newClient(t, srv.URL, 0)
	path := writeFile(t, "a.jsonl", "{\"prediction_id\":\"x1\"}\n{\"prediction_id\":\"x2\"}\n\n{\"prediction_id\":\"x3\"}\n", false)
	stats, err := push.Push(context.Background(), c, []string{path}, options(1, &bytes.Buffer{}))
	if err == nil {
		t.Fatal("pushed a file with an empty line")
	}
	for _, want := range []string{path + ":3: the line is empty", "the rows of " + path + " sent before that line are stored"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if stats.Sent != 2 || len(f.seen) != 2 {
		t.Errorf("sent %d, stored %d: want the 2 lines before the empty one", stats.Sent, len(f.seen))
	}
}

// A quoted cell with line breaks, quotes and commas stays whole in one batch, and a refused
// batch's reasons name the lines of the file, not of the batch (batch line 4 is file line 7
// here: the second batch starts at line 5 and its first row spans two lines).
func TestPushKeepsMultiLineCellsAndTranslatesRefusedLines(t *testing.T) {
	cell := "line one\nline \"two\", with a comma"
	content := "prediction_id,note\n" +
		"r1,\"" + strings.ReplaceAll(cell, `"`, `""`) + "\"\n" + // lines 2-3
		"r2,plain\n" + // line 4
		"r3,\"a\nb\"\n" + // lines 5-6
		"r4,plain\n" + // line 7
		"r5,plain\n" // line 8
	f, srv := newFake(t)
	path := writeFile(t, "preds.csv", content, false)
	c, _ := newClient(t, srv.URL, 0)
	if _, err := push.Push(context.Background(), c, []string{path}, options(2, &bytes.Buffer{})); err != nil {
		t.Fatal(err)
	}
	if got := f.batches[0].rows[0][1]; got != cell {
		t.Fatalf("cell on the server %q, want %q", got, cell)
	}
	if n := len(f.batches); n != 3 {
		t.Fatalf("%d batches, want 3", n)
	}

	refuse := reply{status: 400, body: `{"error":"2 rows are invalid","reasons":[` +
		`{"line":4,"column":"note","reason":"too long"},{"line":1,"column":"","reason":"header: no ts column"}]}`}
	f, srv = newFake(t, reply{status: 200, body: `{"rows":2,"inserted":2,"skipped":0}`}, refuse)
	c, sl := newClient(t, srv.URL, 5)
	stats, err := push.Push(context.Background(), c, []string{path}, options(2, &bytes.Buffer{}))
	if err == nil {
		t.Fatal("a refused batch did not fail the push")
	}
	for _, want := range []string{
		path + ": the data source refused the batch from line 5: 2 rows are invalid",
		path + ":7: column note: too long",
		path + ":1: header: no ts column",
		"rows of batches before line 5 of " + path + " are stored; fix the file and push it again: stored rows are skipped",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error\n%s\ndoes not say %q", err, want)
		}
	}
	if f.calls != 2 || len(sl.waits) != 0 || stats.Sent != 2 {
		t.Errorf("%d requests, %d waits, %d rows sent: a refused batch is not retried and the push stops", f.calls, len(sl.waits), stats.Sent)
	}
}

// A 429's Retry-After is waited (capped at a minute) and the same batch is sent again.
func TestPushWaitsRetryAfter(t *testing.T) {
	busy := func(after string) reply {
		return reply{status: 429, header: map[string]string{"Retry-After": after}, body: `{"error":"busy"}`}
	}
	f, srv := newFake(t, busy("2"), busy("3600"))
	c, sl := newClient(t, srv.URL, 8)
	var progress bytes.Buffer
	stats, err := push.Push(context.Background(), c, []string{writeFile(t, "a.csv", predictionsCSV(0, 3), false)}, options(10, &progress))
	if err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{2 * time.Second, push.MaxRetryAfter}; fmt.Sprint(sl.waits) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v", sl.waits, want)
	}
	if stats.Retries != 2 || stats.Sent != 3 || len(f.seen) != 3 {
		t.Errorf("stats %+v, %d stored", stats, len(f.seen))
	}
	if !strings.Contains(progress.String(), "429 too many requests: busy; sending it again in 2s") {
		t.Errorf("progress does not tell the retry:\n%s", progress.String())
	}
}

// 5xx replies (and a proxy's 408) are retried with a doubling backoff; the batch is stored once.
func TestPushRetriesServerErrors(t *testing.T) {
	down := reply{status: 503, body: `{"error":"store unavailable"}`}
	f, srv := newFake(t, down, reply{status: 502, body: "<html>bad gateway</html>"}, reply{status: 408})
	c, sl := newClient(t, srv.URL, 8)
	stats, err := push.Push(context.Background(), c, []string{writeFile(t, "a.csv", predictionsCSV(0, 4), false)}, options(10, &bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}; fmt.Sprint(sl.waits) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v", sl.waits, want)
	}
	if stats.Retries != 3 || stats.Batches != 1 || len(f.seen) != 4 {
		t.Errorf("stats %+v, %d stored", stats, len(f.seen))
	}
}

// 401, 403 and 404 are not retried and say what to do.
func TestPushAccessErrorsAdviseAndDoNotRetry(t *testing.T) {
	for _, tc := range []struct {
		status int
		advice string
	}{
		{401, "use a current token of a service account with the Editor role"},
		{403, "needs the Editor role"},
		{404, "enable it in the data source's settings"},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			f, srv := newFake(t, reply{status: tc.status, body: `{"message":"nope"}`})
			c, sl := newClient(t, srv.URL, 8)
			_, err := push.Push(context.Background(), c, []string{writeFile(t, "a.csv", predictionsCSV(0, 2), false)}, options(10, &bytes.Buffer{}))
			if err == nil || !strings.Contains(err.Error(), tc.advice) || !strings.Contains(err.Error(), "nothing was stored") {
				t.Fatalf("error %v, want advice %q", err, tc.advice)
			}
			if f.calls != 1 || len(sl.waits) != 0 {
				t.Errorf("%d requests, %d waits: retried", f.calls, len(sl.waits))
			}
		})
	}
}

// A batch over the server's limit is halved (and later batches keep the smaller size) until it
// passes; a single row over the limit fails the push.
func TestPushHalvesBatchesTooLarge(t *testing.T) {
	f, srv := newFake(t)
	f.maxRows = 2
	c, _ := newClient(t, srv.URL, 0)
	var progress bytes.Buffer
	stats, err := push.Push(context.Background(), c, []string{writeFile(t, "a.csv", predictionsCSV(0, 11), false)}, options(8, &progress))
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, b := range f.batches {
		sizes = append(sizes, len(b.rows))
	}
	// 8 -> 4 -> 2 (+2, +2, +2); then the last 3 rows are read as 2 and 1.
	if fmt.Sprint(sizes) != "[2 2 2 2 2 1]" || stats.Sent != 11 || len(f.seen) != 11 {
		t.Errorf("batch sizes %v, stats %+v", sizes, stats)
	}
	if !strings.Contains(progress.String(), "too large; sending batches of 2 rows") {
		t.Errorf("progress:\n%s", progress.String())
	}

	f.maxRows = 0
	_, err = push.Push(context.Background(), c, []string{writeFile(t, "b.csv", predictionsCSV(20, 2), false)}, options(8, &progress))
	if err == nil || !errors.Is(err, push.ErrTooLarge) || !strings.Contains(err.Error(), ":2: one row alone is over the data source's size limit") {
		t.Fatalf("error %v", err)
	}
}

// A server that cannot be reached is retried --retries times with backoff, then the push
// fails saying so.
func TestPushGivesUpWhenGrafanaIsUnreachable(t *testing.T) {
	_, srv := newFake(t)
	srv.Close()
	c, sl := newClient(t, srv.URL, 3)
	path := writeFile(t, "a.csv", predictionsCSV(0, 2), false)
	_, err := push.Push(context.Background(), c, []string{path}, options(10, &bytes.Buffer{}))
	if !errors.Is(err, push.ErrGaveUp) || !strings.Contains(err.Error(), path+": batch from line 2: gave up after 4 attempts (--retries 3): cannot reach Grafana") {
		t.Fatalf("error %v", err)
	}
	if want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}; fmt.Sprint(sl.waits) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v", sl.waits, want)
	}
}

// The token is never printed, even when a server echoes it in its errors.
func TestPushNeverPrintsTheToken(t *testing.T) {
	echo := `{"error":"bad token Bearer ` + testToken + `"}`
	_, srv := newFake(t, reply{status: 500, body: echo},
		reply{status: 400, body: `{"error":"` + testToken + `","reasons":[{"line":2,"column":"c","reason":"` + testToken + `"}]}`})
	c, _ := newClient(t, srv.URL, 3)
	var progress bytes.Buffer
	_, err := push.Push(context.Background(), c, []string{writeFile(t, "a.csv", predictionsCSV(0, 2), false)}, options(10, &progress))
	if err == nil {
		t.Fatal("no error")
	}
	if out := progress.String() + err.Error(); strings.Contains(out, testToken) || !strings.Contains(out, "[token]") {
		t.Errorf("output:\n%s", out)
	}
}

// Labels go to the labels route and are counted as labels.
func TestPushSendsLabels(t *testing.T) {
	f, srv := newFake(t)
	c, _ := newClient(t, srv.URL, 0)
	path := writeFile(t, "labels.csv", "prediction_id,actual_label\np1,churn\np2,stay\np3,stay\n", false)
	stats, err := push.Push(context.Background(), c, []string{path}, push.Options{Route: push.Labels, BatchRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.batches) != 2 || f.batches[0].route != "labels" || stats.Labels != 3 {
		t.Fatalf("%d batches to %s, stats %+v", len(f.batches), f.batches[0].route, stats)
	}
	if got := stats.Summary(push.Labels); got != "pushed 3 rows from 1 file in 2 batches: 3 labels stored, 0 skipped (the same as stored), 0 retries" {
		t.Errorf("summary %q", got)
	}
}

// An interrupted push (Ctrl-C) stops waiting at once, sends nothing more, and does not ask
// for the file to be fixed (regression: it said "fix the file").
func TestPushStopsWhenCancelled(t *testing.T) {
	f, srv := newFake(t, reply{status: 200, body: `{"rows":2,"inserted":2}`}, reply{status: 503})
	c, err := push.NewClient(srv.URL, testToken, testUID, 8, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.Jitter = func() float64 { return 0 }
	c.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err = push.Push(ctx, c, []string{writeFile(t, "a.csv", predictionsCSV(0, 4), false)}, options(2, &bytes.Buffer{}))
	if !errors.Is(err, context.Canceled) || f.calls != 2 {
		t.Fatalf("error %v after %d requests", err, f.calls)
	}
	if !strings.Contains(err.Error(), "interrupted: rows of batches before line 4 of") || !strings.Contains(err.Error(), "push the file again to send the rest: stored rows are skipped") ||
		strings.Contains(err.Error(), "fix the file") {
		t.Errorf("error %v", err)
	}
}

// A file refused at its first batch after earlier files went through says the earlier files
// are stored and this one is not.
func TestPushRefusedSecondFileSaysWhatIsStored(t *testing.T) {
	_, srv := newFake(t, reply{status: 200, body: `{"rows":2,"inserted":2}`}, reply{status: 400, body: `{"error":"no model column"}`})
	c, _ := newClient(t, srv.URL, 0)
	a := writeFile(t, "a.csv", predictionsCSV(0, 2), false)
	b := writeFile(t, "b.csv", predictionsCSV(2, 2), false)
	_, err := push.Push(context.Background(), c, []string{a, b}, options(10, &bytes.Buffer{}))
	if err == nil || !strings.Contains(err.Error(), "the files before "+b+" are stored, nothing of it; fix it and push it (and the files after it)") {
		t.Fatalf("error %v", err)
	}
}
