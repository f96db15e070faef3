package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

const staging = "_modelwatch_staging"

// Writer loads predictions into a DuckDB file; it is used by the CLI, never by the plugin.
type Writer struct {
	db    *sql.DB
	table string
	d     Dialect
	// rollupLabels is the labels table rollups first built by a load join (SetRollupLabels).
	rollupLabels string
}

// SetRollupLabels names the labels table the store's rollups join when a load builds them for
// the first time (a data source writing its own store passes its labels table, so that its
// queries can answer from them); later loads keep what the rollups were built with.
func (w *Writer) SetRollupLabels(labelsTable string) { w.rollupLabels = labelsTable }

// LoadResult says what a load did (store.LoadResult).
type LoadResult = store.LoadResult

// AppendFunc appends one row (store.AppendFunc).
type AppendFunc = store.AppendFunc

// OpenWriter opens (creating if needed) a DuckDB file for loading.
func OpenWriter(path, table string) (*Writer, error) {
	if err := store.ValidIdentifier(table); err != nil {
		return nil, fmt.Errorf("table name: %w", err)
	}
	conn, err := dsn(path, nil)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("duckdb", conn)
	if err != nil {
		return nil, openError(path, err)
	}
	if err := db.Ping(); err != nil { //nolint:noctx // OpenWriter takes no context: it opens a local file
		_ = db.Close()
		return nil, openError(path, err)
	}
	db.SetMaxOpenConns(1)
	return &Writer{db: db, table: table}, nil
}

// Close closes the file.
func (w *Writer) Close() error { return w.db.Close() }

// Columns returns the table's current columns, or nil if the table does not exist yet.
func (w *Writer) Columns(ctx context.Context) ([]store.Column, error) {
	return w.columns(ctx, w.db)
}

func (w *Writer) columns(ctx context.Context, q sqlstore.Queryer) ([]store.Column, error) {
	return sqlstore.TableColumns(ctx, q, w.d, w.table)
}

// Load appends rows in one transaction: either every row of the input is stored (or skipped as
// already present by prediction_id) or nothing is. The hourly rollups of every hour that
// received rows are rebuilt in the same transaction (built whole if the store had none). columns names the values fill appends, in
// order (then the input line); base columns not listed are stored as NULL and feature columns
// are added to the table when new.
func (w *Writer) Load(ctx context.Context, columns []store.Column, fill func(AppendFunc) error) (LoadResult, error) {
	return w.load(ctx, columns, func(conn *sql.Conn, res *LoadResult) error {
		return conn.Raw(func(dc any) error {
			app, err := duck.NewAppender(dc.(driver.Conn), "temp", "main", staging)
			if err != nil {
				return err
			}
			fillErr := fill(func(values []driver.Value) error {
				res.Read++
				return app.AppendRow(values...)
			})
			closeErr := app.Close()
			if fillErr != nil {
				return fillErr
			}
			return closeErr
		})
	})
}

func (w *Writer) load(ctx context.Context, columns []store.Column, stage func(*sql.Conn, *LoadResult) error) (LoadResult, error) {
	var res LoadResult
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	exec := func(q string, args ...any) error {
		_, err := conn.ExecContext(ctx, q, args...)
		return err
	}
	if err := exec("BEGIN TRANSACTION"); err != nil {
		return res, err
	}
	committed := false
	defer func() {
		if !committed {
			_ = exec("ROLLBACK")
		}
	}()
	if err := w.ensureTable(ctx, conn, columns); err != nil {
		return res, err
	}
	defs := make([]string, 0, len(columns)+1)
	names := make([]string, 0, len(columns))
	for _, c := range columns {
		defs = append(defs, w.d.QuoteIdent(c.Name)+" "+engineType(c.Kind))
		names = append(names, w.d.QuoteIdent(c.Name))
	}
	defs = append(defs, "_line BIGINT")
	if err := exec("CREATE OR REPLACE TEMP TABLE " + staging + " (" + strings.Join(defs, ", ") + ")"); err != nil {
		return res, fmt.Errorf("creating staging table: %w", err)
	}
	if err := stage(conn, &res); err != nil {
		return res, err
	}
	if err := w.checkDuplicates(ctx, conn); err != nil {
		return res, err
	}
	id := w.d.QuoteIdent(store.ColPredictionID)
	// In time order: the table's row groups then each hold a short span of time, so that a
	// query over hours skips the others by their zone maps (the anti-join would scramble them).
	insert := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s s WHERE NOT EXISTS (SELECT 1 FROM %s t WHERE t.%s = s.%s) ORDER BY s.%s", //nolint:gosec // G201: quoted identifiers and a constant
		w.d.QuoteIdent(w.table), strings.Join(names, ", "), strings.Join(names, ", "), staging, w.d.QuoteIdent(w.table), id, id, w.d.QuoteIdent(store.ColTS))
	r, err := conn.ExecContext(ctx, insert)
	if err != nil {
		return res, fmt.Errorf("inserting into %s: %w", w.table, err)
	}
	res.Inserted, _ = r.RowsAffected()
	res.Skipped = res.Read - res.Inserted
	q := w.d.QuoteIdent
	if res.Inserted > 0 {
		if res.Written, err = written(ctx, conn, "SELECT "+q(store.ColModel)+", min("+q(store.ColTS)+"), max("+q(store.ColTS)+") FROM "+staging+" GROUP BY 1"); err != nil {
			return res, err
		}
	}
	if err := w.maintainRollups(ctx, conn, sqlstore.StagedHours(w.d, staging), ""); err != nil {
		return res, err
	}
	if err := exec("DROP TABLE " + staging); err != nil {
		return res, err
	}
	if err := exec("COMMIT"); err != nil {
		return res, err
	}
	committed = true
	return res, nil
}

