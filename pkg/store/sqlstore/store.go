package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// Store is a store.Store over a database/sql connection pool.
type Store struct {
	db *sql.DB
	// conn, when set, runs every statement instead of db: a store over one connection inside
	// a writer's transaction (see OnConn).
	conn  *sql.Conn
	d     Dialect
	table string
	// labels, when set, is a table of late ground truth joined on prediction_id: its
	// actual_label and actual_value win over the prediction table's, and its labeled_at gives
	// the label delay.
	labels string
	// segments are the columns the rollups are kept per (see WithRollupSegments).
	segments []string
	// outcomes are the columns declared as outcomes (WithOutcomes): role outcome, and read
	// from the labels table too when it has them.
	outcomes []string

	mu        sync.Mutex
	schema    *store.Schema
	labelCols map[string]bool // the labels table's key and ground-truth columns
	// taken holds every column name of the prediction and labels tables, lower-cased, offered
	// or not: statement aliases must differ from all of them.
	taken map[string]bool
	// predictionHas says which ground-truth columns the prediction table has itself.
	predictionHas map[string]bool
	// outcomeLabels are the declared outcome columns the labels table has, by join alias.
	outcomeLabels map[string]string
	// physical maps a base column's name to the table's own name for it, for tables that do
	// not use the default names; logical is the reverse.
	physical, logical map[string]string
}

var _ store.Store = (*Store)(nil)

// New wraps an open pool. The table name is validated here and checked against the engine when
// the schema is first discovered.
func New(db *sql.DB, d Dialect, table string) (*Store, error) {
	if err := store.ValidIdentifier(table); err != nil {
		return nil, fmt.Errorf("table name: %w", err)
	}
	return &Store{db: db, d: d, table: table}, nil
}

// NewPool wraps a server's connection pool: at most size connections open (10 when size is not
// positive), idle ones closed after 5 minutes. The pool is closed when the table name is refused.
func NewPool(db *sql.DB, d Dialect, table string, size int) (*Store, error) {
	if size <= 0 {
		size = 10
	}
	db.SetMaxOpenConns(size)
	db.SetMaxIdleConns(size)
	db.SetConnMaxIdleTime(5 * time.Minute)
	st, err := New(db, d, table)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return st, nil
}

// OnConn is a store whose statements run on one connection, e.g. inside a writer's open
// transaction, so that they see its uncommitted rows. Closing it does not close conn.
func OnConn(conn *sql.Conn, d Dialect, table string) (*Store, error) {
	if err := store.ValidIdentifier(table); err != nil {
		return nil, fmt.Errorf("table name: %w", err)
	}
	return &Store{conn: conn, d: d, table: table}, nil
}

// WithLabels joins a labels table (prediction_id plus actual_label and/or actual_value, and
// optionally labeled_at) to every query.
func (s *Store) WithLabels(table string) error {
	if err := store.ValidIdentifier(table); err != nil {
		return fmt.Errorf("labels table name: %w", err)
	}
	s.labels = table
	return nil
}

// WithColumns maps base columns to the table's own names, e.g. {"ts": "event_time"}. Keys must
// be base column names and values plain identifiers; every query then uses the mapped names.
func (s *Store) WithColumns(mapping map[string]string) error {
	s.physical, s.logical = map[string]string{}, map[string]string{}
	for base, name := range mapping {
		if name == "" || name == base {
			continue
		}
		if !slices.ContainsFunc(store.BaseColumns, func(c store.Column) bool { return c.Name == base }) {
			return fmt.Errorf("%w: column mapping: %q is not a base column; map one of the default names (ts, model, model_version, ...)", store.ErrSchema, base)
		}
		if err := store.ValidIdentifier(name); err != nil {
			return fmt.Errorf("column mapping for %s: %w", base, err)
		}
		if other, dup := s.logical[name]; dup {
			return fmt.Errorf("%w: column mapping: %q is mapped from both %s and %s", store.ErrSchema, name, other, base)
		}
		s.physical[base], s.logical[name] = name, base
	}
	return nil
}

// physicalName is the table's name for a column.
func (s *Store) physicalName(name string) string {
	if p, ok := s.physical[name]; ok {
		return p
	}
	return name
}

// DB exposes the pool to engine packages (writers, tests).
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the pool (a store over one connection leaves it to its owner).
func (s *Store) Close() error {
	if s.db == nil {
		return nil
	}
	return s.db.Close()
}

// ForgetSchema makes the next query discover the table's columns again: a write may have added
// feature or outcome columns.
func (s *Store) ForgetSchema() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.schema = nil
}

