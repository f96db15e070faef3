package engine_test

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// scoreCallCounter counts the score histograms a query reads.
type scoreCallCounter struct {
	store.Store
	calls atomic.Int64
}

func (s *scoreCallCounter) ScoreCounts(ctx context.Context, r store.ScoreRequest, row func(store.ScoreCountRow)) error {
	s.calls.Add(1)
	return s.Store.ScoreCounts(ctx, r, row)
}

// scoredRow is one prediction of a binary classifier with its ground truth.
type scoredRow struct {
	ts       time.Time
	version  string
	positive bool
	score    float64
}

// openScored writes rows to a DuckDB store and returns an engine over it, counting its score
// reads.
func openScored(t *testing.T, rows []scoredRow) (*engine.Engine, *scoreCallCounter) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scores.duckdb")
	w, err := duckdb.OpenWriter(path, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "predicted_label", Kind: store.KindText}, {Name: "score", Kind: store.KindDouble},
		{Name: "actual_label", Kind: store.KindText},
	}
	label := func(yes bool) string {
		if yes {
			return "yes"
		}
		return "no"
	}
	_, err = w.Load(context.Background(), cols, func(emit duckdb.AppendFunc) error {
		for i, r := range rows {
			err := emit([]driver.Value{fmt.Sprint(i), r.ts, "scored", r.version, label(r.score >= 0.5), r.score, label(r.positive), int64(i + 2)})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := duckdb.Open(path, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	counter := &scoreCallCounter{Store: st}
	return &engine.Engine{Store: counter}, counter
}

func runScored(t *testing.T, eng *engine.Engine, raw query.Raw, w query.Window) data.Frames {
	t.Helper()
	raw.SchemaVersion, raw.QueryType, raw.Model, raw.PositiveClass = 1, query.TypeClassification, "scored", "yes"
	raw.Metrics = []query.Metric{query.ROCAUC, query.AveragePrecision}
	q, err := query.Validate(raw, w)
	if err != nil {
		t.Fatal(err)
	}
	frames, err := eng.Run(context.Background(), q)
	if err != nil {
		t.Fatalf("the ranking query failed: %v", err)
	}
	return frames
}

// splitMix64 is the generator of scripts/golden/score_grid.py: integer arithmetic and correctly
// rounded float64 operations only, so that Go and Python draw the same bits.
type splitMix64 struct{ state uint64 }

func (g *splitMix64) uniform() float64 {
	g.state += 0x9E3779B97F4A7C15
	z := g.state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	z ^= z >> 31
	return float64(z>>11) * 0x1p-53
}

// goldenGridRows rebuilds the rows of testdata/golden/ranking/grid.json (see score_grid.py).
func goldenGridRows(seed uint64, n int) []scoredRow {
	g := &splitMix64{state: seed}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	rows := make([]scoredRow, n)
	for i := range rows {
		var u [7]float64
		for j := range u {
			u[j] = g.uniform()
		}
		version, sep := "A", 0.15
		if !(u[0] < 0.5) {
			version, sep = "B", 0.08
		}
		positive := u[1] < 0.3
		base := (u[2] + u[3] + u[4]) / 3
		score := base / (1 + sep)
		if positive {
			shift := float64(sep * u[5]) // the conversion keeps the compiler from fusing a*b+c
			score = (base + shift) / (1 + sep)
		}
		if u[6] < 0.1 {
			score = math.Floor(float64(score*100)+0.5) / 100
		}
		rows[i] = scoredRow{ts: start.Add(time.Duration(i) * 3 * time.Second), version: version, positive: positive, score: score}
	}
	return rows
}

func rowsDigest(rows []scoredRow) string {
	h := sha256.New()
	var b [8]byte
	for _, r := range rows {
		h.Write([]byte(r.version))
		if r.positive {
			h.Write([]byte("1"))
		} else {
			h.Write([]byte("0"))
		}
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(r.score))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// 50,000 rows of continuous scores (about 22,500 distinct per version, 10% rounded to 2
// decimals for ties across classes): the grid's ROC AUC and average precision stay within the
// bound the engine reports of scikit-learn's exact values, the bound is below 3e-4, and value
// and bound equal those computed independently in Python on the same grid.
func TestScoreGridMatchesScikitLearn(t *testing.T) {
	var golden struct {
		Seed       uint64 `json:"seed"`
		Rows       int    `json:"rows"`
		Cells      int    `json:"cells"`
		RowsSHA256 string `json:"rowsSHA256"`
		Cases      []struct {
			Version string             `json:"version"`
			Exact   map[string]float64 `json:"exact"`
			Grid    map[string]float64 `json:"grid"`
			Bound   map[string]float64 `json:"bound"`
		} `json:"cases"`
	}
	raw, err := os.ReadFile("../../testdata/golden/ranking/grid.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatal(err)
	}
	if golden.Cells != metrics.ScoreGridCells || len(golden.Cases) != 2 {
		t.Fatalf("golden file for %d cells and %d cases; the engine uses %d cells", golden.Cells, len(golden.Cases), metrics.ScoreGridCells)
	}
	rows := goldenGridRows(golden.Seed, golden.Rows)
	if d := rowsDigest(rows); d != golden.RowsSHA256 {
		t.Fatalf("the generator drew other rows than scripts/golden/score_grid.py: sha256 %s, want %s", d, golden.RowsSHA256)
	}
	eng, counter := openScored(t, rows)
	frames := runScored(t, eng, query.Raw{Format: query.FormatNumeric}, goldenRange)
	if n := counter.calls.Load(); n != 1 {
		t.Errorf("%d score histogram reads, want 1", n)
	}
	f := frames[0]
	custom := f.Meta.Custom.(map[string]any)
	if custom["scoreGridCells"] != metrics.ScoreGridCells {
		t.Errorf("meta scoreGridCells = %v, want %d", custom["scoreGridCells"], metrics.ScoreGridCells)
	}
	reported := map[string]float64{
		"roc_auc":           custom["rocAucErrorBound"].(float64),
		"average_precision": custom["averagePrecisionErrorBound"].(float64),
	}
	for _, n := range f.Meta.Notices {
		t.Errorf("unexpected notice: %s", n.Text)
	}
	for _, gc := range golden.Cases {
		row := -1
		for r := range f.Rows() {
			if stringAt(t, f, "version", r) == gc.Version {
				row = r
			}
		}
		if row < 0 {
			t.Fatalf("no row for version %s", gc.Version)
		}
		for _, m := range []string{"roc_auc", "average_precision"} {
			field, _ := f.FieldByName(m)
			got := *field.At(row).(*float64)
			if d := math.Abs(got - gc.Exact[m]); d > reported[m]+1e-12 {
				t.Errorf("%s %s: %.12g is %.3g from scikit-learn's exact %.12g, beyond the reported bound %.3g", gc.Version, m, got, d, gc.Exact[m], reported[m])
			}
			if math.Abs(got-gc.Grid[m]) > 1e-9 {
				t.Errorf("%s %s: %.12g, scikit-learn on the same grid gives %.12g", gc.Version, m, got, gc.Grid[m])
			}
			if reported[m] < gc.Bound[m]*(1-1e-9) || reported[m] >= 3e-4 {
				t.Errorf("%s %s: reported bound %.6g, Python's for this version %.6g (the report is the largest over versions, below 3e-4)", gc.Version, m, reported[m], gc.Bound[m])
			}
			t.Logf("%s %s: grid - exact = %.2g, bound %.2g", gc.Version, m, got-gc.Exact[m], gc.Bound[m])
		}
	}
	if largest := math.Max(golden.Cases[0].Bound["roc_auc"], golden.Cases[1].Bound["roc_auc"]); math.Abs(reported["roc_auc"]-largest) > 1e-9*largest {
		t.Errorf("reported roc_auc bound %.12g, the largest of the versions' %.12g", reported["roc_auc"], largest)
	}
}

// Regression: at 10M rows the "Ranking quality per day" panel failed with "more than 200000
// distinct scores in this window": the exact histogram was refused past 200,000 distinct scores
// and the second scan, rounded to 4 decimals, still returned more than 200,000 rows over 30 days
// x 2 versions. On the grid the query answers in one read of the store, every bucket within
// the reported bound of the exact rows' value.
func TestScoreMetricsPastDistinctScoresInOneRead(t *testing.T) {
	const days, perDay = 30, 10_000 // 300,000 rows, about as many distinct scores
	rng := rand.New(rand.NewPCG(7, 30))
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	rows := make([]scoredRow, 0, days*perDay)
	type series struct {
		version string
		day     int
	}
	exact := map[series][]metrics.ScoreCount{}
	for d := range days {
		for i := range perDay {
			s := rng.Float64()
			r := scoredRow{
				ts:       start.Add(time.Duration(d)*24*time.Hour + time.Duration(i)*8*time.Second),
				version:  []string{"A", "B"}[i%2],
				positive: rng.Float64() < 0.2+0.6*s,
				score:    s,
			}
			rows = append(rows, r)
			bar := metrics.ScoreCount{Score: s, Negatives: 1}
			if r.positive {
				bar = metrics.ScoreCount{Score: s, Positives: 1}
			}
			k := series{r.version, d}
			exact[k] = append(exact[k], bar)
		}
	}
	eng, counter := openScored(t, rows)
	w := query.Window{From: start, To: start.Add(days * 24 * time.Hour), Interval: time.Hour, MaxDataPoints: 1000}
	frames := runScored(t, eng, query.Raw{Format: query.FormatTimeSeries, Interval: "1d"}, w)
	if n := counter.calls.Load(); n != 1 {
		t.Errorf("%d score histogram reads, want 1", n)
	}
	if len(frames) != 4 {
		t.Fatalf("want 4 frames (2 versions x 2 metrics), got %d", len(frames))
	}
	custom := frames[0].Meta.Custom.(map[string]any)
	bounds := map[string]float64{"roc_auc": custom["rocAucErrorBound"].(float64), "average_precision": custom["averagePrecisionErrorBound"].(float64)}
	for _, f := range frames {
		times, values := f.Fields[0], f.Fields[1]
		m, version := values.Name, values.Labels["version"]
		if values.Len() != days {
			t.Fatalf("%s %s: %d buckets, want %d", version, m, values.Len(), days)
		}
		for d := range days {
			if got := times.At(d).(time.Time); !got.Equal(start.Add(time.Duration(d) * 24 * time.Hour)) {
				t.Fatalf("bucket %d starts %v", d, got)
			}
			v := values.At(d).(*float64)
			want := metrics.Ranking[m](exact[series{version, d}])
			if v == nil || math.Abs(*v-*want) > bounds[m]+1e-12 {
				t.Errorf("%s %s day %d: %v, exact %.9g, bound %.3g", version, m, d, v, *want, bounds[m])
			}
		}
	}
	if bounds["roc_auc"] > metrics.ScoreErrorTolerance || bounds["average_precision"] > metrics.ScoreErrorTolerance {
		t.Errorf("bounds %v above the tolerance for 5,000 rows per series", bounds)
	}
}

// Scores on a grid coarser than the cells (here rounded to 4 decimals) are counted exactly: the
// reported bounds are 0 and the values equal the exact rows'.
func TestScoresOnTheGridAreExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var rows []scoredRow
	var h []metrics.ScoreCount
	for i := range 20_000 {
		s := math.Round(rng.Float64()*10_000) / 10_000
		r := scoredRow{ts: start.Add(time.Duration(i) * time.Second), version: "A", positive: rng.Float64() < s, score: s}
		rows = append(rows, r)
		if r.positive {
			h = append(h, metrics.ScoreCount{Score: s, Positives: 1})
		} else {
			h = append(h, metrics.ScoreCount{Score: s, Negatives: 1})
		}
	}
	eng, _ := openScored(t, rows)
	f := runScored(t, eng, query.Raw{Format: query.FormatNumeric}, goldenRange)[0]
	custom := f.Meta.Custom.(map[string]any)
	if custom["rocAucErrorBound"] != 0.0 || custom["averagePrecisionErrorBound"] != 0.0 {
		t.Errorf("bounds %v and %v, want 0", custom["rocAucErrorBound"], custom["averagePrecisionErrorBound"])
	}
	for _, m := range []string{"roc_auc", "average_precision"} {
		field, _ := f.FieldByName(m)
		assertClose(t, m, field.At(0).(*float64), metrics.Ranking[m](h))
	}
}

// Scores bunched within a few cells leave most pairs unordered: the bound is large and a
// warning says so, naming the metric and the bound, rather than passing the grid's value off as
// exact.
func TestBunchedScoresGetANotice(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var rows []scoredRow
	for i := range 2000 {
		u := rng.Float64()
		rows = append(rows, scoredRow{ts: start.Add(time.Duration(i) * time.Second), version: "A", positive: rng.Float64() < u, score: 0.5 + u*1e-4})
	}
	eng, _ := openScored(t, rows)
	f := runScored(t, eng, query.Raw{Format: query.FormatNumeric}, goldenRange)[0]
	custom := f.Meta.Custom.(map[string]any)
	var texts []string
	for _, n := range f.Meta.Notices {
		if n.Severity == data.NoticeSeverityWarning {
			texts = append(texts, n.Text)
		}
	}
	if len(texts) != 2 {
		t.Fatalf("want a warning per metric, got %q", texts)
	}
	for i, c := range []struct{ metric, key string }{{"roc_auc", "rocAucErrorBound"}, {"average_precision", "averagePrecisionErrorBound"}} {
		bound := custom[c.key].(float64)
		if bound <= metrics.ScoreErrorTolerance {
			t.Errorf("%s bound %.3g, want above the tolerance", c.metric, bound)
		}
		want := fmt.Sprintf("%s may differ from the exact value by up to %.2g", c.metric, bound)
		if !strings.HasPrefix(texts[i], want) {
			t.Errorf("notice %q, want it to start %q", texts[i], want)
		}
	}
}

// reversedScores hands the store's cells in reverse, breaking the bucket order ScoreCounts
// promises.
type reversedScores struct{ store.Store }

func (s reversedScores) ScoreCounts(ctx context.Context, r store.ScoreRequest, row func(store.ScoreCountRow)) error {
	var rows []store.ScoreCountRow
	if err := s.Store.ScoreCounts(ctx, r, func(c store.ScoreCountRow) { rows = append(rows, c) }); err != nil {
		return err
	}
	for i := len(rows) - 1; i >= 0; i-- {
		row(rows[i])
	}
	return nil
}

// The engine ranks each bucket when the next begins; cells out of bucket order would rank a
// bucket from part of its cells. A store that breaks the order gets an error, not wrong numbers.
func TestScoreCellsOutOfBucketOrderAreRefused(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var rows []scoredRow
	for i := range 400 {
		rows = append(rows, scoredRow{ts: start.Add(time.Duration(i) * 5 * time.Minute), version: "A", positive: i%3 == 0, score: float64(i%97) / 97})
	}
	eng, _ := openScored(t, rows)
	eng.Store = reversedScores{eng.Store}
	raw := query.Raw{SchemaVersion: 1, QueryType: query.TypeClassification, Model: "scored", PositiveClass: "yes",
		Metrics: []query.Metric{query.ROCAUC}, Format: query.FormatTimeSeries, Interval: "1h"}
	q, err := query.Validate(raw, query.Window{From: start, To: start.Add(24 * time.Hour), Interval: time.Hour, MaxDataPoints: 100})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Run(context.Background(), q); err == nil || !strings.Contains(err.Error(), "bucket order") {
		t.Fatalf("want an error about the bucket order, got %v", err)
	}
}
