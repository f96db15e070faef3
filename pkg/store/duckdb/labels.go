package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/mlops/modelwatch/pkg/store"
)

// Label is one late ground truth or late outcome for a stored prediction.
type Label struct {
	PredictionID string
	ActualLabel  *string
	ActualValue  *float64
	LabeledAt    time.Time
	// Outcomes are the late values of LoadLabelsWith's outcome columns, in their order (nil:
	// none in this row).
	Outcomes []any
}

// LoadLabels appends late labels to a labels table (prediction_id, actual_label, actual_value,
// labeled_at; created if missing) in one transaction, and rebuilds in the same transaction the
// rollup hours of the predictions they label when the rollups read that labels table.
func (w *Writer) LoadLabels(ctx context.Context, labelsTable string, labels []Label) error {
	_, err := w.LoadLabelsWith(ctx, labelsTable, nil, labels)
	return err
}

// CreateLabelsTable creates an empty labels table unless it exists.
func (w *Writer) CreateLabelsTable(ctx context.Context, labelsTable string) error {
	if err := store.ValidIdentifier(labelsTable); err != nil {
		return fmt.Errorf("labels table name: %w", err)
	}
	_, err := w.db.ExecContext(ctx, labelsDDL(w.d.QuoteIdent(labelsTable)))
	return err
}

// labelsDDL creates a labels table unless it exists.
func labelsDDL(quoted string) string {
	return "CREATE TABLE IF NOT EXISTS " + quoted + " (prediction_id VARCHAR NOT NULL, actual_label VARCHAR, actual_value DOUBLE, labeled_at TIMESTAMP)"
}

// LabelsColumns returns a labels table's columns, or nil if it does not exist yet.
func (w *Writer) LabelsColumns(ctx context.Context, labelsTable string) ([]store.Column, error) {
	if err := store.ValidIdentifier(labelsTable); err != nil {
		return nil, fmt.Errorf("labels table name: %w", err)
	}
	lw := *w
	lw.table = labelsTable
	return lw.columns(ctx, w.db)
}

// LoadLabelsWith is LoadLabels with late outcome columns besides the labels: each is added to
// the labels table (with its kind) when the table lacks it, and each label's Outcomes fill
// them. It returns the models and time ranges of the stored predictions the labels are for.
func (w *Writer) LoadLabelsWith(ctx context.Context, labelsTable string, outcomes []store.Column, labels []Label) ([]store.Written, error) {
	if err := store.ValidIdentifier(labelsTable); err != nil {
		return nil, fmt.Errorf("labels table name: %w", err)
	}
	q := w.d.QuoteIdent
	names := []string{"prediction_id", "actual_label", "actual_value", "labeled_at"}
	defs := []string{"prediction_id VARCHAR", "actual_label VARCHAR", "actual_value DOUBLE", "labeled_at TIMESTAMP"}
	for _, c := range outcomes {
		if err := store.ValidIdentifier(c.Name); err != nil {
			return nil, fmt.Errorf("outcome column name: %w", err)
		}
		names = append(names, q(c.Name))
		defs = append(defs, q(c.Name)+" "+engineType(c.Kind))
	}
	var changed []store.Written
	err := w.inTransaction(ctx, func(conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, labelsDDL(q(labelsTable))); err != nil {
			return fmt.Errorf("creating labels table %s: %w", labelsTable, err)
		}
		for i, c := range outcomes {
			if _, err := conn.ExecContext(ctx, "ALTER TABLE "+q(labelsTable)+" ADD COLUMN IF NOT EXISTS "+defs[4+i]); err != nil {
				return fmt.Errorf("adding outcome column %s to labels table %s: %w", c.Name, labelsTable, err)
			}
		}
		const staged = "_modelwatch_labels_staging"
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+staged+" ("+strings.Join(defs, ", ")+")"); err != nil {
			return err
		}
		defer func() { _, _ = conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+staged) }()
		if err := appendLabels(conn, staged, len(outcomes), labels); err != nil {
			return err
		}
		list := strings.Join(names, ", ")
		//nolint:gosec // G202: labelsTable and the outcome names are validated and quoted by q; staged is a constant
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+q(labelsTable)+" ("+list+") SELECT "+list+" FROM "+staged); err != nil {
			return fmt.Errorf("inserting into %s: %w", labelsTable, err)
		}
		id := q(store.ColPredictionID)
		affected := "SELECT DISTINCT p." + q(store.ColModel) + " AS mw_model, p." + q(store.ColModelVersion) + " AS mw_version, " +
			hourStart("p."+q(store.ColTS)) + " AS mw_hour FROM " + q(w.table) + " p WHERE p." + id + " IN (SELECT prediction_id FROM " + staged + ")"
		var err error
		changed, err = written(ctx, conn, "SELECT p."+q(store.ColModel)+", min(p."+q(store.ColTS)+"), max(p."+q(store.ColTS)+") FROM "+q(w.table)+
			" p WHERE p."+id+" IN (SELECT prediction_id FROM "+staged+") GROUP BY 1")
		if err != nil {
			return err
		}
		return w.maintainRollups(ctx, conn, affected, labelsTable)
	})
	return changed, err
}

// appendLabels stages labels through DuckDB's appender (one statement per label would take
// seconds for a batch of thousands).
func appendLabels(conn *sql.Conn, staged string, outcomes int, labels []Label) error {
	return conn.Raw(func(dc any) error {
		app, err := duck.NewAppender(dc.(driver.Conn), "temp", "main", staged)
		if err != nil {
			return err
		}
		row := make([]driver.Value, 4+outcomes)
		for _, l := range labels {
			clear(row)
			row[0], row[3] = l.PredictionID, l.LabeledAt.UTC()
			if l.ActualLabel != nil {
				row[1] = *l.ActualLabel
			}
			if l.ActualValue != nil {
				row[2] = *l.ActualValue
			}
			for i := range min(outcomes, len(l.Outcomes)) {
				row[4+i] = l.Outcomes[i]
			}
			if err := app.AppendRow(row...); err != nil {
				_ = app.Close()
				return fmt.Errorf("staging label of %q: %w", l.PredictionID, err)
			}
		}
		return app.Close()
	})
}
