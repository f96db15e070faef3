package duckdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// A label sent again changes nothing and is not stored again (its new arrival time would move
// the label delay); a label that changes the prediction's current label or outcome is stored,
// a return to an earlier value included.
func TestLabelsSentAgainAreSkipped(t *testing.T) {
	w, err := duckdb.OpenWriter(sample(t), "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx := context.Background()
	clicked := []store.Column{{Name: "clicked", Kind: store.KindBoolean}}
	str := func(s string) *string { return &s }
	at := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for i, step := range []struct {
		name    string
		labels  []duckdb.Label
		stored  int64
		skipped int64
	}{
		{"first labels", []duckdb.Label{{PredictionID: "1", ActualLabel: str("yes")}, {PredictionID: "2", ActualLabel: str("no")}}, 2, 0},
		{"the same batch again", []duckdb.Label{{PredictionID: "1", ActualLabel: str("yes")}, {PredictionID: "2", ActualLabel: str("no")}}, 0, 2},
		{"a corrected label", []duckdb.Label{{PredictionID: "1", ActualLabel: str("no")}}, 1, 0},
		{"back to the first value", []duckdb.Label{{PredictionID: "1", ActualLabel: str("yes")}}, 1, 0},
		{"an outcome", []duckdb.Label{{PredictionID: "1", Outcomes: []any{true}}}, 1, 0},
		{"the outcome again, with the current label", []duckdb.Label{{PredictionID: "1", ActualLabel: str("yes"), Outcomes: []any{true}}}, 0, 1},
		{"a changed outcome", []duckdb.Label{{PredictionID: "1", Outcomes: []any{false}}}, 1, 0},
		{"a label of a prediction not stored yet, twice", []duckdb.Label{{PredictionID: "9", ActualLabel: str("yes")}}, 1, 0},
		{"", []duckdb.Label{{PredictionID: "9", ActualLabel: str("yes")}}, 0, 1},
	} {
		for j := range step.labels {
			step.labels[j].LabeledAt = at.Add(time.Duration(i) * time.Hour)
		}
		res, err := w.LoadLabelsWith(ctx, "labels", clicked, step.labels)
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != step.stored || res.Skipped != step.skipped {
			t.Errorf("%s: stored %d, skipped %d; want %d and %d", step.name, res.Stored, res.Skipped, step.stored, step.skipped)
		}
	}
}
