package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// RollupDialect is a Dialect whose store keeps its rollups as tables that a writer brings up to
// date in the transaction that changed the rows (the embedded store and PostgreSQL).
type RollupDialect interface {
	Dialect
	// HourStart is the start of the hour holding a timestamp column as the rollups' hour (a
	// TIMESTAMP, UTC): the same epoch-aligned flooring as the raw queries' buckets.
	HourStart(ts string) string
}

// hoursTable is the temporary list of hours a write touched.
const hoursTable = "mw_rollup_hours"

// RollupKeeper builds and maintains a prediction table's rollups on one connection, inside the
// transaction of the writer that changed the rows (see InTransaction), so that the rollups
// never account for rows the table does not hold, or miss rows it does.
type RollupKeeper struct {
	conn  *sql.Conn
	d     RollupDialect
	table string
}

// NewRollupKeeper keeps the rollups of table (validated) on conn.
func NewRollupKeeper(conn *sql.Conn, d RollupDialect, table string) (RollupKeeper, error) {
	if err := store.ValidIdentifier(table); err != nil {
		return RollupKeeper{}, fmt.Errorf("table name: %w", err)
	}
	return RollupKeeper{conn: conn, d: d, table: table}, nil
}

// InTransaction runs fn on one connection of db inside a transaction, committed when fn
// succeeds and rolled back otherwise.
func InTransaction(ctx context.Context, db *sql.DB, fn func(*sql.Conn) error) error {
	conn, err := db.Conn(ctx)
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

// KeepRollups runs fn with the rollup keeper of table on one connection of db, in one
// transaction (a rebuild, a change of segments).
func KeepRollups(ctx context.Context, db *sql.DB, d RollupDialect, table string, fn func(RollupKeeper) error) error {
	return InTransaction(ctx, db, func(conn *sql.Conn) error {
		k, err := NewRollupKeeper(conn, d, table)
		if err != nil {
			return err
		}
		return fn(k)
	})
}

// store is a statement builder over the keeper's connection.
func (k RollupKeeper) store() *Store { return &Store{conn: k.conn, d: k.d, table: k.table} }

// Columns lists the prediction table's columns (none when it does not exist).
func (k RollupKeeper) Columns(ctx context.Context) ([]store.Column, error) {
	return TableColumns(ctx, k.conn, k.d, k.table)
}

// Queryer is what *sql.DB and *sql.Conn share: where a writer lists a table's columns.
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// TableColumns lists a table's columns in order with their kinds, as the dialect's catalog
// gives them (none when the table does not exist): the writers' view of the table.
func TableColumns(ctx context.Context, q Queryer, d Dialect, table string) ([]store.Column, error) {
	rows, err := q.QueryContext(ctx, d.ColumnsQuery(), table) //nolint:rowserrcheck // store.ReadColumns checks rows.Err
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return store.ReadColumns(rows, d.Kind)
}

// StagedHours is the SELECT of the (mw_model, mw_version, mw_hour) triples of the rows in a
// writer's staging table, for Maintain.
func StagedHours(d RollupDialect, staging string) string {
	q := d.QuoteIdent
	return "SELECT DISTINCT " + q(store.ColModel) + " AS mw_model, " + q(store.ColModelVersion) + " AS mw_version, " +
		d.HourStart(q(store.ColTS)) + " AS mw_hour FROM " + staging
}

// State reads which labels table the rollups were built with and whether they are of this
// build's format; built is false when the store has no rollups yet.
func (k RollupKeeper) State(ctx context.Context) (labels string, built, current bool, err error) {
	meta := RollupTablesOf(k.table).Meta
	cols, err := k.store().listColumns(ctx, meta)
	if err != nil || len(cols) == 0 {
		return "", false, false, err
	}
	var (
		l      sql.NullString
		format sql.NullInt64
	)
	err = k.conn.QueryRowContext(ctx, "SELECT labels_table, format FROM "+k.d.QuoteIdent(meta)).Scan(&l, &format)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, false, nil
	}
	return l.String, err == nil, format.Int64 == RollupFormat, err
}

// Rebuild (re)builds every rollup row of the table, joining the labels table (empty: none) as
// a data source with that labelsTable setting does, per the segment columns the meta table
// records. Queries of a data source whose labels table differs read raw rows.
func (k RollupKeeper) Rebuild(ctx context.Context, labels string) error {
	if err := k.requireTable(ctx, labels); err != nil {
		return err
	}
	return k.rebuild(ctx, labels, "")
}

