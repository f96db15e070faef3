package plugin_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/frames/framestest"
	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

var (
	editor    = &backend.User{Login: "sa-1-model-server", Role: "Editor"}
	viewer    = &backend.User{Login: "viewer", Role: "Viewer"}
	admin     = &backend.User{Login: "admin", Role: "Admin"}
	anonymous = &backend.User{Role: "Viewer"} // Grafana's anonymous visitor: no login
)

// ingestSource is a data source accepting writes into a new store file.
func ingestSource(t *testing.T, edit func(*settings.Settings)) *plugin.Datasource {
	t.Helper()
	cfg := settings.Settings{Store: settings.EngineDuckDB, Path: filepath.Join(t.TempDir(), "live.duckdb"), Table: settings.DefaultTable,
		LabelsTable: "labels", Ingest: settings.Ingest{Enabled: true}}
	if edit != nil {
		edit(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ds := plugin.New(cfg, plugin.OpenStore)
	t.Cleanup(ds.Dispose)
	return ds
}

type collect struct{ resp *backend.CallResourceResponse }

func (s *collect) Send(r *backend.CallResourceResponse) error { s.resp = r; return nil }

type reply struct {
	status     int
	retryAfter string
	body       map[string]any
	raw        string
}

func post(t *testing.T, ds *plugin.Datasource, route string, user *backend.User, headers map[string]string, body []byte) reply {
	t.Helper()
	h := map[string][]string{}
	for k, v := range headers {
		h[k] = []string{v}
	}
	s := &collect{}
	req := &backend.CallResourceRequest{PluginContext: backend.PluginContext{User: user}, Method: http.MethodPost, Path: route, URL: route, Headers: h, Body: body}
	if err := ds.CallResource(context.Background(), req, s); err != nil {
		t.Fatal(err)
	}
	r := reply{status: s.resp.Status, raw: string(s.resp.Body)}
	if v := s.resp.Headers["Retry-After"]; len(v) > 0 {
		r.retryAfter = v[0]
	}
	if err := json.Unmarshal(s.resp.Body, &r.body); err != nil {
		t.Fatalf("%s: the reply is not JSON: %s", route, r.raw)
	}
	return r
}

var csvType = map[string]string{"Content-Type": "text/csv"}

const predictionsHeader = "prediction_id,ts,model,model_version,predicted_label,score,actual_label\n"

func csvRows(from, n int, model string) []byte {
	var b strings.Builder
	b.WriteString(predictionsHeader)
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "%s-%d,2026-03-01T%02d:%02d:00Z,%s,A,yes,0.8,yes\n", model, i, (i/60)%24, i%60, model)
	}
	return []byte(b.String())
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func models(t *testing.T, ds *plugin.Datasource) string {
	t.Helper()
	return string(getResource(t, ds, "models").Body)
}

func getResource(t *testing.T, ds *plugin.Datasource, path string) *backend.CallResourceResponse {
	t.Helper()
	s := &collect{}
	p, _, _ := strings.Cut(path, "?")
	if err := ds.CallResource(context.Background(), &backend.CallResourceRequest{Method: http.MethodGet, Path: p, URL: path}, s); err != nil {
		t.Fatal(err)
	}
	return s.resp
}

// Who may write: a signed-in Editor or Admin (or a service account of that role); Viewers and
// users without a role are forbidden, anonymous visitors unauthorised; a data source that
// does not accept writes answers 404 whoever asks.
func TestIngestRoleChecks(t *testing.T) {
	ds := ingestSource(t, nil)
	for _, c := range []struct {
		name   string
		user   *backend.User
		status int
	}{
		{"no user", nil, http.StatusUnauthorized},
		{"anonymous", anonymous, http.StatusUnauthorized},
		{"viewer", viewer, http.StatusForbidden},
		{"no role", &backend.User{Login: "x", Role: "None"}, http.StatusForbidden},
		{"editor", editor, http.StatusOK},
		{"admin", admin, http.StatusOK},
	} {
		r := post(t, ds, "predictions", c.user, csvType, csvRows(0, 3, "m"))
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, r.status, c.status, r.raw)
		}
	}
	adminOnly := ingestSource(t, func(s *settings.Settings) { s.Ingest.Role = settings.RoleAdmin })
	if r := post(t, adminOnly, "predictions", editor, csvType, csvRows(0, 3, "m")); r.status != http.StatusForbidden || !strings.Contains(r.raw, "needs the Admin role") {
		t.Errorf("an Editor on an Admin-only data source: %d %s", r.status, r.raw)
	}
	off := ingestSource(t, func(s *settings.Settings) { s.Ingest = settings.Ingest{} })
	if r := post(t, off, "predictions", admin, csvType, csvRows(0, 3, "m")); r.status != http.StatusNotFound || !strings.Contains(r.raw, "ingest is not enabled") {
		t.Errorf("ingest off: %d %s", r.status, r.raw)
	}
	if r := getResource(t, ds, "predictions"); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("GET predictions: %d", r.Status)
	}
}

