package bench_test

// BenchmarkDashboard measures what a user waits for when opening a provisioned dashboard: every
// panel's queries sent at once, one QueryData request per panel (a panel's targets together, as
// Grafana's query runner sends them), to the built plugin binary started as Grafana starts it,
// and beside it, in the same run and on the same store file, hand-written DuckDB SQL computing
// the same sufficient statistics (dashboard_sql_test.go).
//
// How to run (the binary: `go tool mage -v build`, or `go build -o <path> ./pkg`):
//
//	MODELWATCH_PLUGIN_BINARY=dist/datasource/gpx_modelwatch_linux_amd64 MODELWATCH_BENCH_DIR=/tmp/mwbench \
//	MODELWATCH_BENCH_ROWS=1000000,10000000 \
//	  go test -run '^$' -bench 'Dashboard$' -benchtime 3x -timeout 60m ./tests/bench/
//
// Without MODELWATCH_PLUGIN_BINARY the benchmark is skipped. The demo stores are built once per
// size and kept in MODELWATCH_BENCH_DIR (fixture_test.go). One operation is:
//
//   - plugin cold: a fresh plugin process; its data source instance is created (the store opened)
//     by a health check before timing, so the timed load starts with the engine's caches and
//     DuckDB's buffer pool empty (the file itself is in the OS page cache);
//   - plugin warm: the same dashboard again on the same process (a refresh: versions, classes
//     and reference statistics cached, DuckDB's buffers filled);
//   - plugin warm, one panel at a time: each panel's request alone, one after the other, on
//     that process (what each panel costs without the others queueing on the same cores);
//   - SQL cold: a fresh read-only connection (opened before timing), one statement per panel,
//     run one after the other on one connection, as a DBA would;
//   - SQL warm: the same statements again on that connection;
//   - SQL concurrent: the same statements again, all at once on the connection pool.
//
// Before timing, each dashboard's plugin answers are compared with the hand-written SQL's
// numbers (precision, counts, quantiles, histogram bins, drift distances...); a difference
// fails the benchmark, so the SQL cannot get faster by computing less.
//
// Metrics per dashboard and store size: cold-ms, warm-ms and warm-seq-ms (plugin, per load; the
// last one panel after panel), sql-cold-ms, sql-warm-ms and sql-conc-ms, the ratios x-sql-cold
// (plugin cold / SQL cold), x-sql-warm (plugin warm / SQL warm), x-sql-conc (plugin warm / SQL
// concurrent), x-sql-seq (plugin warm one panel at a time / SQL warm, both sequential), rows/s
// (the rows of the panels' models in their ranges, summed over the panels, per second of a warm
// load), and the plugin's memory after the last warm load: rss-MB and rss-peak-MB (VmRSS, VmHWM
// of /proc/<pid>/status) and go-heap-MB (go_memstats_heap_inuse_bytes from the metrics the
// plugin serves to Grafana).

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/hashicorp/go-hclog"

	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/tests/internal/pluginhost"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// dashboardPanel is one panel's request: its targets, sent together.
type dashboardPanel struct {
	name string // <dashboard uid>/panel-<id>
	reqs []dashboardRequest
}

// dashboard is one provisioned dashboard's panels that query Modelwatch.
type dashboard struct {
	uid    string
	panels []dashboardPanel
}

// groupDashboards groups the provisioned targets by dashboard and panel, in file order.
func groupDashboards(reqs []dashboardRequest) []dashboard {
	var out []dashboard
	for _, r := range reqs {
		uid, pid := r.headers["X-Dashboard-Uid"], r.headers["X-Panel-Id"]
		if len(out) == 0 || out[len(out)-1].uid != uid {
			out = append(out, dashboard{uid: uid})
		}
		d := &out[len(out)-1]
		name := uid + "/panel-" + pid
		if len(d.panels) == 0 || d.panels[len(d.panels)-1].name != name {
			d.panels = append(d.panels, dashboardPanel{name: name})
		}
		p := &d.panels[len(d.panels)-1]
		p.reqs = append(p.reqs, r)
	}
	return out
}

// dashboardEnv is what every dashboard benchmark of one run shares.
type dashboardEnv struct {
	binary     string
	prov       *provfiles.Provisioned
	dashboards []dashboard
}