// SetSegments rebuilds every rollup table per the segment columns given (none: without
// segments), joining the labels table as Rebuild does. The segments are recorded in the meta
// table, and later writes keep them. The tables are dropped and created again: the segments
// are part of every table's key.
func (k RollupKeeper) SetSegments(ctx context.Context, labels string, segments []string) error {
	if err := k.requireTable(ctx, labels); err != nil {
		return err
	}
	st := k.store()
	if err := st.CheckRollupSegments(ctx, segments); err != nil {
		return err
	}
	if err := k.exec(ctx, st.RollupDrop()); err != nil {
		return err
	}
	return k.rebuildWith(ctx, labels, "", segments)
}

// requireTable checks the labels table's name and that the prediction table exists.
func (k RollupKeeper) requireTable(ctx context.Context, labels string) error {
	if labels != "" {
		if err := store.ValidIdentifier(labels); err != nil {
			return fmt.Errorf("labels table name: %w", err)
		}
	}
	cols, err := k.Columns(ctx)
	if err != nil {
		return err
	}
	if cols == nil {
		return fmt.Errorf("%w: table %q does not exist: load predictions first", store.ErrSchema, k.table)
	}
	return nil
}

// Maintain brings built rollups up to date after rows were written in the open transaction:
// affected is a SELECT of the (model, model_version, hour start) triples whose rows changed, as
// columns mw_model, mw_version, mw_hour (hours as HourStart gives them). labelsLoaded names the
// labels table when the change was a labels load, which touches rollups only if they read that
// table. Rollups of an older format are rebuilt whole (rebuilding only the changed hours would
// leave the tables they lack covering part of the data). built is false, and nothing is done,
// when the store has no rollups.
func (k RollupKeeper) Maintain(ctx context.Context, affected, labelsLoaded string) (built bool, err error) {
	labels, built, current, err := k.State(ctx)
	if err != nil {
		return false, fmt.Errorf("reading the rollups' state: %w", err)
	}
	switch {
	case !built:
		return false, nil
	case labelsLoaded != "" && labelsLoaded != labels:
		return true, nil
	case !current:
		return true, k.rebuild(ctx, labels, "")
	}
	// Created and dropped inside the transaction (a failed one takes it away with it): no
	// DROP first, which could name a permanent table of that name.
	if _, err := k.conn.ExecContext(ctx, "CREATE TEMP TABLE "+hoursTable+" AS "+affected); err != nil {
		return true, fmt.Errorf("listing the hours to roll up: %w", err)
	}
	defer func() { _, _ = k.conn.ExecContext(ctx, "DROP TABLE "+hoursTable) }()
	return true, k.rebuild(ctx, labels, hoursTable)
}

// rebuild recomputes the rollup rows of the hours in hours (empty: all) with the labels table
// joined (empty: none), creating the rollup tables if needed, per the segment columns the meta
// table records.
func (k RollupKeeper) rebuild(ctx context.Context, labels, hours string) error {
	segments, err := k.store().RollupSegments(ctx)
	if err != nil {
		return fmt.Errorf("reading the rollups' segments: %w", err)
	}
	return k.rebuildWith(ctx, labels, hours, segments)
}

// rebuildWith is rebuild per the segment columns given.
func (k RollupKeeper) rebuildWith(ctx context.Context, labels, hours string, segments []string) error {
	st := k.store()
	st.WithRollupSegments(segments)
	if labels != "" {
		if err := st.WithLabels(labels); err != nil {
			return err
		}
	}
	var set *HoursTable
	if hours != "" {
		var from, to sql.NullTime
		if err := k.conn.QueryRowContext(ctx, "SELECT min(mw_hour), max(mw_hour) FROM "+hours).Scan(&from, &to); err != nil {
			return fmt.Errorf("bounding the hours to roll up: %w", err)
		}
		if !from.Valid {
			// No rolled-up hour changed (labels of predictions not stored yet): the rollups
			// still account for every row.
			return k.exec(ctx, append(st.RollupCreate(), st.RollupMeta()...))
		}
		set = &HoursTable{Name: hours, From: from.Time.UTC(), To: to.Time.UTC().Add(time.Hour)}
	}
	stmts, err := st.RollupRebuild(ctx, k.d.HourStart, set)
	if err != nil {
		return fmt.Errorf("rolling up: %w", err)
	}
	return k.exec(ctx, append(st.RollupCreate(), stmts...))
}

// exec runs generated statements in order.
func (k RollupKeeper) exec(ctx context.Context, stmts []Statement) error {
	for _, s := range stmts {
		if _, err := k.conn.ExecContext(ctx, s.SQL, s.Args...); err != nil {
			return fmt.Errorf("rolling up: %w", err)
		}
	}
	return nil
}
