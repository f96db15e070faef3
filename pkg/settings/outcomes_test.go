package settings

import (
	"errors"
	"strings"
	"testing"
)

// outcomeColumns: plain names of non-base columns, each once, a bounded list; a bad one is
// refused naming the entry and what would be right.
func TestOutcomeColumnsSetting(t *testing.T) {
	s, _, err := Load([]byte(`{"path":"/tmp/x.duckdb","outcomeColumns":["clicked","purchased"]}`), nil)
	if err != nil || strings.Join(s.OutcomeColumns, ",") != "clicked,purchased" {
		t.Fatalf("%v, %v", s.OutcomeColumns, err)
	}
	many := `"c0"` + strings.Repeat(`,"c"`, MaxOutcomeColumns)
	for _, c := range []struct{ js, want string }{
		{`["actual_label"]`, `outcomeColumns[0]: "actual_label" is a base column (actual)`},
		{`["clicked","clicked"]`, `lists "clicked" twice`},
		{`["clicked","a b"]`, `outcomeColumns[1]`},
		{`[` + many + `]`, "at most 20"},
	} {
		_, _, err := Load([]byte(`{"path":"/tmp/x.duckdb","outcomeColumns":`+c.js+`}`), nil)
		if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.js, err)
		}
	}
}