// ensureTable creates the prediction table with the base columns and the input's features, or
// adds the features the table lacks. A column whose kind differs from the table's is an error.
// The work is linear in columns: a new table is created in one statement (one ALTER TABLE per
// column rewrites the catalog entry each time), and names are looked up in a map.
func (w *Writer) ensureTable(ctx context.Context, conn *sql.Conn, columns []store.Column) error {
	existing, err := w.columns(ctx, conn)
	if err != nil {
		return err
	}
	plan, err := store.PlanTable(w.table, existing, columns)
	if err != nil {
		return err
	}
	create, added := plan.Create, plan.Added
	if create {
		defs := make([]string, 0, len(store.BaseColumns)+len(added))
		for _, c := range store.BaseColumns {
			def := w.d.QuoteIdent(c.Name) + " " + engineType(c.Kind)
			if slices.Contains(store.RequiredColumns, c.Name) {
				def += " NOT NULL"
			}
			defs = append(defs, def)
		}
		for _, c := range added {
			defs = append(defs, w.d.QuoteIdent(c.Name)+" "+engineType(c.Kind))
		}
		if _, err := conn.ExecContext(ctx, "CREATE TABLE "+w.d.QuoteIdent(w.table)+" ("+strings.Join(defs, ", ")+")"); err != nil {
			return fmt.Errorf("creating table %s: %w", w.table, err)
		}
		return nil
	}
	for _, c := range added {
		if _, err := conn.ExecContext(ctx, "ALTER TABLE "+w.d.QuoteIdent(w.table)+" ADD COLUMN "+w.d.QuoteIdent(c.Name)+" "+engineType(c.Kind)); err != nil {
			return fmt.Errorf("adding column %s: %w", c.Name, err)
		}
	}
	return nil
}

func (w *Writer) checkDuplicates(ctx context.Context, conn *sql.Conn) error {
	id := w.d.QuoteIdent(store.ColPredictionID)
	var (
		dup         string
		first, last sql.NullInt64
	)
	err := conn.QueryRowContext(ctx, "SELECT "+id+", min(_line), max(_line) FROM "+staging+
		" GROUP BY "+id+" HAVING count(*) > 1 ORDER BY 2 LIMIT 1").Scan(&dup, &first, &last)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	return store.DuplicateID(dup, first.Int64, last.Int64)
}

// written reads what a write changed: rows of model, first and last timestamp.
func written(ctx context.Context, conn *sql.Conn, stmt string) ([]store.Written, error) {
	rows, err := conn.QueryContext(ctx, stmt)
	if err != nil {
		return nil, fmt.Errorf("reading the time ranges written: %w", err)
	}
	defer rows.Close()
	var out []store.Written
	for rows.Next() {
		var wr store.Written
		if err := rows.Scan(&wr.Model, &wr.From, &wr.To); err != nil {
			return nil, err
		}
		out = append(out, wr)
	}
	return out, rows.Err()
}

// openError says why a file cannot be opened for writing; a file another process holds names
// that process and what to do instead.
func openError(path string, err error) error {
	if holder, ok := lockHolder(err.Error()); ok {
		return fmt.Errorf("%w: DuckDB file %s is held by another process (%s): a Grafana data source holds its store while it serves it. "+
			"If the data source accepts writes (Ingest), send the rows through it: modelwatch push --grafana URL --datasource UID --file F; "+
			"else stop the process that holds the file, or load into another file", store.ErrUnavailable, path, holder)
	}
	return fmt.Errorf("%w: opening DuckDB file %s for writing: %v", store.ErrUnavailable, path, err)
}

// lockHolder reads the process named by DuckDB's lock conflict error ("Conflicting lock is held
// in /path/to/binary (PID 123)").
func lockHolder(msg string) (string, bool) {
	const marker = "Conflicting lock is held in "
	i := strings.Index(msg, marker)
	if i < 0 {
		return "", false
	}
	holder := msg[i+len(marker):]
	if end := strings.Index(holder, ")"); end >= 0 {
		holder = holder[:end+1]
	}
	return holder, true
}
