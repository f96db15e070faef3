package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// scoped is a scope turned into SQL pieces over validated, quoted columns.
type scoped struct {
	sc          store.Scope
	ts, version string
	model       string
	// group is the grouping expression, or a constant empty string when not grouping.
	group string
	// weight is the sample weight as a double, or "" when the scope has none.
	weight string
	sch    store.Schema
	alias  aliases
}

// aliases name a statement's computed output columns. GROUP BY names them instead of repeating
// expressions (which would repeat their bound values). Engines resolve a GROUP BY name to a
// table column before a select-list alias, so an alias equal to a user's column would group by
// that column instead: each alias is picked among names no column of the queried tables has.
type aliases struct {
	bucket, group, predicted, value, score, version string
}

// aliases picks the statement aliases, free of the tables' column names.
func (s *Store) aliases() aliases {
	return aliases{
		bucket:    s.freeName("mw_bucket"),
		group:     s.freeName("mw_group"),
		predicted: s.freeName("mw_predicted"),
		value:     s.freeName("mw_value"),
		score:     s.freeName("mw_score"),
		version:   s.freeName("mw_version"),
	}
}

// freeName returns base, or base_2, base_3, ... : the first that no column of the prediction
// or labels table has, compared without case (engines fold unquoted names; DuckDB also
// quoted ones). The candidates are plain lower-case identifiers, safe to write unquoted.
func (s *Store) freeName(base string) string {
	name := base
	for i := 2; s.taken[name]; i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	return name
}

// scope checks a scope's columns against the schema and returns the quoted pieces.
func (s *Store) scope(ctx context.Context, sc store.Scope) (scoped, error) {
	cols, err := s.columns(ctx, store.ColTS, store.ColModel, store.ColModelVersion)
	if err != nil {
		return scoped{}, err
	}
	sch, err := s.Schema(ctx)
	if err != nil {
		return scoped{}, err
	}
	out := scoped{sc: sc, ts: cols[0], model: cols[1], version: cols[2], group: "''", sch: sch, alias: s.aliases()}
	for _, f := range sc.Filters {
		if err := f.Check(); err != nil {
			return scoped{}, err
		}
		if err := sch.Require(f.Column); err != nil {
			return scoped{}, err
		}
	}
	if sc.GroupBy != "" {
		if err := store.ValidIdentifier(sc.GroupBy); err != nil {
			return scoped{}, err
		}
		if err := sch.Require(sc.GroupBy); err != nil {
			return scoped{}, err
		}
		out.group = "CAST(" + s.col(sc.GroupBy) + " AS " + s.d.TextType() + ")"
	}
	if sc.Weight != "" {
		if err := s.weightColumn(sch, sc.Weight); err != nil {
			return scoped{}, err
		}
		out.weight = "CAST(" + s.col(sc.Weight) + " AS " + s.d.DoubleType() + ")"
	}
	return out, nil
}

// weightColumn checks the column a scope's sample weights come from: a number column of the
// table that is no base column (a prediction, a truth or the score is not a weight).
func (s *Store) weightColumn(sch store.Schema, name string) error {
	if err := store.ValidIdentifier(name); err != nil {
		return err
	}
	c, ok := sch.Column(name)
	switch {
	case !ok:
		return sch.Require(name)
	case c.Kind != store.KindDouble && c.Kind != store.KindInteger:
		return fmt.Errorf("%w: weight column %q holds %s: sample weights are numbers", store.ErrSchema, name, c.Kind)
	case store.RoleOf(name) != store.RoleFeature:
		return fmt.Errorf("%w: %q is a base column (%s), not sample weights: name a number column of its own, e.g. weight", store.ErrSchema, name, store.RoleOf(name))
	}
	return nil
}

// weighted is a sum's term times the row's sample weight, when the scope has weights.
func (sc scoped) weighted(term string) string {
	if sc.weight == "" {
		return term
	}
	return sc.weight + " * (" + term + ")"
}

// weightedCount counts the rows where cond holds as a double, or with sample weights sums
// their weights.
func (sc scoped) weightedCount(d Dialect, cond string) string {
	if sc.weight == "" {
		return "CAST(" + countIf(d, cond) + " AS " + d.DoubleType() + ")"
	}
	return "sum(CASE WHEN " + cond + " THEN " + sc.weight + " END)"
}

// count is the statement's count of rows, or with sample weights their sum.
func (sc scoped) count() string {
	if sc.weight == "" {
		return "count(*)"
	}
	return "sum(" + sc.weight + ")"
}

// bucket is the bucket expression of a request: its start in epoch microseconds, or 0.
func (s *Store) bucket(b *builder, sc scoped, width time.Duration) string {
	if width <= 0 {
		return "0"
	}
	return s.d.BucketMicros(sc.ts, b.bind(width.Microseconds()))
}

