package push_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/push"
)

const (
	testToken = "glsa_secret0123456789abcdef"
	testUID   = "mw-ds_1"
)

// reply is a scripted answer of the fake Grafana, used before it takes batches itself.
type reply struct {
	status int
	header map[string]string
	body   string
}

// received is one batch as the fake Grafana decoded it.
type received struct {
	route, contentType string
	header             []string   // CSV: the batch's header line
	rows               [][]string // CSV: its records; JSON lines: one cell, the line
}

// fakeGrafana plays Grafana's HTTP API in front of a data source's ingest routes: it checks
// the path, the token and the gzip encoding, stores prediction_ids (a second sending of one is
// skipped, as the data source does), refuses batches of more than maxRows rows (413) and
// answers the scripted replies first.
type fakeGrafana struct {
	t       *testing.T
	mu      sync.Mutex
	script  []reply
	maxRows int
	seen    map[string]int // prediction_id (or JSON line) -> times stored
	batches []received
	calls   int
}

func newFake(t *testing.T, script ...reply) (*fakeGrafana, *httptest.Server) {
	f := &fakeGrafana{t: t, script: script, maxRows: 1 << 30, seen: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeGrafana) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	route := strings.TrimPrefix(r.URL.Path, "/api/datasources/uid/"+testUID+"/resources/")
	if r.Method != http.MethodPost || (route != "predictions" && route != "labels") {
		f.t.Errorf("request %s %s: not an ingest route", r.Method, r.URL.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		f.t.Errorf("Authorization %q", got)
	}
	if len(f.script) > 0 {
		s := f.script[0]
		f.script = f.script[1:]
		for k, v := range s.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(s.status)
		_, _ = io.WriteString(w, s.body)
		return
	}
	if r.Header.Get("Content-Encoding") != "gzip" {
		f.t.Errorf("Content-Encoding %q", r.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		f.t.Errorf("body is not gzip: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		f.t.Errorf("body: %v", err)
	}
	b := received{route: route, contentType: r.Header.Get("Content-Type")}
	switch b.contentType {
	case "text/csv":
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil || len(recs) < 2 {
			f.t.Errorf("CSV batch %q: %v", body, err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		b.header, b.rows = recs[0], recs[1:]
	case "application/x-ndjson":
		for _, line := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
			b.rows = append(b.rows, []string{line})
		}
	default:
		f.t.Errorf("Content-Type %q", b.contentType)
	}
	if len(b.rows) > f.maxRows {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		_, _ = io.WriteString(w, `{"error":"the batch is over 1 MiB"}`)
		return
	}
	f.batches = append(f.batches, b)
	inserted := 0
	for _, row := range b.rows {
		if f.seen[row[0]]++; f.seen[row[0]] == 1 {
			inserted++
		}
	}
	if route == "labels" {
		_ = json.NewEncoder(w).Encode(map[string]int{"rows": len(b.rows), "labels": len(b.rows)})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]int{"rows": len(b.rows), "inserted": inserted, "skipped": len(b.rows) - inserted})
}

// sleeps records the waits of a client instead of waiting.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return nil
}

// newClient is a client of srv that records its waits, with jitter fixed at its top (each
// backoff is its full doubling value).
func newClient(t *testing.T, url string, retries int) (*push.Client, *sleeps) {
	t.Helper()
	c, err := push.NewClient(url, testToken, testUID, retries, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s := &sleeps{}
	c.Sleep = s.sleep
	c.Jitter = func() float64 { return 1 }
	return c, s
}

// writeFile writes content to name in a new temporary folder, gzipped when zip is set.
func writeFile(t *testing.T, name, content string, zip bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	data := []byte(content)
	if zip {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(data)
		_ = zw.Close()
		data = buf.Bytes()
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// predictionsCSV is a CSV file of n predictions with ids p<from>..p<from+n-1>.
func predictionsCSV(from, n int) string {
	var b strings.Builder
	b.WriteString("prediction_id,ts,model,model_version,score\n")
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "p%d,2026-03-01T00:00:00Z,m,A,0.%d\n", i, i%10)
	}
	return b.String()
}
