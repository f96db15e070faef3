package query

import (
	"fmt"
	"slices"
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
	if err := checkLength(fmt.Sprintf("filter on %q: values", clip(f.Column)), len(f.Values), MaxFilterValues); err != nil {
		return err
	}
	if !slices.Contains(Ops, f.Op) {
		return invalid("filter on %q: unknown operator %q: use one of %s", clip(f.Column), clip(f.Op), join(Ops))
	}
	switch f.Op {
	case OpIn, OpNotIn:
		if len(f.Values) == 0 {
			return invalid("filter on %q: %q needs at least one value (empty strings mean \"not set\")", clip(f.Column), f.Op)
		}
	default:
		if len(f.Values) != 1 {
			return invalid("filter on %q: %q takes exactly one value, got %d (empty strings mean \"not set\")", clip(f.Column), f.Op, len(f.Values))
		}
	}
	for i, v := range f.Values {
		switch v := v.(type) {
		case string:
			if err := checkText(fmt.Sprintf("filter on %q: values[%d]", clip(f.Column), i), v); err != nil {
				return err
			}
		case float64, bool, int, int64:
		default:
			return invalid("filter on %q: value %s is not a string, number or boolean", clip(f.Column), clip(fmt.Sprint(v)))
		}
	}
	return nil
}
