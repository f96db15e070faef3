package query

import (
	"slices"
	"strings"
)

// Op is a filter operator.
type Op string

// Filter operators.
const (
	OpEq    Op = "="
	OpNe    Op = "!="
	OpIn    Op = "in"
	OpNotIn Op = "not in"
	OpLt    Op = "<"
	OpLe    Op = "<="
	OpGt    Op = ">"
	OpGe    Op = ">="
)

// Ops lists the operators, in the order messages show them.
var Ops = []Op{OpEq, OpNe, OpIn, OpNotIn, OpLt, OpLe, OpGt, OpGe}

// Filter keeps rows whose column compares true with the values. Values arrive as JSON scalars
// or strings (template variables are strings, a multi-value variable a list of them) and are
// converted to the column's kind by the store, which also checks the column exists.
type Filter struct {
	Column string `json:"column"`
	Op     Op     `json:"op"`
	Values []any  `json:"values"`
}

// Check validates the operator and the number and types of values.
func (f Filter) Check() error {
	if f.Column == "" {
		return invalid("filter needs a column")
	}
	if !slices.Contains(Ops, f.Op) {
		names := make([]string, len(Ops))
		for i, o := range Ops {
			names[i] = string(o)
		}
		return invalid("filter on %q: unknown operator %q: use one of %s", f.Column, f.Op, strings.Join(names, ", "))
	}
	switch f.Op {
	case OpIn, OpNotIn:
		if len(f.Values) == 0 {
			return invalid("filter on %q: %q needs at least one value", f.Column, f.Op)
		}
	default:
		if len(f.Values) != 1 {
			return invalid("filter on %q: %q takes exactly one value, got %d", f.Column, f.Op, len(f.Values))
		}
	}
	for _, v := range f.Values {
		switch v.(type) {
		case string, float64, bool, int, int64:
		default:
			return invalid("filter on %q: value %v is not a string, number or boolean", f.Column, v)
		}
	}
	return nil
}
