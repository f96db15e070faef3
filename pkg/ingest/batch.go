package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// BatchResult says what a batch of labels did.
type BatchResult struct {
	Labels int // lines of the batch
	duckdb.LabelsResult
}

// LoadBatch loads one batch of predictions (a request body, CSV or JSON lines, gzip detected
// from its bytes) by exactly the rules and messages of LoadFile: checked whole, then written in
// one transaction, rows whose prediction_id is stored skipped. name names the batch in
// messages; a batch of more than maxRows rows is refused with ErrTooLarge.
func LoadBatch(ctx context.Context, w *duckdb.Writer, name string, format Format, body []byte, maxRows int) (duckdb.LoadResult, error) {
	existing, err := w.Columns(ctx)
	if err != nil {
		return duckdb.LoadResult{}, err
	}
	return loadRecords(ctx, w, bodySource(name, format, body, maxRows), existing)
}

// LoadLabelsBatch loads one batch of late labels and outcomes (CSV or JSON lines) by exactly
// the rules of LoadLabelsFile; a line without labeled_at is labelled at now.
func LoadLabelsBatch(ctx context.Context, w *duckdb.Writer, labelsTable, name string, format Format, body []byte, maxRows int, now time.Time) (BatchResult, error) {
	kinds, err := outcomeKinds(ctx, w, labelsTable)
	if err != nil {
		return BatchResult{}, err
	}
	outcomes, labels, err := readLabels(bodySource(name, format, body, maxRows), now, kinds)
	if err != nil {
		return BatchResult{}, invalid(err)
	}
	res, err := w.LoadLabelsWith(ctx, labelsTable, outcomes, labels)
	if err != nil {
		return BatchResult{}, fmt.Errorf("%s: %w", name, err)
	}
	return BatchResult{Labels: len(labels), LabelsResult: res}, nil
}
