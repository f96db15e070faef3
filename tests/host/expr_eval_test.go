package host_test

import (
	"errors"
	"testing"

	"github.com/mlops/modelwatch/pkg/rulecheck"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// TestAlertQueryWithTwoMetricsFails runs the provisioned precision rule against the plugin with
// a second metric added: both numbers carry the same labels, which Grafana refuses.
func TestAlertQueryWithTwoMetricsFails(t *testing.T) {
	for _, rel := range provfiles.SortedKeys(fixture.prov.Alerting) {
		for _, g := range fixture.prov.Alerting[rel].Groups {
			for _, rule := range g.Rules {
				if rule.UID != "modelwatch-precision-drop" {
					continue
				}
				broken := rule
				broken.Data = append([]provfiles.AlertQuery(nil), rule.Data...)
				for i, q := range broken.Data {
					if q.RefID == "A" {
						model := map[string]any{}
						for k, v := range q.Model {
							model[k] = v
						}
						model["metrics"] = []any{"precision", "recall"}
						broken.Data[i].Model = model
					}
				}
				_, _, err := evaluateRule(t, g.OrgID, broken, fixture.marks.End)
				if !errors.Is(err, rulecheck.ErrDuplicateResults) {
					t.Fatalf("error %v, want duplicate results", err)
				}
				return
			}
		}
	}
	t.Skip("the precision rule is not provisioned")
}
