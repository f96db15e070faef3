package rulecheck

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

func f(v float64) *float64 { return &v }

const churn = "churn-classifier"

// numericLong is a numeric-long frame of one model: a row per version, a column per metric.
func numericLong(versions []string, metrics map[string][]*float64) data.Frames {
	fr := data.NewFrame("", data.NewField("model", nil, make([]string, len(versions))), data.NewField("version", nil, versions))
	for i := range versions {
		fr.Fields[0].Set(i, churn)
	}
	for _, name := range sortedKeys(metrics) {
		fr.Fields = append(fr.Fields, data.NewField(name, nil, metrics[name]))
	}
	fr.Meta = &data.FrameMeta{Type: data.FrameTypeNumericLong, TypeVersion: data.FrameTypeVersion{0, 1}}
	return data.Frames{fr}
}

// timeSeries is a timeseries-multi frame per version, one point per hour from t0.
func timeSeries(series map[string][]*float64) data.Frames {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var frames data.Frames
	for _, version := range sortedKeys(series) {
		vals := series[version]
		times := make([]time.Time, len(vals))
		for i := range vals {
			times[i] = t0.Add(time.Duration(i) * time.Hour)
		}
		fr := data.NewFrame("precision", data.NewField("time", nil, times),
			data.NewField("precision", data.Labels{"model": churn, "version": version}, vals))
		fr.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
		frames = append(frames, fr)
	}
	return frames
}

var (
	keyA = data.Labels{"model": churn, "version": "A"}.String()
	keyB = data.Labels{"model": churn, "version": "B"}.String()
)

// TestExpressionSemantics pins the evaluator to Grafana's behaviour on small frames, so that
// the alert rule results mean what Grafana would make of them.
func TestExpressionSemantics(t *testing.T) {
	lt := []ExprCondition{{Evaluator: ExprEvaluator{Type: "lt", Params: []float64{0.6}}}}
	within := []ExprCondition{{Evaluator: ExprEvaluator{Type: "within_range", Params: []float64{0.2, 0.6}}}}
	outside := []ExprCondition{{Evaluator: ExprEvaluator{Type: "outside_range", Params: []float64{0.2, 0.6}}}}
	withinIncl := []ExprCondition{{Evaluator: ExprEvaluator{Type: "within_range_included", Params: []float64{0.3, 0.6}}}}
	dropNN := &ReduceSettings{Mode: "dropNN"}
	replaceNN := &ReduceSettings{Mode: "replaceNN", ReplaceWithValue: f(0)}

	cases := []struct {
		name     string
		frames   data.Frames
		reducer  string
		settings *ReduceSettings
		conds    []ExprCondition
		want     map[string]State
		wantErr  error
	}{
		{"one number per version", numericLong([]string{"A", "B"}, map[string][]*float64{"precision": {f(0.3), f(0.8)}}),
			"last", nil, lt, map[string]State{keyA: StateAlerting, keyB: StateNormal}, nil},
		{"two metrics are duplicate results", numericLong([]string{"A"}, map[string][]*float64{"precision": {f(0.3)}, "recall": {f(0.9)}}),
			"last", nil, lt, nil, ErrDuplicateResults},
		{"null stays null without a mode: no data", numericLong([]string{"A"}, map[string][]*float64{"precision": {nil}}),
			"last", nil, lt, map[string]State{keyA: StateNoData}, nil},
		{"dropNN drops the null", numericLong([]string{"A", "B"}, map[string][]*float64{"precision": {nil, f(0.9)}}),
			"last", dropNN, lt, map[string]State{keyB: StateNormal}, nil},
		{"replaceNN replaces the null", numericLong([]string{"A"}, map[string][]*float64{"precision": {nil}}),
			"last", replaceNN, lt, map[string]State{keyA: StateAlerting}, nil},
		{"NaN fires", numericLong([]string{"A"}, map[string][]*float64{"precision": {f(math.NaN())}}),
			"mean", nil, lt, map[string]State{keyA: StateAlerting}, nil},
		{"count passes a number through", numericLong([]string{"A"}, map[string][]*float64{"precision": {f(0.9)}}),
			"count", nil, lt, map[string]State{keyA: StateNormal}, nil},
		{"within range", numericLong([]string{"A", "B"}, map[string][]*float64{"precision": {f(0.3), f(0.7)}}),
			"last", nil, within, map[string]State{keyA: StateAlerting, keyB: StateNormal}, nil},
		{"outside range", numericLong([]string{"A", "B"}, map[string][]*float64{"precision": {f(0.3), f(0.7)}}),
			"last", nil, outside, map[string]State{keyA: StateNormal, keyB: StateAlerting}, nil},
		{"within range, bounds included", numericLong([]string{"A", "B"}, map[string][]*float64{"precision": {f(0.3), f(0.7)}}),
			"last", nil, withinIncl, map[string]State{keyA: StateAlerting, keyB: StateNormal}, nil},
		{"no frames: no data", data.Frames{}, "last", nil, lt, map[string]State{data.Labels{}.String(): StateNoData}, nil},
		{"series reduced per version", timeSeries(map[string][]*float64{"A": {f(0.9), f(0.5)}, "B": {f(0.5), f(0.9)}}),
			"last", nil, lt, map[string]State{keyA: StateAlerting, keyB: StateNormal}, nil},
		// Grafana's last is the last point as it is: a trailing null is null, not NaN (which
		// would fire).
		{"last of a series ending in null is no data", timeSeries(map[string][]*float64{"A": {f(0.1), nil}}),
			"last", nil, lt, map[string]State{keyA: StateNoData}, nil},
		// dropNN maps the reduced output too: the mean of nothing is NaN, then null.
		{"dropNN of an all-null series is no data", timeSeries(map[string][]*float64{"A": {nil, nil}}),
			"mean", dropNN, lt, map[string]State{keyA: StateNoData}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := ReadFrames(c.frames)
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
			got, err := ConditionStates(th)
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
		for reducer, want := range map[string]float64{"last": 2, "count": 4, "sum": math.NaN(), "mean": math.NaN(), "min": math.NaN(), "max": math.NaN(), "median": math.NaN()} {
			if got := *reduceSeries(reducer, pts); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("%s strict: %v, want %v", reducer, got, want)
			}
		}
		dropped := []*float64{f(1), f(4), f(2)}
		for reducer, want := range map[string]float64{"last": 2, "count": 3, "sum": 7, "mean": 7.0 / 3, "min": 1, "max": 4, "median": 2} {
			if got := *reduceSeries(reducer, dropped); got != want {
				t.Errorf("%s: %v, want %v", reducer, got, want)
			}
		}
	})
}

