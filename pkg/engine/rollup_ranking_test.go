package engine_test

import (
	"context"
	"database/sql"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

func (c *pathCounter) ScoreCounts(ctx context.Context, req store.ScoreRequest, row func(store.ScoreCountRow)) error {
	c.raw.Add(1)
	return c.Store.ScoreCounts(ctx, req, row)
}

func (c *pathCounter) ProbabilitySums(ctx context.Context, sc store.Scope, bucket time.Duration, positive string) ([]store.ProbabilitySumsRow, error) {
	c.raw.Add(1)
	return c.Store.ProbabilitySums(ctx, sc, bucket, positive)
}

func (c *pathCounter) RollupScoreCounts(ctx context.Context, req store.RollupRequest, positive string, row func(store.ScoreCountRow)) error {
	c.rollup.Add(1)
	return c.Store.RollupScoreCounts(ctx, req, positive, row)
}

func (c *pathCounter) RollupProbabilitySums(ctx context.Context, req store.RollupRequest, positive string) ([]store.ProbabilitySumsRow, error) {
	c.rollup.Add(1)
	return c.Store.RollupProbabilitySums(ctx, req, positive)
}

// gridBoundOf is the largest error bound a result reports for a grid-based metric (0 when it
// reports none).
func gridBoundOf(t *testing.T, js string, custom map[string]any, metric string) float64 {
	t.Helper()
	key, ok := gridBoundKeys[metric]
	if !ok {
		return 0
	}
	b, ok := custom[key].(float64)
	if !ok {
		t.Fatalf("%s: no %s in meta", js, key)
	}
	return b
}

// compareScores runs a query with score metrics on both paths and checks the rollup answer:
// source rollup on the rollups' grid, no raw read for a range of whole hours, ROC AUC and
// average precision within the two grids' reported bounds of each other (each is within its
// bound of the exact value), log loss and Brier within floating-point summation order (1e-9
// relative), every other number identical.
func compareScores(t *testing.T, st *sqlstore.Store, js string, w query.Window) {
	t.Helper()
	cs := &pathCounter{Store: st}
	rawFrames := runRollupQuery(t, &engine.Engine{Store: cs}, js, w)
	rawReads := cs.raw.Load()
	rollFrames := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
	aligned := w.From.Equal(w.From.Truncate(time.Hour)) && w.To.Equal(w.To.Truncate(time.Hour))
	if got := sourceOf(t, rollFrames); got != engine.SourceRollup || (aligned && cs.raw.Load() != rawReads) || cs.rollup.Load() == 0 {
		t.Fatalf("%s: source %q, %d raw reads, %d rollup reads", js, got, cs.raw.Load()-rawReads, cs.rollup.Load())
	}
	rawCustom := rawFrames[0].Meta.Custom.(map[string]any)
	rollCustom := rollFrames[0].Meta.Custom.(map[string]any)
	if strings.Contains(js, "roc_auc") && rollCustom["scoreGridCells"] != store.ScoreRollupCells {
		t.Fatalf("%s: meta scoreGridCells %v, want %d", js, rollCustom["scoreGridCells"], store.ScoreRollupCells)
	}
	want, got := numbers(rawFrames), numbers(rollFrames)
	if len(want) != len(got) || len(want) == 0 {
		t.Fatalf("%s: %d values raw, %d from rollups", js, len(want), len(got))
	}
	for key, w := range want {
		g, ok := got[key]
		metric := strings.Split(key, "/")[1]
		switch {
		case !ok:
			t.Errorf("%s: %s missing from the rollup answer", js, key)
		case w == nil || g == nil:
			if (w == nil) != (g == nil) {
				t.Errorf("%s: %s: raw %v, rollup %v", js, key, deref(w), deref(g))
			}
		case metric == "roc_auc" || metric == "average_precision":
			bound := gridBoundOf(t, js, rawCustom, metric) + gridBoundOf(t, js, rollCustom, metric)
			if math.Abs(*g-*w) > bound+1e-12 {
				t.Errorf("%s: %s: rollup %.12g, raw %.12g, not within the bounds' sum %.3g", js, key, *g, *w, bound)
			}
		case metric == "log_loss" || metric == "brier":
			if math.Abs(*g-*w) > 1e-9*math.Abs(*w) {
				t.Errorf("%s: %s: rollup %.17g, raw %.17g", js, key, *g, *w)
			}
		default:
			if *g != *w {
				t.Errorf("%s: %s: rollup %.17g, raw %.17g (must be identical)", js, key, *g, *w)
			}
		}
	}
}

// ROC AUC, average precision, log loss and Brier answer from the rollups (the ranking grid and
// the probability sums), alone or beside confusion metrics, whole-range, per day and with
// partial hours at the range's ends; the grid metrics within the reported bounds of the raw
// path's, the sums as the raw rows' up to summation order.
func TestScoreMetricsFromRollupsMatchRawRowsOnTheDemoStore(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-30 * 24 * time.Hour), To: demoEnd}
	three := query.Window{From: demoEnd.Add(-3 * 24 * time.Hour), To: demoEnd}
	ragged := query.Window{From: demoEnd.Add(-48*time.Hour - 17*time.Minute), To: demoEnd.Add(-41 * time.Minute)}
	scores := `"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":["roc_auc","average_precision","log_loss","brier"]`
	compareScores(t, st, `{"schemaVersion":1,`+scores+`,"format":"numeric"}`, w)
	compareScores(t, st, `{"schemaVersion":1,`+scores+`,"interval":"1d"}`, three)
	compareScores(t, st, `{"schemaVersion":1,`+scores+`,"versions":["B"],"interval":"6h"}`, ragged)
	compareScores(t, st, `{"schemaVersion":1,`+scores+`,"format":"numeric"}`, ragged)
	compareScores(t, st, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","threshold":0.5,"metrics":["precision","recall","roc_auc","log_loss"],"interval":"1d"}`, w)
	compareScores(t, st, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":["accuracy","brier"],"format":"numeric"}`, ragged)
}

// The scikit-learn golden cases give scikit-learn's score metrics from the rollups: ROC AUC and
// average precision within the bound the answer reports, log loss and Brier to 1e-9, and the
// coverage counts exactly.
func TestScoreRollupsMatchTheScikitLearnCases(t *testing.T) {
	answered := 0
	for _, gc := range loadGolden(t) {
		var names []query.Metric
		for name := range gc.Metrics {
			if isScoreMetric(name) {
				names = append(names, query.Metric(name))
			}
		}
		if len(names) == 0 {
			continue
		}
		answered++
		t.Run(gc.Name, func(t *testing.T) {
			eng := openGolden(t, gc.File)
			eng.Rollups = true
			q, err := query.Validate(query.Raw{
				SchemaVersion: 1, QueryType: query.TypeClassification, Model: gc.Model, Threshold: gc.Threshold,
				Versions: []string{gc.Version}, PositiveClass: gc.PositiveClass, Format: query.FormatNumeric, Metrics: names,
			}, goldenRange)
			if err != nil {
				t.Fatal(err)
			}
			frames, err := eng.Run(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if src := sourceOf(t, frames); src != engine.SourceRollup {
				t.Fatalf("source %q, want rollup", src)
			}
			custom := frames[0].Meta.Custom.(map[string]any)
			for _, name := range names {
				field, _ := frames[0].FieldByName(string(name))
				got := field.At(0).(*float64)
				if key, ok := gridBoundKeys[string(name)]; ok {
					bound, _ := custom[key].(float64)
					assertWithin(t, string(name), got, gc.Metrics[string(name)], bound)
					continue
				}
				assertClose(t, string(name), got, gc.Metrics[string(name)])
			}
			if rows := custom["rows"].(int64); rows != gc.Rows {
				t.Errorf("rows: got %d, want %d", rows, gc.Rows)
			}
			if un := custom["unlabeledRows"].(int64); un != gc.Rows-gc.LabeledRows {
				t.Errorf("unlabeled rows: got %d, want %d", un, gc.Rows-gc.LabeledRows)
			}
		})
	}
	if answered < 2 {
		t.Fatalf("only %d golden cases with score metrics", answered)
	}
}

// A store whose rollups were built before the ranking rollup (format 2) answers score metrics
// from raw rows, and a threshold still from its score rollup; its next rebuild adds the ranking
// rollup, after which the score metrics answer from it.
func TestRollupsBuiltBeforeTheRankingRollupReadRawForScores(t *testing.T) {
	st, db := openDemo(t)
	_ = st.Close()
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`DROP TABLE predictions_rollup_1h_score_rank`, `DROP TABLE predictions_rollup_1h_score_sums`,
		`UPDATE predictions_rollup_meta SET format = 2`} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	w := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	scores := `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":["roc_auc","log_loss"],"format":"numeric"}`
	threshold := `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn","threshold":0.5}`
	source := func(js string) string {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		return sourceOf(t, runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, js, w))
	}
	if got := source(scores); got != engine.SourceRaw {
		t.Fatalf("score metrics on format-2 rollups: source %q, want raw", got)
	}
	if got := source(threshold); got != engine.SourceRollup {
		t.Fatalf("threshold on format-2 rollups: source %q, want rollup", got)
	}
	rebuildRollups(t, db)
	if got := source(scores); got != engine.SourceRollup {
		t.Fatalf("score metrics after a rebuild: source %q, want rollup", got)
	}
}

