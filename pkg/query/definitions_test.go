package query

import (
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
)

// definitions names the peer whose drift definitions a query follows; empty leaves the data
// source's choice, an unknown name is refused with the names that are accepted.
func TestDefinitions(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	base := Raw{SchemaVersion: 1, QueryType: TypeDrift, Model: "m"}
	for _, c := range []struct {
		raw  string
		want metrics.Definitions
	}{{"", ""}, {" evidently ", metrics.DefinitionsEvidently}, {"modelwatch", metrics.DefinitionsModelwatch}, {"nannyml", metrics.DefinitionsNannyML}} {
		raw, want := c.raw, c.want
		r := base
		r.Definitions = raw
		q, err := Validate(r, w)
		if err != nil || q.Definitions != want {
			t.Errorf("definitions %q: %q, %v", raw, q.Definitions, err)
		}
	}
	for _, raw := range []string{"Evidently", "NannyML", "scipy", strings.Repeat("e", 1<<20)} {
		r := base
		r.Definitions = raw
		_, err := Validate(r, w)
		if err == nil || !strings.Contains(err.Error(), "use one of modelwatch, evidently, nannyml") || len(err.Error()) > 400 {
			t.Errorf("definitions %.20q: %v", raw, err)
		}
	}
}
