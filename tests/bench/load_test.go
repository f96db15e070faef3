package bench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/hashicorp/go-hclog"

	"github.com/mlops/modelwatch/tests/internal/pluginhost"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// Environment of the dashboard load benchmark.
const (
	// envBinary is the built plugin binary (relative paths are from the repository root), as
	// the host test reads it. Without it the load benchmark does not run.
	envBinary = "MODELWATCH_PLUGIN_BINARY"
	// envRollups set to "off" turns the provisioned data source's rollups setting off, so that
	// a store that keeps rollups is read on the raw path.
	envRollups = "MODELWATCH_BENCH_ROLLUPS"
	// envLoadDuration is how long the workers send queries (a Go duration, default 3m).
	envLoadDuration = "MODELWATCH_LOAD_DURATION"
	// envLoadWorkers is the number of concurrent workers (default 50).
	envLoadWorkers = "MODELWATCH_LOAD_WORKERS"
)

const (
	defaultLoadDuration = 3 * time.Minute
	defaultLoadWorkers  = 50
	// sampleEvery is how often the plugin's RSS and goroutines are read during the load.
	sampleEvery = 5 * time.Second
	// requestTimeout bounds one request generously, so that slow answers are measured rather
	// than cut off.
	requestTimeout = 2 * time.Minute
)

// loadViewer is the signed-in user of a dashboard request.
var loadViewer = &backend.User{Login: "viewer", Name: "Viewer", Email: "viewer@example.org", Role: "Viewer"}

// BenchmarkDashboardLoad starts the built plugin binary as Grafana does, points the provisioned
// data source at the demo store and has 50 workers send the provisioned dashboards' queries,
// one query per request, round-robin, for 3 minutes. It prints requests/s, latency
// percentiles, errors, the plugin process's RSS and its goroutines. One run is one operation:
// run it with -benchtime 1x.
//
//	MODELWATCH_PLUGIN_BINARY=dist/datasource/gpx_modelwatch_linux_amd64 \
//	  go test -run '^$' -bench DashboardLoad -benchtime 1x -timeout 30m ./tests/bench/
func BenchmarkDashboardLoad(b *testing.B) {
	binary := os.Getenv(envBinary)
	if binary == "" {
		b.Skipf("set %s to the built plugin binary (go tool mage -v build; dist/datasource/gpx_modelwatch_linux_amd64) to run the load benchmark", envBinary)
	}
	duration := envDuration(b, envLoadDuration, defaultLoadDuration)
	workers := envPositiveInt(b, envLoadWorkers, defaultLoadWorkers)
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			if b.N > 1 {
				b.Fatalf("one run is %s of load: run with -benchtime 1x (got b.N=%d)", duration, b.N)
			}
			runLoad(b, loadConfig{binary: binary, rows: n, duration: duration, workers: workers})
		})
	}
}

type loadConfig struct {
	binary   string
	rows     int
	duration time.Duration
	workers  int
}

