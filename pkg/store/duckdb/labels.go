package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// Label is one late ground truth for a stored prediction.
type Label struct {
	PredictionID string
	ActualLabel  *string
	ActualValue  *float64
	LabeledAt    time.Time
}

// LoadLabels appends late labels to a labels table (prediction_id, actual_label, actual_value,
// labeled_at; created if missing) in one transaction, and rebuilds in the same transaction the
// rollup hours of the predictions they label when the rollups read that labels table.
func (w *Writer) LoadLabels(ctx context.Context, labelsTable string, labels []Label) error {
	if err := store.ValidIdentifier(labelsTable); err != nil {
		return fmt.Errorf("labels table name: %w", err)
	}
	q := w.d.QuoteIdent
	return w.inTransaction(ctx, func(conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+q(labelsTable)+" (prediction_id VARCHAR NOT NULL, actual_label VARCHAR, actual_value DOUBLE, labeled_at TIMESTAMP)"); err != nil {
			return fmt.Errorf("creating labels table %s: %w", labelsTable, err)
		}
		const staged = "_modelwatch_labels_staging"
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+staged+" (prediction_id VARCHAR, actual_label VARCHAR, actual_value DOUBLE, labeled_at TIMESTAMP)"); err != nil {
			return err
		}
		defer func() { _, _ = conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+staged) }()
		for _, l := range labels {
			if _, err := conn.ExecContext(ctx, "INSERT INTO "+staged+" VALUES ($1, $2, $3, $4)",
				l.PredictionID, l.ActualLabel, l.ActualValue, l.LabeledAt.UTC()); err != nil {
				return fmt.Errorf("staging label of %q: %w", l.PredictionID, err)
			}
		}
		//nolint:gosec // G202: labelsTable is quoted by q and staged is a constant
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+q(labelsTable)+" (prediction_id, actual_label, actual_value, labeled_at) SELECT * FROM "+staged); err != nil {
			return fmt.Errorf("inserting into %s: %w", labelsTable, err)
		}
		id := q(store.ColPredictionID)
		affected := "SELECT DISTINCT p." + q(store.ColModel) + " AS mw_model, p." + q(store.ColModelVersion) + " AS mw_version, " +
			hourStart("p."+q(store.ColTS)) + " AS mw_hour FROM " + q(w.table) + " p WHERE p." + id + " IN (SELECT prediction_id FROM " + staged + ")"
		return w.maintainRollups(ctx, conn, affected, labelsTable)
	})
}
