package sqlstore

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// builder accumulates a statement and its bound arguments.
type builder struct {
	d    Dialect
	sql  strings.Builder
	args []any
	// inline writes numbers into the statement instead of binding them (a view's query has no
	// bound values); bind still binds anything else.
	inline bool
}

func (b *builder) write(parts ...string) *builder {
	for _, p := range parts {
		b.sql.WriteString(p)
	}
	return b
}

// bind appends a value and returns its placeholder.
func (b *builder) bind(v any) string {
	if b.inline {
		switch x := v.(type) {
		case float64:
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				lit := strconv.FormatFloat(x, 'g', -1, 64)
				if !strings.ContainsAny(lit, ".e") {
					lit += ".0"
				}
				return lit
			}
		case int64:
			return strconv.FormatInt(x, 10)
		}
	}
	b.args = append(b.args, v)
	return b.d.Placeholder(len(b.args))
}

// bindTime binds a time in UTC, as the dialect's engine compares it (see TimeBinder).
func (b *builder) bindTime(t time.Time) string {
	if tb, ok := b.d.(TimeBinder); ok {
		return b.bind(tb.BindTime(t.UTC()))
	}
	return b.bind(t.UTC())
}

// in returns "col IN (p1, p2, ...)" for a non-empty list.
func (b *builder) in(col string, values []string) string {
	marks := make([]string, len(values))
	for i, v := range values {
		marks[i] = b.bind(v)
	}
	return fmt.Sprintf("%s IN (%s)", col, strings.Join(marks, ", "))
}

func (b *builder) String() string { return b.sql.String() }