func runLoad(b *testing.B, cfg loadConfig) {
	b.StopTimer()
	root, err := provfiles.RepoRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	if !filepath.IsAbs(cfg.binary) {
		cfg.binary = filepath.Join(root, cfg.binary)
	}
	if _, err := os.Stat(cfg.binary); err != nil {
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
	store := fixtureFor(b, cfg.rows)
	settings, err := loadSettings(prov, store.path)
	if err != nil {
		b.Fatal(err)
	}

	logs := pluginhost.NewLogTail(40)
	p, err := pluginhost.Start(cfg.binary, pluginhost.Options{Logs: logs, LogLevel: hclog.Info, Env: []string{
		// What Grafana adds to a plugin's environment (its plugin env vars provider), and the
		// plugin's grafana.ini section allowing the store's folder.
		"GF_VERSION=12.4.0", "GF_EDITION=oss", "GF_APP_URL=http://localhost:3000/",
		"GF_PLUGIN_ALLOWED_STORE_DIRS=" + filepath.Dir(store.path),
	}})
	if err != nil {
		b.Fatalf("starting %s: %v\n%s", cfg.binary, err, logs)
	}
	defer p.Kill()
	pid, err := p.Pid()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	idle, err := observe(ctx, p, pid)
	if err != nil {
		b.Fatal(err)
	}

	// One untimed pass: creates the data source instance and fills its caches, as the first
	// dashboard load after a restart does; every query must answer before the load starts.
	warmup := make([]time.Duration, len(reqs))
	for i, r := range reqs {
		d, err := send(ctx, p, settings, r)
		if err != nil {
			b.Fatalf("%s: %v\n%s", r.name, err, logs)
		}
		warmup[i] = d
	}
	warm, err := observe(ctx, p, pid)
	if err != nil {
		b.Fatal(err)
	}

	loadBefore := loadAverage()
	b.StartTimer()
	res := drive(ctx, p, pid, settings, reqs, cfg)
	b.StopTimer()
	loadAfter := loadAverage()

	time.Sleep(2 * time.Second) // let the finished requests' goroutines exit
	after, err := observe(ctx, p, pid)
	if err != nil {
		b.Fatalf("the plugin after the load: %v\n%s", err, logs)
	}
	if p.Exited() {
		b.Fatalf("the plugin process exited during the load\n%s", logs)
	}

	rep := loadReport{cfg: cfg, reqs: reqs, warmup: warmup, res: res, idle: idle, warm: warm, after: after,
		machine: fmt.Sprintf("%d CPUs, load average (1 min) %s before the load, %s at its end", runtime.NumCPU(), loadBefore, loadAfter)}
	rep.print(os.Stdout)
	all := res.allLatencies()
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(len(all))/res.elapsed.Seconds(), "req/s")
	b.ReportMetric(ms(percentile(all, 0.50)), "p50-ms")
	b.ReportMetric(ms(percentile(all, 0.90)), "p90-ms")
	b.ReportMetric(ms(percentile(all, 0.99)), "p99-ms")
	b.ReportMetric(float64(res.errors()), "errors")
	b.ReportMetric(mb(res.maxRSS()), "max-RSS-MB")
	b.ReportMetric(float64(after.goroutines), "goroutines-after")
	if res.errors() > 0 {
		b.Errorf("%d of %d requests failed (first errors above)", res.errors(), len(all)+res.errors())
	}
}

