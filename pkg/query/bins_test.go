package query

import (
	"strings"
	"testing"
	"time"
)

// bins takes a number (or a template variable's string of one) or the name of one of numpy's
// rules; anything else is refused with both forms.
func TestBinsNumberOrRule(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	run := func(bins string) (Query, error) {
		raw, err := Parse([]byte(`{"schemaVersion":1,"queryType":"drift","model":"m","bins":` + bins + `}`))
		if err != nil {
			return Query{}, err
		}
		return Validate(raw, w)
	}
	for bins, want := range map[string][2]any{
		`30`: {30, ""}, `"30"`: {30, ""}, `null`: {DefaultBins, ""}, `"sturges"`: {0, "sturges"}, `" scott "`: {0, "scott"},
	} {
		q, err := run(bins)
		if err != nil || q.Bins != want[0] || q.BinRule != want[1] {
			t.Errorf("bins %s: %d %q, %v", bins, q.Bins, q.BinRule, err)
		}
	}
	for _, bins := range []string{`1`, `1001`, `2.5`, `"doanes"`, `{"n":3}`, `"` + strings.Repeat("s", 1<<16) + `"`} {
		if _, err := run(bins); err == nil || !strings.Contains(err.Error(), "sturges, sqrt, rice, scott") || len(err.Error()) > 600 {
			t.Errorf("bins %.30s: %v", bins, err)
		}
	}
}

// nulls is drop (the default) or category, on drift only.
func TestNulls(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	for _, c := range [][2]string{{"", NullsDrop}, {"drop", NullsDrop}, {" category ", NullsCategory}} {
		raw, want := c[0], c[1]
		q, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeDrift, Model: "m", Nulls: raw}, w)
		if err != nil || q.Nulls != want {
			t.Errorf("nulls %q: %q, %v", raw, q.Nulls, err)
		}
	}
	if _, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeDrift, Model: "m", Nulls: "keep"}, w); err == nil || !strings.Contains(err.Error(), `use "drop"`) {
		t.Errorf("nulls keep: %v", err)
	}
	if _, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeQuality, Model: "m", Nulls: "category"}, w); err == nil || !strings.Contains(err.Error(), "nulls applies to drift") {
		t.Errorf("nulls on quality: %v", err)
	}
}
