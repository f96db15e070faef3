package postgres

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mlops/modelwatch/pkg/store"
)

// staging is the session's temporary table a load copies its rows into before inserting them.
const staging = "modelwatch_staging"

// Writer loads predictions into a table of a PostgreSQL database (`modelwatch load`), on a
// session of its own that may write: the data source's query sessions stay read-only. It keeps
// no rollups (a PostgreSQL store has none).
type Writer struct {
	conn  *pgx.Conn
	table string
	d     Dialect
}

// OpenWriter connects to the database at url (as Open takes it; the role needs CREATE on the
// schema for a new table, INSERT on an existing one) to load into table.
func OpenWriter(ctx context.Context, url, table string) (*Writer, error) {
	if err := store.ValidIdentifier(table); err != nil {
		return nil, fmt.Errorf("table name: %w", err)
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("%w: PostgreSQL connection: %v", store.ErrUnavailable, redactURL(err))
	}
	cfg.RuntimeParams["application_name"] = "modelwatch load"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		if why := Explain(err); why != "" {
			return nil, fmt.Errorf("%w: %s (%v)", store.ErrUnavailable, why, err)
		}
		return nil, fmt.Errorf("%w: %v", store.ErrUnavailable, err)
	}
	return &Writer{conn: conn, table: table}, nil
}

// Close ends the session.
func (w *Writer) Close() error { return w.conn.Close(context.Background()) }

// Columns lists the table's columns in order (none when it does not exist yet).
func (w *Writer) Columns(ctx context.Context) ([]store.Column, error) {
	rows, err := w.conn.Query(ctx, w.d.ColumnsQuery(), w.table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return store.ReadColumns(rows, w.d.Kind)
}

// Load appends rows in one transaction: either every row of the input is stored (or skipped as
// already present by prediction_id) or nothing is. columns names the values fill appends, in
// order (then the input line); base columns not listed are stored as NULL and feature columns
// are added to the table when new. Rows go in through COPY into a temporary table, then in time
// order into the table, so that a BRIN index on ts stays tight.
func (w *Writer) Load(ctx context.Context, columns []store.Column, fill func(store.AppendFunc) error) (store.LoadResult, error) {
	var res store.LoadResult
	tx, err := w.conn.Begin(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op; before, the load failed anyway
	if err := w.ensureTable(ctx, tx, columns); err != nil {
		return res, err
	}
	q := w.d.QuoteIdent
	defs := make([]string, 0, len(columns)+1)
	names := make([]string, 0, len(columns)+1)
	for _, c := range columns {
		defs = append(defs, q(c.Name)+" "+pgType(c.Kind))
		names = append(names, c.Name)
	}
	defs = append(defs, "mw_line BIGINT")
	if _, err := tx.Exec(ctx, "CREATE TEMP TABLE "+staging+" ("+strings.Join(defs, ", ")+") ON COMMIT DROP"); err != nil {
		return res, fmt.Errorf("creating the staging table: %w", err)
	}
	if err := copyRows(ctx, tx, append(names, "mw_line"), fill, &res); err != nil {
		return res, err
	}
	if err := w.checkDuplicates(ctx, tx); err != nil {
		return res, err
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = q(n)
	}
	list, id, ts := strings.Join(quoted, ", "), q(store.ColPredictionID), q(store.ColTS)
	tag, err := tx.Exec(ctx, "INSERT INTO "+q(w.table)+" ("+list+") SELECT "+list+" FROM "+staging+" s WHERE NOT EXISTS (SELECT 1 FROM "+
		q(w.table)+" t WHERE t."+id+" = s."+id+") ORDER BY s."+ts)
	if err != nil {
		return res, fmt.Errorf("inserting into %s: %w", w.table, err)
	}
	res.Inserted = tag.RowsAffected()
	res.Skipped = res.Read - res.Inserted
	if res.Inserted > 0 {
		rows, err := tx.Query(ctx, "SELECT "+q(store.ColModel)+", min("+ts+"), max("+ts+") FROM "+staging+" GROUP BY 1")
		if err != nil {
			return res, err
		}
		for rows.Next() {
			var wr store.Written
			var from, to time.Time
			if err := rows.Scan(&wr.Model, &from, &to); err != nil {
				rows.Close()
				return res, err
			}
			wr.From, wr.To = from.UTC(), to.UTC()
			res.Written = append(res.Written, wr)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, err
		}
	}
	return res, tx.Commit(ctx)
}

// copyRows streams what fill appends into the staging table through COPY: fill runs in its own
// goroutine, handing each row over as COPY asks for the next.
func copyRows(ctx context.Context, tx pgx.Tx, names []string, fill func(store.AppendFunc) error, res *store.LoadResult) error {
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
	_, copyErr := tx.CopyFrom(ctx, pgx.Identifier{staging}, names, pgx.CopyFromFunc(func() ([]any, error) {
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
func (w *Writer) checkDuplicates(ctx context.Context, tx pgx.Tx) error {
	id := w.d.QuoteIdent(store.ColPredictionID)
	var (
		dup         string
		first, last int64
	)
	err := tx.QueryRow(ctx, "SELECT "+id+", min(mw_line), max(mw_line) FROM "+staging+" GROUP BY "+id+" HAVING count(*) > 1 ORDER BY 2 LIMIT 1").Scan(&dup, &first, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return store.DuplicateID(dup, first, last)
}

// ensureTable creates the prediction table with the base columns and the input's features, or
// adds the features it lacks. A column whose kind differs from the table's is an error.
func (w *Writer) ensureTable(ctx context.Context, tx pgx.Tx, columns []store.Column) error {
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
		_, err := tx.Exec(ctx, "CREATE TABLE "+q(w.table)+" ("+strings.Join(defs, ", ")+")")
		return err
	}
	for _, c := range added {
		if _, err := tx.Exec(ctx, "ALTER TABLE "+q(w.table)+" ADD COLUMN "+q(c.Name)+" "+pgType(c.Kind)); err != nil {
			return fmt.Errorf("adding column %s: %w", c.Name, err)
		}
	}
	return nil
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