// grouped writes the statement shape every counting request shares: SELECT the bucket, version
// and group, then the request's own expressions (written by selectList, which may bind values),
// FROM the table WHERE the scope holds and the extra condition (if any), GROUP BY version,
// group, the extra keys and the bucket, and at most limit+1 rows when limit is positive (one
// more than allowed tells "too many" from "exactly the limit").
func (s *Store) grouped(b *builder, sc scoped, bucket time.Duration, selectList func(), extraWhere string, keys []string, limit int) error {
	version, versionKey := sc.version, sc.version
	if sc.sc.CombineVersions {
		// One series of every selected version: a constant version, grouped by its alias.
		version, versionKey = "CAST('' AS "+s.d.TextType()+") AS "+sc.alias.version, sc.alias.version
	}
	b.write("SELECT ", s.bucket(b, sc, bucket), " AS ", sc.alias.bucket, ", ", version, ", ", sc.group, " AS ", sc.alias.group)
	selectList()
	if err := s.writeWhere(b, sc); err != nil {
		return err
	}
	if extraWhere != "" {
		b.write(" AND ", extraWhere)
	}
	groups := append([]string{versionKey, sc.alias.group}, keys...)
	if bucket > 0 {
		groups = append(groups, sc.alias.bucket)
	}
	b.write(" GROUP BY ", strings.Join(groups, ", "))
	if limit > 0 {
		b.write(" LIMIT ", b.bind(int64(limit+1)))
	}
	return nil
}

// writeWhere writes "FROM table WHERE ..." binding the scope's values. Filter values are
// converted to the column's kind, so that "40" from a template variable compares as a number.
func (s *Store) writeWhere(b *builder, sc scoped) error { return s.writeWhereJoined(b, sc, "") }

// writeWhereJoined is writeWhere with a clause between FROM and WHERE (ClickHouse's ARRAY JOIN).
func (s *Store) writeWhereJoined(b *builder, sc scoped, join string) error {
	where := []string{
		sc.model + " = " + b.bind(sc.sc.Model),
		sc.ts + " >= " + b.bindTime(sc.sc.From),
		sc.ts + " < " + b.bindTime(sc.sc.To),
	}
	if len(sc.sc.Versions) > 0 {
		where = append(where, b.in(sc.version, sc.sc.Versions))
	}
	if sc.weight != "" {
		where = append(where, sc.weight+" IS NOT NULL")
	}
	for _, f := range sc.sc.Filters {
		col, _ := sc.sch.Column(f.Column)
		cond, err := s.filter(b, col, f)
		if err != nil {
			return err
		}
		where = append(where, cond)
	}
	b.write(s.from(), join, " WHERE ", strings.Join(where, " AND "))
	return nil
}

func (s *Store) filter(b *builder, col store.Column, f query.Filter) (string, error) {
	q := s.col(col.Name)
	marks := make([]string, len(f.Values))
	for i, v := range f.Values {
		cv, err := convertValue(col, v)
		if err != nil {
			return "", fmt.Errorf("%w: filter on %q: %v", store.ErrSchema, col.Name, err)
		}
		marks[i] = b.bind(cv)
	}
	switch f.Op {
	case query.OpIn:
		return q + " IN (" + strings.Join(marks, ", ") + ")", nil
	case query.OpNotIn:
		return q + " NOT IN (" + strings.Join(marks, ", ") + ")", nil
	case query.OpNe:
		return q + " <> " + marks[0], nil
	}
	return q + " " + string(f.Op) + " " + marks[0], nil
}

// convertValue turns a filter value into the column's Go type.
func convertValue(col store.Column, v any) (any, error) {
	s, isString := v.(string)
	switch col.Kind {
	case store.KindText:
		if isString {
			return s, nil
		}
		return fmt.Sprint(v), nil
	case store.KindDouble:
		switch x := v.(type) {
		case float64:
			return x, nil
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a number (column %s is %s)", x, col.Name, col.Kind)
			}
			return f, nil
		}
	case store.KindInteger:
		switch x := v.(type) {
		case float64:
			if x != float64(int64(x)) {
				return nil, fmt.Errorf("%v is not an integer (column %s is %s)", x, col.Name, col.Kind)
			}
			return int64(x), nil
		case string:
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not an integer (column %s is %s)", x, col.Name, col.Kind)
			}
			return n, nil
		}
	case store.KindBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			b, err := strconv.ParseBool(strings.TrimSpace(x))
			if err != nil {
				return nil, fmt.Errorf("%q is not a boolean (column %s is %s)", x, col.Name, col.Kind)
			}
			return b, nil
		}
	case store.KindTimestamp:
		if isString {
			t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("%q is not an RFC 3339 timestamp (column %s is %s)", s, col.Name, col.Kind)
			}
			return t.UTC(), nil
		}
	}
	return nil, fmt.Errorf("%v (%T) does not fit column %s of kind %s", v, v, col.Name, col.Kind)
}
