package engine_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// recordingStore records what each query asks the store for: the measures of every Aggregates
// request and the number of confusion and score scans.
type recordingStore struct {
	store.Store
	mu                      sync.Mutex
	aggregates              [][]string
	confusionScans, scoreGr int
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
	r.scoreGr++
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
		list = `,"metrics":[` + joinComma(names) + `]`
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

func joinComma(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
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
	if got[0].Meta != nil && want[0].Meta != nil && fmt.Sprint(got[0].Meta.Custom) != fmt.Sprint(want[0].Meta.Custom) {
		t.Errorf("%s: meta %v alone, %v among every metric", metric, got[0].Meta.Custom, want[0].Meta.Custom)
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