// A batch is written whole and seen by the next read; sent again it adds nothing; JSON lines
// and gzip (declared or not) are accepted.
func TestIngestWritesAreAtomicIdempotentAndSeen(t *testing.T) {
	ds := ingestSource(t, nil)
	if r := post(t, ds, "predictions", editor, csvType, csvRows(0, 100, "fresh")); r.status != http.StatusOK || r.body["inserted"] != 100.0 || r.body["skipped"] != 0.0 {
		t.Fatalf("first batch: %d %s", r.status, r.raw)
	}
	if got := models(t, ds); got != "[\"fresh\"]\n" {
		t.Fatalf("models after the write: %s", got)
	}
	if r := post(t, ds, "predictions", editor, csvType, csvRows(50, 100, "fresh")); r.status != http.StatusOK || r.body["inserted"] != 50.0 || r.body["skipped"] != 50.0 {
		t.Fatalf("overlapping batch: %d %s", r.status, r.raw)
	}
	jsonl := `{"prediction_id":"j1","ts":"2026-03-01T00:00:00Z","model":"other","model_version":"B","score":0.5,"age":31}` + "\n"
	for i, h := range []map[string]string{
		{"Content-Type": "application/x-ndjson", "Content-Encoding": "gzip"},
		{"Content-Type": "application/x-ndjson; charset=utf-8"},
	} {
		r := post(t, ds, "predictions", editor, h, gz(t, []byte(jsonl)))
		if r.status != http.StatusOK || r.body["inserted"] != float64(1-i) {
			t.Fatalf("JSON lines %v: %d %s", h, r.status, r.raw)
		}
	}
	if got := models(t, ds); got != "[\"fresh\",\"other\"]\n" {
		t.Fatalf("models: %s", got)
	}
	if cols := string(getResource(t, ds, "features").Body); !strings.Contains(cols, "age") {
		t.Fatalf("a column added by a batch is not offered: %s", cols)
	}
}

