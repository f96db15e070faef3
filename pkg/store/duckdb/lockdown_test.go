package duckdb_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// attacks are statements no query connection may run.
var attacks = map[string]string{
	"read a file":           "SELECT * FROM read_csv('/etc/passwd')",
	"write":                 "INSERT INTO predictions (prediction_id, ts, model, model_version) VALUES ('x', now(), 'm', 'A')",
	"re-enable file access": "SET enable_external_access = true",
	"unlock the settings":   "SET lock_configuration = false",
	"install an extension":  "INSTALL httpfs",
	"load an extension":     "LOAD httpfs",
	"attach another file":   "ATTACH '/tmp/other.duckdb'",
	"copy out to a file":    "COPY predictions TO '/tmp/leak.csv'",
}

// Characters the driver reads as part of a connection string (# starts a URL fragment, ?
// options, % escapes) must not change how the store is opened: the path is never part of one.
func TestLockdownHoldsForAnyPath(t *testing.T) {
	src, dir := sample(t), t.TempDir()
	for i, name := range []string{"a#b.duckdb", "a?access_mode=read_write.duckdb", "a%23b.duckdb", "it's.duckdb", "sp ace.duckdb"} {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			path := filepath.Join(dir, name)
			copyFile(t, src, path)
			st, err := duckdb.Open(path, "predictions")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := context.Background()
			for what, stmt := range attacks {
				if _, err := st.DB().ExecContext(ctx, stmt); err == nil {
					t.Errorf("%s: %q succeeded on a query connection of %q", what, stmt, name)
				}
			}
			if n, err := st.Count(ctx); err != nil || n != 3 {
				t.Fatalf("reads must still work: %d rows, %v", n, err)
			}
		})
	}
}

