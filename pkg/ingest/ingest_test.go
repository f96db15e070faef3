package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

const header = "prediction_id,ts,model,model_version,predicted_label,predicted_value,score,actual_label,actual_value,latency_ms,error,age,plan,is_mobile,visits\n"

const good = header +
	"p1,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,12.5,,41.5,basic,true,3\n" +
	"p2,2026-03-01T01:00:00Z,m,A,no,,0.2,,,10,,,pro,false,\n" +
	"p3,2026-03-01T02:00:00.250Z,m,B,no,,,no,,NaN,timeout,29,pro,false,7\n"

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func load(t *testing.T, db, file string) (duckdb.LoadResult, error) {
	t.Helper()
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return ingest.LoadFile(context.Background(), w, file)
}

func count(t *testing.T, db string) int64 {
	t.Helper()
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int64
	if err := c.QueryRow("SELECT count(*) FROM predictions").Scan(&n); err != nil {
		return -1 // no table: nothing was loaded
	}
	return n
}

func TestLoadCSVInfersFeatureKindsAndIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	file := write(t, dir, "good.csv", good)
	res, err := load(t, db, file)
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 3 || res.Inserted != 3 {
		t.Fatalf("first load: %+v", res)
	}
	res, err = load(t, db, file)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 0 || res.Skipped != 3 || count(t, db) != 3 {
		t.Fatalf("re-load must skip present ids: %+v, rows %d", res, count(t, db))
	}
	c, _ := sql.Open("duckdb", db)
	defer c.Close()
	kinds := map[string]string{}
	rows, err := c.Query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'predictions'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n, k string
		_ = rows.Scan(&n, &k)
		kinds[n] = k
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"age": "DOUBLE", "plan": "VARCHAR", "is_mobile": "BOOLEAN", "visits": "BIGINT", "score": "DOUBLE", "actual_label": "VARCHAR"}
	for col, k := range want {
		if kinds[col] != k {
			t.Errorf("column %s: kind %s, want %s", col, kinds[col], k)
		}
	}
	var nulls int
	_ = c.QueryRow("SELECT count(*) FROM predictions WHERE latency_ms IS NULL").Scan(&nulls)
	if nulls != 1 {
		t.Errorf("NaN latency should load as NULL, got %d null latencies", nulls)
	}
}

func TestLoadGzip(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(good))
	_ = zw.Close()
	file := write(t, dir, "good.csv.gz", buf.String())
	db := filepath.Join(dir, "p.duckdb")
	if _, err := load(t, db, file); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db); n != 3 {
		t.Fatalf("rows %d", n)
	}
}

func TestLoadParquet(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.duckdb")
	if _, err := load(t, src, write(t, dir, "good.csv", good)); err != nil {
		t.Fatal(err)
	}
	pq := filepath.Join(dir, "good.parquet")
	c, _ := sql.Open("duckdb", src)
	if _, err := c.Exec("COPY predictions TO '" + pq + "' (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	db := filepath.Join(dir, "p.duckdb")
	res, err := load(t, db, pq)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 3 || count(t, db) != 3 {
		t.Fatalf("parquet load: %+v", res)
	}
}

func TestBadInputNamesFileLineColumnAndLoadsNothing(t *testing.T) {
	cases := []struct {
		name, content, want string
	}{
		{"bad timestamp", header + "p1,2026-03-01 00:00,m,A,yes,,0.9,yes,,1,,1,a,true,1\n", `bad.csv:2: column "ts": "2026-03-01 00:00" is not an RFC 3339 timestamp`},
		{"bad number on a later line", good + "p4,2026-03-01T00:00:00Z,m,A,yes,,high,yes,,1,,1,a,true,1\n", `bad.csv:5: column "score": "high" is not a number`},
		{"missing required value", header + "p1,2026-03-01T00:00:00Z,,A,yes,,0.9,yes,,1,,1,a,true,1\n", `bad.csv:2: column "model": a value is required`},
		{"missing required column", "prediction_id,ts,model\np1,2026-03-01T00:00:00Z,m\n", "required column model_version missing"},
		{"wrong field count", header + "p1,2026-03-01T00:00:00Z,m\n", "wrong number of fields"},
		{"duplicate id", good + "p2,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,,1,a,true,1\n", `prediction_id "p2" appears more than once in the input (lines 3 and 5)`},
		{"bad column name", strings.Replace(header, "plan", "plan;drop", 1) + "p1,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,,1,a,true,1\n", `"plan;drop" is not a valid name`},
		// Header names were trimmed, so " plan" loaded as plan: a guess at what was meant.
		{"header name with a space", strings.Replace(header, "plan", " plan", 1) + "p1,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,,1,a,true,1\n", `bad.csv: header: prediction table schema: " plan" is not a valid name`},
		{"empty file", "", "the input is empty: expected a header line"},
		{"header only", header, "no data rows"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "p.duckdb")
			_, err := load(t, db, write(t, dir, "bad.csv", tc.content))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
			if n := count(t, db); n > 0 {
				t.Fatalf("a failed load stored %d rows", n)
			}
		})
	}
}

// A bad file loaded into an existing table leaves the table as it was.
func TestFailedLoadLeavesExistingRows(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	if _, err := load(t, db, write(t, dir, "good.csv", good)); err != nil {
		t.Fatal(err)
	}
	bad := header + "q1,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,,1,a,true,1\n" + "q2,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,,1,a,maybe,1\n"
	if _, err := load(t, db, write(t, dir, "bad.csv", bad)); err == nil || !strings.Contains(err.Error(), `column "is_mobile": "maybe" is not a boolean`) {
		t.Fatalf("got %v", err)
	}
	if n := count(t, db); n != 3 {
		t.Fatalf("rows after failed load: %d, want 3", n)
	}
}