// TestMathExpressions checks the grammar's precedence, null and NaN handling, and the joining
// of two results by labels.
func TestMathExpressions(t *testing.T) {
	a := Result{Items: []Item{number(data.Labels{"version": "A"}, f(0.5)), number(data.Labels{"version": "B"}, f(0.8))}}
	b := Result{Items: []Item{number(data.Labels{"version": "A"}, f(0.25)), number(data.Labels{"version": "B"}, nil)}}
	nan := Result{Items: []Item{number(data.Labels{"version": "A"}, f(math.NaN()))}}
	one := Result{Items: []Item{number(data.Labels{"model": churn}, f(2))}}
	vars := map[string]Result{"A": a, "B": b, "N": nan, "O": one, "E": {NoData: true}}
	val := func(v *float64) string { return FormatValue(v) }
	cases := []struct {
		expr string
		want map[string]string // by version label; "" for an item without one
	}{
		{"1 + 2 * 3", map[string]string{"": "7.0000"}},
		{"2 ** 3 ** 2", map[string]string{"": "64.0000"}}, // left-associative, as Grafana parses it
		{"-2 ** 2", map[string]string{"": "4.0000"}},      // unary minus binds tighter than **
		{"1 < 2 && 3 > 4 || 1", map[string]string{"": "1.0000"}},
		{"$A * 100", map[string]string{"A": "50.0000", "B": "80.0000"}},
		{"($A - $B) / $A", map[string]string{"A": "0.5000", "B": "null"}},
		{"${A} > 0.6", map[string]string{"A": "0.0000", "B": "1.0000"}},
		{"$N > 1", map[string]string{"A": "NaN"}},
		{"$N > 1 || 1", map[string]string{"A": "1.0000"}}, // NaN is not 0: || short-circuits to 1
		{"0 && $N", map[string]string{"A": "0.0000"}},     // 0 short-circuits && before NaN propagates
		{"is_null($B)", map[string]string{"A": "0.0000", "B": "1.0000"}},
		{"abs(-$A)", map[string]string{"A": "0.5000", "B": "0.8000"}},
		{"!($A > 0.6)", map[string]string{"A": "1.0000", "B": "0.0000"}},
		// A subset of labels joins: {model} against {version} is not a subset, but one item on
		// each side still join, without labels.
		{"$O * $N", map[string]string{"": "NaN"}},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			n, _, err := parseMath(c.expr)
			if err != nil {
				t.Fatal(err)
			}
			got, err := evalMath(n, vars)
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]string{}
			for _, it := range got.Items {
				s := val(it.Values[0])
				if it.Values[0] != nil && math.IsNaN(*it.Values[0]) {
					s = "NaN"
				}
				m[it.Labels["version"]] = s
			}
			if len(m) != len(c.want) {
				t.Fatalf("%v, want %v", m, c.want)
			}
			for k, v := range c.want {
				if m[k] != v {
					t.Errorf("version %q: %s, want %s (all %v)", k, m[k], v, m)
				}
			}
		})
	}
	t.Run("no data stays no data", func(t *testing.T) {
		n, _, _ := parseMath("$E + $A")
		got, err := evalMath(n, vars)
		if err != nil || !got.NoData {
			t.Fatalf("got %+v, %v; want no data", got, err)
		}
	})
	for _, bad := range []string{"$A +", "(1", "foo($A)", "$", "1 $A", "abs($A, $B)"} {
		if _, _, err := parseMath(bad); err == nil {
			t.Errorf("%q parses; want an error", bad)
		}
	}
}

