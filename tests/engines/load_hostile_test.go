package engines_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/store/postgres"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
)

// A file loaded into PostgreSQL is hostile or huge at worst: a column name carrying SQL is
// refused before anything runs (the table stays as it was), and text carrying SQL or a 1 MiB
// value is stored verbatim as a bound value.
func TestPostgresLoadOfHostileAndHugeValues(t *testing.T) {
	srv := pgserver.Start(t)
	ctx := context.Background()
	write := testFiles(t)
	w, err := postgres.OpenWriter(ctx, srv.URL, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	evil := `'); DROP TABLE predictions; --`
	huge := strings.Repeat("x", 1<<20)
	good := write("good.csv", "prediction_id,ts,model,model_version,note\n"+
		"p1,2026-03-01T00:00:00Z,m,A,\""+strings.ReplaceAll(evil, `"`, `""`)+"\"\n"+
		"p2,2026-03-01T00:00:01Z,m,A,"+huge+"\n")
	if _, err := ingest.LoadFile(ctx, w, good); err != nil {
		t.Fatal(err)
	}
	requireHostileHeaderRefused(t, w, write)

	conn, err := pgx.Connect(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	got := map[string]string{}
	rows, err := conn.Query(ctx, "SELECT prediction_id, note FROM predictions")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, note string
		if err := rows.Scan(&id, &note); err != nil {
			t.Fatal(err)
		}
		got[id] = note
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(got) != 2 || got["p1"] != evil || got["p2"] != huge {
		t.Errorf("stored %d rows; p1 %q, p2 %d bytes: want the text verbatim and p3 refused", len(got), got["p1"], len(got["p2"]))
	}
}

// testFiles returns a writer of files into a temporary directory of the test, giving each path.
func testFiles(t *testing.T) func(name, body string) string {
	t.Helper()
	dir := t.TempDir()
	return func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// requireHostileHeaderRefused loads a file whose column name carries SQL and requires the loader
// to refuse its header before anything runs.
func requireHostileHeaderRefused(t *testing.T, w ingest.Writer, write func(name, body string) string) {
	t.Helper()
	bad := write("bad.csv", "prediction_id,ts,model,model_version,\"x; DROP TABLE predictions; --\"\np3,2026-03-01T00:00:02Z,m,A,1\n")
	if _, err := ingest.LoadFile(context.Background(), w, bad); err == nil || !strings.Contains(err.Error(), "header") {
		t.Fatalf("a hostile column name: %v, want the header refused", err)
	}
}

// duplicateIDFile is a predictions file holding prediction_id x1 on its lines 2 and 4.
func duplicateIDFile(t *testing.T) string {
	t.Helper()
	return testFiles(t)("dup.csv", "prediction_id,ts,model,model_version\nx1,2026-03-01T00:00:00Z,m,A\nx2,2026-03-01T00:00:01Z,m,A\nx1,2026-03-01T00:00:02Z,m,A\n")
}
