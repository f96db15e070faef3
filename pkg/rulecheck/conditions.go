package rulecheck

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
)

// thresholdTypes are the evaluators of a threshold expression and their parameter counts.
var thresholdTypes = map[string]int{
	"gt": 1, "lt": 1, "within_range": 2, "outside_range": 2, "within_range_included": 2, "outside_range_included": 2,
}

func checkThreshold(conds []ExprCondition) error {
	if len(conds) != 1 {
		return fmt.Errorf("conditions: a threshold needs exactly one condition, has %d", len(conds))
	}
	ev := conds[0].Evaluator
	want, ok := thresholdTypes[ev.Type]
	if !ok {
		return fmt.Errorf("conditions[0].evaluator.type %q is not a threshold: use gt, lt, within_range, outside_range, within_range_included or outside_range_included", clip(ev.Type))
	}
	if len(ev.Params) != want {
		return fmt.Errorf("conditions[0].evaluator: %s takes %d params, has %d", ev.Type, want, len(ev.Params))
	}
	return nil
}

// threshold applies a threshold expression, which Grafana runs as the math expression
// "$B > x", "$B < x", "$B > x && $B < y", "$B < x || $B > y" (or >=, <= for the
// _included ranges): 1 or 0, NaN stays NaN, null stays null.
func threshold(in Result, conds []ExprCondition) (Result, error) {
	if err := checkThreshold(conds); err != nil {
		return Result{}, err
	}
	ev := conds[0].Evaluator
	p := ev.Params
	test := func(v float64) float64 {
		switch ev.Type {
		case "gt":
			return binaryOp(">", v, p[0])
		case "lt":
			return binaryOp("<", v, p[0])
		case "within_range":
			return binaryOp("&&", binaryOp(">", v, p[0]), binaryOp("<", v, p[1]))
		case "within_range_included":
			return binaryOp("&&", binaryOp(">=", v, p[0]), binaryOp("<=", v, p[1]))
		case "outside_range":
			return binaryOp("||", binaryOp("<", v, p[0]), binaryOp(">", v, p[1]))
		}
		return binaryOp("||", binaryOp("<=", v, p[0]), binaryOp(">=", v, p[1]))
	}
	return mapValues(in, test), nil
}

// Classic condition reducers (Grafana's legacy alerting) and evaluators with their parameter
// counts (-1: at least one).
var (
	classicReducers   = []string{"avg", "sum", "min", "max", "count", "last", "median", "diff", "diff_abs", "percent_diff", "percent_diff_abs", "count_non_null"}
	classicEvaluators = map[string]int{
		"gt": -1, "lt": -1, "eq": -1, "ne": -1, "gte": -1, "lte": -1, "no_value": 0,
		"within_range": 2, "outside_range": 2, "within_range_included": 2, "outside_range_included": 2,
	}
)

func checkClassic(conds []ExprCondition) error {
	if len(conds) == 0 {
		return errors.New("conditions: a classic condition needs at least one condition")
	}
	for i, c := range conds {
		if i > 0 && (c.Operator == nil || (c.Operator.Type != "and" && c.Operator.Type != "or")) {
			return fmt.Errorf("conditions[%d].operator.type must be and or or", i)
		}
		if c.Query == nil || len(c.Query.Params) == 0 || c.Query.Params[0] == "" {
			return fmt.Errorf("conditions[%d].query.params must name the refId the condition reads", i)
		}
		if c.Reducer == nil || !slices.Contains(classicReducers, c.Reducer.Type) {
			return fmt.Errorf("conditions[%d].reducer.type must be one of %v", i, classicReducers)
		}
		want, ok := classicEvaluators[c.Evaluator.Type]
		switch {
		case !ok:
			return fmt.Errorf("conditions[%d].evaluator.type %q is not an evaluator: use gt, lt, eq, ne, gte, lte, within_range, outside_range (or _included) or no_value", i, clip(c.Evaluator.Type))
		case want == -1 && len(c.Evaluator.Params) == 0:
			return fmt.Errorf("conditions[%d].evaluator: %s needs a threshold in params", i, c.Evaluator.Type)
		case want == 2 && len(c.Evaluator.Params) != 2:
			return fmt.Errorf("conditions[%d].evaluator: %s takes 2 params, has %d", i, c.Evaluator.Type, len(c.Evaluator.Params))
		}
	}
	return nil
}