// TestClassicConditions follows Grafana's classic condition: any series passing fires its
// condition, conditions join left to right, and no data only when every value is missing.
func TestClassicConditions(t *testing.T) {
	series := func(vals ...*float64) Result {
		return Result{Items: []Item{{Labels: data.Labels{"version": "A"}, Series: true, Values: vals, Times: make([]time.Time, len(vals))}}}
	}
	cond := func(ref, reducer, ev string, op string, params ...float64) ExprCondition {
		return ExprCondition{Evaluator: ExprEvaluator{Type: ev, Params: params}, Operator: &ExprOperator{Type: op},
			Query: &ExprQueryRef{Params: []string{ref}}, Reducer: &ExprReducerRef{Type: reducer}}
	}
	vars := map[string]Result{
		"A": series(f(1), nil, f(3)), // avg 2 (nulls skipped), last 3, diff 2, percent_diff 200
		"B": series(nil, nil),        // no number: null
		"C": {NoData: true},
	}
	cases := []struct {
		name  string
		conds []ExprCondition
		want  string
	}{
		{"avg skips nulls", []ExprCondition{cond("A", "avg", "gt", "and", 1.5)}, "1.0000"},
		{"avg below", []ExprCondition{cond("A", "avg", "gt", "and", 2.5)}, "0.0000"},
		{"percent_diff", []ExprCondition{cond("A", "percent_diff", "gte", "and", 200)}, "1.0000"},
		{"all null is no data", []ExprCondition{cond("B", "avg", "gt", "and", 0)}, "null"},
		{"no_value fires on null", []ExprCondition{cond("B", "avg", "no_value", "and")}, "1.0000"},
		{"or joins", []ExprCondition{cond("A", "last", "lt", "and", 0), cond("A", "last", "gt", "or", 2)}, "1.0000"},
		{"and joins", []ExprCondition{cond("A", "last", "lt", "and", 0), cond("A", "last", "gt", "and", 2)}, "0.0000"},
		{"no data and-joined with a number is not no data", []ExprCondition{cond("C", "last", "gt", "and", 0), cond("A", "last", "gt", "and", 5)}, "0.0000"},
		{"outside range", []ExprCondition{cond("A", "max", "outside_range", "and", 0, 2)}, "1.0000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := classic(c.conds, vars)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Items) != 1 || len(got.Items[0].Labels) != 0 {
				t.Fatalf("want one number without labels, got %+v", got)
			}
			if s := FormatValue(got.Items[0].Values[0]); s != c.want {
				t.Errorf("%s, want %s", s, c.want)
			}
		})
	}
}