// Schema discovers the table's columns once and caches them.
func (s *Store) Schema(ctx context.Context) (store.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.schema != nil {
		return *s.schema, nil
	}
	cols, err := s.listColumns(ctx, s.table)
	if err != nil {
		return store.Schema{}, err
	}
	sch := store.Schema{Table: s.table}
	s.taken = map[string]bool{}
	for _, c := range cols {
		name, typ := c[0], c[1]
		s.taken[strings.ToLower(name)] = true
		if store.ValidIdentifier(name) != nil {
			continue // a column Modelwatch cannot name safely is not offered
		}
		if base, ok := s.logical[name]; ok {
			name = base // the rest of the code speaks of base columns by their default names
		} else if _, shadowed := s.physical[name]; shadowed {
			continue // a default name mapped elsewhere: the mapping wins
		}
		sch.Columns = append(sch.Columns, store.Column{Name: name, Kind: s.d.Kind(typ), Role: s.roleOf(name), EngineType: typ})
	}
	if len(sch.Columns) == 0 {
		hint := "load predictions first (modelwatch load or modelwatch demo)"
		if h, ok := s.d.(MissingTableHinter); ok {
			hint = h.MissingTableHint()
		}
		return store.Schema{}, fmt.Errorf("%w: table %q not found in the %s store: %s", store.ErrSchema, s.table, s.d.Name(), hint)
	}
	if s.labels != "" {
		if err := s.discoverLabels(ctx, &sch); err != nil {
			return store.Schema{}, err
		}
	}
	s.schema = &sch
	return sch, nil
}

// listColumns lists a table's (name, engine type) pairs in order; none for a missing table.
func (s *Store) listColumns(ctx context.Context, table string) ([][2]string, error) {
	b := &builder{d: s.d}
	b.write(s.d.ColumnsQuery())
	b.args = []any{table}
	var out [][2]string
	err := s.each(ctx, fmt.Sprintf("listing columns of %q", table), b, func(scan func(...any) error) (bool, error) {
		var name, typ string
		if err := scan(&name, &typ); err != nil {
			return false, err
		}
		out = append(out, [2]string{name, typ})
		return true, nil
	})
	return out, err
}

// labelColumns are the columns a labels table may provide.
var labelColumns = []store.Column{
	{Name: store.ColActualLabel, Kind: store.KindText, Role: store.RoleActual},
	{Name: store.ColActualValue, Kind: store.KindDouble, Role: store.RoleActual},
	{Name: store.ColLabeledAt, Kind: store.KindTimestamp, Role: store.RoleActual},
}

// discoverLabels reads the labels table's columns; the ground-truth columns it has count as
// columns of the schema.
func (s *Store) discoverLabels(ctx context.Context, sch *store.Schema) error {
	cols, err := s.listColumns(ctx, s.labels)
	if err != nil {
		return err
	}
	s.labelCols = map[string]bool{}
	for _, c := range cols {
		name := c[0]
		s.taken[strings.ToLower(name)] = true
		// Only the key and the ground-truth columns are read from the labels table: its other
		// columns (a note, its own model or ts) never replace the prediction table's.
		if name == store.ColPredictionID || slices.ContainsFunc(labelColumns, func(c store.Column) bool { return c.Name == name }) {
			s.labelCols[name] = true
		}
	}
	if !s.labelCols[store.ColPredictionID] {
		return fmt.Errorf("%w: labels table %q not found or has no prediction_id column: it needs prediction_id and actual_label or actual_value (and labeled_at for the label delay)",
			store.ErrSchema, s.labels)
	}
	s.predictionHas = map[string]bool{}
	for _, c := range labelColumns {
		_, has := sch.Column(c.Name)
		s.predictionHas[c.Name] = has
		if !has && s.labelCols[c.Name] {
			sch.Columns = append(sch.Columns, c)
		}
	}
	s.discoverOutcomeLabels(cols, sch)
	return nil
}

// col is the SQL expression of a column: the prediction table's (under its mapped name), or
// with a labels table the late label where there is one (qualified by the aliases of from()).
func (s *Store) col(name string) string {
	q := s.d.QuoteIdent(s.physicalName(name))
	if alias, ok := s.outcomeLabels[name]; ok {
		return s.lateOutcome(alias, name, q)
	}
	switch {
	case s.labels == "":
		return q
	case !s.labelCols[name] || name == store.ColPredictionID:
		return "p." + q
	}
	l := "l." + s.d.QuoteIdent(name)
	if s.predictionHas[name] {
		return "COALESCE(" + l + ", p." + q + ")"
	}
	return l
}

// columns checks the named columns exist and returns them quoted.
func (s *Store) columns(ctx context.Context, names ...string) ([]string, error) {
	sch, err := s.Schema(ctx)
	if err != nil {
		return nil, err
	}
	if err := sch.Require(names...); err != nil {
		return nil, err
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = s.col(n)
	}
	return out, nil
}

