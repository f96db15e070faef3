package engine_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// manyRows is more rows than the 200,000 distinct values the store lists one by one per window.
const manyRows = 300_000

// continuousStore holds manyRows distinct floats of feature size in the reference day
// (2026-03-01) and as many, shifted and stretched, in the current day (2026-03-02); it returns the raw values
// of size per window, for the exact answers.
func continuousStore(t *testing.T) (eng *engine.Engine, ref, cur []float64) {
	t.Helper()
	st, ref, cur := twoDayStore(t, "continuous.duckdb",
		`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR,
			predicted_value DOUBLE, actual_value DOUBLE, size DOUBLE)`,
		// Fractional parts of multiples of the golden ratio: distinct, spread over [0, 1).
		`INSERT INTO predictions SELECT 'r' || i, TIMESTAMP '2026-03-01' + to_microseconds(i * 288), 'reg', 'A', 1, 1,
			100 * ((i * 0.6180339887498949) % 1) FROM range(300000) AS t(i)`,
		`INSERT INTO predictions SELECT 'c' || i, TIMESTAMP '2026-03-02' + to_microseconds(i * 288), 'reg', 'A', 1, 1,
			0.1 + 100.2 * ((i * 0.7548776662466927) % 1) FROM range(300000) AS t(i)`)
	return &engine.Engine{Store: st}, ref, cur
}

