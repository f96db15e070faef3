package sqlstore

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// testDialect spells placeholders and quotes distinctly so that the tests can see them.
type testDialect struct{}

func (testDialect) Name() string                        { return "test" }
func (testDialect) TextType() string                    { return "TEXT" }
func (testDialect) DoubleType() string                  { return "DOUBLE PRECISION" }
func (testDialect) BigintType() string                  { return "BIGINT" }
func (testDialect) NaN() string                         { return "CAST('NaN' AS DOUBLE PRECISION)" }
func (testDialect) EpochSeconds(e string) string        { return "epoch(" + e + ")" }
func (testDialect) Quantile(e string, _ float64) string { return "quantile(" + e + ")" }
func (testDialect) Placeholder(n int) string            { return "$" + strconv.Itoa(n) }
func (testDialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
func (testDialect) BucketMicros(col, width string) string {
	return "bucket(" + col + ", " + width + ")"
}
func (testDialect) ColumnsQuery() string   { return "" }
func (testDialect) Downstream(error) bool  { return false }
func (testDialect) Kind(string) store.Kind { return store.KindText }

func storeWithSchema(cols ...string) *Store {
	sch := store.Schema{Table: "predictions"}
	for _, c := range cols {
		sch.Columns = append(sch.Columns, store.Column{Name: c, Role: store.RoleOf(c)})
	}
	return &Store{d: testDialect{}, table: "predictions", schema: &sch}
}

var allColumns = []string{"prediction_id", "ts", "model", "model_version", "predicted_label", "score", "actual_label"}

func TestConfusionStatement(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(24 * time.Hour)
	threshold := 0.5
	hostile := `x'); DROP TABLE predictions; --`
	cases := []struct {
		name     string
		req      store.ConfusionRequest
		wantSQL  []string
		notSQL   []string
		wantArgs int
	}{
		{
			name:     "whole range, logged labels: no bucket in GROUP BY (a literal 0 would be read as a position)",
			req:      store.ConfusionRequest{Scope: store.Scope{Model: "m", From: from, To: to}},
			wantSQL:  []string{`SELECT 0 AS mw_bucket`, `FROM "predictions"`, `"predicted_label" AS mw_predicted`, `GROUP BY "model_version", mw_group, "actual_label", mw_predicted`},
			notSQL:   []string{"bucket(", "score", "mw_bucket\n"},
			wantArgs: 3,
		},
		{
			name:     "buckets and threshold: predicted class derived from score, all values bound",
			req:      store.ConfusionRequest{Scope: store.Scope{Model: "m", From: from, To: to}, Bucket: time.Hour, Threshold: &threshold, PositiveClass: "churn", NegativeClass: "stay"},
			wantSQL:  []string{`bucket("ts", $1)`, `CASE WHEN isnan(CAST("score" AS DOUBLE PRECISION)) THEN 1.0 ELSE least(greatest(CAST("score" AS DOUBLE PRECISION), 0.0), 1.0) END >= $2 THEN $3 ELSE $4`, `"model" = $5`, `GROUP BY "model_version", mw_group, "actual_label", mw_predicted, mw_bucket`},
			notSQL:   []string{"churn", "stay", "0.5"},
			wantArgs: 7,
		},
		{
			name:     "versions become an IN list of placeholders",
			req:      store.ConfusionRequest{Scope: store.Scope{Model: "m", From: from, To: to, Versions: []string{"A", "B"}}},
			wantSQL:  []string{`"model_version" IN ($4, $5)`},
			wantArgs: 5,
		},
		{
			// Regression: user-supplied names must only ever travel as bound values.
			name:     "hostile model and version names stay out of the SQL text",
			req:      store.ConfusionRequest{Scope: store.Scope{Model: hostile, From: from, To: to, Versions: []string{hostile}}},
			notSQL:   []string{"DROP TABLE", "x')"},
			wantArgs: 4,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := storeWithSchema(allColumns...).confusionStatement(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			sql := b.String()
			for _, w := range tc.wantSQL {
				if !strings.Contains(sql, w) {
					t.Errorf("SQL lacks %q:\n%s", w, sql)
				}
			}
			for _, w := range tc.notSQL {
				if strings.Contains(sql, w) {
					t.Errorf("SQL must not contain %q:\n%s", w, sql)
				}
			}
			if len(b.args) != tc.wantArgs {
				t.Errorf("got %d args %v, want %d", len(b.args), b.args, tc.wantArgs)
			}
			if tc.req.Scope.Model == hostile && !slices.Contains(b.args, any(hostile)) {
				t.Errorf("hostile model name should be a bound argument, args %v", b.args)
			}
		})
	}
}

func TestConfusionStatementNamesMissingColumns(t *testing.T) {
	s := storeWithSchema("prediction_id", "ts", "model", "model_version", "actual_label")
	_, err := s.confusionStatement(context.Background(), store.ConfusionRequest{Scope: store.Scope{Model: "m"}, Threshold: new(float64)})
	if err == nil || !strings.Contains(err.Error(), "no column score") {
		t.Fatalf("want an error naming the missing score column, got %v", err)
	}
}

func TestNewRefusesBadTableNames(t *testing.T) {
	for _, name := range []string{"", "1abc", `p"x`, "a b", "p;drop"} {
		if _, err := New(nil, testDialect{}, name); err == nil {
			t.Errorf("table %q: want an error", name)
		}
	}
}
