package query

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// An estimation query estimates every estimable metric by default, with isotonic calibration, the
// estimate, its band and the realized value as outputs, and a reference window resolved as the
// per-feature families' (the previous period by default).
func TestEstimationDefaults(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)}
	q, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeEstimation, Model: "m", PositiveClass: "yes"}, w)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(q.Estimate, Estimable) || q.Calibration != CalibrationIsotonic || !slices.Equal(q.Metrics, EstimationDefaults) {
		t.Errorf("defaults: estimate %v, calibration %q, metrics %v", q.Estimate, q.Calibration, q.Metrics)
	}
	if !q.RefTo.Equal(w.From) || !q.RefFrom.Equal(w.From.Add(-24*time.Hour)) {
		t.Errorf("reference %s .. %s, want the previous day", q.RefFrom, q.RefTo)
	}
	q.Estimate[0] = "changed"
	if Estimable[0] == "changed" {
		t.Error("a query's estimate list shares the defaults' array")
	}
	q, err = Validate(Raw{SchemaVersion: 1, QueryType: TypeEstimation, Model: "m", PositiveClass: "yes",
		Estimate: []Metric{" f1 ", "f1", "roc_auc"}, Calibration: " none ", Metrics: []Metric{Estimated}, Format: FormatNumeric}, w)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(q.Estimate, []Metric{F1, ROCAUC}) || q.Calibration != CalibrationNone {
		t.Errorf("estimate %v, calibration %q", q.Estimate, q.Calibration)
	}
}

// Careless and hostile estimation fields are refused with what would be right, echoing at most a
// clip of the input; the estimation fields on another family are refused too.
func TestEstimationRefusals(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)}
	huge := strings.Repeat("x", 1<<20)
	many := make([]Metric, 100_000)
	for i := range many {
		many[i] = "f1"
	}
	base := Raw{SchemaVersion: 1, QueryType: TypeEstimation, Model: "m", PositiveClass: "yes"}
	for _, c := range []struct {
		name string
		edit func(*Raw)
		want string
	}{
		{"no positive class", func(r *Raw) { r.PositiveClass = "" }, "positiveClass is required for estimation"},
		{"average", func(r *Raw) { r.Average = "macro" }, "average is not available for estimation"},
		{"group by the metric label", func(r *Raw) { r.GroupBy = "metric" }, `groupBy "metric" is the label`},
		{"unknown estimate", func(r *Raw) { r.Estimate = []Metric{"log_loss"} }, "is not estimated from scores: use any of roc_auc, f1, precision, recall, specificity, accuracy"},
		{"huge estimate", func(r *Raw) { r.Estimate = []Metric{Metric(huge)} }, "is not estimated from scores"},
		{"too many estimates", func(r *Raw) { r.Estimate = many }, "estimate"},
		{"unknown calibration", func(r *Raw) { r.Calibration = "platt" }, `unknown calibration "platt": use isotonic or none`},
		{"huge calibration", func(r *Raw) { r.Calibration = huge }, "unknown calibration"},
		{"unknown output", func(r *Raw) { r.Metrics = []Metric{"f1"} }, "unknown metric \"f1\" for estimation: use one of estimated, lower, upper, sampling_error, realized"},
		{"histogram", func(r *Raw) { r.Format = FormatHistogram }, "unknown format"},
		{"estimate on classification", func(r *Raw) { r.QueryType = TypeClassification; r.Estimate = []Metric{F1} }, "estimate applies to estimation queries, not to classification"},
		{"calibration on drift", func(r *Raw) { r.QueryType = TypeDrift; r.Calibration = "none" }, "calibration applies to estimation queries, not to drift"},
	} {
		r := base
		c.edit(&r)
		_, err := Validate(r, w)
		if err == nil || !strings.Contains(err.Error(), c.want) || len(err.Error()) > 400 {
			t.Errorf("%s: %.300v, want %q", c.name, err, c.want)
		}
	}
}