// A careless or hostile client: every refusal names what is wrong, and nothing of a refused
// batch is written.
func TestIngestRefusals(t *testing.T) {
	ds := ingestSource(t, func(s *settings.Settings) { s.Ingest.MaxBodyBytes = 64 << 10; s.Ingest.MaxBatchRows = 500 })
	bomb := gz(t, bytes.Repeat([]byte("a"), 10<<20)) // 10 MiB of one letter: a few KiB compressed
	bad := []byte(predictionsHeader + "p1,2026-03-01T00:00:00Z,m,A,yes,1.5,yes\np2,yesterday,m,A,yes,0.5,yes\np3,2026-03-01T00:00:00Z,,A,yes,0.5,yes\n")
	for _, c := range []struct {
		name    string
		headers map[string]string
		body    []byte
		status  int
		want    string
	}{
		{"no content type", nil, csvRows(0, 2, "m"), http.StatusUnsupportedMediaType, "send text/csv"},
		{"xml", map[string]string{"Content-Type": "application/xml"}, []byte("<a/>"), http.StatusUnsupportedMediaType, `"application/xml" is not accepted`},
		{"brotli", map[string]string{"Content-Type": "text/csv", "Content-Encoding": "br"}, csvRows(0, 2, "m"), http.StatusUnsupportedMediaType, "send gzip"},
		{"too big", csvType, bytes.Repeat([]byte("x"), 65<<10), http.StatusRequestEntityTooLarge, "larger than 65536 bytes"},
		{"gzip bomb", csvType, bomb, http.StatusRequestEntityTooLarge, "once decompressed"},
		{"not gzip", map[string]string{"Content-Type": "text/csv", "Content-Encoding": "gzip"}, csvRows(0, 2, "m"), http.StatusBadRequest, "not readable gzip"},
		{"too many rows", csvType, csvRows(0, 501, "m"), http.StatusRequestEntityTooLarge, "more than 500 rows"},
		{"bad values", csvType, bad, http.StatusBadRequest, "3 values are wrong"},
		{"duplicate id", csvType, append(csvRows(0, 2, "m"), []byte("m-1,2026-03-01T00:00:00Z,m,A,yes,0.5,yes\n")...), http.StatusBadRequest, `prediction_id "m-1" appears more than once`},
		{"no header", csvType, []byte("p1,2026-03-01T00:00:00Z,m,A\n"), http.StatusBadRequest, "is not a valid name"},
	} {
		r := post(t, ds, "predictions", editor, c.headers, c.body)
		if msg, _ := r.body["error"].(string); r.status != c.status || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %s, want %d with %q", c.name, r.status, r.raw, c.status, c.want)
		}
	}
	r := post(t, ds, "predictions", editor, csvType, bad)
	reasons, _ := json.Marshal(r.body["reasons"])
	want := `[{"column":"score","line":2,"reason":"1.5 is not a probability: score must be between 0 and 1"},` +
		`{"column":"ts","line":3,"reason":"\"yesterday\" is not an RFC 3339 timestamp (write it like 2026-03-01T12:00:00Z)"},` +
		`{"column":"model","line":4,"reason":"a value is required"}]`
	if string(reasons) != want {
		t.Errorf("reasons:\n%s\nwant\n%s", reasons, want)
	}
	if got := models(t, ds); strings.Contains(got, `"m"`) {
		t.Errorf("a refused batch wrote rows: models %s", got)
	}
	noLabels := ingestSource(t, func(s *settings.Settings) { s.LabelsTable = "" })
	if r := post(t, noLabels, "labels", editor, csvType, []byte("prediction_id,actual_label\np1,yes\n")); r.status != http.StatusConflict || !strings.Contains(r.raw, "no labels table") {
		t.Errorf("labels without a labels table: %d %s", r.status, r.raw)
	}
	gone := ingestSource(t, func(s *settings.Settings) { s.Path = filepath.Join(t.TempDir(), "missing", "dir", "s.duckdb") })
	if r := post(t, gone, "predictions", editor, csvType, csvRows(0, 2, "m")); r.status != http.StatusServiceUnavailable || r.retryAfter == "" {
		t.Errorf("store unavailable: %d %s (Retry-After %q)", r.status, r.raw, r.retryAfter)
	}
}