// loadSettings are the provisioned Modelwatch data sources' settings, by uid, pointing at the
// store (the provisioned path is inside the Grafana container).
func loadSettings(prov *provfiles.Provisioned, storePath string) (map[string]backend.DataSourceInstanceSettings, error) {
	out := map[string]backend.DataSourceInstanceSettings{}
	id := int64(0)
	for _, rel := range provfiles.SortedKeys(prov.Datasources) {
		for _, ds := range prov.Datasources[rel].Datasources {
			if ds.Type != provfiles.DatasourceID {
				continue
			}
			jsonData := map[string]any{"store": ds.JSONData.Store, "path": storePath, "table": ds.JSONData.Table, "outcomeColumns": ds.JSONData.OutcomeColumns}
			if os.Getenv(envRollups) == "off" {
				jsonData["rollups"] = false // the raw path on a store that keeps rollups
			}
			raw, err := json.Marshal(jsonData)
			if err != nil {
				return nil, err
			}
			id++
			out[ds.UID] = backend.DataSourceInstanceSettings{
				ID: id, UID: ds.UID, Name: ds.Name, Type: ds.Type, JSONData: raw,
				Updated: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no %s data source is provisioned", provfiles.DatasourceID)
	}
	return out, nil
}

// send sends one dashboard query as its own request and returns how long the answer took; a
// transport error, a query error or a status other than 200 is an error.
func send(ctx context.Context, p *pluginhost.Plugin, settings map[string]backend.DataSourceInstanceSettings, r dashboardRequest) (time.Duration, error) {
	s, ok := settings[r.uid]
	if !ok {
		return 0, fmt.Errorf("data source uid %q is not a provisioned %s data source", r.uid, provfiles.DatasourceID)
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	started := time.Now()
	resp, err := p.QueryData(ctx, &backend.QueryDataRequest{
		PluginContext: backend.PluginContext{
			OrgID: 1, PluginID: provfiles.DatasourceID, PluginVersion: "dev",
			User: loadViewer, DataSourceInstanceSettings: &s,
		},
		Headers: r.headers,
		Queries: []backend.DataQuery{r.query},
	})
	took := time.Since(started)
	if err != nil {
		return took, err
	}
	dr, ok := resp.Responses[r.query.RefID]
	switch {
	case !ok:
		return took, fmt.Errorf("no response for refId %q", r.query.RefID)
	case dr.Error != nil:
		return took, fmt.Errorf("status %d: %w", dr.Status, dr.Error)
	case dr.Status != backend.StatusOK:
		return took, fmt.Errorf("status %d", dr.Status)
	}
	return took, nil
}

// observation is what is seen of the plugin process at one moment.
type observation struct {
	at         time.Duration // since the load started
	proc       pluginhost.ProcStatus
	goroutines int
}

func observe(ctx context.Context, p *pluginhost.Plugin, pid int) (observation, error) {
	st, err := pluginhost.ReadProcStatus(pid)
	if err != nil {
		return observation{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	g, err := p.Goroutines(ctx)
	if err != nil {
		return observation{}, fmt.Errorf("goroutines from CollectMetrics: %w", err)
	}
	return observation{proc: st, goroutines: g}, nil
}

// loadResult is what the workers and the sampler recorded.
type loadResult struct {
	elapsed   time.Duration // from the start until the last request returned
	latencies [][]time.Duration
	errCount  []int
	firstErrs []string
	samples   []observation
}

// drive runs the workers for the configured duration while sampling the plugin process.
func drive(ctx context.Context, p *pluginhost.Plugin, pid int, settings map[string]backend.DataSourceInstanceSettings, reqs []dashboardRequest, cfg loadConfig) loadResult {
	res := loadResult{
		latencies: make([][]time.Duration, len(reqs)),
		errCount:  make([]int, len(reqs)),
	}
	var mu sync.Mutex // guards res's slices
	var next atomic.Int64
	started := time.Now()
	deadline := started.Add(cfg.duration)

	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(sampleEvery)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-tick.C:
				o, err := observe(ctx, p, pid)
				mu.Lock()
				if err != nil {
					res.firstErrs = append(res.firstErrs, "sampling the plugin: "+cut(err.Error()))
				} else {
					o.at = time.Since(started)
					res.samples = append(res.samples, o)
				}
				mu.Unlock()
			}
		}
	}()

	var wg sync.WaitGroup
	for range cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := int((next.Add(1) - 1) % int64(len(reqs)))
				d, err := send(ctx, p, settings, reqs[i])
				mu.Lock()
				if err != nil {
					res.errCount[i]++
					if len(res.firstErrs) < 5 {
						res.firstErrs = append(res.firstErrs, reqs[i].name+": "+cut(err.Error()))
					}
				} else {
					res.latencies[i] = append(res.latencies[i], d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(started)
	close(stopSampling)
	<-sampled
	return res
}

func (r loadResult) allLatencies() []time.Duration {
	var all []time.Duration
	for _, l := range r.latencies {
		all = append(all, l...)
	}
	slices.Sort(all)
	return all
}

func (r loadResult) errors() int {
	n := 0
	for _, e := range r.errCount {
		n += e
	}
	return n
}

func (r loadResult) maxRSS() uint64 {
	var m uint64
	for _, s := range r.samples {
		m = max(m, s.proc.RSS)
	}
	return m
}

// loadReport prints one run's figures.
type loadReport struct {
	cfg               loadConfig
	reqs              []dashboardRequest
	warmup            []time.Duration
	res               loadResult
	idle, warm, after observation
	machine           string
}

func (rep loadReport) print(w io.Writer) {
	res := rep.res
	all := res.allLatencies()
	fmt.Fprintf(w, "\nDashboard load through the plugin binary: %d rows, %d workers, %s, %d dashboard queries round-robin (one per request)\n\n",
		rep.cfg.rows, rep.cfg.workers, res.elapsed.Round(100*time.Millisecond), len(rep.reqs))
	fmt.Fprintf(w, "machine: %s\n\n", rep.machine)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "requests\t%d\t(%.1f/s)\n", len(all)+res.errors(), float64(len(all))/res.elapsed.Seconds())
	fmt.Fprintf(tw, "errors\t%d\t\n", res.errors())
	fmt.Fprintf(tw, "latency p50 / p90 / p99 / max\t%s / %s / %s / %s\t\n",
		secs(percentile(all, 0.50)), secs(percentile(all, 0.90)), secs(percentile(all, 0.99)), secs(percentile(all, 1)))
	rss := make([]uint64, len(res.samples))
	gor := make([]int, len(res.samples))
	thr := make([]int, len(res.samples))
	for i, s := range res.samples {
		rss[i], gor[i], thr[i] = s.proc.RSS, s.goroutines, s.proc.Threads
	}
	slices.Sort(rss)
	slices.Sort(gor)
	slices.Sort(thr)
	fmt.Fprintf(tw, "plugin RSS idle / after warm-up\t%.0f / %.0f MB\t\n", mb(rep.idle.proc.RSS), mb(rep.warm.proc.RSS))
	if len(rss) > 0 {
		fmt.Fprintf(tw, "plugin RSS under load min / median / max\t%.0f / %.0f / %.0f MB\t(%d samples, every %s)\n",
			mb(rss[0]), mb(rss[len(rss)/2]), mb(rss[len(rss)-1]), len(rss), sampleEvery)
	}
	fmt.Fprintf(tw, "plugin RSS after / peak (VmHWM)\t%.0f / %.0f MB\t\n", mb(rep.after.proc.RSS), mb(rep.after.proc.PeakRSS))
	fmt.Fprintf(tw, "plugin goroutines idle / after warm-up / after load\t%d / %d / %d\t\n", rep.idle.goroutines, rep.warm.goroutines, rep.after.goroutines)
	if len(gor) > 0 {
		fmt.Fprintf(tw, "plugin goroutines under load min / max\t%d / %d\t\n", gor[0], gor[len(gor)-1])
		fmt.Fprintf(tw, "plugin OS threads under load max / after\t%d / %d\t\n", thr[len(thr)-1], rep.after.proc.Threads)
	}
	tw.Flush()

	var series []string
	for _, s := range res.samples {
		series = append(series, fmt.Sprintf("%.0f", mb(s.proc.RSS)))
	}
	fmt.Fprintf(w, "\nRSS samples (MB, every %s): %s\n\n", sampleEvery, strings.Join(series, " "))

	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\tinterval\tfirst (cold)\trequests\terrors\tp50\tp99\t")
	for i, r := range rep.reqs {
		l := slices.Clone(res.latencies[i])
		slices.Sort(l)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t\n", r.name, r.query.Interval, secs(rep.warmup[i]),
			len(l)+res.errCount[i], res.errCount[i], secs(percentile(l, 0.50)), secs(percentile(l, 0.99)))
	}
	tw.Flush()
	for _, e := range res.firstErrs {
		fmt.Fprintln(w, "error:", e)
	}
	fmt.Fprintln(w)
}

// loadAverage is the machine's 1-minute load average from /proc/loadavg: other work on the
// same cores changes every figure of the run.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown (" + cut(err.Error()) + ")"
	}
	if f := strings.Fields(string(data)); len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

// percentile is the nearest-rank percentile of sorted durations (0 when there are none).
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }
func ms(d time.Duration) float64  { return float64(d) / float64(time.Millisecond) }
func mb(n uint64) float64         { return float64(n) / (1 << 20) }

// cut shortens s for a report line.
func cut(s string) string {
	const n = 200
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func envDuration(tb testing.TB, name string, def time.Duration) time.Duration {
	raw := strings.TrimSpace(os.Getenv(name))
	if raw == "" {
		return def
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		tb.Fatalf("%s=%q: want a positive Go duration, e.g. 20s or 3m", name, cut(raw))
	}
	return d
}

func envPositiveInt(tb testing.TB, name string, def int) int {
	raw := strings.TrimSpace(os.Getenv(name))
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		tb.Fatalf("%s=%q: want a positive whole number, e.g. %d", name, cut(raw), def)
	}
	return n
}
