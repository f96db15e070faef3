package demo

import (
	"context"

	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// BatchRows is how many rows Write loads per transaction: a load stages its rows and rebuilds
// the rollups of the hours they touch before committing, so one transaction for 100M rows would
// hold them all at once.
const BatchRows = 5_000_000

// Write loads the data set of o into w in batches of batch request slots (BatchRows when
// batch <= 0), one transaction each, and calls progress (when not nil) after each with the
// slots generated so far.
// The result adds up the batches. A failed batch leaves the batches before it stored; running
// Write again skips them by prediction_id and completes the data set.
func Write(ctx context.Context, w *duckdb.Writer, o Options, batch int, progress func(done, total int)) (duckdb.LoadResult, error) {
	if batch <= 0 {
		batch = BatchRows
	}
	g, err := NewGenerator(o)
	if err != nil {
		return duckdb.LoadResult{}, err
	}
	var total duckdb.LoadResult
	for g.Remaining() > 0 {
		res, err := w.Load(ctx, Columns, func(emit duckdb.AppendFunc) error { return g.Emit(batch, emit) })
		total.Read += res.Read
		total.Inserted += res.Inserted
		total.Skipped += res.Skipped
		if err != nil {
			return total, err
		}
		if progress != nil {
			progress(o.Rows-g.Remaining(), o.Rows)
		}
	}
	return total, nil
}
