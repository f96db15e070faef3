package rulecheck

import (
	"fmt"
	"math"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// evalMath evaluates a parsed math expression on the results of the refIds it reads, with
// Grafana's semantics: a null operand gives null, NaN propagates (except that && and ||
// short-circuit first), and two operands' items are joined by labels (equal labels, or one
// set a subset of the other; a number literal or an item without labels joins every item; one
// item on each side join whatever their labels).
func evalMath(n mathNode, vars map[string]Result) (Result, error) {
	switch n := n.(type) {
	case numNode:
		return Result{Items: []Item{number(nil, ptr(n.v))}, scalar: true}, nil
	case varNode:
		r, ok := vars[n.name]
		if !ok {
			return Result{}, fmt.Errorf("$%s is not a refId of the rule", n.name)
		}
		return r, nil
	case unaryNode:
		in, err := evalMath(n.arg, vars)
		if err != nil {
			return Result{}, err
		}
		return mapValues(in, func(v float64) float64 { return unaryOp(n.op, v) }), nil
	case funcNode:
		in, err := evalMath(n.args[0], vars)
		if err != nil {
			return Result{}, err
		}
		return applyFunc(n.name, in), nil
	case binaryNode:
		a, err := evalMath(n.a, vars)
		if err != nil {
			return Result{}, err
		}
		b, err := evalMath(n.b, vars)
		if err != nil {
			return Result{}, err
		}
		return evalBinary(n.op, a, b)
	}
	return Result{}, fmt.Errorf("cannot evaluate %T", n)
}

// mapValues applies f to every non-null value.
func mapValues(in Result, f func(float64) float64) Result {
	out := Result{NoData: in.NoData, scalar: in.scalar}
	for _, it := range in.Items {
		c := it
		c.Values = make([]*float64, len(it.Values))
		for i, v := range it.Values {
			if v != nil {
				c.Values[i] = ptr(f(*v))
			}
		}
		out.Items = append(out.Items, c)
	}
	return out
}

func unaryOp(op string, a float64) float64 {
	if math.IsNaN(a) {
		return a
	}
	if op == "-" {
		return -a
	}
	return boolNum(a == 0) // "!"
}

func applyFunc(name string, in Result) Result {
	nullAware := map[string]func(*float64) float64{
		"is_null":   func(v *float64) float64 { return boolNum(v == nil) },
		"is_nan":    func(v *float64) float64 { return boolNum(v != nil && math.IsNaN(*v)) },
		"is_inf":    func(v *float64) float64 { return boolNum(v != nil && math.IsInf(*v, 0)) },
		"is_number": func(v *float64) float64 { return boolNum(!nonNumber(v)) },
	}
	if f, ok := nullAware[name]; ok {
		out := Result{NoData: in.NoData, scalar: in.scalar}
		for _, it := range in.Items {
			c := it
			c.Values = make([]*float64, len(it.Values))
			for i, v := range it.Values {
				c.Values[i] = ptr(f(v))
			}
			out.Items = append(out.Items, c)
		}
		return out
	}
	f := map[string]func(float64) float64{
		"abs": math.Abs, "ceil": math.Ceil, "floor": math.Floor, "round": math.Round, "log": math.Log,
	}[name]
	return mapValues(in, f)
}

func evalBinary(op string, a, b Result) (Result, error) {
	if a.NoData || b.NoData {
		return Result{NoData: true}, nil
	}
	type pair struct {
		labels data.Labels
		a, b   Item
	}
	var pairs []pair
	for _, x := range a.Items {
		for _, y := range b.Items {
			switch {
			case x.Labels.Equals(y.Labels) || len(x.Labels) == 0 || len(y.Labels) == 0:
				l := x.Labels
				if len(l) == 0 {
					l = y.Labels
				}
				pairs = append(pairs, pair{l, x, y})
			case len(x.Labels) == len(y.Labels):
			case x.Labels.Contains(y.Labels):
				pairs = append(pairs, pair{x.Labels, x, y})
			case y.Labels.Contains(x.Labels):
				pairs = append(pairs, pair{y.Labels, x, y})
			}
		}
	}
	if len(pairs) == 0 && len(a.Items) == 1 && len(b.Items) == 1 {
		pairs = append(pairs, pair{nil, a.Items[0], b.Items[0]})
	}
	out := Result{scalar: a.scalar && b.scalar}
	for _, p := range pairs {
		it, err := combine(op, p.labels, p.a, p.b)
		if err != nil {
			return Result{}, err
		}
		out.Items = append(out.Items, it)
	}
	return out, nil
}

// combine applies op to two joined items: numbers value by value, a series and a number point
// by point, two series at the times both have.
func combine(op string, labels data.Labels, x, y Item) (Item, error) {
	apply := func(p, q *float64) *float64 {
		if p == nil || q == nil {
			return nil
		}
		return ptr(binaryOp(op, *p, *q))
	}
	switch {
	case !x.Series && !y.Series:
		return number(labels, apply(x.Values[0], y.Values[0])), nil
	case x.Series && !y.Series:
		out := Item{Labels: labels, Series: true, Times: x.Times, Values: make([]*float64, len(x.Values))}
		for i, v := range x.Values {
			out.Values[i] = apply(v, y.Values[0])
		}
		return out, nil
	case !x.Series && y.Series:
		out := Item{Labels: labels, Series: true, Times: y.Times, Values: make([]*float64, len(y.Values))}
		for i, v := range y.Values {
			out.Values[i] = apply(x.Values[0], v)
		}
		return out, nil
	}
	at := map[time.Time]*float64{}
	for i, t := range y.Times {
		at[t.UTC()] = y.Values[i]
	}
	out := Item{Labels: labels, Series: true}
	for i, t := range x.Times {
		if q, ok := at[t.UTC()]; ok {
			out.Times = append(out.Times, t)
			out.Values = append(out.Values, apply(x.Values[i], q))
		}
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
	switch op {
	case "+":
		return a + b
	case "-":
		return a - b
	case "*":
		return a * b
	case "/":
		return a / b
	case "%":
		return math.Mod(a, b)
	case "**":
		return math.Pow(a, b)
	case ">":
		return boolNum(a > b)
	case "<":
		return boolNum(a < b)
	case ">=":
		return boolNum(a >= b)
	case "<=":
		return boolNum(a <= b)
	case "==":
		return boolNum(a == b)
	case "!=":
		return boolNum(a != b)
	case "&&":
		return boolNum(a != 0 && b != 0)
	}
	return boolNum(a != 0 || b != 0) // "||"
}

func boolNum(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
