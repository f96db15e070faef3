package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// rollupFrames is what `modelwatch query --output json` prints, with each frame's meta.
type rollupFrames struct {
	Frames []struct {
		Schema struct {
			Meta struct {
				Custom map[string]any `json:"custom"`
			} `json:"meta"`
			Fields []struct{ Name string } `json:"fields"`
		} `json:"schema"`
		Data struct {
			Values []json.RawMessage `json:"values"`
		} `json:"data"`
	} `json:"frames"`
}

// queryOps runs an operations query through the CLI and returns its source and numbers.
func queryOps(t *testing.T, db string) (string, map[string]string) {
	t.Helper()
	var out, errOut bytes.Buffer
	q := `{"schemaVersion":1,"queryType":"operations","model":"m","metrics":["requests","error_rate","latency_max"],"format":"numeric"}`
	if err := run(context.Background(), []string{"query", "--db", db, "--output", "json", "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-02T00:00:00Z", "--query", q}, &out, &errOut); err != nil {
		t.Fatalf("query: %v %s", err, errOut.String())
	}
	var resp rollupFrames
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	f := resp.Frames[0]
	values := map[string]string{}
	for i, field := range f.Schema.Fields {
		values[field.Name] = string(f.Data.Values[i])
	}
	src, _ := f.Schema.Meta.Custom["source"].(string)
	return src, values
}

// `modelwatch load` keeps the rollups of every hour it writes: a second file adding rows to an
// hour the first one filled (and to a new hour) is answered from the rollups with every row.
func TestLoadMaintainsRollupsOfTheHoursItWrites(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	head := "prediction_id,ts,model,model_version,latency_ms,error\n"
	files := map[string]string{
		"first.csv":  head + "p1,2026-03-01T10:05:00Z,m,A,10,\np2,2026-03-01T10:50:00Z,m,A,20,\n",
		"second.csv": head + "p3,2026-03-01T10:59:59Z,m,A,90,timeout\np4,2026-03-01T13:00:00Z,m,A,5,\n",
	}
	for _, name := range []string{"first.csv", "second.csv"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(files[name]), 0o600); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		if err := run(context.Background(), []string{"load", "--db", db, "--file", path}, &out, &errOut); err != nil {
			t.Fatalf("load %s: %v %s", name, err, errOut.String())
		}
		if name == "first.csv" {
			if src, v := queryOps(t, db); src != "rollup" || v["requests"] != "[2]" || v["latency_max"] != "[20]" {
				t.Fatalf("after the first load: source %q, values %v", src, v)
			}
		}
	}
	src, v := queryOps(t, db)
	if src != "rollup" || v["requests"] != "[4]" || v["error_rate"] != "[0.25]" || v["latency_max"] != "[90]" {
		t.Fatalf("after the second load: source %q, values %v; want 4 requests, error rate 0.25, max 90 from rollup", src, v)
	}
}

