package query

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/mlops/modelwatch/pkg/metrics"
)

// Bins is a drift query's bins: a number of equal-width reference bins, or the name of one of
// numpy's rules (metrics.BinRules) that picks the number per feature from its reference. The
// JSON holds a number, or a string (a rule, or a template variable's number).
type Bins struct {
	Count int
	Rule  string
}

// UnmarshalJSON reads a number or a string.
func (b *Bins) UnmarshalJSON(raw []byte) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case nil:
		*b = Bins{}
	case float64:
		if v != float64(int(v)) {
			return invalid("bins %v is not a whole number: use a number of bins from 2 to %d, or a rule (%s)", v, MaxBins, strings.Join(metrics.BinRules, ", "))
		}
		*b = Bins{Count: int(v)}
	case string:
		text := strings.TrimSpace(v)
		if n, err := strconv.Atoi(text); err == nil {
			*b = Bins{Count: n}
		} else {
			*b = Bins{Rule: text}
		}
	default:
		return invalid("bins must be a number of bins or a rule (%s)", strings.Join(metrics.BinRules, ", "))
	}
	return nil
}

// MarshalJSON writes the rule as a string, a count as a number.
func (b Bins) MarshalJSON() ([]byte, error) {
	if b.Rule != "" {
		return json.Marshal(b.Rule)
	}
	return json.Marshal(b.Count)
}

// IsZero reports an unset bins (omitted from JSON).
func (b Bins) IsZero() bool { return b.Count == 0 && b.Rule == "" }