// classic evaluates classic conditions as Grafana does: each condition reduces every series
// of its query (a number is taken as it is) and fires when any value passes its evaluator; the
// conditions are joined left to right by their operators, without precedence. The result is
// one number without labels: 1 firing, 0 not, null when every condition had no data.
func classic(conds []ExprCondition, vars map[string]Result) (Result, error) {
	if err := checkClassic(conds); err != nil {
		return Result{}, err
	}
	var firing, noData bool
	for i, c := range conds {
		in, ok := vars[c.Query.Params[0]]
		if !ok {
			return Result{}, fmt.Errorf("conditions[%d] reads %s, which is not a refId of the rule", i, c.Query.Params[0])
		}
		var values []*float64
		switch {
		case in.NoData:
			values = []*float64{nil}
		default:
			for _, it := range in.Items {
				if it.Series {
					values = append(values, classicReduce(c.Reducer.Type, it.Values))
				} else {
					values = append(values, it.Values[0])
				}
			}
		}
		condFiring, nulls := false, 0
		if len(values) == 0 && c.Evaluator.Type == "no_value" {
			condFiring = true
		}
		for _, v := range values {
			if classicEval(c.Evaluator, v) {
				condFiring = true
			} else if v == nil {
				nulls++
			}
		}
		condNoData := nulls == len(values)
		if i == 0 {
			firing, noData = condFiring, condNoData
		} else if c.Operator.Type == "or" {
			firing, noData = firing || condFiring, noData || condNoData
		} else {
			firing, noData = firing && condFiring, noData && condNoData
		}
	}
	var v *float64
	switch {
	case noData:
	case firing:
		v = ptr(1)
	default:
		v = ptr(0)
	}
	return Result{Items: []Item{number(nil, v)}}, nil
}

func classicEval(ev ExprEvaluator, v *float64) bool {
	if ev.Type == "no_value" {
		return v == nil
	}
	if v == nil {
		return false
	}
	x, p := *v, ev.Params
	switch ev.Type {
	case "gt":
		return x > p[0]
	case "lt":
		return x < p[0]
	case "eq":
		return x == p[0]
	case "ne":
		return x != p[0]
	case "gte":
		return x >= p[0]
	case "lte":
		return x <= p[0]
	case "within_range":
		return (p[0] < x && p[1] > x) || (p[1] < x && p[0] > x)
	case "outside_range":
		return (p[1] < x && p[0] < x) || (p[1] > x && p[0] > x)
	case "within_range_included":
		return (p[0] <= x && p[1] >= x) || (p[1] <= x && p[0] >= x)
	}
	return (p[1] <= x && p[0] <= x) || (p[1] >= x && p[0] >= x) // outside_range_included
}

// classicReduce is legacy alerting's reducer: null and NaN points are skipped, and a series
// without a number gives null (count counts every point of a series that has any).
func classicReduce(reducer string, points []*float64) *float64 {
	if len(points) == 0 {
		return nil
	}
	var vals []float64
	for _, v := range points {
		if v != nil && !math.IsNaN(*v) {
			vals = append(vals, *v)
		}
	}
	if reducer == "count" {
		return ptr(float64(len(points)))
	}
	if len(vals) == 0 {
		return nil
	}
	sum := 0.0
	for _, v := range vals {
		sum += v
	}
	first, last := vals[0], vals[len(vals)-1]
	switch reducer {
	case "avg":
		return ptr(sum / float64(len(vals)))
	case "sum":
		return ptr(sum)
	case "min":
		return ptr(slices.Min(vals))
	case "max":
		return ptr(slices.Max(vals))
	case "last":
		return ptr(last)
	case "count_non_null":
		return ptr(float64(len(vals)))
	case "median":
		sort.Float64s(vals)
		n := len(vals)
		if n%2 == 1 {
			return ptr(vals[n/2])
		}
		return ptr((vals[n/2-1] + vals[n/2]) / 2)
	}
	if len(vals) == 1 {
		return ptr(0) // one point: no change
	}
	switch reducer {
	case "diff":
		return ptr(last - first)
	case "diff_abs":
		return ptr(math.Abs(last - first))
	case "percent_diff":
		return ptr((last - first) / math.Abs(first) * 100)
	}
	return ptr(math.Abs((last - first) / first * 100)) // percent_diff_abs
}
