package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// GroupCount is exact up to the limit and stops one past it, so that a column with a value per
// row (prediction_id) costs no more than finding limit+1 of them.
func TestGroupCount(t *testing.T) {
	st := familiesStore(t, duckdb.Dialect{})
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		sc    store.Scope
		limit int
		want  int64
	}{
		{"few values: exact", store.Scope{Model: "reg", From: from, To: to, GroupBy: "segment"}, 10, 4},
		{"one value per row: stops at limit+1", store.Scope{Model: "reg", From: from, To: to, GroupBy: "prediction_id"}, 10, 11},
		// Rows without a value make a series of their own (group ""), so they count as one.
		{"rows without a value count as one value", store.Scope{Model: "reg", From: from, To: to, GroupBy: "error"}, 10, 2},
		{"within the scope only", store.Scope{Model: "multi", From: from, To: to, GroupBy: "segment"}, 10, 1},
		{"versions and filters apply", store.Scope{Model: "reg", From: from, To: to, GroupBy: "prediction_id", Versions: []string{"A"},
			Filters: []query.Filter{{Column: "segment", Op: query.OpEq, Values: []any{"north"}}}}, 100000, 971},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.GroupCount(context.Background(), tc.sc, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}
