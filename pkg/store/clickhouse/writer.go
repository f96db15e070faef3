package clickhouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// staging is the session's temporary table a load inserts its rows into first.
const staging = "modelwatch_staging"

// Writer loads predictions into a ClickHouse table (`modelwatch load`) on a session of its own
// that may write: the data source's queries stay readonly=1. A new table is a MergeTree as
// docs/clickhouse.md defines it; into a cluster's Distributed table, rows are inserted
// synchronously (insert_distributed_sync), but the table and its columns are the admin's to
// create on every shard.
type Writer struct {
	db    *sql.DB
	conn  *sql.Conn
	table string
	d     Dialect
	// modern: the server has Bool and DateTime64 (22.3 and later), for a new table's types.
	modern bool
}

// OpenWriter connects to the server of o (its user needs INSERT, and CREATE and ALTER for a new
// table or columns) to load into table.
func OpenWriter(ctx context.Context, o Options, table string) (*Writer, error) {
	if err := store.ValidIdentifier(table); err != nil {
		return nil, fmt.Errorf("table name: %w", err)
	}
	opts, err := o.clientOptions()
	if err != nil {
		return nil, err
	}
	opts.Settings = ch.Settings{"insert_distributed_sync": 1}
	db := ch.OpenDB(opts)
	conn, err := db.Conn(ctx)
	if err == nil {
		var version string
		if err = conn.QueryRowContext(ctx, "SELECT version()").Scan(&version); err == nil {
			w := &Writer{db: db, conn: conn, table: table, modern: atLeast(version, 22, 3)}
			return w, nil
		}
		_ = conn.Close()
	}
	_ = db.Close()
	if why := Explain(err); why != "" {
		return nil, fmt.Errorf("%w: %s (%v)", store.ErrUnavailable, why, err)
	}
	return nil, fmt.Errorf("%w: %v", store.ErrUnavailable, err)
}

// atLeast says whether a version string (major.minor...) is at least major.minor.
func atLeast(version string, major, minor int) bool {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return false
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	return err1 == nil && err2 == nil && (a > major || a == major && b >= minor)
}

// Close ends the session.
func (w *Writer) Close() error { return errors.Join(w.conn.Close(), w.db.Close()) }

// Columns lists the table's columns in order (none when it does not exist yet).
func (w *Writer) Columns(ctx context.Context) ([]store.Column, error) {
	return sqlstore.TableColumns(ctx, w.conn, w.d, w.table)
}

// Load appends rows: they go into a temporary table of the session first, where a
// prediction_id the input holds twice is refused (nothing stored), then in time order into the
// table in one INSERT ... SELECT, the ids already stored skipped. ClickHouse has no
// transactions: an INSERT that fails midway may have stored some of its blocks
// (max_insert_block_size rows each), and loading the file again stores the rest.
func (w *Writer) Load(ctx context.Context, columns []store.Column, fill func(store.AppendFunc) error) (store.LoadResult, error) {
	var res store.LoadResult
	if err := w.ensureTable(ctx, columns); err != nil {
		return res, err
	}
	q := w.d.QuoteIdent
	defs := make([]string, 0, len(columns)+1)
	quoted := make([]string, 0, len(columns))
	for _, c := range columns {
		defs = append(defs, q(c.Name)+" "+w.chType(c))
		quoted = append(quoted, q(c.Name))
	}
	defs = append(defs, "mw_line Int64")
	if _, err := w.conn.ExecContext(ctx, "DROP TEMPORARY TABLE IF EXISTS "+staging); err != nil {
		return res, err
	}
	if _, err := w.conn.ExecContext(ctx, "CREATE TEMPORARY TABLE "+staging+" ("+strings.Join(defs, ", ")+") ENGINE = Memory"); err != nil {
		return res, fmt.Errorf("creating the staging table: %w", err)
	}
	defer w.conn.ExecContext(context.Background(), "DROP TEMPORARY TABLE IF EXISTS "+staging) //nolint:errcheck // the session's own table goes with it anyway
	if err := w.stage(ctx, columns, append(slices.Clone(quoted), "mw_line"), fill, &res); err != nil {
		return res, err
	}
	if err := w.checkDuplicates(ctx); err != nil {
		return res, err
	}
	list, id, ts := strings.Join(quoted, ", "), q(store.ColPredictionID), q(store.ColTS)
	fresh := " FROM " + staging + " WHERE " + id + " NOT IN (SELECT " + id + " FROM " + q(w.table) + " WHERE " + id + " IN (SELECT " + id + " FROM " + staging + "))"
	if err := w.conn.QueryRowContext(ctx, "SELECT count()"+fresh).Scan(&res.Inserted); err != nil {
		return res, err
	}
	res.Skipped = res.Read - res.Inserted
	if res.Inserted == 0 {
		return res, nil
	}
	written, err := w.written(ctx, fresh)
	if err != nil {
		return res, err
	}
	res.Written = written
	//nolint:gosec // G202: the table and columns are validated and quoted by q; staging is a constant
	if _, err := w.conn.ExecContext(ctx, "INSERT INTO "+q(w.table)+" ("+list+") SELECT "+list+fresh+" ORDER BY "+ts); err != nil {
		return res, fmt.Errorf("inserting into %s: %w", w.table, err)
	}
	return res, nil
}

