package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// Moments sums the encoded columns and their pairwise products over a scope in one scan,
// pooled over its versions and groups: one row whatever the rows, columns^2 / 2 sums.
func (s *Store) Moments(ctx context.Context, req store.MomentsRequest) (store.Moments, error) {
	sc, err := s.scope(ctx, req.Scope)
	if err != nil {
		return store.Moments{}, err
	}
	n := len(req.Columns)
	b := &builder{d: s.d}
	b.write("SELECT CAST(count(*) AS ", s.d.BigintType(), ")")
	for i := range n {
		b.write(", sum(", z(i), ")")
	}
	for i := range n {
		for j := i; j < n; j++ {
			b.write(", sum(", z(i), " * ", z(j), ")")
		}
	}
	b.write(" FROM (")
	if err := s.encodedRows(b, sc, 0, req.Columns); err != nil {
		return store.Moments{}, err
	}
	b.write(") AS mw_rows")
	out := store.Moments{Sums: make([]float64, n), Products: make([]float64, n*(n+1)/2)}
	sums := make([]sql.NullFloat64, n+len(out.Products))
	dest := []any{&out.Rows}
	for i := range sums {
		dest = append(dest, &sums[i])
	}
	err = s.each(ctx, "summing encoded features", b, func(scan func(...any) error) (bool, error) {
		return false, scan(dest...)
	})
	for i, v := range sums { // null without rows: the sums are 0
		if i < n {
			out.Sums[i] = v.Float64
		} else {
			out.Products[i-n] = v.Float64
		}
	}
	return out, err
}

// Residuals measures each row's distance from the span of the basis, in SQL over nested
// selects (encode, project on each basis vector, subtract), and returns per bucket, version
// and group the count, sum and sum of squares of those distances: columns x basis vectors x 2
// products a row, O(series x buckets) rows back.
func (s *Store) Residuals(ctx context.Context, req store.ResidualRequest) ([]store.ResidualRow, error) {
	sc, err := s.scope(ctx, req.Scope)
	if err != nil {
		return nil, err
	}
	n := len(req.Columns)
	for i, v := range req.Basis {
		if len(v) != n || slices.ContainsFunc(v, nonFinite) {
			return nil, fmt.Errorf("%w: basis vector %d needs %d finite numbers, one per column", store.ErrSchema, i, n)
		}
	}
	keys := "mw_b, mw_v, mw_g"
	squares := make([]string, n)
	for i := range n {
		squares[i] = e(i) + " * " + e(i)
	}
	norm2 := strings.Join(squares, " + ")
	if n == 0 {
		norm2 = "0.0"
	}
	b := &builder{d: s.d}
	b.write("SELECT ", keys, ", CAST(count(*) AS ", s.d.BigintType(), "), sum(sqrt(", norm2, ")), sum(", norm2, ") FROM (")
	// The residual's components: each column minus its projection on the span.
	b.write("SELECT ", keys)
	for i := range n {
		b.write(", ", z(i))
		for k, v := range req.Basis {
			b.write(" - ", s.number(b, v[i]), " * mw_p", strconv.Itoa(k))
		}
		b.write(" AS ", e(i))
	}
	b.write(" FROM (")
	// The coordinates on each basis vector, beside the encoded columns.
	b.write("SELECT ", keys)
	for i := range n {
		b.write(", ", z(i))
	}
	for k, v := range req.Basis {
		b.write(", ")
		for i := range n {
			if i > 0 {
				b.write(" + ")
			}
			b.write(s.number(b, v[i]), " * ", z(i))
		}
		b.write(" AS mw_p", strconv.Itoa(k))
	}
	b.write(" FROM (")
	if err := s.encodedRows(b, sc, req.Bucket, req.Columns); err != nil {
		return nil, err
	}
	b.write(") AS mw_rows) AS mw_projected) AS mw_residuals GROUP BY ", keys)
	if req.Bucket > 0 {
		b.write(" ORDER BY mw_b")
	}
	var out []store.ResidualRow
	var (
		micros   int64
		ver, grp sql.NullString
		sum, ssq sql.NullFloat64
		r        store.ResidualRow
	)
	err = s.each(ctx, "measuring reconstruction errors", b, func(scan func(...any) error) (bool, error) {
		if err := scan(&micros, &ver, &grp, &r.Rows, &sum, &ssq); err != nil {
			return false, err
		}
		r.Version, r.Group, r.Sum, r.SumSquares = ver.String, grp.String, sum.Float64, ssq.Float64
		if req.Bucket > 0 {
			r.Bucket = time.UnixMicro(micros).UTC()
		}
		out = append(out, r)
		return true, nil
	})
	return out, err
}

