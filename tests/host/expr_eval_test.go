package host_test

import (
	"errors"
	"math"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// TestExpressionSemantics pins the evaluator to Grafana's behaviour on small frames, so that
// the alert rule results above mean what Grafana would make of them.
func TestExpressionSemantics(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	numericLong := func(versions []string, metrics map[string][]*float64) data.Frames {
		fr := data.NewFrame("", data.NewField("model", nil, make([]string, len(versions))), data.NewField("version", nil, versions))
		for i := range versions {
			fr.Fields[0].Set(i, demo.ChurnModel)
		}
		for _, name := range provfiles.SortedKeys(metrics) {
			fr.Fields = append(fr.Fields, data.NewField(name, nil, metrics[name]))
		}
		fr.Meta = &data.FrameMeta{Type: data.FrameTypeNumericLong, TypeVersion: data.FrameTypeVersion{0, 1}}
		return data.Frames{fr}
	}
	lt := []provfiles.ExprCondition{{Evaluator: provfiles.ExprEvaluator{Type: "lt", Params: []float64{0.6}}}}
	within := []provfiles.ExprCondition{{Evaluator: provfiles.ExprEvaluator{Type: "within_range", Params: []float64{0.2, 0.6}}}}
	outside := []provfiles.ExprCondition{{Evaluator: provfiles.ExprEvaluator{Type: "outside_range", Params: []float64{0.2, 0.6}}}}
	dropNN := &provfiles.ReduceSettings{Mode: "dropNN"}
	replaceNN := &provfiles.ReduceSettings{Mode: "replaceNN", ReplaceWithValue: f(0)}
	a, b := data.Labels{"model": demo.ChurnModel, "version": "A"}.String(), data.Labels{"model": demo.ChurnModel, "version": "B"}.String()

	cases := []struct {
		name     string
		frames   data.Frames
		reducer  string
		settings *provfiles.ReduceSettings
		conds    []provfiles.ExprCondition
		want     map[string]alertState
		wantErr  error
	}{
		{"one number per version", numericLong([]string{"A", "B"}, map[string][]*float64{"precision": {f(0.3), f(0.8)}}),
			"last", nil, lt, map[string]alertState{a: stateAlerting, b: stateNormal}, nil},
		{"two metrics are duplicate results", numericLong([]string{"A"}, map[string][]*float64{"precision": {f(0.3)}, "recall": {f(0.9)}}),
			"last", nil, lt, nil, errDuplicateResults},
		{"null stays null without a mode: no data", numericLong([]string{"A"}, map[string][]*float64{"precision": {nil}}),
			"last", nil, lt, map[string]alertState{a: stateNoData}, nil},
		{"dropNN drops the null", numericLong([]string{"A", "B"}, map[string][]*float64{"precision": {nil, f(0.9)}}),
			"last", dropNN, lt, map[string]alertState{b: stateNormal}, nil},
		{"replaceNN replaces the null", numericLong([]string{"A"}, map[string][]*float64{"precision": {nil}}),
			"last", replaceNN, lt, map[string]alertState{a: stateAlerting}, nil},
		{"NaN fires", numericLong([]string{"A"}, map[string][]*float64{"precision": {f(math.NaN())}}),
			"mean", nil, lt, map[string]alertState{a: stateAlerting}, nil},
		{"count passes a number through", numericLong([]string{"A"}, map[string][]*float64{"precision": {f(0.9)}}),
			"count", nil, lt, map[string]alertState{a: stateNormal}, nil},
		{"within range", numericLong([]string{"A", "B"}, map[string][]*float64{"precision": {f(0.3), f(0.7)}}),
			"last", nil, within, map[string]alertState{a: stateAlerting, b: stateNormal}, nil},
		{"outside range", numericLong([]string{"A", "B"}, map[string][]*float64{"precision": {f(0.3), f(0.7)}}),
			"last", nil, outside, map[string]alertState{a: stateNormal, b: stateAlerting}, nil},
		{"no frames: no data", data.Frames{}, "last", nil, lt, map[string]alertState{data.Labels{}.String(): stateNoData}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := fromFrames(c.frames)
			if err != nil {
				t.Fatal(err)
			}
			mapper, err := mapperOf(c.settings)
			if err != nil {
				t.Fatal(err)
			}
			red, err := reduce(in, c.reducer, mapper)
			if err != nil {
				t.Fatal(err)
			}
			th, err := threshold(red, c.conds)
			if err != nil {
				t.Fatal(err)
			}
			got, err := conditionStates(th)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("error %v, want %v", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Errorf("states %v, want %v", got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("{%s}: %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
		})
	}

	t.Run("series reducers", func(t *testing.T) {
		pts := []*float64{f(1), f(4), nil, f(2)}
		for reducer, want := range map[string]float64{"last": 2, "count": 4, "sum": math.NaN(), "mean": math.NaN(), "min": math.NaN(), "max": math.NaN()} {
			if got := reduceSeries(reducer, pts); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("%s strict: %v, want %v", reducer, got, want)
			}
		}
		dropped := []*float64{f(1), f(4), f(2)}
		for reducer, want := range map[string]float64{"last": 2, "count": 3, "sum": 7, "mean": 7.0 / 3, "min": 1, "max": 4} {
			if got := reduceSeries(reducer, dropped); got != want {
				t.Errorf("%s: %v, want %v", reducer, got, want)
			}
		}
	})
}

// TestAlertQueryWithTwoMetricsFails runs the provisioned precision rule against the plugin with
// a second metric added: both numbers carry the same labels, which Grafana refuses.
func TestAlertQueryWithTwoMetricsFails(t *testing.T) {
	for _, rel := range provfiles.SortedKeys(fixture.prov.Alerting) {
		for _, g := range fixture.prov.Alerting[rel].Groups {
			for _, rule := range g.Rules {
				if rule.UID != "modelwatch-precision-drop" {
					continue
				}
				broken := rule
				broken.Data = append([]provfiles.AlertQuery(nil), rule.Data...)
				for i, q := range broken.Data {
					if q.RefID == "A" {
						model := map[string]any{}
						for k, v := range q.Model {
							model[k] = v
						}
						model["metrics"] = []any{"precision", "recall"}
						broken.Data[i].Model = model
					}
				}
				_, _, err := evaluateRule(t, g.OrgID, broken, fixture.marks.End)
				if !errors.Is(err, errDuplicateResults) {
					t.Fatalf("error %v, want duplicate results", err)
				}
				return
			}
		}
	}
	t.Skip("the precision rule is not provisioned")
}
