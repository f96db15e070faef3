package engines_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/store/clickhouse"
	"github.com/mlops/modelwatch/tests/internal/chserver"
)

// goldenColumns are the golden families' columns as ClickHouse holds them, for a cluster's
// tables, which the admin creates.
const goldenColumns = `"prediction_id" String, "ts" DateTime('UTC'), "model" String, "model_version" String,
	"predicted_label" Nullable(String), "predicted_value" Nullable(Float64), "score" Nullable(Float64),
	"actual_label" Nullable(String), "actual_value" Nullable(Float64), "latency_ms" Nullable(Float64),
	"error" Nullable(String), "segment" Nullable(String), "size" Nullable(Float64)`

// goldenCluster starts one server, or the shards of a cluster with a Distributed predictions table
// of the golden families' columns (the admin's to create there), and gives the URL of the first
// as its default user, who may write.
func goldenCluster(t *testing.T, shards int) ([]*chserver.Server, string) {
	t.Helper()
	servers := chserver.StartCluster(t, shards)
	if shards > 1 {
		chserver.CreateTable(t, servers, "predictions", goldenColumns)
	}
	return servers, "clickhouse://default@" + servers[0].Addr + "/default?sslmode=disable"
}

// `modelwatch load --db clickhouse://...` loads prediction files into ClickHouse with the
// loader's checks, creating the table on one server and through a cluster's Distributed table:
// the golden families loaded so answer every golden query as the DuckDB store does; loading again
// skips every row; a file with a duplicate id loads nothing and says where. query and health
// take the URL too, the password from it or $CLICKHOUSE_PASSWORD, never printed.
func TestCLIOnClickHouse(t *testing.T) {
	cli := buildCLI(t)
	const golden = "../../testdata/golden/families/predictions.csv"
	duckPath := goldenStore(t)
	duck := openDuck(t, duckPath)
	q := []string{"query", "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-03T00:00:00Z", "--output", "csv", "--query",
		`{"schemaVersion":1,"queryType":"regression","model":"reg","metrics":["mae","r2","rmse"],"format":"numeric"}`}
	want, err := cli(nil, append(q, "--db", duckPath)...)
	if err != nil {
		t.Fatalf("DuckDB: %v\n%s", err, want)
	}
	gc := goldenQueries(t)
	for _, shards := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d shards", shards), func(t *testing.T) {
			servers, admin := goldenCluster(t, shards)
			out, err := cli(nil, "load", "--db", admin, "--file", golden)
			if err != nil || !strings.Contains(out, "0 already present") {
				t.Fatalf("first load: %v\n%s", err, out)
			}
			read := strings.Fields(strings.SplitN(out, ": ", 2)[1])[0]
			again, err := cli(nil, "load", "--db", admin, "--file", golden)
			if err != nil || !strings.Contains(again, " 0 loaded, "+read+" already present") {
				t.Errorf("second load: %v\n%s", err, again)
			}
			dup := duplicateIDFile(t)
			if out, err := cli(nil, "load", "--db", admin, "--file", dup); err == nil || !strings.Contains(out, `prediction_id "x1" appears more than once in the input (lines 2 and 4)`) {
				t.Errorf("duplicate ids: %v\n%s", err, out)
			}
			st, err := clickhouse.Open(clickhouse.Options{Address: servers[0].Addr, Database: "default", User: chserver.User, Password: chserver.Password}, "predictions")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if n, err := st.Count(context.Background()); err != nil || fmt.Sprint(n) != read {
				t.Fatalf("ClickHouse holds %d rows (%v), want %s: the duplicate file must load nothing", n, err, read)
			}
			values := 0
			for _, c := range gc.Cases {
				values += sameFrames(t, run(t, duck, c.Query, gc.From, gc.To), run(t, st, c.Query, gc.From, gc.To))
			}
			if values < 1000 {
				t.Errorf("only %d values compared", values)
			}

			reader := "clickhouse://" + chserver.User + "@" + servers[0].Addr + "/default?sslmode=disable"
			withPassword := strings.Replace(reader, chserver.User+"@", chserver.User+":"+chserver.Password+"@", 1)
			for name, c := range map[string]struct {
				url string
				env []string
			}{"password in the URL": {withPassword, nil}, "password from CLICKHOUSE_PASSWORD": {reader, []string{"CLICKHOUSE_PASSWORD=" + chserver.Password}}} {
				got, err := cli(c.env, append(q, "--db", c.url)...)
				if err != nil || got != want {
					t.Errorf("%s: %v\n%s\nwant (DuckDB)\n%s", name, err, got, want)
				}
				out, err := cli(c.env, "health", "--db", c.url)
				if err != nil || !strings.HasPrefix(out, "OK: clickhouse store") || strings.Contains(out, chserver.Password) {
					t.Errorf("%s: health: %v: %s", name, err, out)
				}
			}
			out, err = cli([]string{"CLICKHOUSE_PASSWORD=wrong-secret"}, "health", "--db", reader)
			if err == nil || !strings.Contains(out, "refused the user or password") || strings.Contains(out, "wrong-secret") {
				t.Errorf("wrong password: %v: %s", err, out)
			}
		})
	}
}
