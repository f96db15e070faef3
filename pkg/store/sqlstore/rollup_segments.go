package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

var _ store.RollupSegmentStore = (*Store)(nil)

// SegmentColumn is the rollup tables' column holding a segment column's value as text (NULL
// kept). The prefix keeps it apart from the rollups' own columns (hour, n, cell, ...).
func SegmentColumn(name string) string { return "seg_" + name }

// WithRollupSegments sets the segment columns the rollups are created and rebuilt with (the
// writer reads them from the meta table, or takes a new list from `modelwatch rollup`).
func (s *Store) WithRollupSegments(segments []string) { s.segments = slices.Clone(segments) }

// CheckRollupSegments validates a list of segment columns: at most store.MaxRollupSegments
// distinct feature columns of the prediction table (base columns have their own places in the
// rollups), each with at most store.RollupSegmentCap distinct values.
func (s *Store) CheckRollupSegments(ctx context.Context, segments []string) error {
	if len(segments) > store.MaxRollupSegments {
		return fmt.Errorf("%w: at most %d segment columns, got %d (%s)", store.ErrSchema, store.MaxRollupSegments, len(segments), clipText(strings.Join(segments, ",")))
	}
	sch, err := s.Schema(ctx)
	if err != nil {
		return err
	}
	for i, name := range segments {
		if err := store.ValidIdentifier(name); err != nil {
			return fmt.Errorf("segment column: %w", err)
		}
		if slices.Contains(segments[:i], name) {
			return fmt.Errorf("%w: segment column %q is listed twice", store.ErrSchema, name)
		}
		col, ok := sch.Column(name)
		if !ok {
			return fmt.Errorf("%w: segment column %q is not a column of table %q: use one of its feature columns", store.ErrSchema, name, s.table)
		}
		if col.Role != store.RoleFeature {
			return fmt.Errorf("%w: segment column %q is a base column (%s): segments are feature columns such as a country or a plan", store.ErrSchema, name, col.Role)
		}
		b := &builder{d: s.d}
		b.write("SELECT count(*) FROM (SELECT DISTINCT ", s.col(name), s.from(), " LIMIT ", b.bind(int64(store.RollupSegmentCap+1)), ") AS mw_values")
		var n int64
		if err := s.each(ctx, "counting values of "+name, b, func(scan func(...any) error) (bool, error) { return false, scan(&n) }); err != nil {
			return err
		}
		if n > store.RollupSegmentCap {
			return fmt.Errorf("%w: segment column %q has more than %d distinct values: segments must be low-cardinality columns", store.ErrSchema, name, store.RollupSegmentCap)
		}
	}
	return nil
}

// clipText cuts a text echoed in a message to 200 characters.
func clipText(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// RollupSegments reads the segment columns recorded in the rollups' meta table: none when the
// store has no rollups, or a meta table without the segments column (built before segments).
func (s *Store) RollupSegments(ctx context.Context) ([]string, error) {
	meta := RollupTablesOf(s.table).Meta
	cols, err := s.listColumns(ctx, meta)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(cols, func(c [2]string) bool { return strings.EqualFold(c[0], "segments") }) {
		return nil, nil
	}
	b := &builder{d: s.d}
	b.write("SELECT segments FROM ", s.d.QuoteIdent(meta))
	var list sql.NullString
	err = s.each(ctx, "reading the rollups' segments", b, func(scan func(...any) error) (bool, error) { return false, scan(&list) })
	if err != nil || list.String == "" {
		return nil, err
	}
	return strings.Split(list.String, ","), nil
}

// RollupDrop returns the statements dropping every rollup table (the meta table last): a change
// of segments changes every table's key, so they are created again.
func (s *Store) RollupDrop() []Statement {
	t := RollupTablesOf(s.table)
	var out []Statement
	for _, name := range []string{t.Operations, t.Latency, t.Confusion, t.Score, t.ScoreRank, t.ScoreSums, t.Measures, t.Features, t.FeatureMoments, t.ErrorSketch, t.LabelDelaySketch, t.Meta} {
		out = append(out, Statement{SQL: "DROP TABLE IF EXISTS " + s.d.QuoteIdent(name)})
	}
	return out
}

// segmentKey is the segment columns' part of a rollup table's definition.
func (s *Store) segmentKey() string {
	var out string
	for _, name := range s.segments {
		out += s.d.QuoteIdent(SegmentColumn(name)) + " " + s.d.TextType() + ", "
	}
	return out
}

// segmentBuild returns what a rebuild statement writes for the segments: the rollup columns
// (", seg_a, seg_b"), the selected values (", CAST(a AS TEXT) AS mw_seg0, ..."), and their
// aliases (", mw_seg0, ..."), for the column list, the SELECT list and the GROUP BY.
func (s *Store) segmentBuild() (columns, values, aliases string) {
	for i, name := range s.segments {
		alias := s.freeName(fmt.Sprintf("mw_seg%d", i))
		columns += ", " + s.d.QuoteIdent(SegmentColumn(name))
		values += ", CAST(" + s.col(name) + " AS " + s.d.TextType() + ") AS " + alias
		aliases += ", " + alias
	}
	return columns, values, aliases
}

// segmentWhere writes a rollup request's segment filters, each value converted to the column's
// kind and cast to text as the rebuild cast the column, so that they select the rows the same
// filters select from raw rows. Only "=" and "in" on segment columns are allowed.
func (s *Store) segmentWhere(ctx context.Context, b *builder, req store.RollupRequest) error {
	if len(req.Filters) == 0 && req.GroupBy == "" {
		return nil
	}
	segments, err := s.RollupSegments(ctx)
	if err != nil {
		return err
	}
	if req.GroupBy != "" && !slices.Contains(segments, req.GroupBy) {
		return fmt.Errorf("%w: rollups group only by their segment columns (%s), not %q", store.ErrQueryFailed, strings.Join(segments, ", "), clipText(req.GroupBy))
	}
	sch, err := s.Schema(ctx)
	if err != nil {
		return err
	}
	for _, f := range req.Filters {
		if err := f.Check(); err != nil {
			return err
		}
		if !slices.Contains(segments, f.Column) || (f.Op != query.OpEq && f.Op != query.OpIn) {
			return fmt.Errorf("%w: rollups filter only with = or in on their segment columns (%s), not %q %s", store.ErrQueryFailed,
				strings.Join(segments, ", "), clipText(f.Column), f.Op)
		}
		col, _ := sch.Column(f.Column)
		marks := make([]string, len(f.Values))
		for i, v := range f.Values {
			cv, err := convertValue(col, v)
			if err != nil {
				return fmt.Errorf("%w: filter on %q: %v", store.ErrSchema, col.Name, err)
			}
			marks[i] = "CAST(" + b.bind(cv) + " AS " + s.d.TextType() + ")"
		}
		b.write(" AND ", s.d.QuoteIdent(SegmentColumn(f.Column)), " IN (", strings.Join(marks, ", "), ")")
	}
	return nil
}

// segmentGroup is a rollup request's group expression: the groupBy segment's column, or ”.
func (s *Store) segmentGroup(req store.RollupRequest) string {
	if req.GroupBy == "" {
		return "''"
	}
	return "coalesce(" + s.d.QuoteIdent(SegmentColumn(req.GroupBy)) + ", '')"
}
