package query

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// testdata/queries/quality_model_outputs.json names every quality metric and every model output;
// the frontend's jest test checks the same file against QUALITY_METRICS and MODEL_OUTPUTS, so
// the two lists cannot drift apart.
func TestQualityMetricsAndModelOutputsMatchTheSharedFixture(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/queries/quality_model_outputs.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Query struct {
			Features []string `json:"features"`
			Metrics  []Metric `json:"metrics"`
		} `json:"query"`
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fx.Query.Metrics, QualityMetrics) {
		t.Errorf("fixture metrics %v, QualityMetrics %v", fx.Query.Metrics, QualityMetrics)
	}
	if !slices.Equal(fx.Query.Features, ModelOutputs) {
		t.Errorf("fixture features %v, ModelOutputs %v", fx.Query.Features, ModelOutputs)
	}
}

// A quality query without metrics answers the eight metrics it answered before std_ratio and
// mean_shift existed (they read more of the reference window); named, they are answered.
func TestQualityDefaultsLeaveTheShiftsToBeAsked(t *testing.T) {
	q, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeQuality, Model: "m"}, window)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(q.Metrics, []Metric{Rows, MissingShare, OutOfRangeShare, NewCategoryShare, Mean, Std, Min, Max}) {
		t.Errorf("defaults %v", q.Metrics)
	}
	q, err = Validate(Raw{SchemaVersion: 1, QueryType: TypeQuality, Model: "m", Metrics: []Metric{StdRatio, MeanShift}}, window)
	if err != nil || !slices.Equal(q.Metrics, []Metric{StdRatio, MeanShift}) {
		t.Errorf("named: %v, %v", q.Metrics, err)
	}
}
