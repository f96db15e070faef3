package engines_test

import (
	"encoding/json"
	"math"
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

// Every statement the golden families and the provisioned dashboards send to ClickHouse 18.16
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
	statements := srv.Statements(t, "predictions")
	if len(statements) < least {
		t.Fatalf("only %d statements recorded, want at least %d", len(statements), least)
	}
	file := filepath.Join(t.TempDir(), "statements.sql")
	if err := os.WriteFile(file, []byte(strings.Join(statements, "\n-- next\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("python3", "testdata/current_clickhouse.py", strconv.Itoa(srv.HTTPPort), "predictions", file).CombinedOutput()
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

// Releases from 20.1 compute a quantile with quantileExactInclusive instead of sorting the
// group's values: on the current release, both give the same numbers (numpy's linear
// interpolation) for every level, with NULLs among the values, ties, one value, and none.
func TestQuantileOfCurrentReleasesEqualsTheSortedOne(t *testing.T) {
	old, current := clickhouse.DialectOf("18.16.1"), clickhouse.DialectOf("26.9.2.1")
	var selects []string
	for _, q := range []float64{0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1} {
		selects = append(selects, old.Quantile("x", q), current.Quantile("x", q))
	}
	if !strings.Contains(selects[1], "quantileExactInclusive") || strings.Contains(selects[0], "quantileExactInclusive") {
		t.Fatalf("the releases' quantiles: %s / %s", selects[0], selects[1])
	}
	script := `from chdb import session
s = session.Session()
s.query("CREATE TABLE v (g UInt8, x Nullable(Float64)) ENGINE = Memory")
s.query("INSERT INTO v SELECT 1, if(number % 7 = 0, NULL, sin(number) * 1000) FROM numbers(10007)")
s.query("INSERT INTO v VALUES (2, 4.5), (3, NULL), (3, NULL), (4, 1), (4, 1), (4, 1), (4, 2), (4, 2)")
print(s.query("SELECT g, ` + strings.ReplaceAll(strings.Join(selects, ", "), `"`, `\"`) + ` FROM v GROUP BY g ORDER BY g", "TabSeparated"))
`
	out, err := exec.Command("python3", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("chDB (pip install chdb==4.4.0): %v\n%s", err, out)
	}
	rows := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(rows) != 4 {
		t.Fatalf("%d groups: %s", len(rows), out)
	}
	for _, row := range rows {
		cells := strings.Split(row, "\t")
		for i := 1; i+1 < len(cells); i += 2 {
			if !sameCell(cells[i], cells[i+1]) {
				t.Errorf("group %s, level %d: sorted %s, quantileExactInclusive %s", cells[0], i/2, cells[i], cells[i+1])
			}
		}
	}
	if !strings.HasPrefix(rows[2], "3\t\\N\t\\N") {
		t.Errorf("a group without values: %q, want NULL from both", rows[2])
	}
}

// sameCell compares two TabSeparated values, numbers within 1e-9 relative.
func sameCell(a, b string) bool {
	if a == b {
		return true
	}
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
}
