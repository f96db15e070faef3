package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// Distribution counts rows per distinct value of a feature column (nulls included) per bucket,
// version and group: O(rows) in the engine, O(distinct values) returned.
func (s *Store) Distribution(ctx context.Context, req store.DistributionRequest) ([]store.DistributionCount, error) {
	sc, err := s.scope(ctx, req.Scope)
	if err != nil {
		return nil, err
	}
	col, ok := sc.sch.Column(req.Column)
	if !ok {
		return nil, sc.sch.Require(req.Column)
	}
	numeric := col.Kind == store.KindDouble || col.Kind == store.KindInteger
	value := "CAST(" + s.d.QuoteIdent(col.Name) + " AS " + s.d.TextType() + ")"
	if numeric {
		value = "CAST(" + s.d.QuoteIdent(col.Name) + " AS DOUBLE PRECISION)"
	}
	b := &builder{d: s.d}
	b.write("SELECT ", s.bucket(b, sc, req.Bucket), " AS ", aliasBucket, ", ", sc.version, ", ", sc.group, " AS ", aliasGroup,
		", ", value, " AS mw_value, count(*)")
	if err := s.writeWhere(b, sc); err != nil {
		return nil, err
	}
	groups := []string{sc.version, aliasGroup, "mw_value"}
	if req.Bucket > 0 {
		groups = append(groups, aliasBucket)
	}
	b.write(" GROUP BY ", strings.Join(groups, ", "))
	if req.MaxValues > 0 {
		// One more than allowed tells "too many" from "exactly the limit".
		b.write(" LIMIT ", b.bind(int64(req.MaxValues+1)))
	}
	rows, err := s.db.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return nil, s.queryErr(ctx, "counting values of "+col.Name, err)
	}
	defer rows.Close()
	var out []store.DistributionCount
	for rows.Next() {
		var (
			micros   int64
			ver, grp sql.NullString
			num      sql.NullFloat64
			text     sql.NullString
			n        int64
		)
		dest := []any{&micros, &ver, &grp, &text, &n}
		if numeric {
			dest[3] = &num
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, s.queryErr(ctx, "reading values of "+col.Name, err)
		}
		c := store.DistributionCount{Version: ver.String, Group: grp.String, Count: n}
		if req.Bucket > 0 {
			c.Bucket = time.UnixMicro(micros).UTC()
		}
		if numeric {
			c.Null, c.Number = !num.Valid, num.Float64
		} else {
			c.Null, c.Text = !text.Valid, text.String
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.queryErr(ctx, "reading values of "+col.Name, err)
	}
	if req.MaxValues > 0 && len(out) > req.MaxValues {
		return nil, fmt.Errorf("%w: column %q has more than %d distinct values in this window: drift it over a shorter range, a filter, or a rounded copy of the column",
			store.ErrSchema, col.Name, req.MaxValues)
	}
	return out, nil
}
