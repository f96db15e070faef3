package bench_test

// BenchmarkDriftWide measures drift over 20 features: the demo's 5 (age, tenure_months, plan,
// country, is_mobile) and 15 more that the benchmark's own generator adds to every demo row
// (pkg/demo is left as it is): 8 numbers, 4 of them with 2 decimals (a few thousand distinct
// values, counted per value) and 4 continuous (in most windows more distinct values than the
// drift query counts exactly, so binned on its grid), and 7 text categories of 3 to 100
// values. Half of them shift in the last 7 days, as age does.
//
//	MODELWATCH_BENCH_DIR=/tmp/mwbench MODELWATCH_BENCH_ROWS=10000000 \
//	  go test -run '^$' -bench DriftWide -benchtime 3x -timeout 60m ./tests/bench/
//
// The wide store is built once per size as modelwatch-bench-wide-<rows>.duckdb in
// MODELWATCH_BENCH_DIR (the 10M store took 4 min 17 s on a busy machine). One operation is one
// drift query (method auto, every feature, the churn classifier over the whole 30 days against
// the first 15) through the engine with an empty cache (cold: the reference window is read
// too), on the raw table, opened read-only as the plugin opens it. There is no untimed first
// query (at 10M rows one takes minutes): the store is read from the OS page cache when it was
// just built or read.

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// wideNumbers and wideCategories are the generated extra features.
var (
	wideNumbers    = []string{"num_01", "num_02", "num_03", "num_04", "num_05", "num_06", "num_07", "num_08"}
	wideCategories = []struct {
		name   string
		values int
	}{{"cat_01", 3}, {"cat_02", 5}, {"cat_03", 8}, {"cat_04", 10}, {"cat_05", 20}, {"cat_06", 50}, {"cat_07", 100}}
)

// wideColumns are the demo's columns followed by the extra features.
func wideColumns() []store.Column {
	cols := append([]store.Column{}, demo.Columns...)
	for _, n := range wideNumbers {
		cols = append(cols, store.Column{Name: n, Kind: store.KindDouble, Role: store.RoleFeature})
	}
	for _, c := range wideCategories {
		cols = append(cols, store.Column{Name: c.name, Kind: store.KindText, Role: store.RoleFeature})
	}
	return cols
}

// wideFeatureCount is the features of the wide store: the demo's and the extra ones.
const wideFeatureCount = 20