func newDashboardEnv(b *testing.B) dashboardEnv {
	binary := os.Getenv(envBinary)
	if binary == "" {
		b.Skipf("set %s to the built plugin binary (go tool mage -v build; dist/datasource/gpx_modelwatch_linux_amd64) to run the dashboard benchmark", envBinary)
	}
	root, err := provfiles.RepoRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	if !filepath.IsAbs(binary) {
		binary = filepath.Join(root, binary)
	}
	if _, err := os.Stat(binary); err != nil {
		b.Fatalf("%s: %v", envBinary, err)
	}
	prov, errs := provfiles.Load(root)
	if len(errs) > 0 {
		b.Fatalf("reading the provisioning files: %v", errs)
	}
	reqs, err := dashboardRequests(prov, dataEnd)
	if err != nil {
		b.Fatal(err)
	}
	return dashboardEnv{binary: binary, prov: prov, dashboards: groupDashboards(reqs)}
}

func BenchmarkDashboard(b *testing.B) {
	env := newDashboardEnv(b)
	for _, n := range sizes(b) {
		for _, d := range env.dashboards {
			b.Run(fmt.Sprintf("rows=%d/%s", n, d.uid), func(b *testing.B) {
				benchDashboard(b, env, d, n)
			})
		}
	}
}

// verified records the dashboards and sizes whose answers were compared with the SQL's.
var verified = map[string]bool{}

func benchDashboard(b *testing.B, env dashboardEnv, d dashboard, n int) {
	f := fixtureFor(b, n)
	settings, err := loadSettings(env.prov, f.path)
	if err != nil {
		b.Fatal(err)
	}
	stmts := make([]handStatement, len(d.panels))
	for i, p := range d.panels {
		if stmts[i], err = handWritten(p); err != nil {
			b.Fatal(err)
		}
	}
	rows, err := dashboardRows(f.st.DB(), d)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	// The SQL must compute what the plugin computes: compare before timing (once per run: the
	// benchmark framework calls this function again with a larger b.N).
	if key := fmt.Sprintf("%d/%s", n, d.uid); !verified[key] {
		verified[key] = true
		p := startPlugin(b, env.binary, f.path, settings)
		answers, _, err := loadDashboard(ctx, p.plugin, settings, d)
		if err != nil {
			b.Fatalf("%v\n%s", err, p.logs)
		}
		results, _, err := runSequential(ctx, f.st.DB(), stmts)
		if err != nil {
			b.Fatal(err)
		}
		for i, panel := range d.panels {
			if err := stmts[i].check(results[i], answers[panel.name]); err != nil {
				b.Fatalf("%s: the plugin and the hand-written SQL disagree: %v", panel.name, err)
			}
		}
		p.plugin.Kill()
	}

	var cold, warm, warmSeq, sqlCold, sqlWarm, sqlConc time.Duration
	var last memoryObservation
	var warmEach, seqEach, sqlEach []time.Duration // per panel, last run
	b.ResetTimer()
	b.StopTimer()
	for range b.N {
		p := startPlugin(b, env.binary, f.path, settings)
		_, took, err := loadDashboard(ctx, p.plugin, settings, d)
		if err != nil {
			b.Fatalf("cold load: %v\n%s", err, p.logs)
		}
		cold += took
		_, took, warmEach, err = loadDashboardTimed(ctx, p.plugin, settings, d)
		if err != nil {
			b.Fatalf("warm load: %v\n%s", err, p.logs)
		}
		warm += took
		if seqEach, err = loadPanelsOneByOne(ctx, p.plugin, settings, d); err != nil {
			b.Fatalf("warm load, one panel at a time: %v\n%s", err, p.logs)
		}
		for _, t := range seqEach {
			warmSeq += t
		}
		if last, err = observeMemory(ctx, p.plugin); err != nil {
			b.Fatal(err)
		}
		p.plugin.Kill()

		st, err := duckdb.Open(f.path, "predictions")
		if err != nil {
			b.Fatal(err)
		}
		if err := st.DB().PingContext(ctx); err != nil {
			b.Fatal(err)
		}
		for _, into := range []*time.Duration{&sqlCold, &sqlWarm} {
			_, took, each, err := runSequentialTimed(ctx, st.DB(), stmts)
			if err != nil {
				b.Fatal(err)
			}
			*into += took
			sqlEach = each
		}
		took, err = runConcurrent(ctx, st.DB(), stmts)
		if err != nil {
			b.Fatal(err)
		}
		sqlConc += took
		_ = st.Close()
	}
	per := func(d time.Duration) float64 { return ms(d) / float64(b.N) }
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(per(cold), "cold-ms")
	b.ReportMetric(per(warm), "warm-ms")
	b.ReportMetric(per(warmSeq), "warm-seq-ms")
	b.ReportMetric(per(sqlCold), "sql-cold-ms")
	b.ReportMetric(per(sqlWarm), "sql-warm-ms")
	b.ReportMetric(per(sqlConc), "sql-conc-ms")
	b.ReportMetric(cold.Seconds()/sqlCold.Seconds(), "x-sql-cold")
	b.ReportMetric(warm.Seconds()/sqlWarm.Seconds(), "x-sql-warm")
	b.ReportMetric(warm.Seconds()/sqlConc.Seconds(), "x-sql-conc")
	b.ReportMetric(warmSeq.Seconds()/sqlWarm.Seconds(), "x-sql-seq")
	b.ReportMetric(float64(rows)*float64(b.N)/warm.Seconds(), "rows/s")
	b.ReportMetric(mb(last.proc.RSS), "rss-MB")
	b.ReportMetric(mb(last.proc.PeakRSS), "rss-peak-MB")
	b.ReportMetric(last.heapInuse/(1<<20), "go-heap-MB")
	b.Logf("%s at %d rows: %d panels, %d model rows in the panels' ranges; load average %s", d.uid, n, len(d.panels), rows, loadAverage())
	for i, p := range d.panels {
		b.Logf("  %-36s plugin warm: answered after %8.1f ms (all panels at once), %8.1f ms alone   SQL warm (alone) %8.1f ms", p.name, ms(warmEach[i]), ms(seqEach[i]), ms(sqlEach[i]))
	}
}

