package query

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// zeroDivision takes scikit-learn's null, 0 and 1, as numbers or as the strings a template
// variable gives; anything else is refused with what to write, echoing at most a clip of it.
func TestZeroDivision(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	base := Raw{SchemaVersion: 1, QueryType: TypeClassification, Model: "m", PositiveClass: "yes"}
	for raw, want := range map[string]*float64{
		``: nil, `null`: nil, `"null"`: nil, `"nan"`: nil, `" "`: nil,
		`0`: ptr(0.0), `1`: ptr(1.0), `"0"`: ptr(0.0), `" 1 "`: ptr(1.0), `1.0`: ptr(1.0),
	} {
		r := base
		r.ZeroDivision = json.RawMessage(raw)
		q, err := Validate(r, w)
		if err != nil {
			t.Errorf("zeroDivision %s: %v", raw, err)
			continue
		}
		if (q.ZeroDivision == nil) != (want == nil) || (want != nil && *q.ZeroDivision != *want) {
			t.Errorf("zeroDivision %s: got %v, want %v", raw, q.ZeroDivision, want)
		}
	}
	huge := `"` + strings.Repeat("x", 1<<20) + `"`
	for _, raw := range []string{`0.5`, `2`, `-1`, `"warn"`, `true`, `[0]`, `{"a":1}`, huge} {
		r := base
		r.ZeroDivision = json.RawMessage(raw)
		_, err := Validate(r, w)
		if err == nil || !strings.Contains(err.Error(), "use null (undefined, the default), 0 or 1") || len(err.Error()) > 400 {
			t.Errorf("zeroDivision %.40s: %v", raw, err)
		}
	}
	r := base
	r.QueryType, r.ZeroDivision = TypeRegression, json.RawMessage(`0`)
	if _, err := Validate(r, w); err == nil || !strings.Contains(err.Error(), "applies to classification") {
		t.Errorf("zeroDivision on regression: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
