package engines_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/tests/internal/pgserver"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// The built CLI takes a PostgreSQL URL wherever it takes a DuckDB file for query and health:
// the same numbers as from the DuckDB file (metrics the rollups answer exactly there), the password from the URL or $PGPASSWORD, and
// never printed, even when the server refuses it.
func TestCLIQueriesPostgres(t *testing.T) {
	srv := pgserver.Start(t)
	duckPath := loadGolden(t, srv)
	root, err := provfiles.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "modelwatch")
	build := exec.Command("go", "build", "-o", bin, "./pkg/cmd/modelwatch")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./pkg/cmd/modelwatch: %v\n%s", err, out)
	}
	run := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	noPassword := strings.Replace(srv.URL, ":"+pgserver.Password+"@", "@", 1)
	q := []string{"query", "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-03T00:00:00Z", "--output", "csv", "--query",
		`{"schemaVersion":1,"queryType":"regression","model":"reg","metrics":["mae","r2","rmse"],"format":"numeric"}`}
	want, err := run(nil, append(q, "--db", duckPath)...)
	if err != nil {
		t.Fatalf("DuckDB: %v\n%s", err, want)
	}
	for name, c := range map[string]struct {
		url string
		env []string
	}{"password in the URL": {srv.URL, nil}, "password from PGPASSWORD": {noPassword, []string{"PGPASSWORD=" + pgserver.Password}}} {
		got, err := run(c.env, append(q, "--db", c.url)...)
		if err != nil || got != want {
			t.Errorf("%s: %v\n%s\nwant (DuckDB)\n%s", name, err, got, want)
		}
		out, err := run(c.env, "health", "--db", c.url)
		if err != nil || !strings.HasPrefix(out, "OK: postgres store") || strings.Contains(out, pgserver.Password) {
			t.Errorf("%s: health: %v: %s", name, err, out)
		}
	}
	out, err := run([]string{"PGPASSWORD=wrong-secret"}, "health", "--db", noPassword)
	if err == nil || !strings.Contains(out, "refused the password") || strings.Contains(out, "wrong-secret") {
		t.Errorf("wrong password: %v: %s", err, out)
	}
}
