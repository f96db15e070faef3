package sqlstore

import (
	"context"
	"fmt"

	"github.com/mlops/modelwatch/pkg/store"
)

// GroupCount counts the distinct values of the scope's GroupBy column, as the grouping
// statements see them (cast to text, null one value of its own), stopping at limit+1 so that
// a column with millions of values costs no more than finding limit+1 of them.
func (s *Store) GroupCount(ctx context.Context, req store.Scope, limit int) (int64, error) {
	if req.GroupBy == "" {
		return 0, fmt.Errorf("%w: counting groups needs a groupBy column", store.ErrSchema)
	}
	if limit <= 0 {
		return 0, fmt.Errorf("%w: counting groups needs a positive limit, not %d", store.ErrSchema, limit)
	}
	sc, err := s.scope(ctx, req)
	if err != nil {
		return 0, err
	}
	b := &builder{d: s.d}
	b.write("SELECT count(*) FROM (SELECT DISTINCT ", sc.group)
	if err := s.writeWhere(b, sc); err != nil {
		return 0, err
	}
	b.write(" LIMIT ", b.bind(int64(limit)+1), ") AS distinct_groups")
	var n int64
	err = s.each(ctx, "counting values of "+req.GroupBy, b, func(scan func(...any) error) (bool, error) { return false, scan(&n) })
	return n, err
}
