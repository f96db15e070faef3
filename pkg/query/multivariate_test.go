package query

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// A multivariate query keeps the components that explain 65% of the reference's variance by
// default, answers the error, its band and the thresholds, and resolves its reference window as
// drift does; components may be a share or a whole number.
func TestMultivariateDefaults(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)}
	q, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeMultivariate, Model: "m", Features: []string{" a ", "b", "a"}}, w)
	if err != nil {
		t.Fatal(err)
	}
	if q.Components != DefaultComponents || !slices.Equal(q.Metrics, MultivariateDefaults) || !slices.Equal(q.Features, []string{"a", "b"}) {
		t.Errorf("defaults: components %v, metrics %v, features %v", q.Components, q.Metrics, q.Features)
	}
	if !q.RefTo.Equal(w.From) || !q.RefFrom.Equal(w.From.Add(-24*time.Hour)) {
		t.Errorf("reference %s .. %s, want the previous day", q.RefFrom, q.RefTo)
	}
	q.Metrics[0] = "changed"
	if MultivariateDefaults[0] == "changed" {
		t.Error("a query's metrics share the defaults' array")
	}
	for _, c := range []float64{0.9, 1, 3, MaxMultivariateFeatures} {
		q, err = Validate(Raw{SchemaVersion: 1, QueryType: TypeMultivariate, Model: "m", Components: &c, Metrics: []Metric{Drifted}, Format: FormatNumeric}, w)
		if err != nil || q.Components != c {
			t.Errorf("components %v: %v, %v", c, q.Components, err)
		}
	}
}

// Careless and hostile multivariate fields are refused with what would be right; components on
// another family is refused too.
func TestMultivariateRefusals(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)}
	many := make([]string, MaxMultivariateFeatures+1)
	for i := range many {
		many[i] = strings.Repeat("f", i+1)
	}
	num := func(v float64) *float64 { return &v }
	base := Raw{SchemaVersion: 1, QueryType: TypeMultivariate, Model: "m"}
	for _, c := range []struct {
		name string
		edit func(*Raw)
		want string
	}{
		{"zero components", func(r *Raw) { r.Components = num(0) }, "components is 0: use a share of the reference's variance between 0 and 1"},
		{"negative components", func(r *Raw) { r.Components = num(-0.5) }, "components is -0.5"},
		{"fractional count", func(r *Raw) { r.Components = num(1.5) }, "or a whole number of components from 1 to 64"},
		{"too many components", func(r *Raw) { r.Components = num(65) }, "components is 65"},
		{"huge components", func(r *Raw) { r.Components = num(math.MaxFloat64) }, "components is 1.7976931348623157e+308"},
		{"infinite components", func(r *Raw) { r.Components = num(math.Inf(1)) }, "components is +Inf"},
		{"NaN components", func(r *Raw) { r.Components = num(math.NaN()) }, "components is NaN"},
		{"too many features", func(r *Raw) { r.Features = many }, "multivariate drift reads at most 64 features at once, got 65"},
		{"a drift method", func(r *Raw) { r.Method = "psi" }, "method, bins and driftThreshold apply to drift per feature"},
		{"a drift threshold", func(r *Raw) { r.DriftThreshold = num(0.1) }, "method, bins and driftThreshold"},
		{"bins", func(r *Raw) { r.Bins = Bins{Count: 10} }, "method, bins and driftThreshold"},
		{"unknown output", func(r *Raw) { r.Metrics = []Metric{"score"} }, `unknown metric "score" for multivariate: use one of reconstruction_error, sampling_error, lower, upper, threshold_lower, threshold_upper, drifted`},
		{"histogram", func(r *Raw) { r.Format = FormatHistogram }, "unknown format"},
		{"components on drift", func(r *Raw) { r.QueryType = TypeDrift; r.Components = num(2) }, "components applies to multivariate drift, not to drift"},
	} {
		r := base
		c.edit(&r)
		_, err := Validate(r, w)
		if err == nil || !strings.Contains(err.Error(), c.want) || len(err.Error()) > 400 {
			t.Errorf("%s: %.300v, want %q", c.name, err, c.want)
		}
	}
}