// from is the FROM clause: the prediction table, with the labels table joined when set.
func (s *Store) from() string {
	if s.labels == "" {
		return " FROM " + s.d.QuoteIdent(s.table)
	}
	return " FROM " + s.d.QuoteIdent(s.table) + " AS p LEFT JOIN " + s.latestLabels() +
		" AS l ON l." + s.d.QuoteIdent(store.ColPredictionID) + " = p." + s.d.QuoteIdent(s.physicalName(store.ColPredictionID)) +
		s.outcomeJoins()
}

// latestLabels is the labels table with one row per prediction_id, so that a prediction
// labelled twice (a corrected label, a label sent again) still counts once: the row with the
// latest labeled_at wins, a row without labeled_at loses to any with one, and ties go to the
// greatest actual_label, then the greatest actual_value (nulls losing), which makes the choice
// the same on every run. The ranking column is an output of the inner query only, so its
// name cannot meet a column of the table.
func (s *Store) latestLabels() string {
	cols := []string{s.d.QuoteIdent(store.ColPredictionID)}
	var order []string
	for _, name := range []string{store.ColLabeledAt, store.ColActualLabel, store.ColActualValue} {
		if s.labelCols[name] {
			q := s.d.QuoteIdent(name)
			cols = append(cols, q)
			order = append(order, q+" DESC NULLS LAST")
		}
	}
	if len(order) == 0 {
		order = []string{cols[0]} // no column to choose by: any row of the prediction
	}
	// A row that brings only a late outcome (no actual_label, no actual_value) is not a label:
	// it must not hide an earlier one.
	var labeled []string
	for _, name := range []string{store.ColActualLabel, store.ColActualValue} {
		if s.labelCols[name] {
			labeled = append(labeled, s.d.QuoteIdent(name)+" IS NOT NULL")
		}
	}
	where := ""
	if len(labeled) > 0 {
		where = " WHERE " + strings.Join(labeled, " OR ")
	}
	list := strings.Join(cols, ", ")
	return "(SELECT " + list + " FROM (SELECT " + list + ", row_number() OVER (PARTITION BY " + cols[0] +
		" ORDER BY " + strings.Join(order, ", ") + ") AS label_rank FROM " + s.d.QuoteIdent(s.labels) + where +
		") AS ranked WHERE label_rank = 1)"
}

// Count returns the table's row count.
func (s *Store) Count(ctx context.Context) (int64, error) {
	if _, err := s.Schema(ctx); err != nil {
		return 0, err
	}
	var n int64
	b := &builder{d: s.d}
	b.write("SELECT count(*)", s.from())
	err := s.each(ctx, "counting rows", b, func(scan func(...any) error) (bool, error) { return false, scan(&n) })
	return n, err
}

// Models lists distinct model names.
func (s *Store) Models(ctx context.Context) ([]string, error) {
	cols, err := s.columns(ctx, store.ColModel)
	if err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	b.write("SELECT DISTINCT ", cols[0], " AS mw_value", s.from(), " WHERE ", cols[0], " IS NOT NULL ORDER BY mw_value")
	return s.strings(ctx, "listing models", b)
}

// Versions lists a model's versions.
func (s *Store) Versions(ctx context.Context, model string) ([]string, error) {
	cols, err := s.columns(ctx, store.ColModel, store.ColModelVersion)
	if err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	b.write("SELECT DISTINCT ", cols[1], " AS mw_value", s.from(), " WHERE ", cols[0], " = ", b.bind(model),
		" AND ", cols[1], " IS NOT NULL ORDER BY mw_value")
	return s.strings(ctx, "listing versions", b)
}

// Classes lists labels seen in actual_label or predicted_label for a model.
func (s *Store) Classes(ctx context.Context, model string) ([]string, error) {
	cols, err := s.columns(ctx, store.ColModel, store.ColActualLabel, store.ColPredictedLabel)
	if err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	// UNION ALL under a DISTINCT, both sides as text: what every engine accepts (ClickHouse has
	// no UNION DISTINCT in every version, nor an implicit common type).
	text := func(c string) string { return "CAST(" + c + " AS " + s.d.TextType() + ") AS mw_value" }
	b.write("SELECT DISTINCT mw_value FROM (",
		"SELECT DISTINCT ", text(cols[1]), s.from(), " WHERE ", cols[0], " = ", b.bind(model), " AND ", cols[1], " IS NOT NULL",
		" UNION ALL SELECT DISTINCT ", text(cols[2]), s.from(), " WHERE ", cols[0], " = ", b.bind(model), " AND ", cols[2], " IS NOT NULL",
		") AS mw_classes ORDER BY mw_value")
	return s.strings(ctx, "listing classes", b)
}

func (s *Store) strings(ctx context.Context, what string, b *builder) ([]string, error) {
	var out []string
	err := s.each(ctx, what, b, func(scan func(...any) error) (bool, error) {
		var v string
		if err := scan(&v); err != nil {
			return false, err
		}
		out = append(out, v)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}