// `modelwatch rollup` rebuilds a store's rollups; its help names the command and an example.
func TestRollupCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"rollup", "--help"}, &out, &errOut)
	if !errors.Is(err, errHelp) || !strings.Contains(errOut.String(), "modelwatch rollup --db data/demo.duckdb") ||
		!strings.Contains(errOut.String(), "derived data") {
		t.Fatalf("rollup --help: %v\n%s", err, errOut.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"rollup"}, &out, &errOut); !errors.Is(err, errUsage) {
		t.Fatalf("rollup without --db: %v", err)
	}
	db := filepath.Join(t.TempDir(), "p.duckdb")
	path := filepath.Join(t.TempDir(), "p.csv")
	if err := os.WriteFile(path, []byte("prediction_id,ts,model,model_version,latency_ms\np1,2026-03-01T10:05:00Z,m,A,10\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"load", "--db", db, "--file", path}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"rollup", "--db", db}, &out, &errOut); err != nil {
		t.Fatalf("rollup: %v %s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "rebuilt the hourly rollups of predictions") {
		t.Fatalf("rollup output: %s", out.String())
	}
	if src, v := queryOps(t, db); src != "rollup" || v["requests"] != "[1]" {
		t.Fatalf("after rollup: source %q, values %v", src, v)
	}
	if err := run(context.Background(), []string{"rollup", "--db", filepath.Join(t.TempDir(), "empty.duckdb")}, &out, &errOut); err == nil ||
		!strings.Contains(err.Error(), "load predictions first") {
		t.Fatalf("rollup of a store without predictions: %v", err)
	}
}

// `modelwatch rollup --segments` checks the list (feature columns of the table, at most 3,
// each of low cardinality) and names what is wrong; a valid list is recorded, a later rollup
// without the flag keeps it, and --segments "" removes it.
func TestRollupSegmentsFlag(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	var csv strings.Builder
	csv.WriteString("prediction_id,ts,model,model_version,latency_ms,plan,country,region,tier,user_id\n")
	for i := range 150 {
		fmt.Fprintf(&csv, "p%d,2026-03-01T10:%02d:00Z,m,A,%d,%s,DE,eu,gold,u%d\n", i, i%60, i, []string{"basic", "pro"}[i%2], i)
	}
	path := filepath.Join(dir, "p.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"load", "--db", db, "--file", path}, &out, &errOut); err != nil {
		t.Fatalf("load: %v %s", err, errOut.String())
	}
	rollup := func(args ...string) error {
		return run(context.Background(), append([]string{"rollup", "--db", db}, args...), &out, &errOut)
	}
	for list, want := range map[string]string{
		"plan,nope":                `segment column "nope" is not a column of table "predictions"`,
		"model_version":            `segment column "model_version" is a base column`,
		"plan,country,region,tier": "at most 3 segment columns, got 4",
		"user_id":                  `segment column "user_id" has more than 100 distinct values`,
		"plan,plan":                `segment column "plan" is listed twice`,
		"plan;drop":                "plan;drop",
	} {
		if err := rollup("--segments", list); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--segments %s: %v, want an error saying %q", list, err, want)
		}
	}
	segments := func() []string {
		t.Helper()
		st, err := duckdb.Open(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		list, err := st.RollupSegments(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	if err := rollup("--segments", "plan, country"); err != nil {
		t.Fatalf("--segments plan,country: %v", err)
	}
	if got := segments(); !slices.Equal(got, []string{"plan", "country"}) {
		t.Fatalf("segments %v, want [plan country]", got)
	}
	if err := rollup(); err != nil {
		t.Fatal(err)
	}
	if got := segments(); !slices.Equal(got, []string{"plan", "country"}) {
		t.Fatalf("after a rollup without --segments: %v, want them kept", got)
	}
	if src, v := queryOps(t, db); src != "rollup" || v["requests"] != "[150]" {
		t.Fatalf("with segments: source %q, values %v", src, v)
	}
	if err := rollup("--segments", ""); err != nil {
		t.Fatal(err)
	}
	if got := segments(); len(got) != 0 {
		t.Fatalf(`after --segments "": %v, want none`, got)
	}
}

// rollup takes a PostgreSQL or ClickHouse URL: an unreachable server is named without the
// password; a labels table is refused for ClickHouse before connecting.
func TestRollupOnServers(t *testing.T) {
	for _, db := range []string{"clickhouse://u:secret-pw@127.0.0.1:1/db?sslmode=disable", "postgres://u:secret-pw@127.0.0.1:1/db?sslmode=disable"} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"rollup", "--db", db}, &out, &errOut)
		if err == nil || strings.Contains(err.Error(), "secret-pw") || strings.Contains(out.String()+errOut.String(), "secret-pw") {
			t.Errorf("%s unreachable: %v %s %s", db[:10], err, out.String(), errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"rollup", "--db", "clickhouse://u@127.0.0.1:1/db?sslmode=disable", "--labels-table", "labels"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "a ClickHouse store joins no labels table") {
		t.Errorf("ClickHouse with a labels table: %v", err)
	}
}
