package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
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
	value := "CAST(" + s.col(col.Name) + " AS " + s.d.TextType() + ")"
	if numeric {
		value = "CAST(" + s.col(col.Name) + " AS DOUBLE PRECISION)"
	}
	b := &builder{d: s.d}
	err = s.grouped(b, sc, req.Bucket, func() { b.write(", ", value, " AS ", sc.alias.value, ", count(*)") }, "", []string{sc.alias.value}, req.MaxValues)
	if err != nil {
		return nil, err
	}
	var out []store.DistributionCount
	err = s.each(ctx, "counting values of "+col.Name, b, func(scan func(...any) error) (bool, error) {
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
		if err := scan(dest...); err != nil {
			return false, err
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
		// Past the limit is enough to know there are too many: do not read the rest.
		return req.MaxValues <= 0 || len(out) <= req.MaxValues, nil
	})
	if err != nil {
		return nil, err
	}
	if req.MaxValues > 0 && len(out) > req.MaxValues {
		return nil, fmt.Errorf("%w: column %q has more than %d distinct values in this window: drift it over a shorter range, a filter, or a rounded copy of the column",
			store.ErrSchema, col.Name, req.MaxValues)
	}
	return out, nil
}
