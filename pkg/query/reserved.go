package query

import (
	"slices"
	"strings"
)

// ReservedLabels are the label and field names the engine's frames use themselves: series
// labels (model, version, feature for the per-feature families, class per class, method for
// drift) and the time field of a time series.
var ReservedLabels = []string{"model", "version", "feature", "class", "method", "time"}

// checkGroupBy refuses a groupBy whose label would collide with a name the result already has:
// a reserved label, or one of the family's metric names (numeric frames name a number field by
// its metric and a string field by each label, so a clash gives two fields of one name).
func checkGroupBy(t Type, groupBy string) error {
	if groupBy == "" {
		return nil
	}
	family := metricsOf[t]
	if !slices.Contains(ReservedLabels, groupBy) && !slices.Contains(family, Metric(groupBy)) {
		return nil
	}
	msg := "groupBy %q is a name the result frames already use (reserved: %s"
	args := []any{clip(groupBy), strings.Join(ReservedLabels, ", ")}
	if len(family) > 0 {
		msg += ", and the %s outputs %s"
		args = append(args, t, join(family))
	}
	return invalid(msg+"): group by another column, or filter on this one", args...)
}
