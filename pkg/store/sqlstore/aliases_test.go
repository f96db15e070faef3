package sqlstore_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

const familiesCSV = "../../../testdata/golden/families/predictions.csv"

// aliasColumns are feature columns named like the aliases the generated SQL gives its computed
// columns (and their likely successors); in any case, as engines fold identifiers.
var aliasColumns = []string{"mw_bucket", "mw_group", "mw_value", "mw_score", "mw_predicted", "MW_BUCKET_2", "mw_group_2", "mw_rank", "p", "l"}

// loadCSV writes a DuckDB file from CSV text with the loader's writer and opens it for queries.
func loadCSV(t *testing.T, name, text string) *engine.Engine {
	t.Helper()
	return &engine.Engine{Store: openStore(t, writeCSV(t, name, text))}
}

// writeCSV writes a DuckDB file from CSV text with the loader's writer.
func writeCSV(t *testing.T, name, text string) string {
	t.Helper()
	dir := t.TempDir()
	csvPath := filepath.Join(dir, name+".csv")
	if err := os.WriteFile(csvPath, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, name+".duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.LoadFile(context.Background(), w, csvPath); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	return db
}

// openStore opens a DuckDB file for queries, as the plugin does.
func openStore(t *testing.T, db string) *sqlstore.Store {
	t.Helper()
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// withAliasColumns appends the alias-named columns to every line of the families CSV:
// mw_group copies segment and mw_value copies size (so that grouping or drifting by them must
// give segment's and size's numbers), the others hold values of their own.
func withAliasColumns(t *testing.T, text string) string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	header := strings.Split(lines[0], ",")
	idx := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	seg, size := idx("segment"), idx("size")
	lines[0] += "," + strings.Join(aliasColumns, ",")
	for i := 1; i < len(lines); i++ {
		rec := strings.Split(lines[i], ",")
		extra := []string{strconv.Itoa(i % 5), rec[seg], rec[size], strconv.Itoa(i % 3), "c" + strconv.Itoa(i%4),
			strconv.Itoa(i % 7), "g" + strconv.Itoa(i%2), strconv.Itoa(i % 11), strconv.Itoa(i % 13), "x" + strconv.Itoa(i%2)}
		lines[i] += "," + strings.Join(extra, ",")
	}
	return strings.Join(lines, "\n") + "\n"
}

// Regression: internal aliases (mw_bucket, mw_group, ...) used to resolve to user feature
// columns of the same name in GROUP BY, so every query of every model failed with a Binder
// Error once one such column existed. Every family, with and without groupBy and buckets, must
// answer on such a table exactly as on the same table without those columns.
func TestFeatureColumnsNamedLikeInternalAliases(t *testing.T) {
	raw, err := os.ReadFile(familiesCSV)
	if err != nil {
		t.Fatal(err)
	}
	plain := loadCSV(t, "plain", string(raw))
	aliased := loadCSV(t, "aliased", withAliasColumns(t, string(raw)))
	w := query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), Interval: time.Hour, MaxDataPoints: 1000}
	ref := `"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}`
	queries := []string{
		`{"queryType":"classification","model":"cls","positiveClass":"yes","metrics":["accuracy","precision","roc_auc","log_loss"]}`,
		`{"queryType":"classification","model":"cls","positiveClass":"yes","threshold":0.5,"metrics":["accuracy","recall"]}`,
		`{"queryType":"classification","model":"multi","average":"none","metrics":["precision","recall"]}`,
		`{"queryType":"classification","model":"multi","average":"macro","metrics":["f1"]}`,
		`{"queryType":"confusion","model":"multi"}`,
		`{"queryType":"regression","model":"reg"}`,
		`{"queryType":"operations","model":"reg"}`,
		`{"queryType":"coverage","model":"reg"}`,
		`{"queryType":"quality","model":"reg","features":["segment","size"],` + ref + `}`,
		`{"queryType":"drift","model":"reg","features":["segment","size"],"method":"psi",` + ref + `}`,
		`{"queryType":"drift","model":"reg","features":["size"],"format":"histogram",` + ref + `}`,
		`{"queryType":"comparison","model":"cls","versions":["A","B"],"compare":"accuracy","positiveClass":"yes"}`,
		`{"queryType":"comparison","model":"reg","versions":["A","B"],"compare":"mae"}`,
	}
	run := func(eng *engine.Engine, js string) (string, error) {
		rq, err := query.Parse([]byte(js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		q, err := query.Validate(rq, w)
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		frames, err := eng.Run(context.Background(), q)
		if err != nil {
			return "", err
		}
		out, err := json.Marshal(frames)
		return string(out), err
	}
	for _, base := range queries {
		for _, format := range []string{"numeric", "timeseries"} {
			for _, group := range []string{"", "segment"} {
				js := strings.TrimSuffix(base, "}") + `,"schemaVersion":1`
				if !strings.Contains(base, `"format"`) {
					js += `,"format":"` + format + `"`
				} else if format == "timeseries" {
					continue
				}
				if strings.Contains(base, "confusion") && (format == "timeseries" || group != "") {
					continue
				}
				if group != "" {
					js += `,"groupBy":"` + group + `"`
				}
				js += "}"
				t.Run(js, func(t *testing.T) {
					want, err := run(plain, js)
					if err != nil {
						t.Fatalf("plain store: %v", err)
					}
					// The same query by the copies' names must give the same frames, up to
					// those names.
					renamed := strings.NewReplacer(`"segment"`, `"mw_group"`, `"size"`, `"mw_value"`).Replace(js)
					for _, q := range []string{js, renamed} {
						got, err := run(aliased, q)
						if err != nil {
							t.Fatalf("store with alias-named columns: %v", err)
						}
						got = strings.NewReplacer("mw_group", "segment", "mw_value", "size").Replace(got)
						if got != want {
							t.Errorf("%s: frames differ from the plain store's:\n got %.400s\nwant %.400s", q, got, want)
						}
					}
				})
			}
		}
	}
}

// familiesText is the golden families data as CSV text.
func familiesText(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(familiesCSV)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// mustQuery parses and validates a query over the families data's two days.
func mustQuery(t *testing.T, js string) query.Query {
	t.Helper()
	raw, err := query.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.Validate(raw, query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return q
}
