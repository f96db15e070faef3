package host_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/tests/internal/demostore"
	"github.com/mlops/modelwatch/tests/internal/pluginhost"
)

var (
	// modelServer is a service account with the Editor role, as a model server's token is.
	modelServer = &backend.User{Login: "sa-1-model-server", Name: "model-server", Role: "Editor"}
	// anonymousVisitor is how Grafana passes a visitor of an instance with anonymous access.
	anonymousVisitor = &backend.User{Role: "Viewer"}
)

const (
	liveRows  = 1_000_000
	liveBatch = 10_000
	// recentBatches are the last days of the demo (every version of every model serves in them).
	recentBatches = 20
	recentRows    = recentBatches * liveBatch
)

// liveContext is the plugin context of a data source accepting writes into path.
func liveContext(t *testing.T, uid, path string, in settings.Ingest, user *backend.User) backend.PluginContext {
	t.Helper()
	raw, err := json.Marshal(map[string]any{
		"store": "duckdb", "path": path, "table": "predictions", "labelsTable": "labels",
		"outcomeColumns": []string{demo.OutcomeColumn}, "ingest": in,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := backend.DataSourceInstanceSettings{ID: 900, UID: uid, Name: uid, Type: "mlops-modelwatch-datasource", JSONData: raw,
		Updated: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	return backend.PluginContext{OrgID: 1, PluginID: "mlops-modelwatch-datasource", User: user, DataSourceInstanceSettings: &s}
}

// sent is a write route's answer.
type sent struct {
	status     int
	retryAfter time.Duration
	rows       int64
	inserted   int64
	skipped    int64
	body       string
}

func postBatch(ctx context.Context, p *pluginhost.Plugin, pc backend.PluginContext, route, contentType string, body []byte) (sent, error) {
	res, err := p.Call(ctx, pc, http.MethodPost, route, map[string][]string{"Content-Type": {contentType}, "Content-Encoding": {"gzip"}}, body)
	if err != nil {
		return sent{}, err
	}
	s := sent{status: res.Status, body: string(res.Body)}
	if v := res.Headers["Retry-After"]; len(v) > 0 {
		secs, _ := strconv.Atoi(v[0])
		s.retryAfter = time.Duration(secs) * time.Second
	}
	var r struct{ Rows, Inserted, Skipped int64 }
	if s.status == http.StatusOK {
		if err := json.Unmarshal(res.Body, &r); err != nil {
			return s, fmt.Errorf("reply %q: %w", res.Body, err)
		}
	}
	s.rows, s.inserted, s.skipped = r.Rows, r.Inserted, r.Skipped
	return s, nil
}

// sendUntilDone sends a batch as a client following the API's rules does: 429 waits for
// Retry-After, 5xx and transport errors are retried, 4xx is final.
func sendUntilDone(ctx context.Context, p *pluginhost.Plugin, pc backend.PluginContext, body []byte, retries *atomic.Int64) (sent, error) {
	for attempt := 0; ; attempt++ {
		s, err := postBatch(ctx, p, pc, "predictions", "text/csv", body)
		switch {
		case err == nil && s.status == http.StatusOK:
			return s, nil
		case err == nil && s.status == http.StatusTooManyRequests:
			retries.Add(1)
			time.Sleep(min(s.retryAfter, 2*time.Second))
		case err == nil && s.status < 500:
			return s, fmt.Errorf("refused: %d %s", s.status, s.body)
		case attempt == 20:
			return s, fmt.Errorf("gave up after %d attempts: %d %s %v", attempt, s.status, s.body, err)
		default:
			retries.Add(1)
			time.Sleep(200 * time.Millisecond)
		}
	}
}

func gzipAll(t *testing.T, bodies [][]byte) [][]byte {
	t.Helper()
	out := make([][]byte, len(bodies))
	for i, b := range bodies {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		out[i] = buf.Bytes()
	}
	return out
}

// liveDemo is the demo's first n predictions as CSV batches, gzipped.
func liveDemo(t *testing.T, n int) [][]byte {
	t.Helper()
	started := time.Now()
	o := demo.Options{Rows: n + n/20, Span: demo.DefaultSpan, End: demoEnd, Seed: demo.DefaultSeed}
	batches, err := demostore.CSVBatches(o, n, liveBatch)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d predictions in %d CSV batches prepared in %s", n, len(batches), time.Since(started).Round(time.Millisecond))
	return gzipAll(t, batches)
}

// storeCounts opens a store file no process holds and counts its rows and distinct ids.
func storeCounts(t *testing.T, path string) (rows, ids int64) {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow("SELECT count(*), count(DISTINCT prediction_id) FROM predictions").Scan(&rows, &ids); err != nil {
		t.Fatal(err)
	}
	return rows, ids
}

// requestsSeen is the number of predictions a query through the plugin counts over the demo's
// whole span, all models.
func requestsSeen(ctx context.Context, p *pluginhost.Plugin, pc backend.PluginContext) (int64, error) {
	var total int64
	for _, model := range []string{"churn-classifier", "basket-forecaster", "search-ranker"} {
		q := fmt.Sprintf(`{"queryType":"operations","model":%q,"metrics":["requests"],"format":"numeric","combineVersions":true}`, model)
		resp, err := p.QueryData(ctx, &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{{
			RefID: "A", QueryType: "operations", JSON: json.RawMessage(q),
			TimeRange: backend.TimeRange{From: demoEnd.Add(-demo.DefaultSpan - time.Hour), To: demoEnd.Add(time.Hour)},
		}}})
		if err != nil {
			return 0, err
		}
		r := resp.Responses["A"]
		if r.Error != nil {
			if r.Status == backend.StatusNotFound {
				continue // the model has no row yet
			}
			return 0, r.Error
		}
		for _, f := range r.Frames {
			for _, field := range f.Fields {
				if field.Type() == data.FieldTypeNullableFloat64 && field.Len() > 0 {
					if v, ok := field.ConcreteAt(0); ok {
						total += int64(v.(float64))
					}
				}
			}
		}
	}
	return total, nil
}

// The ingest API through the plugin binary: 1,000,000 predictions in concurrent batches with
// retries and deliberate duplicates while every provisioned dashboard's queries run against the
// same data source (the last days first, then a backfill of the weeks before). Exactly 1,000,000 rows, no duplicate, every batch fully in, queries never
// fail and see each acknowledged batch at once.
func TestIngestWhileDashboardsRead(t *testing.T) {
	batches := liveDemo(t, liveRows)
	p, err := pluginhost.Start(fixture.binary, pluginhost.Options{Logs: fixture.logs, Env: grafanaEnv()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	path := filepath.Join(filepath.Dir(fixture.storePath), "live.duckdb")
	in := settings.Ingest{Enabled: true, MaxBatchRows: liveBatch, BatchesPerSecond: 25}
	writer := liveContext(t, "live", path, in, modelServer)
	reader := liveContext(t, "live", path, in, viewer)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()

	// Who may write, and the bounds, through the binary.
	dir := filepath.Dir(fixture.storePath)
	small := liveContext(t, "live-small", filepath.Join(dir, "small.duckdb"), settings.Ingest{Enabled: true, MaxBodyBytes: 1 << 20}, modelServer)
	roomy := liveContext(t, "live-roomy", filepath.Join(dir, "roomy.duckdb"), settings.Ingest{Enabled: true}, modelServer)
	slow := liveContext(t, "live-slow", filepath.Join(dir, "slow.duckdb"), settings.Ingest{Enabled: true, BatchesPerSecond: 1}, modelServer)
	for _, c := range []struct {
		name   string
		pc     backend.PluginContext
		user   *backend.User
		body   []byte
		status int
	}{
		{"viewer", small, viewer, batches[0], http.StatusForbidden},
		{"anonymous", small, anonymousVisitor, batches[0], http.StatusUnauthorized},
		{"no user", small, nil, batches[0], http.StatusUnauthorized},
		{"oversized", small, modelServer, gzipAll(t, [][]byte{bytes.Repeat([]byte("x,"), 1<<20)})[0], http.StatusRequestEntityTooLarge},
		// 20 MiB as sent, over gRPC's default 16 MiB message: the route answers, not the transport.
		{"20 MiB as sent", roomy, modelServer, bytes.Repeat([]byte("x,"), 10<<20), http.StatusBadRequest},
		{"editor", slow, modelServer, batches[0], http.StatusOK},
		{"over the rate", slow, modelServer, batches[0], http.StatusTooManyRequests},
	} {
		pc := c.pc
		pc.User = c.user
		s, err := postBatch(ctx, p, pc, "predictions", "text/csv", c.body)
		if err != nil || s.status != c.status {
			t.Errorf("%s: %d %s (%v), want %d", c.name, s.status, s.body, err, c.status)
		}
		if c.status == http.StatusTooManyRequests && s.retryAfter < time.Second {
			t.Errorf("429 without Retry-After: %q", s.body)
		}
	}

	// Writers: 4 at once; every seventh batch is sent twice (a reply lost on the way, the client
	// retries), and every eleventh again at the end (a pipeline replaying its last hour).
	var (
		inserted, skipped, retries, acked, sends atomic.Int64
		jobs                                     = make(chan int)
		wg                                       sync.WaitGroup
		failures                                 = make(chan error, 100)
	)
	started := time.Now()
	for range 4 {
		wg.Go(func() {
			for i := range jobs {
				copies := 1
				if i%7 == 3 {
					copies = 2
				}
				for range copies {
					s, err := sendUntilDone(ctx, p, writer, batches[i], &retries)
					if err != nil {
						failures <- fmt.Errorf("batch %d: %w", i, err)
						return
					}
					sends.Add(1)
					inserted.Add(s.inserted)
					skipped.Add(s.skipped)
					if s.inserted > 0 {
						if n := acked.Add(s.inserted); n%(10*liveBatch) == 0 {
							t.Logf("%s: %d rows acknowledged", time.Since(started).Round(time.Millisecond), n)
						}
					}
				}
			}
		})
	}

	// Readers: every provisioned dashboard's queries at the data's newest hour, and the count
	// of predictions, which must never lag what was acknowledged before the query started.
	stop := make(chan struct{})
	var readers sync.WaitGroup
	var dashboardQueries, countQueries atomic.Int64
	targets := dashboardTargets(t)
	readers.Go(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		for {
			select {
			case <-stop:
				return
			default:
			}
			if acked.Load() < recentRows {
				time.Sleep(100 * time.Millisecond) // the dashboards name versions of the last days
				continue
			}
			dt := targets[rng.IntN(len(targets))]
			q := dashboardQuery(t, dt, demoEnd)
			resp, err := p.QueryData(ctx, &backend.QueryDataRequest{PluginContext: reader, Queries: []backend.DataQuery{q}})
			if err != nil {
				failures <- fmt.Errorf("%s: %w", dt.name, err)
				return
			}
			for _, r := range resp.Responses {
				if r.Error != nil {
					failures <- fmt.Errorf("%s during ingest: %v", dt.name, r.Error)
					return
				}
			}
			dashboardQueries.Add(1)
		}
	})
	readers.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			before := acked.Load()
			if before == 0 {
				time.Sleep(50 * time.Millisecond) // no table before the first batch
				continue
			}
			seen, err := requestsSeen(ctx, p, reader)
			if err != nil {
				failures <- fmt.Errorf("counting during ingest: %w", err)
				return
			}
			if seen < before {
				failures <- fmt.Errorf("a query saw %d predictions after %d were acknowledged", seen, before)
				return
			}
			countQueries.Add(1)
		}
	})

	go func() {
		// The last days first, in time order as live traffic arrives (four writers reorder them a
		// little), then the weeks before as a backfill: late rows inside the windows the
		// dashboards' references have cached.
		for k := range batches {
			jobs <- (k + len(batches) - recentBatches) % len(batches)
		}
		for i := 0; i < len(batches); i += 11 {
			jobs <- i
		}
		close(jobs)
	}()
	wg.Wait()
	elapsed := time.Since(started)
	close(stop)
	readers.Wait()
	close(failures)
	for err := range failures {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	resent := (sends.Load() - int64(len(batches))) * liveBatch
	if resent < 24*liveBatch {
		t.Errorf("only %d batches were sent again", resent/liveBatch)
	}
	if inserted.Load() != liveRows || skipped.Load() != resent {
		t.Errorf("inserted %d (want %d), skipped %d (want %d, the resent batches)", inserted.Load(), liveRows, skipped.Load(), resent)
	}
	seen, err := requestsSeen(ctx, p, reader)
	if err != nil || seen != liveRows {
		t.Errorf("queries count %d predictions (%v), want %d", seen, err, liveRows)
	}
	t.Logf("%d predictions in %d batches (+%d resent) in %s: %.0f rows/s, %d retries; %d dashboard and %d count queries meanwhile, "+
		"none failed, each count query saw every batch acknowledged before it started",
		liveRows, len(batches), resent/liveBatch, elapsed.Round(time.Millisecond), float64(liveRows)/elapsed.Seconds(), retries.Load(),
		dashboardQueries.Load(), countQueries.Load())
	if dashboardQueries.Load() == 0 || countQueries.Load() == 0 {
		t.Errorf("no query ran during ingest (%d dashboard, %d count)", dashboardQueries.Load(), countQueries.Load())
	}
	p.Kill()
	if rows, ids := storeCounts(t, path); rows != liveRows || ids != liveRows {
		t.Errorf("the store holds %d rows with %d distinct prediction ids, want %d of each", rows, ids, liveRows)
	}
}

// batchIDs are the prediction ids of each CSV batch.
func batchIDs(plain [][]byte) [][]string {
	out := make([][]string, len(plain))
	for i, b := range plain {
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")[1:]
		for _, l := range lines {
			id, _, _ := strings.Cut(l, ",")
			out[i] = append(out[i], id)
		}
	}
	return out
}

// storedIDs reads every prediction id of a store file no process holds.
func storedIDs(t *testing.T, path string) map[string]int {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT prediction_id FROM predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids := map[string]int{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[id]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// The plugin killed (SIGKILL) in the middle of ingest: started again, the store opens and holds
// only whole batches, every acknowledged one among them; the client's resent batches complete it
// exactly.
func TestIngestSurvivesKill9(t *testing.T) {
	const n = 200_000
	o := demo.Options{Rows: n + n/20, Span: demo.DefaultSpan, End: demoEnd, Seed: demo.DefaultSeed}
	plain, err := demostore.CSVBatches(o, n, liveBatch)
	if err != nil {
		t.Fatal(err)
	}
	batches, ids := gzipAll(t, plain), batchIDs(plain)
	path := filepath.Join(filepath.Dir(fixture.storePath), "killed.duckdb")
	in := settings.Ingest{Enabled: true, BatchesPerSecond: 1000}
	pc := liveContext(t, "live-killed", path, in, modelServer)
	ctx := requestContext(t)

	p, err := pluginhost.Start(fixture.binary, pluginhost.Options{Logs: fixture.logs, Env: grafanaEnv()})
	if err != nil {
		t.Fatal(err)
	}
	pid, err := p.Pid()
	if err != nil {
		t.Fatal(err)
	}
	var (
		acked    sync.Map
		ackCount atomic.Int64
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	for range 3 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(batches) {
					return
				}
				s, err := postBatch(ctx, p, pc, "predictions", "text/csv", batches[i])
				if err != nil || s.status != http.StatusOK {
					return // the process is gone
				}
				acked.Store(i, true)
				if ackCount.Add(1) == 5 {
					_ = syscall.Kill(pid, syscall.SIGKILL) // in the middle of the batches the other writers are sending
				}
			}
		})
	}
	wg.Wait()
	p.Kill()
	if ackCount.Load() >= int64(len(batches)) {
		t.Fatalf("every batch was acknowledged before the kill: nothing was interrupted")
	}

	stored := storedIDs(t, path)
	whole := 0
	for i, batch := range ids {
		in := 0
		for _, id := range batch {
			in += stored[id]
		}
		_, wasAcked := acked.Load(i)
		switch {
		case in == len(batch):
			whole++
		case in != 0:
			t.Errorf("batch %d is partly stored after the kill: %d of %d rows", i, in, len(batch))
		case wasAcked:
			t.Errorf("batch %d was acknowledged but is not stored after the kill", i)
		}
	}
	t.Logf("killed after %d acknowledged batches; the store holds %d whole batches (%d rows) and no partial one", ackCount.Load(), whole, len(stored))

	p, err = pluginhost.Start(fixture.binary, pluginhost.Options{Logs: fixture.logs, Env: grafanaEnv()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	var inserted atomic.Int64
	var retries atomic.Int64
	for _, b := range batches {
		s, err := sendUntilDone(ctx, p, pc, b, &retries)
		if err != nil {
			t.Fatal(err)
		}
		inserted.Add(s.inserted)
	}
	if want := int64(n - len(stored)); inserted.Load() != want {
		t.Errorf("resending every batch inserted %d rows, want %d (the ones the kill lost)", inserted.Load(), want)
	}
	if seen, err := requestsSeen(ctx, p, liveContext(t, "live-killed", path, in, viewer)); err != nil || seen != n {
		t.Errorf("queries count %d predictions (%v), want %d", seen, err, n)
	}
	p.Kill()
	if rows, distinct := storeCounts(t, path); rows != n || distinct != n {
		t.Errorf("the store holds %d rows with %d distinct ids, want %d of each", rows, distinct, n)
	}
}

// A late label for a prediction inside a cached reference window changes the next answer,
// through the binary: the reference window's statistics are cached by the first query (its
// window has ended) and the labels route forgets them.
func TestLateLabelChangesTheNextAnswerThroughTheBinary(t *testing.T) {
	path := filepath.Join(filepath.Dir(fixture.storePath), "late.duckdb")
	in := settings.Ingest{Enabled: true}
	writer, reader := liveContext(t, "live-late", path, in, modelServer), liveContext(t, "live-late", path, in, viewer)
	ctx := requestContext(t)
	var b strings.Builder
	b.WriteString("prediction_id,ts,model,model_version,predicted_label,score,actual_label\n")
	for i := range 40 {
		day, label := 1, "yes"
		if i >= 20 {
			day = 2
		}
		if i%4 == 0 {
			label = "no" // a quarter of day 1's positive predictions are wrong
		}
		fmt.Fprintf(&b, "p%d,2026-03-%02dT%02d:00:00Z,m,A,yes,0.9,%s\n", i, day, i%20, label)
	}
	if s, err := postBatch(ctx, fixture.plugin, writer, "predictions", "text/csv", gzipAll(t, [][]byte{[]byte(b.String())})[0]); err != nil || s.status != http.StatusOK {
		t.Fatalf("predictions: %d %s %v", s.status, s.body, err)
	}
	q := `{"queryType":"classification","model":"m","metrics":["precision_reference"],"positiveClass":"yes","format":"numeric",` +
		`"compareTo":{"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"},"as":"delta"}}`
	reference := func() float64 {
		resp, err := fixture.plugin.QueryData(ctx, &backend.QueryDataRequest{PluginContext: reader, Queries: []backend.DataQuery{{
			RefID: "A", QueryType: "classification", JSON: json.RawMessage(q),
			TimeRange: backend.TimeRange{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)},
		}}})
		if err != nil || resp.Responses["A"].Error != nil {
			t.Fatalf("query: %v %v", err, resp.Responses["A"].Error)
		}
		for _, f := range resp.Responses["A"].Frames {
			for _, field := range f.Fields {
				if field.Name == "precision_reference" || (field.Type() == data.FieldTypeNullableFloat64 && field.Labels["version"] == "A") {
					if v, ok := field.ConcreteAt(0); ok {
						return v.(float64)
					}
				}
			}
		}
		t.Fatal("no reference precision in the answer")
		return 0
	}
	if got := reference(); got != 0.75 {
		t.Fatalf("reference precision %v, want 0.75", got)
	}
	if got := reference(); got != 0.75 { // the second answer comes from the cache
		t.Fatalf("reference precision %v again, want 0.75", got)
	}
	labels := "prediction_id,actual_label\np0,yes\np4,yes\np8,yes\np12,yes\np16,yes\n"
	if s, err := postBatch(ctx, fixture.plugin, writer, "labels", "text/csv", gzipAll(t, [][]byte{[]byte(labels)})[0]); err != nil || s.status != http.StatusOK {
		t.Fatalf("labels: %d %s %v", s.status, s.body, err)
	}
	if got := reference(); got != 1 {
		t.Fatalf("after late labels inside the cached reference window the reference precision is %v, want 1", got)
	}
}
