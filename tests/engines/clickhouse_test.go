package engines_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/store/clickhouse"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
	"github.com/mlops/modelwatch/tests/internal/chserver"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// clickHouseStores starts one ClickHouse server and a cluster of two, copies the DuckDB store's
// prediction table into both (a MergeTree table; a Distributed table over each shard's
// MergeTree table) and opens each for queries as the data source does, as the reading user.
func clickHouseStores(t *testing.T, duckPath string) map[string]*sqlstore.Store {
	t.Helper()
	out := map[string]*sqlstore.Store{}
	for _, shards := range []int{1, 2} {
		servers := chserver.StartCluster(t, shards)
		chserver.CopyTable(t, duckPath, "predictions", servers)
		st, err := clickhouse.Open(clickhouse.Options{Address: servers[0].Addr, Database: "default", User: chserver.User, Password: chserver.Password}, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		name := "one server"
		if shards > 1 {
			name = fmt.Sprintf("%d shards", shards)
		}
		out[name] = st
	}
	return out
}

// Every golden family query answers on one ClickHouse server and on a two-shard cluster's
// Distributed table with the embedded store's frames (values within 1e-9 relative).
func TestGoldenFamiliesOnClickHouse(t *testing.T) {
	duckPath := goldenStore(t)
	duck := openDuck(t, duckPath)
	gc := goldenQueries(t)
	for name, st := range clickHouseStores(t, duckPath) {
		t.Run(name, func(t *testing.T) {
			values := 0
			for _, c := range gc.Cases {
				t.Run(c.Name, func(t *testing.T) {
					values += sameFrames(t, run(t, duck, c.Query, gc.From, gc.To), run(t, st, c.Query, gc.From, gc.To))
				})
			}
			if values < 1000 {
				t.Errorf("only %d values compared over %d cases", values, len(gc.Cases))
			}
		})
	}
}

// Every query of every provisioned dashboard answers on one ClickHouse server and on a
// two-shard cluster's Distributed table with the embedded store's frames, the demo's booleans
// stored as the Enum8 of releases without Bool. Its times are whole seconds in both stores, as
// DateTime holds them (DateTime64 came in 20.1).
func TestProvisionedDashboardsOnClickHouse(t *testing.T) {
	duckPath := demoStore(t)
	wholeSeconds(t, duckPath)
	duck := openDuck(t, duckPath)
	if err := duck.WithOutcomes([]string{demo.OutcomeColumn}); err != nil {
		t.Fatal(err)
	}
	targets := dashboardTargets(t)
	for name, st := range clickHouseStores(t, duckPath) {
		if err := st.WithOutcomes([]string{demo.OutcomeColumn}); err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			for _, dt := range targets {
				t.Run(dt.name, func(t *testing.T) {
					if sameFrames(t, runWindow(t, duck, dt.json, dt.window), runWindow(t, st, dt.json, dt.window)) == 0 {
						t.Errorf("%s: no values to compare", dt.json)
					}
				})
			}
		})
	}
}

// wholeSeconds truncates the times of a DuckDB store's predictions to whole seconds.
func wholeSeconds(t *testing.T, duckPath string) {
	t.Helper()
	db, err := sql.Open("duckdb", duckPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE predictions SET ts = date_trunc('second', ts)"); err != nil {
		t.Fatal(err)
	}
}

// The built plugin binary answers every provisioned dashboard query and evaluates every alert
// rule on a ClickHouse data source over a two-shard cluster's Distributed table exactly as on a
// DuckDB data source over the same rows.
func TestThePluginBinaryOnClickHouse(t *testing.T) {
	duckPath := demoStore(t)
	wholeSeconds(t, duckPath)
	servers := chserver.StartCluster(t, 2)
	chserver.CopyTable(t, duckPath, "predictions", servers)
	host, port := splitHostPort(t, servers[0].Addr)
	pluginBinaryAsOnDuckDB(t, duckPath, "ClickHouse", false, nil,
		map[string]any{"store": "clickhouse", "host": host, "port": port, "database": "default", "user": chserver.User, "sslMode": "disable"},
		map[string]string{"password": chserver.Password})

	// The release gate, modelwatch check, on the cluster: the same states as on the DuckDB file
	// (whose values come from its rollups, a latency quantile from a sketch among them).
	root, err := provfiles.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	cli := buildCLI(t)
	url := "clickhouse://" + chserver.User + ":" + chserver.Password + "@" + servers[0].Addr + "/default?sslmode=disable"
	for _, at := range []time.Time{demoEnd.Add(-36 * time.Hour), demoEnd.Add(-12 * time.Hour)} {
		check := []string{"check", "--rules", filepath.Join(root, "provisioning", "alerting"), "--at", at.Format(time.RFC3339), "--output", "json"}
		want, _ := cli(nil, append(check, "--db", duckPath)...) // exit status 1 when a rule fires
		got, _ := cli(nil, append(check, "--db", url)...)
		if w, g := checkStates(t, want), checkStates(t, got); g != w || !strings.Contains(w, "Alerting") {
			t.Errorf("check at %s on ClickHouse:\n%s\nwant (DuckDB):\n%s", at, g, w)
		}
	}
}

// checkStates is what modelwatch check's JSON says of each rule and instance: the states, in
// order, with the firing rules.
func checkStates(t *testing.T, out string) string {
	t.Helper()
	var res struct {
		Firing  []string
		Results []struct {
			UID, State string
			Instances  []struct {
				Labels map[string]string
				State  string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "firing %v\n", res.Firing)
	for _, r := range res.Results {
		fmt.Fprintf(&b, "%s %s", r.UID, r.State)
		for _, i := range r.Instances {
			fmt.Fprintf(&b, " %v=%s", i.Labels, i.State)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// splitHostPort is a server address's host and port.
func splitHostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	return host, n
}
