package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// hoursTable is the temporary list of hours a load touched.
const hoursTable = "_modelwatch_hours"

// hourStart is the start of the hour holding a timestamp column, as a TIMESTAMP: the same
// epoch-aligned flooring as the raw queries' buckets.
func hourStart(ts string) string {
	return "make_timestamp(" + Dialect{}.BucketMicros(ts, "3600000000") + ")"
}

// RebuildRollups (re)builds every rollup row of the table in one transaction, joining the
// labels table (empty: none) as a data source with that labelsTable setting does. Queries of
// a data source whose labels table differs read raw rows.
func (w *Writer) RebuildRollups(ctx context.Context, labelsTable string) error {
	if labelsTable != "" {
		if err := store.ValidIdentifier(labelsTable); err != nil {
			return fmt.Errorf("labels table name: %w", err)
		}
	}
	return w.inTransaction(ctx, func(conn *sql.Conn) error {
		cols, err := w.columns(ctx, conn)
		if err != nil {
			return err
		}
		if cols == nil {
			return fmt.Errorf("%w: table %q does not exist: load predictions first", store.ErrSchema, w.table)
		}
		return w.rebuild(ctx, conn, labelsTable, "")
	})
}

// SetRollupSegments rebuilds every rollup table per the segment columns given (none: without
// segments), in one transaction, joining the labels table as RebuildRollups does. The segments
// are recorded in the meta table, and later loads keep them. The tables are dropped and created
// again: the segments are part of every table's key.
func (w *Writer) SetRollupSegments(ctx context.Context, labelsTable string, segments []string) error {
	if labelsTable != "" {
		if err := store.ValidIdentifier(labelsTable); err != nil {
			return fmt.Errorf("labels table name: %w", err)
		}
	}
	return w.inTransaction(ctx, func(conn *sql.Conn) error {
		cols, err := w.columns(ctx, conn)
		if err != nil {
			return err
		}
		if cols == nil {
			return fmt.Errorf("%w: table %q does not exist: load predictions first", store.ErrSchema, w.table)
		}
		st, err := sqlstore.OnConn(conn, w.d, w.table)
		if err != nil {
			return err
		}
		if err := st.CheckRollupSegments(ctx, segments); err != nil {
			return err
		}
		if err := execAll(ctx, conn, st.RollupDrop()); err != nil {
			return err
		}
		return w.rebuildWith(ctx, conn, labelsTable, "", segments)
	})
}

// inTransaction runs fn on one connection inside a transaction, committed when fn succeeds.
func (w *Writer) inTransaction(ctx context.Context, fn func(*sql.Conn) error) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	if err := fn(conn); err != nil {
		_, _ = conn.ExecContext(ctx, "ROLLBACK")
		return err
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// rollupState reads which labels table the rollups were built with and whether they are of
// this build's format; built is false when the store has no rollups yet.
func (w *Writer) rollupState(ctx context.Context, conn *sql.Conn) (labels string, built, current bool, err error) {
	meta := sqlstore.RollupTablesOf(w.table).Meta
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $1",
		meta).Scan(&n); err != nil || n == 0 {
		return "", false, false, err
	}
	var (
		l      sql.NullString
		format sql.NullInt64
	)
	err = conn.QueryRowContext(ctx, "SELECT labels_table, format FROM "+w.d.QuoteIdent(meta)+" LIMIT 1").Scan(&l, &format)
	if err == sql.ErrNoRows {
		return "", false, false, nil
	}
	return l.String, err == nil, format.Int64 == sqlstore.RollupFormat, err
}

// maintainRollups brings the rollups up to date after rows were written in the open
// transaction on conn: affected is a SELECT of the (model, model_version, hour start) triples
// whose rows changed, as columns mw_model, mw_version, mw_hour. A store whose rollups were
// never built gets them built whole (its older rows included), so that they never cover part
// of the table (unless it lacks a column they read: then it stays without). labelsLoaded names the labels table when the change was a labels load, which
// touches rollups only if they read that table.
func (w *Writer) maintainRollups(ctx context.Context, conn *sql.Conn, affected, labelsLoaded string) error {
	labels, built, current, err := w.rollupState(ctx, conn)
	if err != nil {
		return fmt.Errorf("reading the rollups' state: %w", err)
	}
	if !built {
		cols, err := w.columns(ctx, conn)
		if err != nil {
			return err
		}
		if !(store.Schema{Table: w.table, Columns: cols}).HasAll(sqlstore.RollupColumns...) {
			return nil // a table written by other means without these columns stays raw
		}
		return w.rebuild(ctx, conn, w.rollupLabels, "")
	}
	if labelsLoaded != "" && labelsLoaded != labels {
		return nil // these rollups do not read that labels table
	}
	if !current {
		// Rollups of an older format (built before the score rollup) lack whole tables:
		// rebuilding only the changed hours would leave those tables covering part of the data.
		return w.rebuild(ctx, conn, labels, "")
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+hoursTable+" AS "+affected); err != nil {
		return fmt.Errorf("listing the hours to roll up: %w", err)
	}
	defer func() { _, _ = conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+hoursTable) }()
	return w.rebuild(ctx, conn, labels, hoursTable)
}

// rebuild recomputes the rollup rows of the hours in hours (empty: all) with the labels table
// joined (empty: none), creating the rollup tables if needed, per the segment columns the meta
// table records.
func (w *Writer) rebuild(ctx context.Context, conn *sql.Conn, labels, hours string) error {
	st, err := sqlstore.OnConn(conn, w.d, w.table)
	if err != nil {
		return err
	}
	segments, err := st.RollupSegments(ctx)
	if err != nil {
		return fmt.Errorf("reading the rollups' segments: %w", err)
	}
	return w.rebuildWith(ctx, conn, labels, hours, segments)
}

// rebuildWith is rebuild per the segment columns given.
func (w *Writer) rebuildWith(ctx context.Context, conn *sql.Conn, labels, hours string, segments []string) error {
	st, err := sqlstore.OnConn(conn, w.d, w.table)
	if err != nil {
		return err
	}
	st.WithRollupSegments(segments)
	if labels != "" {
		if err := st.WithLabels(labels); err != nil {
			return err
		}
	}
	var set *sqlstore.HoursTable
	if hours != "" {
		var from, to sql.NullTime
		if err := conn.QueryRowContext(ctx, "SELECT min(mw_hour), max(mw_hour) FROM "+hours).Scan(&from, &to); err != nil {
			return fmt.Errorf("bounding the hours to roll up: %w", err)
		}
		if !from.Valid {
			// No rolled-up hour changed (labels of predictions not stored yet): the rollups
			// still account for every row.
			return execAll(ctx, conn, append(st.RollupCreate(), st.RollupMeta()...))
		}
		set = &sqlstore.HoursTable{Name: hours, From: from.Time, To: to.Time.Add(time.Hour)}
	}
	stmts, err := st.RollupRebuild(ctx, hourStart, set)
	if err != nil {
		return fmt.Errorf("rolling up: %w", err)
	}
	return execAll(ctx, conn, append(st.RollupCreate(), stmts...))
}

// execAll runs generated statements in order on conn.
func execAll(ctx context.Context, conn *sql.Conn, stmts []sqlstore.Statement) error {
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s.SQL, s.Args...); err != nil {
			return fmt.Errorf("rolling up: %w", err)
		}
	}
	return nil
}