// twoDayStore writes a store with the statements given, whose rows of 2026-03-01 are the
// reference day and later ones the current day, opens it as the plugin does, and returns the raw
// values of its size column per day, for exact answers.
func twoDayStore(t *testing.T, file string, stmts ...string) (st store.Store, ref, cur []float64) {
	t.Helper()
	db := filepath.Join(t.TempDir(), file)
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range stmts {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := c.Query(`SELECT ts < TIMESTAMP '2026-03-02', size FROM predictions`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var isRef bool
		var x float64
		if err := rows.Scan(&isRef, &x); err != nil {
			t.Fatal(err)
		}
		if isRef {
			ref = append(ref, x)
		} else {
			cur = append(cur, x)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	opened, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = opened.Close() })
	return opened, ref, cur
}

// exactValues counts the raw values of both windows one by one.
func exactValues(ref, cur []float64) metrics.ValueCounts {
	idx := map[float64]int{}
	var vc metrics.ValueCounts
	add := func(x float64, isRef bool) {
		i, ok := idx[x]
		if !ok {
			i = len(vc.Values)
			idx[x] = i
			vc.Values = append(vc.Values, x)
			vc.Reference = append(vc.Reference, 0)
			vc.Current = append(vc.Current, 0)
		}
		if isRef {
			vc.Reference[i]++
		} else {
			vc.Current[i]++
		}
	}
	for _, x := range ref {
		add(x, true)
	}
	for _, x := range cur {
		add(x, false)
	}
	return vc
}

// driftQuery is a numeric drift query of size against the reference day.
func driftQuery(method string) string {
	return `{"schemaVersion":1,"queryType":"drift","model":"reg","versions":["A"],"features":["size"],"method":"` + method + `",
		"metrics":["statistic","score"],"format":"numeric","reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`
}

func numberField(t *testing.T, f *data.Frame, name string) float64 {
	t.Helper()
	fl, _ := f.FieldByName(name)
	if fl == nil {
		t.Fatalf("no field %q", name)
	}
	v, _ := fl.At(0).(*float64)
	if v == nil {
		t.Fatalf("%s is null", name)
	}
	return *v
}

// Regression: PSI of a continuous feature read one row per distinct value and failed above
// 200,000 of them ("has more than 200000 distinct values"), although it needs 20 bins. The
// store now bins it in SQL on the reference edges, and the answer equals the binned answer
// computed from the raw values.
func TestDriftBinsContinuousFeatureAboveTheCap(t *testing.T) {
	eng, ref, cur := continuousStore(t)
	if len(ref) != manyRows || len(cur) != manyRows {
		t.Fatalf("%d and %d raw values, want %d each", len(ref), len(cur), manyRows)
	}
	edges, err := metrics.EqualWidthEdges(minOf(ref), maxOf(ref), 20)
	if err != nil {
		t.Fatal(err)
	}
	h := metrics.Histogram{Edges: edges, Reference: make([]int64, 22), Current: make([]int64, 22)}
	for _, x := range ref {
		h.Reference[metrics.BinIndex(edges, x)]++
	}
	for _, x := range cur {
		h.Current[metrics.BinIndex(edges, x)]++
	}
	for _, method := range []string{metrics.MethodPSI, metrics.MethodJensenShannon, metrics.MethodChiSquare} {
		want, err := metrics.Drift(method, metrics.DriftInput{Numeric: true, Bins: &h}, nil)
		if err != nil {
			t.Fatal(err)
		}
		frames, err := runSmall(t, eng, driftQuery(method))
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if got := numberField(t, frames[0], "statistic"); math.Abs(got-*want.Statistic) > 1e-9 {
			t.Errorf("%s: statistic %v, want %v from the raw values", method, got, *want.Statistic)
		}
	}
}

// Regression: ks and wasserstein failed above 200,000 distinct values in a window. They are
// now computed on a 4096-cell grid over the reference range, and the result states a bound
// that the exact statistic (scipy's, from every raw value) and score keep to.
func TestDriftApproximatesExactMethodsAboveTheCap(t *testing.T) {
	eng, ref, cur := continuousStore(t)
	exact := exactValues(ref, cur)
	for _, method := range []string{metrics.MethodKS, metrics.MethodWasserstein, metrics.MethodAuto} {
		var want metrics.DriftResult
		var err error
		if method == metrics.MethodKS {
			want, err = metrics.KS(exact, 0.05)
		} else {
			want, err = metrics.Wasserstein(exact, 0.1)
		}
		if err != nil {
			t.Fatal(err)
		}
		frames, err := runSmall(t, eng, driftQuery(method))
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		f := frames[0]
		stat, score := numberField(t, f, "statistic"), numberField(t, f, "score")
		list := approximationsOf(t, f)
		if len(list) != 1 || list[0].Feature != "size" || list[0].Cells != 4096 {
			t.Fatalf("%s: meta.custom.approximations %+v, want one for size on 4096 cells", method, list)
		}
		a := list[0]
		if d := math.Abs(stat - *want.Statistic); d > a.StatisticBound {
			t.Errorf("%s: statistic %v is %v from the exact %v, beyond the stated bound %v", method, stat, d, *want.Statistic, a.StatisticBound)
		}
		if d := math.Abs(score - *want.Score); d > a.ScoreBound {
			t.Errorf("%s: score %v is %v from the exact %v, beyond the stated bound %v", method, score, d, *want.Score, a.ScoreBound)
		}
		t.Logf("%s: statistic %v (exact %v, bound %v), score %v (exact %v, bound %v)", method, stat, *want.Statistic, a.StatisticBound, score, *want.Score, a.ScoreBound)
		// A bound too loose to tell drift from none would be useless: the design asks ks within
		// 0.005 of scipy's; a normed wasserstein of 0.1 is drift.
		if a.StatisticBound <= 0 || (method == metrics.MethodKS && a.StatisticBound > 0.005) || (method != metrics.MethodKS && a.ScoreBound > 0.01) {
			t.Errorf("%s: bounds %v (statistic) and %v (score) are not useful", method, a.StatisticBound, a.ScoreBound)
		}
		if a.Kind != "grid" || len(f.Meta.Notices) == 0 {
			t.Errorf("%s: no notice says the result is approximated", method)
		}
	}
}

// A histogram frame carries its own result's approximation in meta.custom, beside the score.
func TestDriftHistogramStatesItsApproximation(t *testing.T) {
	eng, _, _ := continuousStore(t)
	frames, err := runSmall(t, eng, strings.Replace(driftQuery("ks"), `"format":"numeric"`, `"format":"histogram"`, 1))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(customOf(t, frames[0])["approximation"])
	if err != nil {
		t.Fatal(err)
	}
	var a approximation
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	if a.Kind != "grid" || a.Cells != 4096 || a.StatisticBound <= 0 {
		t.Errorf("meta.custom.approximation %s, want the grid's", raw)
	}
	if n := frames[0].Rows(); n != 22 {
		t.Errorf("%d histogram bins, want 22 (20 reference bins, underflow, overflow)", n)
	}
}

// distributionCalls counts the store's distribution reads.
type distributionCalls struct {
	store.Store
	calls atomic.Int64
}

func (d *distributionCalls) Distribution(ctx context.Context, r store.DistributionRequest) ([]store.DistributionCount, error) {
	d.calls.Add(1)
	return d.Store.Distribution(ctx, r)
}

// Regression: drift read each feature of each window in a statement of its own, one scan of
// the table per feature and window. All features of a window now come from one read, for
// every format (a time series' buckets included).
func TestDriftReadsEachWindowOnce(t *testing.T) {
	base := smallStore(t)
	for _, format := range []string{"numeric", "timeseries", "histogram"} {
		for _, method := range []string{"auto", "psi", "chisquare"} {
			calls := &distributionCalls{Store: base.Store}
			eng := &engine.Engine{Store: calls}
			_, err := runSmall(t, eng, `{"schemaVersion":1,"queryType":"drift","model":"reg","method":"`+method+`","format":"`+format+`",
				"reference":{"type":"shift","shift":"1d"}}`)
			if err != nil {
				t.Fatalf("%s %s: %v", format, method, err)
			}
			if n := calls.calls.Load(); n != 2 {
				t.Errorf("%s %s: %d distribution reads for 2 features, want 2 (one per window)", format, method, n)
			}
		}
	}
}

// approximation is an entry of meta.custom.approximations, as a panel reads it.
type approximation struct {
	Version        string  `json:"version"`
	Feature        string  `json:"feature"`
	Kind           string  `json:"kind"`
	Cells          int     `json:"cells"`
	StatisticBound float64 `json:"statisticBound"`
	ScoreBound     float64 `json:"scoreBound"`
}

func approximationsOf(t *testing.T, f *data.Frame) []approximation {
	t.Helper()
	if f.Meta == nil {
		return nil
	}
	raw, err := json.Marshal(f.Meta.Custom)
	if err != nil {
		t.Fatal(err)
	}
	var custom struct {
		Approximations []approximation `json:"approximations"`
	}
	if err := json.Unmarshal(raw, &custom); err != nil {
		t.Fatal(err)
	}
	return custom.Approximations
}

func minOf(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = math.Min(m, x)
	}
	return m
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}
