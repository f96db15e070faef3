package host_test

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/grafana/dataplane/sdata/numeric"
	"github.com/grafana/dataplane/sdata/reader"
	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// The subset of Grafana's server-side expressions that alert rules on this data source use,
// with Grafana's semantics (pkg/expr and pkg/services/ngalert/eval):
//   - a data source response is read as data plane frames: each numeric column of a
//     numeric-long frame is one number labelled by the row's string columns (the column name
//     is not a label); each series of a timeseries frame is one series;
//   - reduce turns series into numbers; a number passes through unchanged whatever the
//     reducer, except that mode dropNN drops it when it is null, NaN or infinite and mode
//     replaceNN replaces such a value;
//   - threshold compares each number with its parameters: 1 or 0, NaN stays NaN, null stays null;
//   - the condition's numbers give the states: null is NoData, 0 Normal, anything else
//     (NaN included) Alerting; two results with the same labels fail the evaluation.

// item is one value of an expression result: a number (one value) or a series.
type item struct {
	labels data.Labels
	series bool
	values []*float64
}

// exprResult is what a query or an expression yields: items, or "no data".
type exprResult struct {
	items  []item
	noData bool
}

// hasValue reports whether any item holds a number.
func (r exprResult) hasValue() bool {
	for _, it := range r.items {
		for _, v := range it.values {
			if v != nil {
				return true
			}
		}
	}
	return false
}

// alertState is the state of one alert instance after an evaluation.
type alertState string

// The states an evaluation gives an instance.
const (
	stateNormal   alertState = "Normal"
	stateAlerting alertState = "Alerting"
	stateNoData   alertState = "NoData"
)

// fromFrames reads a data source response as Grafana's expressions read data plane frames.
func fromFrames(frames data.Frames) (exprResult, error) {
	if len(frames) == 0 {
		return exprResult{noData: true}, nil
	}
	kind, err := reader.CanReadBasedOnMeta(frames)
	if err != nil {
		return exprResult{}, fmt.Errorf("frames are not readable as data plane frames: %w", err)
	}
	switch kind.Kind() {
	case data.KindNumeric:
		r, err := numeric.CollectionReaderFromFrames(frames)
		if err != nil {
			return exprResult{}, err
		}
		c, err := r.GetCollection(false)
		if err != nil {
			return exprResult{}, err
		}
		if c.NoData() {
			return exprResult{noData: true}, nil
		}
		var out exprResult
		for _, ref := range c.Refs {
			v, empty, err := ref.NullableFloat64Value()
			if err != nil {
				return exprResult{}, fmt.Errorf("numeric value %q %s: %w", ref.GetMetricName(), ref.GetLabels(), err)
			}
			if empty {
				v = nil
			}
			out.items = append(out.items, item{labels: ref.GetLabels(), values: []*float64{v}})
		}
		return out, nil
	case data.KindTimeSeries:
		r, err := timeseries.CollectionReaderFromFrames(frames)
		if err != nil {
			return exprResult{}, err
		}
		c, err := r.GetCollection(false)
		if err != nil {
			return exprResult{}, err
		}
		if c.NoData() {
			return exprResult{noData: true}, nil
		}
		var out exprResult
		for _, ref := range c.Refs {
			n, err := ref.Len()
			if err != nil {
				return exprResult{}, err
			}
			it := item{labels: ref.GetLabels(), series: true, values: make([]*float64, n)}
			for i := range n {
				if it.values[i], err = ref.NullableFloat64Value(i); err != nil {
					return exprResult{}, err
				}
			}
			out.items = append(out.items, it)
		}
		return out, nil
	}
	return exprResult{}, fmt.Errorf("frame type %s is neither numeric nor a time series", kind)
}

// reduceMapper applies a reduce expression's mode to one value; nil means "drop it".
type reduceMapper func(*float64) *float64

