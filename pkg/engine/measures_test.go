package engine_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// recordingStore records what each query asks the store for: the measures of every Aggregates
// request and the number of confusion and score scans.
type recordingStore struct {
	store.Store
	mu                         sync.Mutex
	aggregates                 [][]string
	confusionScans, scoreScans int
}

func (r *recordingStore) Aggregates(ctx context.Context, req store.AggregateRequest) ([]store.AggregateRow, error) {
	var kinds []string
	for _, m := range req.Measures {
		kinds = append(kinds, measureName(m))
	}
	r.mu.Lock()
	r.aggregates = append(r.aggregates, kinds)
	r.mu.Unlock()
	return r.Store.Aggregates(ctx, req)
}

func (r *recordingStore) ConfusionCounts(ctx context.Context, req store.ConfusionRequest) ([]store.ConfusionCount, error) {
	r.mu.Lock()
	r.confusionScans++
	r.mu.Unlock()
	return r.Store.ConfusionCounts(ctx, req)
}

func (r *recordingStore) ScoreCounts(ctx context.Context, req store.ScoreRequest, row func(store.ScoreCountRow)) error {
	r.mu.Lock()
	r.scoreScans++
	r.mu.Unlock()
	return r.Store.ScoreCounts(ctx, req, row)
}

func measureName(m store.Measure) string {
	if m.Kind == store.MeasureLatencyQuantile || m.Kind == store.MeasureErrorQuantile {
		return fmt.Sprintf("%s %g", m.Kind, m.Q)
	}
	return string(m.Kind)
}

// runMetrics runs a query of the families fixture with the given metrics (all of the family's
// when none), through a recording store.
func runMetrics(t *testing.T, eng *engine.Engine, fc familyCases, body string, metrics ...query.Metric) (data.Frames, *recordingStore) {
	t.Helper()
	list := ""
	if len(metrics) > 0 {
		names := make([]string, len(metrics))
		for i, m := range metrics {
			names[i] = fmt.Sprintf("%q", m)
		}
		list = `,"metrics":[` + strings.Join(names, ",") + `]`
	}
	raw, err := query.Parse([]byte(`{"schemaVersion":1` + body + list + `}`))
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.Validate(raw, query.Window{From: fc.From, To: fc.To})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingStore{Store: eng.Store}
	out, err := (&engine.Engine{Store: rec}).Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return out, rec
}

// sameMetric fails unless the metric's values (and the series' labels) in got equal those in
// want, frame by frame.
func sameMetric(t *testing.T, metric query.Metric, got, want data.Frames) {
	t.Helper()
	g, _ := got[0].FieldByName(string(metric))
	w, _ := want[0].FieldByName(string(metric))
	if g == nil || w == nil || g.Len() != w.Len() {
		t.Fatalf("%s: fields %v and %v differ in presence or length", metric, g, w)
	}
	for i := range w.Len() {
		a, b := g.At(i).(*float64), w.At(i).(*float64)
		if (a == nil) != (b == nil) || (a != nil && *a != *b) {
			t.Errorf("%s row %d: %v alone, %v among every metric", metric, i, deref(a), deref(b))
		}
	}
	if (got[0].Meta == nil) != (want[0].Meta == nil) {
		t.Fatalf("%s: meta %v alone, %v among every metric", metric, got[0].Meta, want[0].Meta)
	}
	if want[0].Meta == nil {
		return
	}
	gc, _ := got[0].Meta.Custom.(map[string]any)
	wc, _ := want[0].Meta.Custom.(map[string]any)
	for _, key := range []string{"rows", "unlabeledRows", "unpredictedRows", "positiveClass"} {
		if a, b := gc[key], wc[key]; a != b {
			t.Errorf("%s: meta %s %v alone, %v among every metric", metric, key, a, b)
		}
	}
	if a, b := fmt.Sprint(got[0].Meta.Notices), fmt.Sprint(want[0].Meta.Notices); a != b {
		t.Errorf("%s: notices %s alone, %s among every metric", metric, a, b)
	}
}