// Over the data source's rates a caller is told when to come back.
func TestIngestRateLimits(t *testing.T) {
	ds := ingestSource(t, func(s *settings.Settings) { s.Ingest.BatchesPerSecond = 1 })
	if r := post(t, ds, "predictions", editor, csvType, csvRows(0, 2, "m")); r.status != http.StatusOK {
		t.Fatalf("first: %d %s", r.status, r.raw)
	}
	r := post(t, ds, "predictions", editor, csvType, csvRows(0, 2, "m"))
	if r.status != http.StatusTooManyRequests || r.retryAfter != "1" || !strings.Contains(r.raw, "more than 1 requests per second") {
		t.Fatalf("second at once: %d %s (Retry-After %q)", r.status, r.raw, r.retryAfter)
	}
	// A rate below the batch size: a full batch waits for the bucket, never a Retry-After of years.
	slow := ingestSource(t, func(s *settings.Settings) { s.Ingest.RowsPerSecond = 10; s.Ingest.MaxBatchRows = 50 })
	if r := post(t, slow, "predictions", editor, csvType, csvRows(0, 50, "m")); r.status != http.StatusOK {
		t.Fatalf("a full batch under a rate below it: %d %s", r.status, r.raw)
	}
	r = post(t, slow, "predictions", editor, csvType, csvRows(50, 50, "m"))
	if secs, _ := strconv.Atoi(r.retryAfter); r.status != http.StatusTooManyRequests || secs < 1 || secs > 6 {
		t.Fatalf("the next full batch: %d %s (Retry-After %q, want about 5 s)", r.status, r.raw, r.retryAfter)
	}
	// 10 rows a second against a bucket of 101: the second batch needs 5 s of refill, far more
	// than the first batch's write takes on a loaded machine (at 100 rows a second, a write of
	// half a second let the second batch through).
	rows := ingestSource(t, func(s *settings.Settings) { s.Ingest.RowsPerSecond = 10; s.Ingest.MaxBatchRows = 100 })
	if r := post(t, rows, "predictions", editor, csvType, csvRows(0, 99, "m")); r.status != http.StatusOK {
		t.Fatalf("first 100 lines: %d %s", r.status, r.raw)
	}
	r = post(t, rows, "predictions", editor, csvType, csvRows(99, 50, "m"))
	secs, _ := strconv.Atoi(r.retryAfter)
	if r.status != http.StatusTooManyRequests || secs < 1 || !strings.Contains(r.raw, "more than 10 rows per second") {
		t.Fatalf("over the row rate: %d %s (Retry-After %q)", r.status, r.raw, r.retryAfter)
	}
}

// A late label for a prediction inside a cached reference window changes the next answer: the
// write forgets the window's cached statistics.
func TestLateLabelChangesCachedReference(t *testing.T) {
	ds := ingestSource(t, nil)
	var b strings.Builder
	b.WriteString(predictionsHeader)
	for i := range 40 {
		day, label := 1, "yes"
		if i >= 20 {
			day = 2
		}
		if i%4 == 0 {
			label = "no"
		}
		fmt.Fprintf(&b, "p%d,2026-03-%02dT%02d:00:00Z,m,A,yes,0.9,%s\n", i, day, i%20, label)
	}
	if r := post(t, ds, "predictions", editor, csvType, []byte(b.String())); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	q := `{"queryType":"classification","model":"m","metrics":["precision_reference"],"positiveClass":"yes","format":"numeric",` +
		`"compareTo":{"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"},"as":"delta"}}`
	precision := func() float64 {
		fs := queryFrames(t, ds, frameCase{name: "reference precision", query: q, from: day(2), to: day(3)})
		v := framestest.Numeric(t, fs[0], map[string]string{"version": "A"}, "precision_reference")
		if v == nil {
			t.Fatal("no reference precision")
		}
		return *v
	}
	if got := precision(); got != 0.75 {
		t.Fatalf("reference precision %v, want 0.75 (15 of 20)", got)
	}
	labels := "prediction_id,actual_label\np0,yes\np4,yes\np8,yes\np12,yes\np16,yes\n"
	if r := post(t, ds, "labels", editor, csvType, []byte(labels)); r.status != http.StatusOK || r.body["labels"] != 5.0 {
		t.Fatalf("labels: %d %s", r.status, r.raw)
	}
	if got := precision(); got != 1 {
		t.Fatalf("after late labels in the reference window the reference precision is %v, want 1", got)
	}
}

// A JSON line longer than the reader takes (16 MiB) inside an allowed body is refused as too
// large, with its line, before any row is written.
func TestIngestHugeJSONLine(t *testing.T) {
	ds := ingestSource(t, func(s *settings.Settings) { s.Ingest.MaxBodyBytes = settings.MaxBodyBytes })
	line := `{"prediction_id":"p1","ts":"2026-03-01T00:00:00Z","model":"m","model_version":"A","note":"` + strings.Repeat("x", 17<<20) + `"}`
	r := post(t, ds, "predictions", editor, map[string]string{"Content-Type": "application/x-ndjson"}, []byte(line+"\n"))
	if msg, _ := r.body["error"].(string); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(msg, "body:1: a line longer than 16 MiB") {
		t.Fatalf("%d %s", r.status, cutText(r.raw))
	}
}

func cutText(s string) string { return s[:min(len(s), 300)] }