func mapperOf(s *provfiles.ReduceSettings) (reduceMapper, error) {
	if s == nil || s.Mode == "" {
		return nil, nil
	}
	nonNumber := func(v *float64) bool { return v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) }
	switch s.Mode {
	case "dropNN":
		return func(v *float64) *float64 {
			if nonNumber(v) {
				return nil
			}
			return v
		}, nil
	case "replaceNN":
		if s.ReplaceWithValue == nil {
			return nil, errors.New("setting replaceWithValue must be specified when mode is 'replaceNN'")
		}
		with := *s.ReplaceWithValue
		return func(v *float64) *float64 {
			if nonNumber(v) {
				return &with
			}
			return v
		}, nil
	}
	return nil, fmt.Errorf("reducer mode '%s' is not supported. Supported only: [dropNN,replaceNN]", s.Mode)
}

// reduce applies a reduce expression.
func reduce(in exprResult, reducer string, mapper reduceMapper) (exprResult, error) {
	if !slices.Contains([]string{"last", "mean", "min", "max", "sum", "count"}, reducer) {
		return exprResult{}, fmt.Errorf("reducer %q is not implemented here", reducer)
	}
	if in.noData {
		return in, nil
	}
	var out exprResult
	for _, it := range in.items {
		if !it.series {
			v := it.values[0]
			if mapper != nil {
				if v = mapper(v); v == nil {
					continue
				}
			}
			out.items = append(out.items, item{labels: it.labels, values: []*float64{v}})
			continue
		}
		var points []*float64
		for _, v := range it.values {
			if mapper != nil {
				if v = mapper(v); v == nil {
					continue
				}
			}
			points = append(points, v)
		}
		v := reduceSeries(reducer, points)
		out.items = append(out.items, item{labels: it.labels, values: []*float64{&v}})
	}
	return out, nil
}

// reduceSeries reduces the points of one series; a null or NaN point makes sum, mean, min and
// max NaN (Grafana's strict default), and an empty series gives NaN except for sum and count.
func reduceSeries(reducer string, points []*float64) float64 {
	nan := math.NaN()
	switch reducer {
	case "count":
		return float64(len(points))
	case "last":
		if len(points) == 0 || points[len(points)-1] == nil {
			return nan
		}
		return *points[len(points)-1]
	}
	if slices.ContainsFunc(points, func(v *float64) bool { return v == nil || math.IsNaN(*v) }) {
		return nan
	}
	sum := 0.0
	for _, v := range points {
		sum += *v
	}
	switch reducer {
	case "sum":
		return sum
	case "mean":
		return sum / float64(len(points))
	}
	if len(points) == 0 {
		return nan
	}
	best := *points[0]
	for _, v := range points[1:] {
		if (reducer == "min" && *v < best) || (reducer == "max" && *v > best) {
			best = *v
		}
	}
	return best
}

// threshold applies a threshold expression, which Grafana runs as the math expression
// "$B > x", "$B < x", "$B > x && $B < y" or "$B < x || $B > y".
func threshold(in exprResult, conds []provfiles.ExprCondition) (exprResult, error) {
	if len(conds) != 1 {
		return exprResult{}, fmt.Errorf("threshold needs exactly one condition, has %d", len(conds))
	}
	ev := conds[0].Evaluator
	want := map[string]int{"gt": 1, "lt": 1, "within_range": 2, "outside_range": 2}[ev.Type]
	if want == 0 || len(ev.Params) != want {
		return exprResult{}, fmt.Errorf("evaluator %q with %d params is not supported", ev.Type, len(ev.Params))
	}
	p := ev.Params
	test := func(v float64) float64 {
		switch ev.Type {
		case "gt":
			return binaryOp(">", v, p[0])
		case "lt":
			return binaryOp("<", v, p[0])
		case "within_range":
			return binaryOp("&&", binaryOp(">", v, p[0]), binaryOp("<", v, p[1]))
		default:
			return binaryOp("||", binaryOp("<", v, p[0]), binaryOp(">", v, p[1]))
		}
	}
	if in.noData {
		return in, nil
	}
	var out exprResult
	for _, it := range in.items {
		vals := make([]*float64, len(it.values))
		for i, v := range it.values {
			if v != nil {
				r := test(*v)
				vals[i] = &r
			}
		}
		out.items = append(out.items, item{labels: it.labels, series: it.series, values: vals})
	}
	return out, nil
}

