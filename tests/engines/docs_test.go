package engines_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/store/clickhouse"
	"github.com/mlops/modelwatch/pkg/store/postgres"
	"github.com/mlops/modelwatch/tests/internal/chserver"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// The SQL of docs/postgres.md runs as written on PostgreSQL 15 (the database named ml there is
// the test server's postgres; the labels table it grants is created first), and a data source
// over the documented table and role answers.
func TestPostgresDocsSQLRuns(t *testing.T) {
	blocks := docBlocks(t, "postgres.md")["sql"]
	if len(blocks) != 3 {
		t.Fatalf("docs/postgres.md has %d sql blocks, want the table's, the reader's and the loader's", len(blocks))
	}
	srv := pgserver.Start(t)
	ctx := context.Background()
	asHere := strings.NewReplacer("DATABASE ml", "DATABASE postgres", "PASSWORD '...'", "PASSWORD '"+pgserver.Password+"'")
	srv.Exec(t,
		blocks[0],
		"CREATE TABLE labels (prediction_id text, actual_label text, actual_value double precision, labeled_at timestamp)",
		asHere.Replace(blocks[1]),
		asHere.Replace(blocks[2]),
		"INSERT INTO predictions (prediction_id, ts, model, model_version, latency_ms) VALUES ('p1', '2026-03-02 10:00:00', 'm', 'v1', 12.5)")
	as := func(role string) string { return strings.Replace(srv.URL, "://"+srv.Owner+":", "://"+role+":", 1) }
	st, err := postgres.Open(as("modelwatch_reader"), "predictions", postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.Count(ctx); err != nil || n != 1 {
		t.Fatalf("the documented role reads %d rows (%v), want 1", n, err)
	}

	// The documented loader builds the rollups (with the labels table joined), and the reader
	// may read them.
	w, err := postgres.OpenWriter(ctx, as("modelwatch_loader"), "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.RebuildRollups(ctx, "labels"); err != nil {
		t.Fatalf("the documented loader builds no rollups: %v", err)
	}
	if err := st.WithLabels("labels"); err != nil {
		t.Fatal(err)
	}
	if usable, reason, err := st.Rollups(ctx); err != nil || !usable {
		t.Errorf("the documented reader cannot read the loader's rollups: %s %v", reason, err)
	}
}

// The SQL of docs/clickhouse.md runs as written: the one-server table on ClickHouse 18.16, the
// cluster's tables on each shard of a two-shard cluster, and the TTL of current releases on the
// one chDB embeds (after the table); a data source over each documented table answers.
func TestClickHouseDocsSQLRuns(t *testing.T) {
	blocks := docBlocks(t, "clickhouse.md")
	if len(blocks["sql"]) != 2 || len(blocks["sql current"]) != 1 {
		t.Fatalf("docs/clickhouse.md has %d sql and %d sql current blocks, want the table's and the cluster's, and the TTL", len(blocks["sql"]), len(blocks["sql current"]))
	}
	statements := func(block string) []string {
		var out []string
		for _, s := range strings.Split(block, ";") {
			if strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
		return out
	}
	one := chserver.Start(t)
	one.Exec(t, statements(blocks["sql"][0])...)
	cluster := chserver.StartCluster(t, 2)
	for _, s := range cluster {
		s.Exec(t, statements(strings.ReplaceAll(blocks["sql"][1], "Distributed(modelwatch,", "Distributed("+chserver.Cluster+","))...)
	}
	for _, s := range []*chserver.Server{one, cluster[0]} {
		s.Exec(t, "INSERT INTO predictions (prediction_id, ts, model, model_version, latency_ms) SELECT 'p1', toDateTime('2026-03-02 10:00:00', 'UTC'), 'm', 'v1', 12.5")
		st, err := clickhouse.Open(clickhouse.Options{Address: s.Addr, Database: "default", User: chserver.User, Password: chserver.Password}, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		if n, err := st.Count(context.Background()); err != nil || n != 1 {
			t.Errorf("%s: the documented table holds %d rows (%v), want 1", s.Addr, n, err)
		}
		_ = st.Close()
	}
	script := "from chdb import session\ns = session.Session()\n"
	for _, q := range append(statements(blocks["sql"][0]), blocks["sql current"][0]) {
		script += fmt.Sprintf("s.query(%q)\n", q)
	}
	script += "print(s.query(\"SELECT count() FROM system.tables WHERE name = 'predictions'\", 'TabSeparated'))\n"
	if out, err := exec.Command("python3", "-c", script).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Errorf("the TTL on the current release: %v\n%s", err, out)
	}
}

// docBlocks reads the fenced code blocks of a file of docs/, by their info string ("sql",
// "sql current", ...), in order.
func docBlocks(t *testing.T, name string) map[string][]string {
	t.Helper()
	root, err := provfiles.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "docs", name))
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string][]string{}
	for i, part := range strings.Split(string(raw), "```") {
		if i%2 == 1 {
			info, body, _ := strings.Cut(part, "\n")
			blocks[info] = append(blocks[info], body)
		}
	}
	return blocks
}