// written is each model's first and last time among the fresh rows (the FROM and WHERE of the
// rows new to the table).
func (w *Writer) written(ctx context.Context, fresh string) ([]store.Written, error) {
	q := w.d.QuoteIdent
	model, ts := q(store.ColModel), q(store.ColTS)
	rows, err := w.conn.QueryContext(ctx, "SELECT "+model+", min("+ts+"), max("+ts+")"+fresh+" GROUP BY "+model) //nolint:gosec // G202: quoted identifiers and constants
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Written
	for rows.Next() {
		var wr store.Written
		if err := rows.Scan(&wr.Model, &wr.From, &wr.To); err != nil {
			return nil, err
		}
		wr.From, wr.To = wr.From.UTC(), wr.To.UTC()
		out = append(out, wr)
	}
	return out, rows.Err()
}

// stage inserts what fill appends into the staging table, in one batch of the session.
func (w *Writer) stage(ctx context.Context, columns []store.Column, names []string, fill func(store.AppendFunc) error, res *store.LoadResult) error {
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()                                                                            //nolint:errcheck // after Commit it is a no-op
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+staging+" ("+strings.Join(names, ", ")+")") //nolint:gosec // G202: quoted column names and a constant
	if err != nil {
		return fmt.Errorf("staging the rows: %w", err)
	}
	defer func() { _ = stmt.Close() }() // the batch was sent or abandoned by then
	err = fill(func(values []driver.Value) error {
		row := make([]any, len(values))
		for i, v := range values {
			row[i] = v
			if b, ok := v.(bool); ok && i < len(columns) && !w.modern {
				row[i] = strconv.FormatBool(b) // the Enum8 of releases without Bool
			}
		}
		res.Read++
		_, err := stmt.ExecContext(ctx, row...)
		return err
	})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// checkDuplicates refuses an input that holds a prediction_id twice, naming it and its lines.
func (w *Writer) checkDuplicates(ctx context.Context) error {
	id := w.d.QuoteIdent(store.ColPredictionID)
	var (
		dup         string
		first, last int64
	)
	err := w.conn.QueryRowContext(ctx, "SELECT "+id+", min(mw_line) AS mw_first, max(mw_line) FROM "+staging+" GROUP BY "+id+
		" HAVING count() > 1 ORDER BY mw_first LIMIT 1").Scan(&dup, &first, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return store.DuplicateID(dup, first, last)
}

// ensureTable creates the prediction table (a MergeTree ordered by model, version and time,
// partitioned by month) with the base columns and the input's features, or adds the features
// it lacks. A column whose kind differs from the table's is an error; a Distributed table's
// missing columns are the admin's to add on every shard.
func (w *Writer) ensureTable(ctx context.Context, columns []store.Column) error {
	existing, err := w.Columns(ctx)
	if err != nil {
		return err
	}
	plan, err := store.PlanTable(w.table, existing, columns)
	if err != nil {
		return err
	}
	create, added := plan.Create, plan.Added
	q := w.d.QuoteIdent
	if create {
		var defs []string
		for _, c := range append(slices.Clone(store.BaseColumns), added...) {
			defs = append(defs, q(c.Name)+" "+w.chType(c))
		}
		_, err := w.conn.ExecContext(ctx, "CREATE TABLE "+q(w.table)+" ("+strings.Join(defs, ", ")+") ENGINE = MergeTree() "+
			"PARTITION BY toYYYYMM("+q(store.ColTS)+") ORDER BY ("+q(store.ColModel)+", "+q(store.ColModelVersion)+", "+q(store.ColTS)+")")
		return err
	}
	if len(added) == 0 {
		return nil
	}
	var engine string
	if err := w.conn.QueryRowContext(ctx, "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = $1", w.table).Scan(&engine); err != nil {
		return err
	}
	if engine == "Distributed" {
		return fmt.Errorf("%w: the input has columns %s that Distributed table %s lacks: add them to the shards' local tables and to the Distributed table (ALTER TABLE ... ADD COLUMN on each), then load again",
			store.ErrSchema, names(added), w.table)
	}
	for _, c := range added {
		if _, err := w.conn.ExecContext(ctx, "ALTER TABLE "+q(w.table)+" ADD COLUMN "+q(c.Name)+" "+w.chType(c)); err != nil {
			return fmt.Errorf("adding column %s: %w", c.Name, err)
		}
	}
	return nil
}

// names lists columns' names, for messages.
func names(cols []store.Column) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return strings.Join(out, ", ")
}

// chType spells a column as a ClickHouse type: the required columns plain (they order the
// table), the others Nullable; a boolean Bool where the server has it, else Enum8; a time
// DateTime64(3) where the server has it, else DateTime (whole seconds).
func (w *Writer) chType(c store.Column) string {
	var t string
	switch c.Kind {
	case store.KindBoolean:
		t = "Enum8('false' = 0, 'true' = 1)"
		if w.modern {
			t = "Bool"
		}
	case store.KindTimestamp:
		t = "DateTime('UTC')"
		if w.modern {
			t = "DateTime64(3, 'UTC')"
		}
	case store.KindDouble:
		t = "Float64"
	case store.KindInteger:
		t = "Int64"
	default:
		t = "String"
	}
	if slices.Contains(store.RequiredColumns, c.Name) {
		return t
	}
	return "Nullable(" + t + ")"
}
