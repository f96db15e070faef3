package engines_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/store/postgres"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// The SQL of docs/postgres.md runs as written on PostgreSQL 15 (the database named ml there is
// the test server's postgres; the labels table it grants is created first), and a data source
// over the documented table and role answers.
func TestPostgresDocsSQLRuns(t *testing.T) {
	root, err := provfiles.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "docs", "postgres.md"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for i, part := range strings.Split(string(raw), "```") {
		if i%2 == 1 && strings.HasPrefix(part, "sql\n") {
			blocks = append(blocks, strings.TrimPrefix(part, "sql\n"))
		}
	}
	if len(blocks) != 2 {
		t.Fatalf("docs/postgres.md has %d sql blocks, want the table's and the role's", len(blocks))
	}
	srv := pgserver.Start(t)
	ctx := context.Background()
	role := strings.NewReplacer("DATABASE ml", "DATABASE postgres", "PASSWORD '...'", "PASSWORD '"+pgserver.Password+"'").Replace(blocks[1])
	srv.Exec(t,
		blocks[0],
		"CREATE TABLE labels (prediction_id text, actual_label text, actual_value double precision, labeled_at timestamp)",
		role,
		"INSERT INTO predictions (prediction_id, ts, model, model_version, latency_ms) VALUES ('p1', '2026-03-02 10:00:00', 'm', 'v1', 12.5)")
	reader := strings.Replace(srv.URL, "://"+srv.Owner+":", "://modelwatch_reader:", 1)
	st, err := postgres.Open(reader, "predictions", postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.Count(ctx); err != nil || n != 1 {
		t.Fatalf("the documented role reads %d rows (%v), want 1", n, err)
	}
}
