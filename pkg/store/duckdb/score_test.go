package duckdb_test

import (
	"context"
	"database/sql/driver"
	"math"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
)

// The engine's grid cell of a score is the one metrics.GridCell defines, edges and scores the
// loader would refuse (outside [0, 1], infinite, NaN) included: a stray value lands in the first
// or last cell instead of failing the cast to an integer.
func TestScoreGridCellsInSQL(t *testing.T) {
	const cells = metrics.ScoreGridCells
	scores := []float64{0, 1, 0.5, 1.0 / cells, math.Nextafter(1.0/cells, 0), math.Nextafter(1, 0),
		0.0003, 0.0002, 0.1234, 0.9999, -0.25, 1.5, math.Inf(-1), math.Inf(1), math.NaN()}
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "score", Kind: store.KindDouble}, {Name: "actual_label", Kind: store.KindText},
	}
	ts := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	values := make([][]driver.Value, len(scores))
	for i, s := range scores {
		// One version per score, so that each row is its own series and cell.
		values[i] = []driver.Value{"p" + string(rune('a'+i)), ts, "m", string(rune('a' + i)), s, "yes"}
	}
	st := storeOf(t, cols, values)
	var rows []store.ScoreCountRow
	err := st.ScoreCounts(context.Background(), store.ScoreRequest{
		Scope: store.Scope{Model: "m", From: ts, To: ts.Add(time.Hour)}, PositiveClass: "yes", Cells: cells,
	}, func(r store.ScoreCountRow) { rows = append(rows, r) })
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(scores) {
		t.Fatalf("got %d rows, want one per score (%d)", len(rows), len(scores))
	}
	for _, r := range rows {
		s := scores[r.Version[0]-'a']
		if want := metrics.GridCell(s, cells); r.Cell != want {
			t.Errorf("score %v: cell %d in SQL, %d by metrics.GridCell", s, r.Cell, want)
		}
		if !(r.Min == s && r.Max == s) && !(math.IsNaN(s) && math.IsNaN(r.Min) && math.IsNaN(r.Max)) {
			t.Errorf("score %v: min %v max %v, want the raw score", s, r.Min, r.Max)
		}
		if r.Positives != 1 || r.Negatives != 0 {
			t.Errorf("score %v: %d positives %d negatives, want 1 and 0", s, r.Positives, r.Negatives)
		}
	}

	// Split by the prediction at a threshold, with score sums (what estimation reads): the
	// score is clamped to [0, 1] (NaN to 1) both for the side and for the sum, so a stray value
	// counts as a certain prediction and never makes a sum NaN or infinite.
	threshold := 0.5
	rows = rows[:0]
	err = st.ScoreCounts(context.Background(), store.ScoreRequest{
		Scope: store.Scope{Model: "m", From: ts, To: ts.Add(time.Hour)}, PositiveClass: "yes", Cells: cells,
		Split: store.SplitPredicted, Threshold: &threshold, Sums: true,
	}, func(r store.ScoreCountRow) { rows = append(rows, r) })
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(scores) {
		t.Fatalf("split by prediction: got %d rows, want %d", len(rows), len(scores))
	}
	for _, r := range rows {
		s := scores[r.Version[0]-'a']
		clamped := math.Min(math.Max(s, 0), 1)
		if math.IsNaN(s) {
			clamped = 1
		}
		positive := clamped >= threshold
		var wantPos, wantNeg int64
		var wantSumPos, wantSumNeg float64
		if positive {
			wantPos, wantSumPos = 1, clamped
		} else {
			wantNeg, wantSumNeg = 1, clamped
		}
		if r.Positives != wantPos || r.Negatives != wantNeg || r.SumPositives != wantSumPos || r.SumNegatives != wantSumNeg {
			t.Errorf("score %v: predicted %d/%d with sums %v/%v, want %d/%d with %v/%v",
				s, r.Positives, r.Negatives, r.SumPositives, r.SumNegatives, wantPos, wantNeg, wantSumPos, wantSumNeg)
		}
	}
}