// runningPlugin is a started plugin process and its log tail.
type runningPlugin struct {
	plugin *pluginhost.Plugin
	logs   *pluginhost.LogTail
}

// startPlugin starts the binary as Grafana does and creates the data source instance (the
// store opened) with a health check, so that a timed load measures the queries only.
func startPlugin(tb testing.TB, binary, storePath string, settings map[string]backend.DataSourceInstanceSettings) runningPlugin {
	tb.Helper()
	logs := pluginhost.NewLogTail(40)
	p, err := pluginhost.Start(binary, pluginhost.Options{Logs: logs, LogLevel: hclog.Warn, Env: []string{
		"GF_VERSION=12.4.0", "GF_EDITION=oss", "GF_APP_URL=http://localhost:3000/",
		"GF_PLUGIN_ALLOWED_STORE_DIRS=" + filepath.Dir(storePath),
	}})
	if err != nil {
		tb.Fatalf("starting %s: %v\n%s", binary, err, logs)
	}
	// A failed check or load must not leave the plugin running (it holds the store's lock);
	// killing an exited plugin again is harmless.
	tb.Cleanup(p.Kill)
	for _, s := range settings {
		res, err := p.CheckHealth(context.Background(), backend.PluginContext{
			OrgID: 1, PluginID: provfiles.DatasourceID, User: loadViewer, DataSourceInstanceSettings: &s,
		})
		if err != nil || res.Status != backend.HealthStatusOk {
			p.Kill()
			tb.Fatalf("health check of %s: %v %+v\n%s", s.UID, err, res, logs)
		}
	}
	return runningPlugin{plugin: p, logs: logs}
}

// loadDashboard sends every panel's request at once and returns each panel's frames by query
// refId, and the time until the last answer arrived.
func loadDashboard(ctx context.Context, p *pluginhost.Plugin, settings map[string]backend.DataSourceInstanceSettings, d dashboard) (map[string]map[string]data.Frames, time.Duration, error) {
	frames, took, _, err := loadDashboardTimed(ctx, p, settings, d)
	return frames, took, err
}

// loadDashboardTimed is loadDashboard that also returns each panel's answer time.
func loadDashboardTimed(ctx context.Context, p *pluginhost.Plugin, settings map[string]backend.DataSourceInstanceSettings, d dashboard) (map[string]map[string]data.Frames, time.Duration, []time.Duration, error) {
	out := make(map[string]map[string]data.Frames, len(d.panels))
	errs := make([]error, len(d.panels))
	each := make([]time.Duration, len(d.panels))
	var mu sync.Mutex
	var wg sync.WaitGroup
	started := time.Now()
	for i, panel := range d.panels {
		wg.Add(1)
		go func() {
			defer wg.Done()
			frames, err := sendPanel(ctx, p, settings, panel)
			each[i] = time.Since(started)
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", panel.name, err)
				return
			}
			mu.Lock()
			out[panel.name] = frames
			mu.Unlock()
		}()
	}
	wg.Wait()
	took := time.Since(started)
	for _, err := range errs {
		if err != nil {
			return nil, took, each, err
		}
	}
	return out, took, each, nil
}

