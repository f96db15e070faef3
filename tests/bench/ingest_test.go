package bench_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/tests/internal/demostore"
	"github.com/mlops/modelwatch/tests/internal/pluginhost"
)

const (
	// envIngestRows is the number of predictions the ingest benchmark sends (default 300,000).
	envIngestRows     = "MODELWATCH_INGEST_ROWS"
	defaultIngestRows = 300_000
	ingestBatch       = 10_000
	ingestWriters     = 4
	// ingestDashboard is the dashboard that refreshes during ingest.
	ingestDashboard = "modelwatch-overview"
)

// modelServer is the service account (Editor) a model server writes with.
var modelServer = &backend.User{Login: "sa-1-model-server", Name: "model-server", Role: "Editor"}

// BenchmarkIngest measures what a team feeding Modelwatch live waits for, through the plugin
// binary started as Grafana starts it: sustained ingest rows/s (CSV batches of 10,000 rows,
// gzipped, four writers, the ingest API's POST predictions) into a new store, alone and while
// the model overview dashboard refreshes continuously (the last days' batches first so that
// the dashboard has data, then the weeks before as a backfill), and the dashboard's load time
// during ingest beside its load time on the same store once ingest is over. One run is one
// operation: run it with -benchtime 1x.
//
//	MODELWATCH_PLUGIN_BINARY=dist/datasource/gpx_modelwatch_linux_amd64 \
//	  go test -run '^$' -bench Ingest -benchtime 1x -timeout 30m ./tests/bench/
func BenchmarkIngest(b *testing.B) {
	env := newDashboardEnv(b)
	n := envPositiveInt(b, envIngestRows, defaultIngestRows)
	idx := slices.IndexFunc(env.dashboards, func(d dashboard) bool { return d.uid == ingestDashboard })
	if idx < 0 {
		b.Fatalf("no provisioned dashboard %s", ingestDashboard)
	}
	d := env.dashboards[idx]
	o := demo.Options{Rows: n + n/20, Span: dataSpan, End: dataEnd, Seed: demo.DefaultSeed}
	plain, err := demostore.CSVBatches(o, n, ingestBatch)
	if err != nil {
		b.Fatal(err)
	}
	batches := make([][]byte, len(plain))
	for i, p := range plain {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		_, _ = w.Write(p)
		_ = w.Close()
		batches[i] = buf.Bytes()
	}
	if b.N > 1 {
		b.Fatalf("one run ingests %d rows twice: run with -benchtime 1x (got b.N=%d)", n, b.N)
	}
	dir := b.TempDir()
	ctx := context.Background()

	// Alone.
	alone, _ := runIngest(b, env, filepath.Join(dir, "alone.duckdb"), batches, nil)

	// While the dashboard refreshes.
	path := filepath.Join(dir, "live.duckdb")
	var during []time.Duration
	withDash, p := runIngest(b, env, path, batches, func(ctx context.Context, p *pluginhost.Plugin, settings map[string]backend.DataSourceInstanceSettings) error {
		_, took, err := loadDashboard(ctx, p, settings, d)
		if err == nil {
			during = append(during, took)
		}
		return err
	})
	// The same dashboard on the same store once ingest is over (a refresh, as during ingest).
	settings, err := ingestSettings(env, path)
	if err != nil {
		b.Fatal(err)
	}
	var after []time.Duration
	for range max(3, min(len(during), 10)) {
		_, took, err := loadDashboard(ctx, p.plugin, settings, d)
		if err != nil {
			b.Fatalf("after ingest: %v\n%s", err, p.logs)
		}
		after = append(after, took)
	}
	p.plugin.Kill()
	if len(during) == 0 {
		b.Fatal("the dashboard never loaded during ingest")
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(n)/alone.Seconds(), "rows/s-alone")
	b.ReportMetric(float64(n)/withDash.Seconds(), "rows/s-dashboard")
	b.ReportMetric(ms(median(during)), "dash-ms-during")
	b.ReportMetric(ms(median(after)), "dash-ms-after")
	b.ReportMetric(median(during).Seconds()/median(after).Seconds(), "x-dash")
	b.Logf("%d rows in %d batches of %d, %d writers: alone %s, with %s refreshing %s (%d loads during ingest: median %.0f ms, max %.0f ms; after: median %.0f ms); load average %s",
		n, len(batches), ingestBatch, ingestWriters, alone.Round(time.Millisecond), ingestDashboard, withDash.Round(time.Millisecond),
		len(during), ms(median(during)), ms(slices.Max(during)), ms(median(after)), loadAverage())
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// ingestSettings are the provisioned data sources over path, accepting writes without limits
// that would slow the benchmark.
func ingestSettings(env dashboardEnv, path string) (map[string]backend.DataSourceInstanceSettings, error) {
	settings, err := loadSettings(env.prov, path)
	if err != nil {
		return nil, err
	}
	for uid, s := range settings {
		var jd map[string]any
		if err := json.Unmarshal(s.JSONData, &jd); err != nil {
			return nil, err
		}
		jd["ingest"] = map[string]any{"enabled": true, "maxBatchRows": ingestBatch, "batchesPerSecond": 10000, "rowsPerSecond": 10000000}
		if s.JSONData, err = json.Marshal(jd); err != nil {
			return nil, err
		}
		settings[uid] = s
	}
	return settings, nil
}

// runIngest starts the plugin on a new store and sends every batch, the last fifth first;
// refresh, when given, runs in a loop from the moment that fifth is in until the rest is. It
// returns the time from the first batch to the last acknowledgement and the running plugin.
func runIngest(b *testing.B, env dashboardEnv, path string, batches [][]byte,
	refresh func(context.Context, *pluginhost.Plugin, map[string]backend.DataSourceInstanceSettings) error,
) (time.Duration, runningPlugin) {
	b.Helper()
	settings, err := ingestSettings(env, path)
	if err != nil {
		b.Fatal(err)
	}
	p := startIngestPlugin(b, env.binary, path)
	var s backend.DataSourceInstanceSettings
	for _, v := range settings {
		s = v
		break
	}
	pc := backend.PluginContext{OrgID: 1, PluginID: s.Type, User: modelServer, DataSourceInstanceSettings: &s}
	ctx := context.Background()
	recent := len(batches) / 5
	var (
		next, acked int64
		wg          sync.WaitGroup
		failed      atomic.Value
	)
	jobs := make([]int, 0, len(batches))
	for k := range batches {
		jobs = append(jobs, (k+len(batches)-recent)%len(batches))
	}
	stop := make(chan struct{})
	var refreshing sync.WaitGroup
	started := time.Now()
	if refresh != nil {
		refreshing.Go(func() {
			for atomic.LoadInt64(&acked) < int64(recent) {
				time.Sleep(50 * time.Millisecond)
			}
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := refresh(ctx, p.plugin, settings); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	for range ingestWriters {
		wg.Go(func() {
			for {
				k := atomic.AddInt64(&next, 1) - 1
				if k >= int64(len(jobs)) {
					return
				}
				if err := postUntilDone(ctx, p.plugin, pc, batches[jobs[k]]); err != nil {
					failed.Store(err)
					return
				}
				atomic.AddInt64(&acked, 1)
			}
		})
	}
	wg.Wait()
	took := time.Since(started)
	close(stop)
	refreshing.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatalf("%v\n%s", err, p.logs)
	}
	if refresh == nil {
		p.plugin.Kill()
	}
	return took, p
}

func startIngestPlugin(b *testing.B, binary, path string) runningPlugin {
	b.Helper()
	logs := pluginhost.NewLogTail(40)
	p, err := pluginhost.Start(binary, pluginhost.Options{Logs: logs, Env: []string{
		"GF_VERSION=12.4.0", "GF_EDITION=oss", "GF_APP_URL=http://localhost:3000/",
		"GF_PLUGIN_ALLOWED_STORE_DIRS=" + filepath.Dir(path),
	}})
	if err != nil {
		b.Fatalf("starting %s: %v\n%s", binary, err, logs)
	}
	b.Cleanup(p.Kill)
	return runningPlugin{plugin: p, logs: logs}
}

// postUntilDone sends a batch, waiting on 429 and retrying 5xx, as a client of the API does.
func postUntilDone(ctx context.Context, p *pluginhost.Plugin, pc backend.PluginContext, body []byte) error {
	for attempt := 0; attempt < 20; attempt++ {
		res, err := p.Call(ctx, pc, http.MethodPost, "predictions",
			map[string][]string{"Content-Type": {"text/csv"}, "Content-Encoding": {"gzip"}}, body)
		if err != nil {
			return err
		}
		switch {
		case res.Status == http.StatusOK:
			return nil
		case res.Status == http.StatusTooManyRequests:
			secs, _ := strconv.Atoi(firstHeader(res.Headers, "Retry-After"))
			time.Sleep(time.Duration(max(secs, 1)) * time.Second)
		case res.Status < 500:
			return fmt.Errorf("batch refused: %d %s", res.Status, res.Body)
		default:
			time.Sleep(200 * time.Millisecond)
		}
	}
	return fmt.Errorf("a batch was not accepted after 20 attempts")
}

func firstHeader(h map[string][]string, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}