// A panel asking for one operations or regression metric used to have the store compute every
// measure of the family (three latency or error quantiles for a request count): a query asks
// only for the measures its metrics need, and their numbers are those of a query asking for all.
func TestFamiliesAskOnlyForTheMeasuresTheirMetricsNeed(t *testing.T) {
	eng, fc := openFamilies(t)
	const ops = `,"queryType":"operations","model":"reg","format":"numeric","groupBy":"segment"`
	const reg = `,"queryType":"regression","model":"reg","format":"numeric","groupBy":"segment"`
	cases := []struct {
		body    string
		metrics []query.Metric
		want    []string
	}{
		{ops, []query.Metric{query.Requests}, []string{"rows"}},
		{ops, []query.Metric{query.Throughput}, []string{"rows"}},
		{ops, []query.Metric{query.ErrorRate}, []string{"rows", "errors"}},
		{ops, []query.Metric{query.LatencyP50}, []string{"latency_quantile 0.5"}},
		{ops, []query.Metric{query.LatencyP95}, []string{"latency_quantile 0.95"}},
		{ops, []query.Metric{query.LatencyP99}, []string{"latency_quantile 0.99"}},
		{ops, []query.Metric{query.Requests, query.ErrorRate, query.Throughput}, []string{"rows", "errors"}},
		{reg, []query.Metric{query.MAE}, []string{"paired", "sum_abs_error"}},
		{reg, []query.Metric{query.MSE}, []string{"paired", "sum_sq_error"}},
		{reg, []query.Metric{query.RMSE}, []string{"paired", "sum_sq_error"}},
		{reg, []query.Metric{query.MAPE}, []string{"nonzero_actual", "sum_abs_pct_error"}},
		{reg, []query.Metric{query.R2}, []string{"paired", "sum_sq_error", "var_pop_actual"}},
		{reg, []query.Metric{query.MeanError}, []string{"paired", "sum_error"}},
		{reg, []query.Metric{query.ErrorP90}, []string{"error_quantile 0.9"}},
		{reg, []query.Metric{query.MAE, query.MeanError}, []string{"paired", "sum_abs_error", "sum_error"}},
	}
	full := map[string]data.Frames{}
	for _, body := range []string{ops, reg} {
		full[body], _ = runMetrics(t, eng, fc, body)
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.metrics), func(t *testing.T) {
			got, rec := runMetrics(t, eng, fc, c.body, c.metrics...)
			if len(rec.aggregates) != 1 || !slices.Equal(rec.aggregates[0], c.want) {
				t.Errorf("asked the store for %v, want one request of %v", rec.aggregates, c.want)
			}
			for _, m := range c.metrics {
				sameMetric(t, m, got, full[c.body])
			}
		})
	}
}

// A panel of ROC AUC used to read the table three times (confusion counts, the score grid, the
// log-loss and Brier sums): the grid is read only for ROC AUC and average precision, the sums
// only for log loss and Brier, the confusion counts only for a confusion metric; a query of
// score metrics alone takes its coverage (rows without ground truth or prediction) and its
// series from one aggregate scan, which carries the sums too.
func TestClassificationReadsOnlyWhatItsMetricsNeed(t *testing.T) {
	eng, fc := openFamilies(t)
	every := []query.Metric{query.Precision, query.ROCAUC, query.AveragePrecision, query.LogLoss, query.Brier}
	cases := []struct {
		body            string
		metrics         []query.Metric
		confusion, grid int
		aggregates      [][]string
	}{
		{cls, []query.Metric{query.ROCAUC}, 0, 1, [][]string{{"rows", "unlabeled", "unpredicted_label"}}},
		{cls, []query.Metric{query.ROCAUC, query.AveragePrecision}, 0, 1, [][]string{{"rows", "unlabeled", "unpredicted_label"}}},
		{clsThreshold, []query.Metric{query.AveragePrecision}, 0, 1, [][]string{{"rows", "unlabeled", "unscored"}}},
		{cls, []query.Metric{query.LogLoss}, 0, 0, [][]string{{"rows", "unlabeled", "unpredicted_label", "scored_labeled", "log_loss_sum"}}},
		{clsThreshold, []query.Metric{query.Brier, query.ROCAUC}, 0, 1, [][]string{{"rows", "unlabeled", "unscored", "scored_labeled", "brier_sum"}}},
		{cls, []query.Metric{query.Precision, query.ROCAUC}, 1, 1, nil},
		{cls, []query.Metric{query.Recall, query.Brier}, 1, 0, [][]string{{"scored_labeled", "brier_sum"}}},
	}
	full := map[string]data.Frames{}
	for _, body := range []string{cls, clsThreshold} {
		full[body], _ = runMetrics(t, eng, fc, body, every...)
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.body == clsThreshold, c.metrics), func(t *testing.T) {
			got, rec := runMetrics(t, eng, fc, c.body, c.metrics...)
			if rec.confusionScans != c.confusion || rec.scoreScans != c.grid {
				t.Errorf("%d confusion scans and %d score grid scans, want %d and %d", rec.confusionScans, rec.scoreScans, c.confusion, c.grid)
			}
			if fmt.Sprint(rec.aggregates) != fmt.Sprint(c.aggregates) {
				t.Errorf("aggregate requests %v, want %v", rec.aggregates, c.aggregates)
			}
			for _, m := range c.metrics {
				if slices.Contains(every, m) {
					sameMetric(t, m, got, full[c.body])
				}
			}
		})
	}
}

