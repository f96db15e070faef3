package bench_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
	"github.com/mlops/modelwatch/tests/internal/demostore"
)

// Environment of a benchmark run.
const (
	// envRows lists the store sizes to measure, comma separated (default 1000000).
	envRows = "MODELWATCH_BENCH_ROWS"
	// envDir is where the demo stores are built once and kept (default: the OS temp dir).
	envDir = "MODELWATCH_BENCH_DIR"
)

// The demo data set measured: 30 days ending 2026-03-31, the demo's default seed; the same
// store as `modelwatch demo --rows N --end 2026-03-31T00:00:00Z`.
var (
	dataEnd   = time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	dataSpan  = 30 * 24 * time.Hour
	dataStart = dataEnd.Add(-dataSpan)
	// refEnd closes the reference window of quality and drift: the first 15 days.
	refEnd = dataStart.Add(15 * 24 * time.Hour)
)

// sizes reads MODELWATCH_BENCH_ROWS.
func sizes(tb testing.TB) []int {
	raw := os.Getenv(envRows)
	if strings.TrimSpace(raw) == "" {
		raw = "1000000"
	}
	var out []int
	for _, part := range strings.Split(raw, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n <= 0 {
			tb.Fatalf("%s=%q: want a comma-separated list of positive row counts, e.g. 1000000,10000000", envRows, raw)
		}
		out = append(out, n)
	}
	return out
}

// fixture is one demo store of a given size, opened read-only as the plugin opens it.
type fixture struct {
	rows int
	path string
	st   *sqlstore.Store

	mu        sync.Mutex
	modelRows map[string]int64 // rows of each model in the whole range
	mem       *columns         // the in-memory copy, loaded on first use
	baselines map[string]time.Duration
}

var (
	fixturesMu sync.Mutex
	fixtures   = map[int]*fixture{}
)

// fixtureFor returns the store of n rows, building it on first use. Stores are kept open for
// the whole run, as the plugin keeps one per data source instance.
func fixtureFor(tb testing.TB, n int) *fixture {
	tb.Helper()
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	if f, ok := fixtures[n]; ok {
		return f
	}
	dir := os.Getenv(envDir)
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("modelwatch-bench-%d.duckdb", n))
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		if err := build(path, n); err != nil {
			tb.Fatalf("building the %d-row demo store: %v", n, err)
		}
		tb.Logf("built %s in %s", path, time.Since(start).Round(time.Millisecond))
	}
	st, err := duckdb.Open(path, "predictions")
	if err != nil {
		tb.Fatal(err)
	}
	total, err := st.Count(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	// The demo emits its n request slots less those of its outages (about 2%); a store of
	// exactly n rows was written by an older demo without them.
	if total >= int64(n) || total < int64(n)*97/100 {
		_ = st.Close()
		tb.Fatalf("%s holds %d rows, not the %d request slots less the outages' of the current demo: delete it to rebuild", path, total, n)
	}
	f := &fixture{rows: n, path: path, st: st}
	if f.modelRows, err = countModels(f); err != nil {
		tb.Fatal(err)
	}
	var version string
	if err := st.DB().QueryRow("SELECT version()").Scan(&version); err == nil {
		tb.Logf("store %s: %d rows (%s), DuckDB %s", path, n, modelSummary(f.modelRows), version)
	}
	fixtures[n] = f
	return f
}

// build writes the demo store to a temporary name and renames it when complete, so that an
// interrupted build is never mistaken for a cached store.
func build(path string, n int) error {
	tmp := path + ".building"
	_ = os.Remove(tmp)
	_ = os.Remove(tmp + ".wal")
	o := demo.Options{Rows: n, Span: dataSpan, End: dataEnd, Seed: demo.DefaultSeed}
	if _, err := demostore.Write(tmp, o); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func countModels(f *fixture) (map[string]int64, error) {
	rows, err := f.st.DB().Query(`SELECT model, count(*) FROM predictions WHERE ts >= $1 AND ts < $2 GROUP BY model`, dataStart, dataEnd)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var m string
		var n int64
		if err := rows.Scan(&m, &n); err != nil {
			return nil, err
		}
		out[m] = n
	}
	return out, rows.Err()
}

func modelSummary(m map[string]int64) string {
	return fmt.Sprintf("%s %d, %s %d, %s %d", demo.ChurnModel, m[demo.ChurnModel], demo.BasketModel, m[demo.BasketModel], demo.RankerModel, m[demo.RankerModel])
}

// memory returns the in-memory copy of the store, loading it on first use.
func (f *fixture) memory(tb testing.TB) *columns {
	tb.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.mem == nil {
		start := time.Now()
		m, err := loadColumns(f.st.DB())
		if err != nil {
			tb.Fatalf("loading the %d-row store into memory: %v", f.rows, err)
		}
		f.mem = m
		tb.Logf("loaded %d rows into memory in %s", m.n, time.Since(start).Round(time.Millisecond))
	}
	return f.mem
}

// baseline is the time of one in-memory pass of a family: the median of 5 passes after one
// warm-up pass, measured once per store.
func (f *fixture) baseline(tb testing.TB, family string) time.Duration {
	tb.Helper()
	m := f.memory(tb)
	f.mu.Lock()
	defer f.mu.Unlock()
	if d, ok := f.baselines[family]; ok {
		return d
	}
	p, ok := passes[family]
	if !ok {
		tb.Fatalf("no in-memory pass for %s", family)
	}
	// The pass must select the rows the store's WHERE clause selects.
	if got, want := p.run(m).rows, f.modelRows[p.model]; got != want {
		tb.Fatalf("in-memory pass %s selected %d rows, the store holds %d rows of %s in the range", family, got, want, p.model)
	}
	times := make([]time.Duration, 5)
	for i := range times {
		start := time.Now()
		sink += p.run(m).sum
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	if f.baselines == nil {
		f.baselines = map[string]time.Duration{}
	}
	f.baselines[family] = times[len(times)/2]
	return f.baselines[family]
}

// sink keeps the passes' results alive so that the compiler cannot drop their work.
var sink float64
