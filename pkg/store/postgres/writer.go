package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// staging is the session's temporary table a load copies its rows into before inserting them.
const staging = "modelwatch_staging"

// Writer loads predictions into a table of a PostgreSQL database (`modelwatch load`) and keeps
// its hourly rollups (`modelwatch rollup`), on a session of its own that may write: the data
// source's query sessions stay read-only.
type Writer struct {
	db    *sql.DB
	table string
	d     Dialect
}

// OpenWriter connects to the database at url (as Open takes it; the role needs CREATE on the
// schema for a new table or the rollups' tables, INSERT on an existing one) to write table.
func OpenWriter(ctx context.Context, url, table string) (*Writer, error) {
	if err := store.ValidIdentifier(table); err != nil {
		return nil, fmt.Errorf("table name: %w", err)
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("%w: PostgreSQL connection: %v", store.ErrUnavailable, redactURL(err))
	}
	cfg.RuntimeParams["application_name"] = "modelwatch load"
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		if why := Explain(err); why != "" {
			return nil, fmt.Errorf("%w: %s (%v)", store.ErrUnavailable, why, err)
		}
		return nil, fmt.Errorf("%w: %v", store.ErrUnavailable, err)
	}
	return &Writer{db: db, table: table}, nil
}

// Close ends the session.
func (w *Writer) Close() error { return w.db.Close() }

// Columns lists the table's columns in order (none when it does not exist yet).
func (w *Writer) Columns(ctx context.Context) ([]store.Column, error) {
	var cols []store.Column
	err := w.onConn(ctx, func(conn *sql.Conn) (err error) {
		cols, err = w.columns(ctx, conn)
		return err
	})
	return cols, err
}

// onConn runs fn on the writer's connection, outside a transaction.
func (w *Writer) onConn(ctx context.Context, fn func(*sql.Conn) error) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return fn(conn)
}

// columns lists the table's columns on conn.
func (w *Writer) columns(ctx context.Context, conn *sql.Conn) ([]store.Column, error) {
	return sqlstore.TableColumns(ctx, conn, w.d, w.table)
}

// RebuildRollups (re)builds every hourly rollup row of the table in one transaction, joining
// the labels table (empty: none) as a data source with that labelsTable setting does.
func (w *Writer) RebuildRollups(ctx context.Context, labelsTable string) error {
	return sqlstore.KeepRollups(ctx, w.db, w.d, w.table, func(k sqlstore.RollupKeeper) error { return k.Rebuild(ctx, labelsTable) })
}

// SetRollupSegments rebuilds every rollup table per the segment columns given (none: without
// segments), in one transaction, as RebuildRollups does; later loads keep them.
func (w *Writer) SetRollupSegments(ctx context.Context, labelsTable string, segments []string) error {
	return sqlstore.KeepRollups(ctx, w.db, w.d, w.table, func(k sqlstore.RollupKeeper) error { return k.SetSegments(ctx, labelsTable, segments) })
}

// Load appends rows in one transaction: either every row of the input is stored (or skipped as
// already present by prediction_id) or nothing is. columns names the values fill appends, in
// order (then the input line); base columns not listed are stored as NULL and feature columns
// are added to the table when new. Rows go in through COPY into a temporary table, then in time
// order into the table, so that a BRIN index on ts stays tight. The hourly rollups of the hours
// that received rows are rebuilt in the same transaction when the table has rollups, and built
// whole when the load created the table (`modelwatch rollup` builds them for an existing one).
func (w *Writer) Load(ctx context.Context, columns []store.Column, fill func(store.AppendFunc) error) (store.LoadResult, error) {
	var res store.LoadResult
	err := sqlstore.InTransaction(ctx, w.db, func(conn *sql.Conn) error {
		created, err := w.ensureTable(ctx, conn, columns)
		if err != nil {
			return err
		}
		if err := w.stage(ctx, conn, columns, fill, &res); err != nil {
			return err
		}
		if err := w.insert(ctx, conn, columns, &res); err != nil {
			return err
		}
		return w.maintainRollups(ctx, conn, created)
	})
	return res, err
}

// stage copies the input into the transaction's staging table and refuses a duplicate id.
func (w *Writer) stage(ctx context.Context, conn *sql.Conn, columns []store.Column, fill func(store.AppendFunc) error, res *store.LoadResult) error {
	defs := make([]string, 0, len(columns)+1)
	names := make([]string, 0, len(columns)+1)
	for _, c := range columns {
		defs = append(defs, w.d.QuoteIdent(c.Name)+" "+pgType(c.Kind))
		names = append(names, c.Name)
	}
	defs = append(defs, "mw_line BIGINT")
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE "+staging+" ("+strings.Join(defs, ", ")+") ON COMMIT DROP"); err != nil {
		return fmt.Errorf("creating the staging table: %w", err)
	}
	err := conn.Raw(func(dc any) error {
		return copyRows(ctx, dc.(*stdlib.Conn).Conn(), append(names, "mw_line"), fill, res)
	})
	if err != nil {
		return err
	}
	return w.checkDuplicates(ctx, conn)
}

