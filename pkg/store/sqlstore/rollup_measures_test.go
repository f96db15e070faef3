package sqlstore_test

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// The measures rollup keeps one row per hour and version however many predictions the hour
// holds, with the hour's counts and sums; a request that is not whole hours, or a measure it
// does not keep, is refused rather than answered approximately.
func TestMeasuresRollupIsOneRowPerHourAndVersion(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	cols := []store.Column{{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "predicted_value", Kind: store.KindDouble}, {Name: "actual_value", Kind: store.KindDouble}}
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const n = 600
	if _, err := w.Load(context.Background(), cols, func(emit duckdb.AppendFunc) error {
		for i := range n {
			var actual driver.Value = float64(i % 7) // 0 for every seventh row: not in MAPE's rows
			if i%10 == 0 {
				actual = nil // no ground truth yet: not paired
			}
			ts := from.Add(time.Duration(i) * 2 * time.Hour / n)
			if err := emit([]driver.Value{"p" + time.Duration(i).String(), ts, "m", "A", float64(i%7) + 1, actual, int64(i + 2)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if usable, reason, err := st.RollupMeasuresUsable(ctx); err != nil || !usable {
		t.Fatalf("measures rollup not usable: %q, %v", reason, err)
	}
	paired := store.Measure{Kind: store.MeasurePaired}
	rows, err := st.RollupMeasureSums(ctx, store.RollupRequest{Model: "m", From: from, To: from.Add(2 * time.Hour), Bucket: time.Hour}, []store.Measure{paired})
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d rows (%v), want one per hour", len(rows), err)
	}
	var total store.MeasureSums
	for _, r := range rows {
		total.Rows += r.Rows
		total.Paired += r.Paired
		total.NonZeroActual += r.NonZeroActual
		total.SumError += r.SumError
	}
	// 60 rows without an actual; of the 540 paired, every error is 1, and the actual is 0 on
	// the paired rows with i%7 == 0.
	zeros := 0
	for i := range n {
		if i%10 != 0 && i%7 == 0 {
			zeros++
		}
	}
	if total.Rows != n || total.Paired != 540 || total.SumError != 540 || total.NonZeroActual != int64(540-zeros) {
		t.Fatalf("totals %+v: want %d rows, 540 paired with error sum 540, %d non-zero actuals", total, n, 540-zeros)
	}
	for _, req := range []store.RollupRequest{
		{Model: "m", From: from.Add(time.Minute), To: from.Add(time.Hour)},
		{Model: "m", From: from, To: from.Add(2 * time.Hour), Bucket: 30 * time.Minute},
	} {
		if _, err := st.RollupMeasureSums(ctx, req, []store.Measure{paired}); err == nil {
			t.Errorf("%+v: want an error", req)
		}
	}
	whole := store.RollupRequest{Model: "m", From: from, To: from.Add(2 * time.Hour)}
	for _, m := range []store.Measure{{Kind: store.MeasureErrorQuantile, Q: 0.5}, {Kind: store.MeasureMean, Column: "actual_value"}} {
		if _, err := st.RollupMeasureSums(ctx, whole, []store.Measure{m}); err == nil {
			t.Errorf("%s: want an error: the rollup does not keep it", m.Kind)
		}
	}
}
