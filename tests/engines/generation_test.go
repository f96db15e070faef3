package engines_test

import (
	"context"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store/postgres"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
)

// A PostgreSQL store's generation (what the catalog of versions and classes is cached under)
// comes from the server's statistics, not a count(*) of the table, and changes after rows are
// written, so that a query sees a new version within seconds (up to about 10 seconds for a
// writer's session that stays open: PostgreSQL publishes an idle session's statistics that
// often).
func TestPostgresGenerationChangesWithWrites(t *testing.T) {
	srv := pgserver.Start(t)
	loadGolden(t, srv)
	ctx := context.Background()
	st, err := postgres.Open(srv.URL, "predictions", postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	waitChange := func(before string) string {
		t.Helper()
		for range 300 { // the server publishes a session's statistics when it ends
			got, err := st.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != before {
				return got
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("the generation stayed %q after a write", before)
		return ""
	}
	first, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first == "rows=0 labels=0" {
		// The copy's statistics may not be published yet.
		first = waitChange(first)
	}
	// Each write from a session of its own (Exec): a session publishes its statistics when it
	// ends (an idle one only every 10 seconds), as a loader's batch does.
	srv.Exec(t, "INSERT INTO predictions (prediction_id, ts, model, model_version) VALUES ('new', '2026-03-02 10:00:00', 'reg', 'D')")
	second := waitChange(first)
	srv.Exec(t, "DELETE FROM predictions WHERE prediction_id = 'new'")
	waitChange(second)
}
