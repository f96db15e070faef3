package engines_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/store/clickhouse"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
	"github.com/mlops/modelwatch/tests/internal/chserver"
)

// Every statement the golden families, the estimation and multivariate queries and the provisioned
// dashboards send to ClickHouse 18.16
// also runs, with the same answer, on the current release that chDB embeds (pip install
// chdb): the generated SQL keeps to what both accept.
func TestGeneratedSQLRunsOnTheCurrentClickHouse(t *testing.T) {
	gc := goldenQueries(t)
	golden := chserver.Start(t)
	chserver.CopyTable(t, goldenStore(t), "predictions", []*chserver.Server{golden})
	st := openClickHouse(t, golden)
	for _, c := range gc.Cases {
		run(t, st, c.Query, gc.From, gc.To)
	}
	for _, q := range append(estimationQueries, multivariateQueries...) {
		run(t, st, []byte(q.json), gc.From, gc.To)
	}
	replayOnCurrent(t, golden, 50)

	duckPath := demoStore(t)
	wholeSeconds(t, duckPath)
	dashboards := chserver.Start(t)
	chserver.CopyTable(t, duckPath, "predictions", []*chserver.Server{dashboards})
	st = openClickHouse(t, dashboards)
	if err := st.WithOutcomes([]string{demo.OutcomeColumn}); err != nil {
		t.Fatal(err)
	}
	for _, dt := range dashboardTargets(t) {
		runWindow(t, st, dt.json, dt.window)
	}
	replayOnCurrent(t, dashboards, 20)
}

// openClickHouse opens the predictions table of a server as the data source does.
func openClickHouse(t *testing.T, srv *chserver.Server) *sqlstore.Store {
	t.Helper()
	st, err := clickhouse.Open(clickhouse.Options{Address: srv.Addr, Database: "default", User: chserver.User, Password: chserver.Password}, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// replayOnCurrent replays the server's statements over its predictions on the current release
// (testdata/current_clickhouse.py) and requires at least least of them, every one accepted and
// answered the same.
func replayOnCurrent(t *testing.T, srv *chserver.Server, least int) {
	t.Helper()
	replayStatementsOnCurrent(t, srv, srv.Statements(t, "predictions"), least, nil)
}

// replayStatementsOnCurrent replays statements as replayOnCurrent does, after running setup on
// the current release (before the rows arrive), with each replacement's old text replaced by its
// new in the statements the current release runs.
func replayStatementsOnCurrent(t *testing.T, srv *chserver.Server, statements []string, least int, setup []string, replacements ...string) {
	t.Helper()
	if len(statements) < least {
		t.Fatalf("only %d statements recorded, want at least %d", len(statements), least)
	}
	file := filepath.Join(t.TempDir(), "statements.sql")
	if err := os.WriteFile(file, []byte(strings.Join(statements, "\n-- next\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"testdata/current_clickhouse.py", strconv.Itoa(srv.HTTPPort), "predictions", file}
	if len(setup) > 0 || len(replacements) > 0 {
		setupFile := filepath.Join(t.TempDir(), "setup.sql")
		if err := os.WriteFile(setupFile, []byte(strings.Join(setup, "\n-- next\n")), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(append(args, setupFile), replacements...)
	}
	out, err := exec.Command("python3", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("replaying on the current ClickHouse (needs pip install chdb==4.4.0): %v\n%s", err, out)
	}
	var report struct {
		Version  string
		Compared int
		Failures []map[string]any
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	t.Logf("ClickHouse %s: %d of %d statements answered as 18.16 answers them", report.Version, report.Compared, len(statements))
	for _, f := range report.Failures {
		t.Errorf("on ClickHouse %s: %v", report.Version, f)
	}
	if report.Compared < least {
		t.Errorf("only %d statements compared", report.Compared)
	}
}
