package sqlstore_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// The store's generation is what the engine keys its catalog (versions, classes, rollup state)
// by: it must stay put while nothing is loaded and change with every load of predictions and
// every rollup build, or a new version stays invisible (or a stale rollup state is trusted).
func TestGenerationChangesWithLoadsAndRollupBuilds(t *testing.T) {
	path := rolledUpStore(t)
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := sqlstore.New(db, duckdb.Dialect{}, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	generation := func() string {
		t.Helper()
		g, err := st.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	first := generation()
	if again := generation(); again != first {
		t.Fatalf("generation moved from %q to %q with no load", first, again)
	}
	if _, err := db.Exec(`INSERT INTO predictions (prediction_id, ts, model, model_version) VALUES ('p3', '2026-03-01 03:00:00', 'm', 'C')`); err != nil {
		t.Fatal(err)
	}
	loaded := generation()
	if loaded == first {
		t.Fatalf("generation %q did not change when a prediction was loaded", loaded)
	}
	meta := sqlstore.RollupTablesOf("predictions").Meta
	if _, err := db.Exec(`UPDATE "` + meta + `" SET source_rows = source_rows + 1`); err != nil {
		t.Fatal(err)
	}
	if rebuilt := generation(); rebuilt == loaded {
		t.Fatalf("generation %q did not change when the rollups' state did", rebuilt)
	}
}