// writeWide writes the demo rows of o with the extra features into a new store at path. The
// extra values come from their own generator, seeded from the demo's seed, so the demo's own
// columns are exactly the demo's.
func writeWide(path string, o demo.Options) error {
	cols := wideColumns()
	base := len(demo.Columns)
	if len(cols)-base+5 != wideFeatureCount {
		return fmt.Errorf("the wide store has %d features, want %d", len(cols)-base+5, wideFeatureCount)
	}
	shiftAt := o.Landmarks().ShiftAt
	rng := rand.New(rand.NewPCG(o.Seed^0x5bd1e995, o.Seed))
	row := make([]driver.Value, len(cols)+1)
	w, err := duckdb.OpenWriter(path, "predictions")
	if err != nil {
		return err
	}
	_, err = w.Load(context.Background(), cols, func(emit duckdb.AppendFunc) error {
		return demo.Generate(o, func(values []driver.Value) error {
			copy(row, values[:base])
			shifted := values[1].(time.Time).After(shiftAt)
			for i := range wideNumbers {
				x := rng.NormFloat64()*(1+float64(i)) + 10*float64(i)
				if shifted && i%2 == 0 {
					x += 0.5 * (1 + float64(i)) // a shift of half a standard deviation
				}
				if i < 4 {
					x = math.Round(x*100) / 100
				}
				row[base+i] = x
			}
			for j, c := range wideCategories {
				k := int(math.Min(float64(c.values-1), rng.ExpFloat64()*float64(c.values)/3))
				if shifted && j%2 == 0 {
					k = (k + 1) % c.values // the categories' shares rotate
				}
				row[base+len(wideNumbers)+j] = fmt.Sprintf("%s_v%03d", c.name, k)
			}
			row[len(cols)] = values[base] // the demo's row number
			return emit(row)
		})
	})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// wideStore opens the wide store of n rows, building it on first use.
func wideStore(tb testing.TB, n int) *sqlstore.Store {
	tb.Helper()
	path := widePath(tb, "wide", n)
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".building"
		_ = os.Remove(tmp)
		_ = os.Remove(tmp + ".wal")
		start := time.Now()
		o := demo.Options{Rows: n, Span: dataSpan, End: dataEnd, Seed: demo.DefaultSeed}
		if err := writeWide(tmp, o); err != nil {
			_ = os.Remove(tmp)
			tb.Fatalf("building the %d-row wide store: %v", n, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			tb.Fatal(err)
		}
		tb.Logf("built %s in %s", path, time.Since(start).Round(time.Millisecond))
	}
	st, err := duckdb.Open(path, "predictions")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	total, err := st.Count(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if total != int64(n) {
		tb.Fatalf("%s holds %d rows, not %d: delete it to rebuild", path, total, n)
	}
	sch, err := st.Schema(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	features := 0
	for _, c := range sch.Columns {
		if c.Role == store.RoleFeature {
			features++
		}
	}
	if features != wideFeatureCount {
		tb.Fatalf("%s has %d features, want %d: delete it to rebuild", path, features, wideFeatureCount)
	}
	return st
}

// wideVariants are the feature sets measured: all 20, the 16 with few distinct values (counted
// per value), and the 4 continuous ones (more distinct values than are counted exactly).
var wideVariants = []struct {
	name     string
	features []string // nil: every feature
}{
	{"features=20", nil},
	{"features=16-discrete", []string{"age", "tenure_months", "plan", "country", "is_mobile", "num_01", "num_02", "num_03", "num_04",
		"cat_01", "cat_02", "cat_03", "cat_04", "cat_05", "cat_06", "cat_07"}},
	{"features=4-continuous", []string{"num_05", "num_06", "num_07", "num_08"}},
}

func BenchmarkDriftWide(b *testing.B) {
	for _, n := range sizes(b) {
		for _, v := range wideVariants {
			b.Run(fmt.Sprintf("rows=%d/%s", n, v.name), func(b *testing.B) {
				benchDriftWide(b, wideStore(b, n), false, v.features)
			})
		}
	}
}

// BenchmarkDriftWideRollups is BenchmarkDriftWide through the rollups: on a copy of the wide
// store with its rollups built (modelwatch-bench-wide-rollup-<rows>.duckdb, made once; the
// build's time is logged), by an engine with rollups on. The 4 continuous features have more
// distinct values per hour than the feature rollup keeps one by one at 10M rows and more, so
// they are read from its cells there.
func BenchmarkDriftWideRollups(b *testing.B) {
	for _, n := range sizes(b) {
		for _, v := range wideVariants {
			b.Run(fmt.Sprintf("rows=%d/%s", n, v.name), func(b *testing.B) {
				benchDriftWide(b, wideRollupStore(b, n), true, v.features)
			})
		}
	}
}

// widePath is the path of a wide store of n rows in MODELWATCH_BENCH_DIR: modelwatch-bench-<kind>-<n>.duckdb.
func widePath(tb testing.TB, kind string, n int) string {
	tb.Helper()
	dir := os.Getenv(envDir)
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return filepath.Join(dir, fmt.Sprintf("modelwatch-bench-%s-%d.duckdb", kind, n))
}

// wideRollupStore opens the wide store's copy with rollups, building it on first use.
func wideRollupStore(tb testing.TB, n int) *sqlstore.Store {
	tb.Helper()
	wideStore(tb, n) // built if missing
	path := widePath(tb, "wide-rollup", n)
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".building"
		if err := copyFile(widePath(tb, "wide", n), tmp); err != nil {
			tb.Fatal(err)
		}
		start := time.Now()
		w, err := duckdb.OpenWriter(tmp, "predictions")
		if err != nil {
			tb.Fatal(err)
		}
		if err := w.RebuildRollups(context.Background(), ""); err != nil {
			_ = w.Close()
			tb.Fatal(err)
		}
		if err := w.Close(); err != nil {
			tb.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			tb.Fatal(err)
		}
		tb.Logf("built the rollups of %s in %s", path, time.Since(start).Round(time.Millisecond))
	}
	st, err := duckdb.Open(path, "predictions")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}

func benchDriftWide(b *testing.B, st *sqlstore.Store, rollups bool, features []string) {
	js := driftQuery
	want := wideFeatureCount
	if features != nil {
		list, err := json.Marshal(features)
		if err != nil {
			b.Fatal(err)
		}
		js = strings.Replace(driftQuery, `"method":"auto"`, `"method":"auto","features":`+string(list), 1)
		want = len(features)
	}
	q := validated(b, js)
	ctx := context.Background()
	var rows int64
	if err := st.DB().QueryRow(`SELECT count(*) FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3`,
		demo.ChurnModel, dataStart, dataEnd).Scan(&rows); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		eng := engine.Engine{Store: st, Cache: engine.NewCache(), Rollups: rollups}
		frames, err := eng.Run(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		if got := frames[0].Rows(); got != 2*want {
			b.Fatalf("drift answered %d rows, want one per feature and version (%d)", got, 2*want)
		}
	}
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(rows)/perOp, "rows/s")
	b.ReportMetric(float64(rows)*float64(want)/perOp, "values/s")
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
