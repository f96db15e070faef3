package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/mlops/modelwatch/pkg/store"
)

// Store is a store.Store over a database/sql connection pool.
type Store struct {
	db    *sql.DB
	d     Dialect
	table string

	mu     sync.Mutex
	schema *store.Schema
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

// DB exposes the pool to engine packages (writers, tests).
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Schema discovers the table's columns once and caches them.
func (s *Store) Schema(ctx context.Context) (store.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.schema != nil {
		return *s.schema, nil
	}
	rows, err := s.db.QueryContext(ctx, s.d.ColumnsQuery(), s.table)
	if err != nil {
		return store.Schema{}, fmt.Errorf("%w: %s: listing columns of %q: %v", store.ErrUnavailable, s.d.Name(), s.table, err)
	}
	defer rows.Close()
	sch := store.Schema{Table: s.table}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return store.Schema{}, fmt.Errorf("%w: %s: reading columns: %v", store.ErrUnavailable, s.d.Name(), err)
		}
		if store.ValidIdentifier(name) != nil {
			continue // a column Modelwatch cannot name safely is not offered
		}
		sch.Columns = append(sch.Columns, store.Column{Name: name, Kind: s.d.Kind(typ), Role: store.RoleOf(name), EngineType: typ})
	}
	if err := rows.Err(); err != nil {
		return store.Schema{}, fmt.Errorf("%w: %s: reading columns: %v", store.ErrUnavailable, s.d.Name(), err)
	}
	if len(sch.Columns) == 0 {
		return store.Schema{}, fmt.Errorf("%w: table %q not found in the %s store: load predictions first (modelwatch load or modelwatch demo)",
			store.ErrSchema, s.table, s.d.Name())
	}
	s.schema = &sch
	return sch, nil
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
		out[i] = s.d.QuoteIdent(n)
	}
	return out, nil
}

func (s *Store) from() string { return " FROM " + s.d.QuoteIdent(s.table) }

// Count returns the table's row count.
func (s *Store) Count(ctx context.Context) (int64, error) {
	if _, err := s.Schema(ctx); err != nil {
		return 0, err
	}
	var n int64
	if err := s.db.QueryRowContext(ctx, "SELECT count(*)"+s.from()).Scan(&n); err != nil {
		return 0, s.queryErr(ctx, "counting rows", err)
	}
	return n, nil
}

// Models lists distinct model names.
func (s *Store) Models(ctx context.Context) ([]string, error) {
	cols, err := s.columns(ctx, store.ColModel)
	if err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	b.write("SELECT DISTINCT ", cols[0], s.from(), " WHERE ", cols[0], " IS NOT NULL ORDER BY 1")
	return s.strings(ctx, "listing models", b)
}

// Versions lists a model's versions.
func (s *Store) Versions(ctx context.Context, model string) ([]string, error) {
	cols, err := s.columns(ctx, store.ColModel, store.ColModelVersion)
	if err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	b.write("SELECT DISTINCT ", cols[1], s.from(), " WHERE ", cols[0], " = ", b.bind(model),
		" AND ", cols[1], " IS NOT NULL ORDER BY 1")
	return s.strings(ctx, "listing versions", b)
}

// Classes lists labels seen in actual_label or predicted_label for a model.
func (s *Store) Classes(ctx context.Context, model string) ([]string, error) {
	cols, err := s.columns(ctx, store.ColModel, store.ColActualLabel, store.ColPredictedLabel)
	if err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	b.write("SELECT DISTINCT ", cols[1], s.from(), " WHERE ", cols[0], " = ", b.bind(model), " AND ", cols[1], " IS NOT NULL",
		" UNION SELECT DISTINCT ", cols[2], s.from(), " WHERE ", cols[0], " = ", b.bind(model), " AND ", cols[2], " IS NOT NULL",
		" ORDER BY 1")
	return s.strings(ctx, "listing classes", b)
}

func (s *Store) strings(ctx context.Context, what string, b *builder) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return nil, s.queryErr(ctx, what, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, s.queryErr(ctx, what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.queryErr(ctx, what, err)
	}
	slices.Sort(out)
	return out, nil
}

// queryErr wraps an engine error; a cancelled or timed-out context is reported as such.
func (s *Store) queryErr(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %s: %w", s.d.Name(), what, context.Cause(ctx))
	}
	msg := strings.TrimSpace(err.Error())
	return fmt.Errorf("%w: %s: %s: %s", store.ErrUnavailable, s.d.Name(), what, msg)
}