// The champion/challenger comparison of a proportion reads its confusion counts through the
// rollup planner (a threshold from the score rollup, logged labels from the confusion rollup)
// with the raw rows' numbers, and says so; a mean-error comparison reads the measures rollup
// (its numbers are compared in the measures rollup's tests).
func TestComparisonAnswersFromRollups(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-30 * 24 * time.Hour), To: demoEnd}
	ragged := query.Window{From: demoEnd.Add(-48*time.Hour - 17*time.Minute), To: demoEnd.Add(-41 * time.Minute)}
	cmp := `"queryType":"comparison","model":"churn-classifier","versions":["A","B"],"positiveClass":"churn"`
	compareSources(t, st, `{"schemaVersion":1,`+cmp+`,"compare":"precision","threshold":0.5,"format":"numeric"}`, w)
	compareSources(t, st, `{"schemaVersion":1,`+cmp+`,"compare":"precision","threshold":0.5,"metrics":["champion","challenger","delta","ci_low","ci_high"],"interval":"1d"}`, w)
	compareSources(t, st, `{"schemaVersion":1,`+cmp+`,"compare":"recall","format":"numeric"}`, ragged)
	mae := `{"schemaVersion":1,"queryType":"comparison","model":"basket-forecaster","versions":["v1","v2"],"compare":"mae","format":"numeric"}`
	if got := sourceOf(t, runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, mae, w)); got != engine.SourceRollup {
		t.Fatalf("mae comparison: source %q, want rollup", got)
	}
}
