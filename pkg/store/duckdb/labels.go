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
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
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
// them. A label that would change nothing (every value it brings equals the prediction's
// current one: a batch sent again) is skipped, so that its arrival time does not move the
// label delay. It returns what it stored and the models and time ranges of the stored
// predictions the new labels are for.
func (w *Writer) LoadLabelsWith(ctx context.Context, labelsTable string, outcomes []store.Column, labels []Label) (LabelsResult, error) {
	var res LabelsResult
	if err := store.ValidIdentifier(labelsTable); err != nil {
		return res, fmt.Errorf("labels table name: %w", err)
	}
	q := w.d.QuoteIdent
	names := []string{"prediction_id", "actual_label", "actual_value", "labeled_at"}
	defs := []string{"prediction_id VARCHAR", "actual_label VARCHAR", "actual_value DOUBLE", "labeled_at TIMESTAMP"}
	for _, c := range outcomes {
		if err := store.ValidIdentifier(c.Name); err != nil {
			return res, fmt.Errorf("outcome column name: %w", err)
		}
		names = append(names, q(c.Name))
		defs = append(defs, q(c.Name)+" "+engineType(c.Kind))
	}
	err := sqlstore.InTransaction(ctx, w.db, func(conn *sql.Conn) error {
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
		r, err := conn.ExecContext(ctx, unchangedLabels(q, labelsTable, staged, outcomes))
		if err != nil {
			return fmt.Errorf("skipping labels already stored: %w", err)
		}
		res.Skipped, _ = r.RowsAffected()
		res.Stored = int64(len(labels)) - res.Skipped
		list := strings.Join(names, ", ")
		//nolint:gosec // G202: labelsTable and the outcome names are validated and quoted by q; staged is a constant
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+q(labelsTable)+" ("+list+") SELECT "+list+" FROM "+staged); err != nil {
			return fmt.Errorf("inserting into %s: %w", labelsTable, err)
		}
		id := q(store.ColPredictionID)
		affected := "SELECT DISTINCT p." + q(store.ColModel) + " AS mw_model, p." + q(store.ColModelVersion) + " AS mw_version, " +
			w.d.HourStart("p."+q(store.ColTS)) + " AS mw_hour FROM " + q(w.table) + " p WHERE p." + id + " IN (SELECT prediction_id FROM " + staged + ")"
		res.Written, err = written(ctx, conn, "SELECT p."+q(store.ColModel)+", min(p."+q(store.ColTS)+"), max(p."+q(store.ColTS)+") FROM "+q(w.table)+
			" p WHERE p."+id+" IN (SELECT prediction_id FROM "+staged+") GROUP BY 1")
		if err != nil {
			return err
		}
		return w.maintainRollups(ctx, conn, affected, labelsTable)
	})
	return res, err
}

// LabelsResult says what a load of labels did.
type LabelsResult struct {
	Stored  int64 // labels appended
	Skipped int64 // labels equal to what the labels table already says (sent again)
	// Written are the models and time ranges of the predictions the stored labels are for.
	Written []store.Written
}

// unchangedLabels deletes from the staged labels those that would change nothing: the label
// (actual_label, actual_value) equals the prediction's current label, the row queries take
// (the latest labeled_at among the rows with one, as sqlstore chooses it), or the row brings
// none; and every outcome it brings equals that outcome's current value (the latest non-null;
// an outcome column added by this load has none, so a row bringing one stays).
func unchangedLabels(q func(string) string, labelsTable, staged string, outcomes []store.Column) string {
	lt := q(labelsTable)
	same := func(col string) string {
		return "cur." + q(col) + " IS NOT DISTINCT FROM s." + q(col)
	}
	conds := []string{"((s.actual_label IS NULL AND s.actual_value IS NULL) OR EXISTS (SELECT 1 FROM (SELECT l.actual_label, l.actual_value FROM " + lt +
		" l WHERE l.prediction_id = s.prediction_id AND (l.actual_label IS NOT NULL OR l.actual_value IS NOT NULL)" +
		" ORDER BY l.labeled_at DESC NULLS LAST, l.actual_label DESC NULLS LAST, l.actual_value DESC NULLS LAST LIMIT 1) cur WHERE " +
		same("actual_label") + " AND " + same("actual_value") + "))"}
	for _, c := range outcomes {
		col := q(c.Name)
		conds = append(conds, "(s."+col+" IS NULL OR s."+col+" = (SELECT l."+col+" FROM "+lt+" l WHERE l.prediction_id = s.prediction_id AND l."+col+
			" IS NOT NULL ORDER BY l.labeled_at DESC NULLS LAST, l."+col+" DESC LIMIT 1))")
	}
	return "DELETE FROM " + staged + " s WHERE " + strings.Join(conds, " AND ")
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