const (
	cls          = `,"queryType":"classification","model":"cls","positiveClass":"yes","format":"numeric","groupBy":"segment"`
	clsThreshold = `,"queryType":"classification","model":"cls","positiveClass":"yes","threshold":0.5,"format":"numeric","groupBy":"segment"`
)

// A query of score metrics alone reads no confusion counts, yet reports the same coverage as
// one that does: rows without ground truth, and labeled rows without the prediction the
// confusion uses (the score under a threshold, the logged label without one).
func TestScoreMetricsAloneReportTheConfusionsCoverage(t *testing.T) {
	csv := "prediction_id,ts,model,model_version,predicted_label,score,actual_label\n" +
		"p1,2026-03-01T00:00:00Z,m,A,yes,0.9,yes\n" +
		"p2,2026-03-01T00:01:00Z,m,A,no,0.2,no\n" +
		"p3,2026-03-01T00:02:00Z,m,A,yes,0.7,no\n" +
		"p4,2026-03-01T00:03:00Z,m,A,no,,yes\n" + // no score
		"p5,2026-03-01T00:04:00Z,m,A,,0.4,no\n" + // no logged label
		"p6,2026-03-01T00:05:00Z,m,A,,,yes\n" + // neither
		"p7,2026-03-01T00:06:00Z,m,A,yes,0.8,\n" + // no ground truth
		"p8,2026-03-01T00:07:00Z,m,A,no,,\n"
	st := openStore(t, loadCSVText(t, csv))
	eng := &engine.Engine{Store: st}
	fc := familyCases{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	for name, body := range map[string]string{
		"logged label": `,"queryType":"classification","model":"m","positiveClass":"yes","format":"numeric"`,
		"threshold":    `,"queryType":"classification","model":"m","positiveClass":"yes","threshold":0.5,"format":"numeric"`,
	} {
		t.Run(name, func(t *testing.T) {
			want, _ := runMetrics(t, eng, fc, body, query.Precision, query.ROCAUC, query.AveragePrecision, query.LogLoss, query.Brier)
			for _, metrics := range [][]query.Metric{{query.ROCAUC}, {query.LogLoss}, {query.AveragePrecision, query.Brier}} {
				got, rec := runMetrics(t, eng, fc, body, metrics...)
				if rec.confusionScans != 0 {
					t.Fatalf("%v: %d confusion scans, want none", metrics, rec.confusionScans)
				}
				sameMetric(t, metrics[0], got, want)
			}
			custom := want[0].Meta.Custom.(map[string]any)
			if custom["unlabeledRows"] != int64(2) || custom["unpredictedRows"] != int64(2) {
				t.Fatalf("coverage %v: the fixture must leave out 2 unlabeled and 2 unpredicted rows", custom)
			}
		})
	}
}