// loadPanelsOneByOne sends a dashboard's panels one after another and returns each one's time
// alone: what each panel costs without the others queueing on the same cores.
func loadPanelsOneByOne(ctx context.Context, p *pluginhost.Plugin, settings map[string]backend.DataSourceInstanceSettings, d dashboard) ([]time.Duration, error) {
	each := make([]time.Duration, len(d.panels))
	for i, panel := range d.panels {
		started := time.Now()
		if _, err := sendPanel(ctx, p, settings, panel); err != nil {
			return nil, fmt.Errorf("%s: %w", panel.name, err)
		}
		each[i] = time.Since(started)
	}
	return each, nil
}

// sendPanel sends one panel's targets in one request; every query must answer with status 200.
func sendPanel(ctx context.Context, p *pluginhost.Plugin, settings map[string]backend.DataSourceInstanceSettings, panel dashboardPanel) (map[string]data.Frames, error) {
	first := panel.reqs[0]
	s, ok := settings[first.uid]
	if !ok {
		return nil, fmt.Errorf("data source uid %q is not a provisioned %s data source", first.uid, provfiles.DatasourceID)
	}
	queries := make([]backend.DataQuery, len(panel.reqs))
	for i, r := range panel.reqs {
		if r.uid != first.uid {
			return nil, fmt.Errorf("targets of one panel on two data sources (%s, %s)", first.uid, r.uid)
		}
		queries[i] = r.query
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := p.QueryData(ctx, &backend.QueryDataRequest{
		PluginContext: backend.PluginContext{
			OrgID: 1, PluginID: provfiles.DatasourceID, PluginVersion: "dev",
			User: loadViewer, DataSourceInstanceSettings: &s,
		},
		Headers: first.headers,
		Queries: queries,
	})
	if err != nil {
		return nil, err
	}
	out := map[string]data.Frames{}
	for _, q := range queries {
		dr, ok := resp.Responses[q.RefID]
		switch {
		case !ok:
			return nil, fmt.Errorf("no response for refId %q", q.RefID)
		case dr.Error != nil:
			return nil, fmt.Errorf("refId %s: status %d: %w", q.RefID, dr.Status, dr.Error)
		case dr.Status != backend.StatusOK:
			return nil, fmt.Errorf("refId %s: status %d", q.RefID, dr.Status)
		}
		out[q.RefID] = dr.Frames
	}
	return out, nil
}

// memoryObservation is the plugin's memory at one moment.
type memoryObservation struct {
	proc      pluginhost.ProcStatus
	heapInuse float64 // bytes, go_memstats_heap_inuse_bytes
}

func observeMemory(ctx context.Context, p *pluginhost.Plugin) (memoryObservation, error) {
	pid, err := p.Pid()
	if err != nil {
		return memoryObservation{}, err
	}
	st, err := pluginhost.ReadProcStatus(pid)
	if err != nil {
		return memoryObservation{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	text, err := p.Metrics(ctx)
	if err != nil {
		return memoryObservation{}, err
	}
	heap, err := pluginhost.Sample(text, "go_memstats_heap_inuse_bytes")
	if err != nil {
		return memoryObservation{}, err
	}
	return memoryObservation{proc: st, heapInuse: heap}, nil
}

// dashboardRows sums, over the dashboard's queries, the rows of the query's model in its time
// range: the rows a load has to read at least once.
func dashboardRows(db *sql.DB, d dashboard) (int64, error) {
	var total int64
	for _, p := range d.panels {
		for _, r := range p.reqs {
			model, err := queryModel(r)
			if err != nil {
				return 0, err
			}
			var n int64
			if err := db.QueryRow(`SELECT count(*) FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3`,
				model, r.query.TimeRange.From, r.query.TimeRange.To).Scan(&n); err != nil {
				return 0, err
			}
			total += n
		}
	}
	return total, nil
}