// insert moves the staged rows the table lacks into it, in time order, and records what was
// written.
func (w *Writer) insert(ctx context.Context, conn *sql.Conn, columns []store.Column, res *store.LoadResult) error {
	q := w.d.QuoteIdent
	quoted := make([]string, len(columns))
	for i, c := range columns {
		quoted[i] = q(c.Name)
	}
	list, id, ts := strings.Join(quoted, ", "), q(store.ColPredictionID), q(store.ColTS)
	//nolint:gosec // G202: the table and columns are validated and quoted by q; staging is a constant
	r, err := conn.ExecContext(ctx, "INSERT INTO "+q(w.table)+" ("+list+") SELECT "+list+" FROM "+staging+" s WHERE NOT EXISTS (SELECT 1 FROM "+
		q(w.table)+" t WHERE t."+id+" = s."+id+") ORDER BY s."+ts)
	if err != nil {
		return fmt.Errorf("inserting into %s: %w", w.table, err)
	}
	res.Inserted, _ = r.RowsAffected()
	res.Skipped = res.Read - res.Inserted
	if res.Inserted == 0 {
		return nil
	}
	rows, err := conn.QueryContext(ctx, "SELECT "+q(store.ColModel)+", min("+ts+"), max("+ts+") FROM "+staging+" GROUP BY 1") //nolint:gosec // G202: quoted identifiers and a constant
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var wr store.Written
		var from, to time.Time
		if err := rows.Scan(&wr.Model, &from, &to); err != nil {
			return err
		}
		wr.From, wr.To = from.UTC(), to.UTC()
		res.Written = append(res.Written, wr)
	}
	return rows.Err()
}

// maintainRollups rebuilds the rollup rows of the hours the staged rows fall in, when the table
// has rollups, or builds them whole when the load created the table.
func (w *Writer) maintainRollups(ctx context.Context, conn *sql.Conn, created bool) error {
	k, err := sqlstore.NewRollupKeeper(conn, w.d, w.table)
	if err != nil {
		return err
	}
	if built, err := k.Maintain(ctx, sqlstore.StagedHours(w.d, staging), ""); built || err != nil || !created {
		return err
	}
	return k.Rebuild(ctx, "")
}

// copyRows streams what fill appends into the staging table through COPY: fill runs in its own
// goroutine, handing each row over as COPY asks for the next.
func copyRows(ctx context.Context, conn *pgx.Conn, names []string, fill func(store.AppendFunc) error, res *store.LoadResult) error {
	rows := make(chan []any)
	filled := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		defer close(rows)
		filled <- fill(func(values []driver.Value) error {
			row := make([]any, len(values))
			for i, v := range values {
				row[i] = v
			}
			select {
			case rows <- row:
				res.Read++
				return nil
			case <-done:
				return errors.New("the copy stopped")
			}
		})
	}()
	_, copyErr := conn.CopyFrom(ctx, pgx.Identifier{staging}, names, pgx.CopyFromFunc(func() ([]any, error) {
		row, ok := <-rows
		if !ok {
			return nil, nil
		}
		return row, nil
	}))
	close(done)
	for range rows { // let fill return if COPY stopped early
	}
	fillErr := <-filled // a refused value ends the rows early: the COPY itself succeeded
	if copyErr != nil {
		return fmt.Errorf("copying the rows: %w", copyErr)
	}
	return fillErr
}

// checkDuplicates refuses an input that holds a prediction_id twice, naming it and its lines.
func (w *Writer) checkDuplicates(ctx context.Context, conn *sql.Conn) error {
	id := w.d.QuoteIdent(store.ColPredictionID)
	var (
		dup         string
		first, last int64
	)
	err := conn.QueryRowContext(ctx, "SELECT "+id+", min(mw_line), max(mw_line) FROM "+staging+" GROUP BY "+id+" HAVING count(*) > 1 ORDER BY 2 LIMIT 1").Scan(&dup, &first, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return store.DuplicateID(dup, first, last)
}

// ensureTable creates the prediction table with the base columns and the input's features, or
// adds the features it lacks; created says it created the table. A column whose kind differs
// from the table's is an error.
func (w *Writer) ensureTable(ctx context.Context, conn *sql.Conn, columns []store.Column) (created bool, err error) {
	existing, err := w.columns(ctx, conn)
	if err != nil {
		return false, err
	}
	plan, err := store.PlanTable(w.table, existing, columns)
	if err != nil {
		return false, err
	}
	create, added := plan.Create, plan.Added
	q := w.d.QuoteIdent
	if create {
		var defs []string
		for _, c := range store.BaseColumns {
			def := q(c.Name) + " " + pgType(c.Kind)
			if slices.Contains(store.RequiredColumns, c.Name) {
				def += " NOT NULL"
			}
			defs = append(defs, def)
		}
		for _, c := range added {
			defs = append(defs, q(c.Name)+" "+pgType(c.Kind))
		}
		_, err := conn.ExecContext(ctx, "CREATE TABLE "+q(w.table)+" ("+strings.Join(defs, ", ")+")")
		return err == nil, err
	}
	for _, c := range added {
		if _, err := conn.ExecContext(ctx, "ALTER TABLE "+q(w.table)+" ADD COLUMN "+q(c.Name)+" "+pgType(c.Kind)); err != nil {
			return false, fmt.Errorf("adding column %s: %w", c.Name, err)
		}
	}
	return false, nil
}

// pgType spells a kind as a PostgreSQL column type.
func pgType(k store.Kind) string {
	switch k {
	case store.KindBoolean:
		return "boolean"
	case store.KindTimestamp:
		return "timestamp"
	case store.KindDouble:
		return "double precision"
	case store.KindInteger:
		return "bigint"
	}
	return "text"
}