// encodedRows writes the select every encoded statement reads from: each row's bucket (epoch
// microseconds, or 0), version (” when the scope combines versions) and group as mw_b, mw_v
// and mw_g, and its encoded columns as mw_z0, mw_z1, ..., FROM the table WHERE the scope holds.
// Names are checked against the schema; categories and numbers are bound where they appear.
func (s *Store) encodedRows(b *builder, sc scoped, bucket time.Duration, cols []store.EncodedColumn) error {
	version := sc.version
	if sc.sc.CombineVersions {
		version = "CAST('' AS " + s.d.TextType() + ")"
	}
	b.write("SELECT ", s.bucket(b, sc, bucket), " AS mw_b, ", version, " AS mw_v, ", sc.group, " AS mw_g")
	for i, c := range cols {
		col, ok := sc.sch.Column(c.Column)
		if !ok {
			return sc.sch.Require(c.Column)
		}
		x, err := s.encoded(b, col, c)
		if err != nil {
			return err
		}
		b.write(", ", x, " AS ", z(i))
	}
	return s.writeWhere(b, sc)
}

// encoded is one column's encoding (store.EncodedColumn), binding its values.
func (s *Store) encoded(b *builder, col store.Column, c store.EncodedColumn) (string, error) {
	if len(c.Categories) != len(c.Codes) {
		return "", fmt.Errorf("%w: feature %q has %d categories and %d codes", store.ErrSchema, c.Column, len(c.Categories), len(c.Codes))
	}
	if len(c.Categories) > store.MaxEncodedCategories {
		return "", fmt.Errorf("%w: feature %q has %d categories, at most %d are encoded", store.ErrSchema, c.Column, len(c.Categories), store.MaxEncodedCategories)
	}
	finite := []float64{c.Fill, c.Center, c.Scale}
	if slices.ContainsFunc(append(finite, c.Codes...), nonFinite) || c.Scale == 0 {
		return "", fmt.Errorf("%w: feature %q has fill %v, center %v and scale %v: an encoding needs finite numbers and a scale other than 0",
			store.ErrSchema, c.Column, c.Fill, c.Center, c.Scale)
	}
	q := s.col(col.Name)
	var value string
	switch col.Kind {
	case store.KindDouble, store.KindInteger:
		if len(c.Categories) > 0 {
			return "", fmt.Errorf("%w: feature %q is %s: a number column is not encoded by category", store.ErrSchema, c.Column, col.Kind)
		}
		// A CASE rather than coalesce: ClickHouse 18.16 refuses coalesce with a Nullable constant.
		value = "CASE WHEN " + q + " IS NULL THEN " + s.number(b, c.Fill) + " ELSE CAST(" + q + " AS " + s.d.DoubleType() + ") END"
	case store.KindText, store.KindBoolean:
		var sb strings.Builder
		sb.WriteString("CASE WHEN " + q + " IS NULL THEN " + s.number(b, c.Fill))
		text := "CAST(" + q + " AS " + s.d.TextType() + ")"
		for i, cat := range c.Categories {
			sb.WriteString(" WHEN " + text + " = " + b.bind(cat) + " THEN " + s.number(b, c.Codes[i]))
		}
		sb.WriteString(" ELSE CAST(0 AS " + s.d.DoubleType() + ") END")
		value = sb.String()
	default:
		return "", fmt.Errorf("%w: feature %q is %s: only numbers, text and booleans are encoded", store.ErrSchema, c.Column, col.Kind)
	}
	return "((" + value + " - " + s.number(b, c.Center) + ") / " + s.number(b, c.Scale) + ")", nil
}

// number binds a finite number as a double (a bare placeholder could be typed as an exact
// numeric by PostgreSQL, whose arithmetic is slower).
func (s *Store) number(b *builder, v float64) string {
	return "CAST(" + b.bind(v) + " AS " + s.d.DoubleType() + ")"
}

func nonFinite(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

func z(i int) string { return "mw_z" + strconv.Itoa(i) }
func e(i int) string { return "mw_e" + strconv.Itoa(i) }