// A crafted store whose predictions view reads a system file must not leak it through any
// read, whatever its path.
func TestCraftedViewCannotReadFiles(t *testing.T) {
	for _, name := range []string{"crafted.duckdb", "crafted#x.duckdb"} {
		path := filepath.Join(t.TempDir(), name)
		w, err := sql.Open("duckdb", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Exec("ATTACH '" + path + "' AS c; CREATE VIEW c.predictions AS SELECT column0 AS model FROM read_csv('/etc/hostname', header = false); DETACH c"); err != nil {
			t.Fatal(err)
		}
		_ = w.Close()
		st, err := duckdb.Open(path, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Models(context.Background()); err == nil {
			t.Errorf("%s: a view reading /etc/hostname answered", name)
		}
		_ = st.Close()
	}
}

// Every connection of the pool, not only the first, is locked down.
func TestEveryPooledConnectionIsLockedDown(t *testing.T) {
	st, err := duckdb.Open(sample(t), "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	var conns []*sql.Conn
	for range 4 {
		c, err := st.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		var access, locked string
		if err := c.QueryRowContext(ctx, "SELECT current_setting('enable_external_access')::VARCHAR, current_setting('lock_configuration')::VARCHAR").Scan(&access, &locked); err != nil {
			t.Fatal(err)
		}
		if access != "false" || locked != "true" {
			t.Errorf("connection %d: enable_external_access %s, lock_configuration %s", i, access, locked)
		}
		if err := queryAll(ctx, c, "SELECT * FROM read_csv('/etc/passwd')"); err == nil {
			t.Errorf("connection %d reads files", i)
		}
		_ = c.Close()
	}
}

// A store attached read-write for ingest keeps its query connections read-only: every attack
// fails whether sent as a statement or as a query, alone or behind a harmless SELECT, while
// the writer's rows are seen by the next query.
func TestWritableStoreQueriesOnlyRead(t *testing.T) {
	live, err := duckdb.OpenLive(duckdb.Options{Path: sample(t), Table: "predictions"})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	ctx := context.Background()
	stmts := map[string]string{
		"delete":                 "DELETE FROM predictions",
		"update":                 "UPDATE predictions SET score = 0",
		"drop":                   "DROP TABLE predictions",
		"create":                 "CREATE TABLE x (a INT)",
		"write behind a select":  "SELECT 1; DELETE FROM predictions",
		"commit and then delete": "SELECT 1; COMMIT; DELETE FROM predictions",
		"checkpoint":             "CHECKPOINT",
	}
	for what, stmt := range attacks {
		stmts[what] = stmt
	}
	for what, stmt := range stmts {
		if _, err := live.DB().ExecContext(ctx, stmt); err == nil {
			t.Errorf("%s: %q ran as a statement on a query connection", what, stmt)
		}
		if err := queryAll(ctx, live.DB(), stmt); err == nil {
			t.Errorf("%s: %q ran as a query on a query connection", what, stmt)
		}
	}
	if _, err := live.DB().BeginTx(ctx, nil); err == nil {
		t.Error("a transaction began on a query connection")
	}
	if n, err := live.Count(ctx); err != nil || n != 3 {
		t.Fatalf("the attacks changed the store or reads fail: %d rows, %v", n, err)
	}
	cols := []store.Column{{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText}}
	res, err := live.Writer().Load(ctx, cols, func(add duckdb.AppendFunc) error {
		return add([]driver.Value{"live-1", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), "m", "A", int64(2)})
	})
	if err != nil || res.Inserted != 1 {
		t.Fatalf("writer: %+v, %v", res, err)
	}
	if n, err := live.Count(ctx); err != nil || n != 4 {
		t.Fatalf("the writer's row is not seen by the next query: %d rows, %v", n, err)
	}
}

// queryAll runs a query and reads every row: its error, or the rows' error.
func queryAll(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, stmt string) error {
	rows, err := q.QueryContext(ctx, stmt)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

func TestMemoryAndThreadLimitsApplied(t *testing.T) {
	st, err := duckdb.OpenWith(duckdb.Options{Path: sample(t), Table: "predictions", MemoryLimit: "300MiB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var mem string
	var threads int
	if err := st.DB().QueryRow("SELECT current_setting('memory_limit'), current_setting('threads')").Scan(&mem, &threads); err != nil {
		t.Fatal(err)
	}
	if threads != 1 || !strings.HasPrefix(mem, "300") {
		t.Fatalf("memory_limit %s, threads %d", mem, threads)
	}
	if _, err := duckdb.OpenWith(duckdb.Options{Path: sample(t), Table: "predictions", MemoryLimit: "lots"}); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("a bad memory limit: want ErrUnavailable, got %v", err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// DuckDB's file lock does not stop a second instance in the same process: two data sources on
// one file, one of them writing, are refused; read-only instances of one file may be many, and
// a closed instance gives the file back.
func TestOneWritingInstancePerFileInThisProcess(t *testing.T) {
	path := sample(t)
	ro1, err := duckdb.Open(path, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	ro2, err := duckdb.Open(path, "predictions")
	if err != nil {
		t.Fatalf("a second read-only instance: %v", err)
	}
	if _, err := duckdb.OpenLive(duckdb.Options{Path: path, Table: "predictions"}); !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), "must be the only one on its store file") {
		t.Fatalf("a writing instance beside read-only ones: %v", err)
	}
	_ = ro1.Close()
	_ = ro2.Close()
	live, err := duckdb.OpenLive(duckdb.Options{Path: path, Table: "predictions"})
	if err != nil {
		t.Fatalf("the file was not given back: %v", err)
	}
	if _, err := duckdb.Open(path, "predictions"); !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), "open read-write by another Modelwatch data source") {
		t.Fatalf("a read-only instance beside a writing one: %v", err)
	}
	if _, err := duckdb.OpenLive(duckdb.Options{Path: path, Table: "predictions"}); err == nil {
		t.Fatal("a second writing instance was opened")
	}
	_ = live.Close()
	again, err := duckdb.Open(path, "predictions")
	if err != nil {
		t.Fatalf("after the writer closed: %v", err)
	}
	_ = again.Close()
}