// binaryOp is Grafana's math on two numbers: && and || short-circuit before NaN propagates.
func binaryOp(op string, a, b float64) float64 {
	switch {
	case op == "||" && a != 0:
		return 1
	case op == "&&" && a == 0:
		return 0
	case math.IsNaN(a) || math.IsNaN(b):
		return math.NaN()
	}
	var r bool
	switch op {
	case ">":
		r = a > b
	case "<":
		r = a < b
	case "&&":
		r = a != 0 && b != 0
	case "||":
		r = a != 0 || b != 0
	}
	if r {
		return 1
	}
	return 0
}

// errDuplicateResults is Grafana's evaluation error for results it cannot tell apart.
var errDuplicateResults = errors.New("frame cannot uniquely be identified by its labels")

// conditionStates turns the condition's result into one state per instance (labels).
func conditionStates(in exprResult) (map[string]alertState, error) {
	states := map[string]alertState{}
	if in.noData || len(in.items) == 0 {
		states[data.Labels{}.String()] = stateNoData
		return states, nil
	}
	for _, it := range in.items {
		key := it.labels.String()
		if _, dup := states[key]; dup {
			return nil, fmt.Errorf("%w: has duplicate results with labels {%s}", errDuplicateResults, key)
		}
		if it.series {
			return nil, errors.New("looks like time series data, only reduced data can be alerted on")
		}
		switch v := it.values[0]; {
		case v == nil:
			states[key] = stateNoData
		case *v == 0:
			states[key] = stateNormal
		default:
			states[key] = stateAlerting
		}
	}
	return states, nil
}

// evaluateExpressions computes the rule's expressions from the data source results, in
// dependency order, and returns every refId's result.
func evaluateExpressions(rule provfiles.AlertRule, queried map[string]exprResult) (map[string]exprResult, error) {
	models := map[string]provfiles.ExprModel{}
	for _, q := range rule.Data {
		if q.DatasourceUID != provfiles.ExprUID {
			continue
		}
		var m provfiles.ExprModel
		if err := provfiles.DecodeStrictJSON(q.Model, &m); err != nil {
			return nil, fmt.Errorf("expression %s: %w", q.RefID, err)
		}
		models[q.RefID] = m
	}
	done := map[string]exprResult{}
	for k, v := range queried {
		done[k] = v
	}
	var eval func(refID string, depth int) (exprResult, error)
	eval = func(refID string, depth int) (exprResult, error) {
		if r, ok := done[refID]; ok {
			return r, nil
		}
		m, ok := models[refID]
		if !ok {
			return exprResult{}, fmt.Errorf("refId %s is neither a query nor an expression of the rule", refID)
		}
		if depth > len(rule.Data) {
			return exprResult{}, fmt.Errorf("expression %s: dependency cycle", refID)
		}
		input, err := eval(m.Expression, depth+1)
		if err != nil {
			return exprResult{}, err
		}
		var out exprResult
		switch m.Type {
		case "reduce":
			mapper, err := mapperOf(m.Settings)
			if err != nil {
				return exprResult{}, fmt.Errorf("expression %s: %w", refID, err)
			}
			out, err = reduce(input, m.Reducer, mapper)
			if err != nil {
				return exprResult{}, fmt.Errorf("expression %s: %w", refID, err)
			}
		case "threshold":
			if out, err = threshold(input, m.Conditions); err != nil {
				return exprResult{}, fmt.Errorf("expression %s: %w", refID, err)
			}
		default:
			return exprResult{}, fmt.Errorf("expression %s: type %q is not evaluated by this test", refID, m.Type)
		}
		done[refID] = out
		return out, nil
	}
	for refID := range models {
		if _, err := eval(refID, 0); err != nil {
			return nil, err
		}
	}
	return done, nil
}
