package engines_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// The built CLI takes a PostgreSQL URL wherever it takes a DuckDB file for query and health:
// the same numbers as from the DuckDB file (metrics the rollups answer exactly there), the password from the URL or $PGPASSWORD, and
// never printed, even when the server refuses it.
func TestCLIQueriesPostgres(t *testing.T) {
	srv := pgserver.Start(t)
	duckPath := loadGolden(t, srv)
	run := buildCLI(t)
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

// buildCLI builds the CLI for the test and returns a runner of it (extra environment, then
// arguments) giving its combined output.
func buildCLI(t *testing.T) func(env []string, args ...string) (string, error) {
	t.Helper()
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
	return func(env []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
}

// `modelwatch load --db postgres://...` loads prediction files into PostgreSQL with the loader's
// checks: the golden families loaded so answer every golden query as the DuckDB store the same
// file was loaded into; loading again skips every row; a file with a duplicate id loads nothing
// and says where; --labels is refused for PostgreSQL.
func TestCLILoadsIntoPostgres(t *testing.T) {
	srv := pgserver.Start(t)
	cli := buildCLI(t)
	const golden = "../../testdata/golden/families/predictions.csv"
	out, err := cli(nil, "load", "--db", srv.URL, "--file", golden)
	if err != nil || !strings.Contains(out, "0 already present") {
		t.Fatalf("first load: %v\n%s", err, out)
	}
	read := strings.Fields(strings.SplitN(out, ": ", 2)[1])[0]
	again, err := cli(nil, "load", "--db", srv.URL, "--file", golden)
	if err != nil || !strings.Contains(again, " 0 loaded, "+read+" already present") {
		t.Errorf("second load: %v\n%s", err, again)
	}
	dup := duplicateIDFile(t)
	if out, err := cli(nil, "load", "--db", srv.URL, "--file", dup); err == nil || !strings.Contains(out, `prediction_id "x1" appears more than once in the input (lines 2 and 4)`) {
		t.Errorf("duplicate ids: %v\n%s", err, out)
	}
	if out, err := cli(nil, "load", "--db", srv.URL, "--labels", dup); err == nil || !strings.Contains(out, "--labels loads into the embedded DuckDB store only") {
		t.Errorf("labels: %v\n%s", err, out)
	}

	duckPath := filepath.Join(t.TempDir(), "families.duckdb")
	w, err := duckdb.OpenWriter(duckPath, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.LoadFile(context.Background(), w, golden); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	duck, pg := openBoth(t, duckPath, srv)
	if n, err := pg.Count(context.Background()); err != nil || fmt.Sprint(n) != read {
		t.Fatalf("PostgreSQL holds %d rows (%v), want %s: the duplicate file must load nothing", n, err, read)
	}
	gc := goldenQueries(t)
	values := 0
	for _, c := range gc.Cases {
		values += sameFrames(t, run(t, duck, c.Query, gc.From, gc.To), run(t, pg, c.Query, gc.From, gc.To))
	}
	if values < 1000 {
		t.Errorf("only %d values compared", values)
	}
}
