package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// brokenDialect is DuckDB's dialect with a quantile function DuckDB does not have: SQL the
// plugin generates and the engine refuses, as a dialect bug would.
type brokenDialect struct{ duckdb.Dialect }

func (brokenDialect) Quantile(expr string, q float64) string { return "no_such_quantile(" + expr + ")" }

// failingEnvironment is a dialect whose every engine error is the environment's (as DuckDB's
// I/O and lock errors are).
type failingEnvironment struct{ brokenDialect }

func (failingEnvironment) Downstream(error) bool { return true }

func familiesStore(t *testing.T, d sqlstore.Dialect) *sqlstore.Store {
	t.Helper()
	raw, err := sql.Open("duckdb", writeCSV(t, "errors", familiesText(t)))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlstore.New(raw, d, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// Regression: every failure of a statement was reported as "store unavailable" (a downstream
// error), hiding plugin bugs from the plugin's own error budget. SQL the plugin generated and
// the engine refused is store.ErrQueryFailed, with the engine's message; a cancelled query is
// the context's error.
func TestStatementErrors(t *testing.T) {
	ctx := context.Background()
	measures := []store.Measure{{Kind: store.MeasureLatencyQuantile, Q: 0.5}}
	sc := store.Scope{Model: "reg"}

	_, err := familiesStore(t, brokenDialect{}).Aggregates(ctx, store.AggregateRequest{Scope: sc, Measures: measures})
	if !errors.Is(err, store.ErrQueryFailed) || errors.Is(err, store.ErrStoreIO) || !strings.Contains(err.Error(), "no_such_quantile") {
		t.Errorf("refused generated SQL: want ErrQueryFailed with the engine's message, got %v", err)
	}

	_, err = familiesStore(t, failingEnvironment{}).Aggregates(ctx, store.AggregateRequest{Scope: sc, Measures: measures})
	if !errors.Is(err, store.ErrStoreIO) || errors.Is(err, store.ErrQueryFailed) {
		t.Errorf("an error of the environment: want ErrStoreIO, got %v", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = familiesStore(t, duckdb.Dialect{}).Aggregates(cancelled, store.AggregateRequest{Scope: sc, Measures: measures})
	if !errors.Is(err, context.Canceled) || errors.Is(err, store.ErrQueryFailed) {
		t.Errorf("cancelled query: want context.Canceled and not ErrQueryFailed, got %v", err)
	}

	// Through the engine too: the sentinel survives to where statuses are chosen.
	eng := &engine.Engine{Store: familiesStore(t, brokenDialect{})}
	_, err = eng.Run(ctx, mustQuery(t, `{"schemaVersion":1,"queryType":"operations","model":"reg","format":"numeric"}`))
	if !errors.Is(err, store.ErrQueryFailed) {
		t.Errorf("engine: want ErrQueryFailed, got %v", err)
	}
}
