package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// The score histogram is one grouped scan on a grid: the cell count is bound, never written
// into the SQL, nothing limits the rows (a grid of n cells returns at most n per series and
// bucket), and the rows come in bucket order for the engine to fold bucket by bucket.
func TestScoreStatement(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	req := store.ScoreRequest{Scope: store.Scope{Model: "m", From: from, To: from.Add(time.Hour)}, Bucket: time.Hour, PositiveClass: "yes", Cells: 16384}
	b, err := storeWithSchema(allColumns...).scoreStatement(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	sql := b.String()
	for _, w := range []string{
		`least(CAST(floor(CASE WHEN isnan(CAST("score" AS DOUBLE PRECISION)) THEN 1.0 ELSE least(greatest(CAST("score" AS DOUBLE PRECISION), 0.0), 1.0) END * $2) AS BIGINT), $3) AS mw_score`,
		`min(CAST("score" AS DOUBLE PRECISION)), max(CAST("score" AS DOUBLE PRECISION))`,
		`"score" IS NOT NULL AND "actual_label" IS NOT NULL`,
		`GROUP BY "model_version", mw_group, mw_score, mw_bucket ORDER BY mw_bucket`,
	} {
		if !strings.Contains(sql, w) {
			t.Errorf("SQL lacks %q:\n%s", w, sql)
		}
	}
	for _, w := range []string{"16384", "16383", "LIMIT", "round("} {
		if strings.Contains(sql, w) {
			t.Errorf("SQL must not contain %q:\n%s", w, sql)
		}
	}
	if b.args[1] != 16384.0 || b.args[2] != int64(16383) {
		t.Errorf("grid arguments %v, %v; want 16384 cells and 16383 the last cell", b.args[1], b.args[2])
	}
	for _, cells := range []int{0, -1, store.MaxScoreCells + 1} {
		req.Cells = cells
		if _, err := storeWithSchema(allColumns...).scoreStatement(context.Background(), req); err == nil || !strings.Contains(err.Error(), "cells") {
			t.Errorf("%d cells: want an error naming the cell count, got %v", cells, err)
		}
	}
}

// Split by the prediction, the grid reads every scored row whether or not its label arrived:
// the logged predicted label decides (rows without one left out), or the clamped score against
// a bound threshold; each condition binds its value where it is written, so the placeholders
// and arguments agree in number and order.
func TestScoreStatementSplitByPrediction(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	threshold := 0.7
	for _, c := range []struct {
		name      string
		threshold *float64
		want      []string
	}{
		{"predicted label", nil, []string{`"predicted_label" = $`, `"predicted_label" <> $`, `"score" IS NOT NULL AND "predicted_label" IS NOT NULL`, `sum(CASE WHEN "predicted_label" = $`}},
		{"threshold", &threshold, []string{`least(greatest(CAST("score" AS DOUBLE PRECISION), 0.0), 1.0) END >= $`, `least(greatest(CAST("score" AS DOUBLE PRECISION), 0.0), 1.0) END < $`, `WHERE "model" = $`}},
	} {
		req := store.ScoreRequest{Scope: store.Scope{Model: "m", From: from, To: from.Add(time.Hour)}, PositiveClass: "yes", Cells: 16384,
			Split: store.SplitPredicted, Threshold: c.threshold, Sums: true}
		b, err := storeWithSchema(allColumns...).scoreStatement(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		sql := b.String()
		for _, w := range c.want {
			if !strings.Contains(sql, w) {
				t.Errorf("%s: SQL lacks %q:\n%s", c.name, w, sql)
			}
		}
		if strings.Contains(sql, `"actual_label"`) {
			t.Errorf("%s: the prediction split reads the label:\n%s", c.name, sql)
		}
		if n := strings.Count(sql, "$"); n != len(b.args) {
			t.Errorf("%s: %d placeholders, %d arguments:\n%s", c.name, n, len(b.args), sql)
		}
	}
	req := store.ScoreRequest{Scope: store.Scope{Model: "m"}, Cells: 16, Split: store.ScoreSplit(7)}
	if _, err := storeWithSchema(allColumns...).scoreStatement(context.Background(), req); err == nil || !strings.Contains(err.Error(), "unknown score split") {
		t.Errorf("an unknown split: %v", err)
	}
}
