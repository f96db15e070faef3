package engine_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// The golden family cases answered with rollups allowed: the operations and classification
// cases without a filter or groupBy come from the rollups and still equal numpy's and
// scikit-learn's numbers (latency quantiles within the sketch's bound, and the regression case's
// error quantiles, from the rollups too); the others read raw rows and are unchanged.
func TestRollupsMatchTheGoldenFamilies(t *testing.T) {
	eng, fc := openFamilies(t)
	eng.Rollups = true
	rollupCases := 0
	for _, c := range fc.Cases {
		t.Run(c.Name, func(t *testing.T) {
			q := validQuery(t, c.Query, query.Window{From: fc.From, To: fc.To})
			frames, err := eng.Run(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			answerable := (q.Type == query.TypeOperations || q.Type == query.TypeClassification) && len(q.Filters) == 0 && q.GroupBy == ""
			if q.Type == query.TypeOperations || q.Type == query.TypeClassification {
				want := map[bool]string{true: engine.SourceRollup, false: engine.SourceRaw}[answerable]
				if got := sourceOf(t, frames); got != want {
					t.Fatalf("source %q, want %q", got, want)
				}
			}
			if answerable {
				rollupCases++
			}
			f := frames[0]
			for i, s := range c.Series {
				for metric, want := range s.Values {
					field, _ := f.FieldByName(metric)
					if field == nil {
						t.Fatalf("no field %s", metric)
					}
					got := field.At(i).(*float64)
					tol := tolerance(metric)
					sketched := strings.HasPrefix(metric, "latency_p") || strings.HasPrefix(metric, "error_p")
					if base, suffix := query.SplitMetric(query.Metric(metric)); sketched && suffix == query.ChangeSuffix && q.Change != nil {
						// A change of two sketched values: each is checked within the sketch's
						// bound, and the change must be theirs.
						cur, _ := f.FieldByName(string(base))
						ref, _ := f.FieldByName(string(base) + query.ReferenceSuffix)
						if cur == nil || ref == nil {
							t.Fatalf("%s without %s and its reference", metric, base)
						}
						want = changeOf(q.Change.As, cur.At(i).(*float64), ref.At(i).(*float64))
						sketched = false
					}
					if sketched && len(q.Filters) == 0 && q.GroupBy == "" {
						tol = metrics.SketchAlpha * (1 + 1e-9)
						if got != nil && want != nil {
							t.Logf("%s: sketch %.6g, exact %.6g (%.2g%% off)", metric, *got, *want, 100*math.Abs(*got/(*want)-1))
						}
					}
					checkValue(t, labelsOf(s.Labels)+" "+metric, got, want, tol)
				}
			}
		})
	}
	if rollupCases < 4 {
		t.Fatalf("only %d golden cases answered from rollups", rollupCases)
	}
}

// Every golden classification model answers identically from rollups and raw rows, per
// version and bucketed.
func TestRollupsMatchRawRowsOnTheGoldenFamilies(t *testing.T) {
	eng, fc := openFamilies(t)
	st := eng.Store.(*sqlstore.Store)
	w := query.Window{From: fc.From, To: fc.To}
	ops := `"queryType":"operations","metrics":["requests","throughput","error_rate","latency_p50","latency_p95","latency_p99","latency_mean","latency_min","latency_max"]`
	for _, model := range []string{"reg", "cls", "multi"} {
		compareSources(t, st, `{"schemaVersion":1,`+ops+`,"model":"`+model+`","format":"numeric"}`, w)
		compareSources(t, st, `{"schemaVersion":1,`+ops+`,"model":"`+model+`","interval":"3h"}`, w)
	}
	compareSources(t, st, `{"schemaVersion":1,"queryType":"classification","model":"cls","positiveClass":"yes","metrics":`+confusionMetrics+`,"format":"numeric"}`, w)
	compareSources(t, st, `{"schemaVersion":1,"queryType":"classification","model":"cls","positiveClass":"yes","metrics":`+confusionMetrics+`,"interval":"1h"}`, w)
	for _, avg := range []string{"macro", "micro", "weighted", "none"} {
		compareSources(t, st, `{"schemaVersion":1,"queryType":"classification","model":"multi","average":"`+avg+`","metrics":["precision","recall","f1"],"format":"numeric"}`, w)
	}
	compareSources(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"multi"}`, w)
	compareSources(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"cls","versions":["B"]}`, w)
}

// The scikit-learn golden cases on logged labels (no threshold) give scikit-learn's numbers
// and confusion matrices from the rollups, and the same numbers as raw rows.
func TestRollupsMatchScikitLearn(t *testing.T) {
	answered := 0
	for _, gc := range loadGolden(t) {
		if gc.Threshold != nil {
			continue // a threshold on score: TestThresholdRollupsMatchTheScikitLearnCases
		}
		answered++
		t.Run(gc.Name, func(t *testing.T) {
			eng := openGolden(t, gc.File)
			eng.Rollups = true
			var names []query.Metric
			for name := range gc.Metrics {
				if !isScoreMetric(name) {
					names = append(names, query.Metric(name))
				}
			}
			q, err := query.Validate(query.Raw{
				SchemaVersion: 1, QueryType: query.TypeClassification, Model: gc.Model,
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
			for _, name := range names {
				field, _ := frames[0].FieldByName(string(name))
				assertClose(t, string(name), field.At(0).(*float64), gc.Metrics[string(name)])
			}
			custom := frames[0].Meta.Custom.(map[string]any)
			if rows := custom["rows"].(int64); rows != gc.Rows {
				t.Errorf("rows: got %d, want %d", rows, gc.Rows)
			}
			if un := custom["unlabeledRows"].(int64); un != gc.Rows-gc.LabeledRows {
				t.Errorf("unlabeled rows: got %d, want %d", un, gc.Rows-gc.LabeledRows)
			}
			cq, err := query.Validate(query.Raw{SchemaVersion: 1, QueryType: query.TypeConfusion, Model: gc.Model,
				Versions: []string{gc.Version}, PositiveClass: gc.PositiveClass}, goldenRange)
			if err != nil {
				t.Fatal(err)
			}
			cf, err := eng.Run(context.Background(), cq)
			if err != nil {
				t.Fatal(err)
			}
			if src := sourceOf(t, cf); src != engine.SourceRollup {
				t.Fatalf("confusion source %q, want rollup", src)
			}
			got := matrixOf(t, cf[0], gc.Confusion.Labels)
			sameMatrix(t, got, gc.Confusion.Labels, gc.Confusion.Matrix)
		})
	}
	if answered < 5 {
		t.Fatalf("only %d golden cases without a threshold", answered)
	}
}

func isScoreMetric(name string) bool {
	for _, m := range query.ScoreMetrics {
		if string(m) == name {
			return true
		}
	}
	return false
}

// changeOf is a compareTo change as the query reference defines it.
func changeOf(as query.Change, cur, ref *float64) *float64 {
	if cur == nil || ref == nil {
		return nil
	}
	var v float64
	switch {
	case as == query.ChangeDelta:
		v = *cur - *ref
	case *ref == 0:
		return nil
	case as == query.ChangeRatio:
		v = *cur / *ref
	default:
		v = 100 * (*cur - *ref) / math.Abs(*ref)
	}
	return &v
}
