// Package engines_test proves every store engine equal to the embedded one: the same queries,
// the same frames, against real servers started for the test.
package engines_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/postgres"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
)

// goldenCases are the golden families' queries (testdata/golden/families/cases.json).
type goldenCases struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Cases []struct {
		Name  string          `json:"name"`
		Query json.RawMessage `json:"query"`
	} `json:"cases"`
}

// loadGolden loads the golden families' predictions into a DuckDB store through the loader and
// copies its prediction table, with the same column types, into database postgres of srv.
func loadGolden(t *testing.T, srv *pgserver.Server) string {
	t.Helper()
	db := goldenStore(t)
	srv.CopyTable(t, db, "predictions")
	return db
}

// goldenStore loads the golden families' predictions into a DuckDB store through the loader.
func goldenStore(t *testing.T) string {
	t.Helper()
	return csvStore(t, "../../testdata/golden/families/predictions.csv")
}

// csvStore loads a golden CSV into a new DuckDB store through the loader.
func csvStore(t *testing.T, csv string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "golden.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.LoadFile(context.Background(), w, csv); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	return db
}

// Every golden family query answers on PostgreSQL with the embedded store's frames (values
// within 1e-9 relative), both read from the rows.
func TestGoldenFamiliesEqualTheEmbeddedStore(t *testing.T) {
	srv := pgserver.Start(t)
	duck, pg := openBoth(t, loadGolden(t, srv), srv)
	gc := goldenQueries(t)
	values := 0
	for _, c := range gc.Cases {
		t.Run(c.Name, func(t *testing.T) {
			want := run(t, duck, c.Query, gc.From, gc.To)
			got := run(t, pg, c.Query, gc.From, gc.To)
			values += sameFrames(t, want, got)
		})
	}
	if values < 1000 {
		t.Errorf("only %d values compared over %d cases", values, len(gc.Cases))
	}
}

// goldenQueries reads the golden families' queries.
func goldenQueries(t *testing.T) goldenCases {
	t.Helper()
	gc := casesOf(t, "../../testdata/golden/families/cases.json")
	if len(gc.Cases) < 10 {
		t.Fatalf("only %d golden cases", len(gc.Cases))
	}
	return gc
}

// casesOf reads a golden cases file's window and queries.
func casesOf(t *testing.T, path string) goldenCases {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var gc goldenCases
	if err := json.Unmarshal(raw, &gc); err != nil {
		t.Fatal(err)
	}
	return gc
}

// openBoth opens the predictions table of the DuckDB file and of the server for queries, as the
// data source opens them, closed when the test ends.
func openBoth(t *testing.T, duckPath string, srv *pgserver.Server) (duck, pg *sqlstore.Store) {
	t.Helper()
	duck = openDuck(t, duckPath)
	pg, err := postgres.Open(srv.URL, "predictions", postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pg.Close() })
	return duck, pg
}

// openDuck opens the predictions table of a DuckDB file for queries, closed when the test ends.
func openDuck(t *testing.T, duckPath string) *sqlstore.Store {
	t.Helper()
	duck, err := duckdb.Open(duckPath, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = duck.Close() })
	return duck
}

// run runs a query's JSON over [from, to) on a store, from its rows.
func run(t *testing.T, st *sqlstore.Store, js []byte, from, to time.Time) data.Frames {
	t.Helper()
	return runWindow(t, st, js, query.Window{From: from, To: to})
}

// sameFrames requires the same frames, fields, labels and values (numbers within 1e-9
// relative, NaN equal to NaN), and returns how many non-null values it compared.
func sameFrames(t *testing.T, want, got data.Frames) (compared int) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d frames from the server, %d from DuckDB", len(got), len(want))
	}
	for i := range want {
		wf, gf := want[i], got[i]
		if len(wf.Fields) != len(gf.Fields) {
			t.Fatalf("frame %d: %d fields from the server, %d from DuckDB", i, len(gf.Fields), len(wf.Fields))
		}
		for j := range wf.Fields {
			a, b := wf.Fields[j], gf.Fields[j]
			if a.Name != b.Name || a.Labels.String() != b.Labels.String() || a.Len() != b.Len() {
				t.Fatalf("frame %d field %d: server %s %s (%d), DuckDB %s %s (%d)", i, j, b.Name, b.Labels, b.Len(), a.Name, a.Labels, a.Len())
			}
			for r := range a.Len() {
				av, aok := a.ConcreteAt(r)
				bv, bok := b.ConcreteAt(r)
				if aok != bok || !sameValue(av, bv) {
					t.Errorf("frame %d %s %s row %d: server %v, DuckDB %v", i, a.Name, a.Labels, r, bv, av)
				}
				if aok {
					compared++
				}
			}
		}
	}
	return compared
}

func sameValue(a, b any) bool {
	x, xok := a.(float64)
	y, yok := b.(float64)
	if !xok || !yok {
		return fmt.Sprint(a) == fmt.Sprint(b)
	}
	if math.IsNaN(x) || math.IsNaN(y) {
		return math.IsNaN(x) && math.IsNaN(y)
	}
	return x == y || math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
}
