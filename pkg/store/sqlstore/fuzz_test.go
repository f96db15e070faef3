package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// FuzzStatements: whatever the user puts in a query's values (model, versions, filter values,
// classes), statement generation does not panic, the values travel only as bound arguments,
// and the SQL text keeps one placeholder per argument.
func FuzzStatements(f *testing.F) {
	f.Add("churn", "A", "age", ">=", "40", "yes", int64(3600))
	f.Add(`x'); DROP TABLE predictions; --`, `"`, "plan", "in", `a"b`, "$1", int64(0))
	f.Add("m", "", "is_mobile", "=", "true", "", int64(1))
	f.Fuzz(func(t *testing.T, model, version, column, op, value, class string, bucketSeconds int64) {
		s := storeWithSchema(append(allColumns, "age", "plan", "is_mobile", "latency_ms", "error", "predicted_value", "actual_value")...)
		s.schema.Columns[len(s.schema.Columns)-5].Kind = store.KindDouble // age
		sc := store.Scope{
			Model: model, Versions: []string{version},
			From: time.Unix(0, 0), To: time.Unix(86400, 0),
			Filters: []query.Filter{{Column: column, Op: query.Op(op), Values: []any{value}}},
		}
		threshold := 0.5
		b, err := s.confusionStatement(context.Background(), store.ConfusionRequest{
			Scope: sc, Bucket: time.Duration(bucketSeconds%100000) * time.Second,
			Threshold: &threshold, PositiveClass: class, NegativeClass: "no",
		})
		if err != nil {
			return // invalid filters and unknown columns are refused, not generated
		}
		sql := b.String()
		for _, v := range []string{model, version, value, class} {
			if len(v) > 3 && strings.Contains(sql, v) && !strings.Contains(strings.Join(allColumns, " ")+" age plan is_mobile", v) {
				t.Fatalf("value %q appears in the SQL text:\n%s", v, sql)
			}
		}
		if n := strings.Count(sql, "$"); n < len(b.args) {
			t.Fatalf("%d placeholders for %d args:\n%s", n, len(b.args), sql)
		}
	})
}
