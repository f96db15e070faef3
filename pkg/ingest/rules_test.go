package ingest_test

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/ingest"
)

// writeParquet writes the result of a DuckDB SELECT to a Parquet file, so fixtures stay small
// and readable in the test itself.
func writeParquet(t *testing.T, dir, name, selectSQL string) string {
	t.Helper()
	c, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p := filepath.Join(dir, name)
	if _, err := c.Exec("COPY (" + selectSQL + ") TO '" + p + "' (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	return p
}

// query returns the first column of a one-row query against the loaded store, as text.
func query(t *testing.T, db, q string) string {
	t.Helper()
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var s sql.NullString
	if err := c.QueryRow(q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if !s.Valid {
		return "NULL"
	}
	return s.String
}

const base = "SELECT 'p1' AS prediction_id, TIMESTAMPTZ '2026-03-01 12:00:00+00' AS ts, 'm' AS model, 'A' AS model_version"

const zoneChild = "MODELWATCH_TEST_ZONE_CHILD"

// A Parquet timestamp with a zone (isAdjustedToUTC) was cast to the loading machine's local
// time: 12:00Z was stored as 07:00 when TZ=America/New_York. The check runs in a child process
// per zone because DuckDB fixes its default TimeZone setting from TZ once per process.
func TestParquetTimestampsAreStoredInUTCWhateverTheZone(t *testing.T) {
	if zone := os.Getenv(zoneChild); zone != "" {
		checkParquetTimestampsInUTC(t, zone)
		return
	}
	for _, zone := range []string{"America/New_York", "Asia/Kolkata"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestParquetTimestampsAreStoredInUTCWhateverTheZone$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "TZ="+zone, zoneChild+"="+zone)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "zone checked") {
			t.Errorf("TZ=%s: %v\n%s", zone, err, out)
		}
	}
}

func checkParquetTimestampsInUTC(t *testing.T, zone string) {
	// The test proves nothing unless both Go and DuckDB really run in the zone.
	if time.Local.String() != zone {
		t.Fatalf("time.Local is %s, want %s", time.Local, zone)
	}
	c, _ := sql.Open("duckdb", "")
	var duckZone string
	if err := c.QueryRow("SELECT current_setting('TimeZone')").Scan(&duckZone); err != nil || duckZone != zone {
		t.Fatalf("DuckDB TimeZone is %q (%v), want %s", duckZone, err, zone)
	}
	_ = c.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	aware := writeParquet(t, dir, "aware.parquet", base)
	naive := writeParquet(t, dir, "naive.parquet", "SELECT 'p2' AS prediction_id, TIMESTAMP '2026-03-01 12:00:00' AS ts, 'm' AS model, 'A' AS model_version")
	for _, f := range []string{aware, naive} {
		if _, err := load(t, db, f); err != nil {
			t.Fatal(err)
		}
	}
	got := query(t, db, "SELECT string_agg(strftime(ts, '%Y-%m-%dT%H:%M:%S'), ' ' ORDER BY prediction_id) FROM predictions")
	if got != "2026-03-01T12:00:00 2026-03-01T12:00:00" {
		t.Fatalf("TZ=%s: stored %s, want 12:00 UTC for the zoned and the zoneless timestamp", zone, got)
	}
	t.Log("zone checked")
}

// NaN in a Parquet double is NULL, as in CSV; it used to be stored as NaN.
func TestParquetNaNIsNull(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	f := writeParquet(t, dir, "nan.parquet", base+", 'NaN'::DOUBLE AS latency_ms, 'NaN'::DOUBLE AS age")
	if _, err := load(t, db, f); err != nil {
		t.Fatal(err)
	}
	if got := query(t, db, "SELECT count(*) FROM predictions WHERE latency_ms IS NULL AND age IS NULL"); got != "1" {
		t.Fatalf("rows with NULL latency_ms and age: %s, want 1", got)
	}
}

// A fractional value loaded into an existing integer column was rounded (2.5 stored as 3).
func TestParquetFractionIntoIntegerColumnIsRefused(t *testing.T) {
	cases := map[string]string{
		"double":  "2.5::DOUBLE",
		"decimal": "2.5::DECIMAL(4,1)",
		"float":   "2.5::FLOAT",
	}
	for name, value := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "p.duckdb")
			if _, err := load(t, db, write(t, dir, "good.csv", good)); err != nil {
				t.Fatal(err)
			}
			f := writeParquet(t, dir, "frac.parquet",
				"SELECT * FROM (VALUES ('q1', TIMESTAMPTZ '2026-03-01 12:00:00+00', 'm', 'A', 3::DOUBLE), "+
					"('q2', TIMESTAMPTZ '2026-03-01 13:00:00+00', 'm', 'A', "+value+")) t(prediction_id, ts, model, model_version, visits)")
			_, err := load(t, db, f)
			want := `frac.parquet: row 2: column "visits": 2.5 is not an integer`
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("want error containing %q, got %v", want, err)
			}
			if n := count(t, db); n != 3 {
				t.Fatalf("rows after the refused load: %d, want 3", n)
			}
		})
	}
}

// Text is stored as given: the loader trimmed nothing in text cells but turned a cell of spaces
// into NULL, and a Parquet load must not rewrite text either.
func TestTextIsStoredAsGiven(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	csvFile := write(t, dir, "spaces.csv", header+
		"p1,2026-03-01T00:00:00Z, mw ,A , yes,,0.9,yes\t,,1,,1,  ,true,1\n")
	if _, err := load(t, db, csvFile); err != nil {
		t.Fatal(err)
	}
	pq := writeParquet(t, dir, "spaces.parquet",
		"SELECT 'p2' AS prediction_id, TIMESTAMPTZ '2026-03-01 12:00:00+00' AS ts, ' mw ' AS model, 'A ' AS model_version, '  ' AS plan")
	if _, err := load(t, db, pq); err != nil {
		t.Fatal(err)
	}
	got := query(t, db, "SELECT string_agg(concat_ws('|', model, model_version, coalesce(predicted_label, 'NULL'), coalesce(actual_label, 'NULL'), coalesce(plan, 'NULL')), '/' ORDER BY prediction_id) FROM predictions")
	want := " mw |A | yes|yes\t|  / mw |A |NULL|NULL|  "
	if got != want {
		t.Fatalf("stored %q, want %q", got, want)
	}
}

// Invalid UTF-8 in a text cell is refused with file, line and column, never stored as is, as
// NULL or with replacement characters.
func TestInvalidUTF8IsRefused(t *testing.T) {
	cases := []struct{ name, content, want string }{
		{"new text column", good + "p4,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,,1,b\xffc,true,1\n", `bad.csv:5: column "plan": text is not valid UTF-8`},
		{"base text column", header + "p1,2026-03-01T00:00:00Z,m\xc3,A,yes,,0.9,yes,,1,,1,a,true,1\n", `bad.csv:2: column "model": text is not valid UTF-8`},
		{"quoted cell on a later line", header + "p1,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,\"two\nlines \xfe\",1,a,true,1\n", `bad.csv:3: column "error": text is not valid UTF-8`},
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
				t.Fatalf("a refused file stored %d rows", n)
			}
		})
	}
	t.Run("parquet binary column", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "p.duckdb")
		f := writeParquet(t, dir, "bad.parquet", base+", '\\xFF\\xFE'::BLOB AS plan")
		_, err := load(t, db, f)
		want := `bad.parquet: row 1: column "plan": text is not valid UTF-8`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("want error containing %q, got %v", want, err)
		}
	})
}

// wideHeader is the default schema's columns followed by generated feature columns up to n.
func wideHeader(n int) string {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(header, "\n"))
	for i := 15; i < n; i++ {
		fmt.Fprintf(&b, ",f%d", i)
	}
	return b.String() + "\n"
}

// A header of 1,000,000 columns used 23 GB (work quadratic in columns); a file wider than the
// limit is refused before any row is read, and a file at the limit still loads.
func TestColumnLimit(t *testing.T) {
	row := "p1,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,,1,a,true,1"
	t.Run("at the limit loads", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "p.duckdb")
		content := wideHeader(ingest.MaxColumns) + row + strings.Repeat(",1", ingest.MaxColumns-15) + "\n"
		if _, err := load(t, db, write(t, dir, "wide.csv", content)); err != nil {
			t.Fatal(err)
		}
	})
	for _, n := range []int{ingest.MaxColumns + 1, 1_000_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "p.duckdb")
			// A full-width row, so that nothing refuses the file before its width is seen.
			f := write(t, dir, "wide.csv", wideHeader(n)+row+strings.Repeat(",1", n-15)+"\n")
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := load(t, db, f)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			want := fmt.Sprintf(`wide.csv: header: %d columns, more than the limit of %d`, n, ingest.MaxColumns)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("want error containing %q, got %.300v", want, err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
				t.Errorf("refusing a %d-column header allocated %d MB", n, alloc>>20)
			}
			if elapsed > 20*time.Second {
				t.Errorf("refusing a %d-column header took %s", n, elapsed)
			}
		})
	}
	t.Run("parquet", func(t *testing.T) {
		dir := t.TempDir()
		var sel strings.Builder
		sel.WriteString(base)
		for i := 4; i <= ingest.MaxColumns; i++ {
			fmt.Fprintf(&sel, ", 1 AS f%d", i)
		}
		f := writeParquet(t, dir, "wide.parquet", sel.String())
		_, err := load(t, filepath.Join(dir, "p.duckdb"), f)
		want := fmt.Sprintf(`wide.parquet: header: %d columns, more than the limit of %d`, ingest.MaxColumns+1, ingest.MaxColumns)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("want error containing %q, got %.300v", want, err)
		}
	})
	t.Run("table grown past the limit", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "p.duckdb")
		half := ingest.MaxColumns/2 + 10
		first := wideHeader(half) + row + strings.Repeat(",1", half-15) + "\n"
		if _, err := load(t, db, write(t, dir, "first.csv", first)); err != nil {
			t.Fatal(err)
		}
		second := strings.ReplaceAll(wideHeader(half), ",f", ",g") + strings.Replace(row, "p1", "p2", 1) + strings.Repeat(",1", half-15) + "\n"
		_, err := load(t, db, write(t, dir, "second.csv", second))
		want := fmt.Sprintf("second.csv: header: the table would have %d columns", 2*half-15)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("want error containing %q, got %.300v", want, err)
		}
	})
}

// score is a probability: values outside [0, 1], infinities and NaN are refused (NaN used to
// become NULL silently), with file, line and column.
func TestScoreMustBeAProbability(t *testing.T) {
	for _, v := range []string{"1.5", "-0.1", "Inf", "-Inf", "+Inf", "NaN", "1e400"} {
		t.Run(v, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "p.duckdb")
			content := good + "p4,2026-03-01T00:00:00Z,m,A,yes,," + v + ",yes,,1,,1,a,true,1\n"
			_, err := load(t, db, write(t, dir, "bad.csv", content))
			want := `bad.csv:5: column "score": `
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "between 0 and 1") {
				t.Fatalf("want error containing %q and the range, got %v", want, err)
			}
			if v == "NaN" && !strings.Contains(err.Error(), "NaN") {
				t.Fatalf("a NaN score must be named as such: %v", err)
			}
			if n := count(t, db); n > 0 {
				t.Fatalf("a refused file stored %d rows", n)
			}
		})
	}
	for _, v := range []string{"1.5::DOUBLE", "'NaN'::DOUBLE", "'-Infinity'::DOUBLE", "2::BIGINT"} {
		t.Run("parquet "+v, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "p.duckdb")
			f := writeParquet(t, dir, "bad.parquet", base+", "+v+" AS score")
			_, err := load(t, db, f)
			want := `bad.parquet: row 1: column "score": `
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "between 0 and 1") {
				t.Fatalf("want error containing %q and the range, got %v", want, err)
			}
		})
	}
}

// Errors found after the rows are read (a duplicate prediction_id) named no file.
func TestEveryErrorNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	content := good + "p2,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,,1,a,true,1\n"
	_, err := load(t, db, write(t, dir, "dup.csv", content))
	if err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, "dup.csv")+": ") {
		t.Fatalf("error must start with the file: %v", err)
	}
	pq := writeParquet(t, dir, "dup.parquet", base+" UNION ALL "+base)
	_, err = load(t, db, pq)
	if err == nil || !strings.HasPrefix(err.Error(), pq+": ") {
		t.Fatalf("error must start with the file: %v", err)
	}
}

// Parquet values were CAST to their column's type, which guessed: a zoneless text timestamp or a
// date became a time, a nested column was flattened into names that do not exist. Now only
// exact conversions are made, and anything else is refused with its row and column.
func TestParquetValuesConvertOnlyExactly(t *testing.T) {
	const head = "SELECT 'p1' AS prediction_id, 'm' AS model, 'A' AS model_version, "
	refused := []struct{ name, sel, want string }{
		{"text timestamp without a zone", head + "'2026-03-01 12:00' AS ts", `row 1: column "ts": "2026-03-01 12:00" is not an RFC 3339 timestamp`},
		{"date timestamp", head + "DATE '2026-03-01' AS ts", `row 1: column "ts": a DATE has no time of day`},
		{"empty required text", "SELECT 'p1' AS prediction_id, '' AS model, 'A' AS model_version, TIMESTAMPTZ '2026-03-01 12:00:00+00' AS ts",
			`row 1: column "model": an empty text is not a value for a required column`},
		{"nested feature", head + "TIMESTAMPTZ '2026-03-01 12:00:00+00' AS ts, {'a': 1} AS s", `column "s": a "STRUCT(a INTEGER)" column cannot be a feature`},
		{"integer too large", head + "TIMESTAMPTZ '2026-03-01 12:00:00+00' AS ts, 9223372036854775808::UBIGINT AS visits", `row 1: column "visits": "9223372036854775808" does not fit a 64-bit integer`},
		{"boolean into a number", head + "TIMESTAMPTZ '2026-03-01 12:00:00+00' AS ts, true AS latency_ms", `row 1: column "latency_ms": a "BOOLEAN" value cannot be stored in a double column`},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "p.duckdb")
			f := writeParquet(t, dir, "x.parquet", tc.sel)
			_, err := load(t, db, f)
			if err == nil || !strings.Contains(err.Error(), "x.parquet: "+tc.want) {
				t.Fatalf("want error containing %q, got %v", "x.parquet: "+tc.want, err)
			}
			if n := count(t, db); n > 0 {
				t.Fatalf("a refused file stored %d rows", n)
			}
		})
	}
	t.Run("exact conversions load", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "p.duckdb")
		if _, err := load(t, db, write(t, dir, "good.csv", good)); err != nil { // visits is integer
			t.Fatal(err)
		}
		f := writeParquet(t, dir, "x.parquet", "SELECT 'p9' AS prediction_id, 'm' AS model, 'A' AS model_version, '2026-03-01T12:00:00+02:00' AS ts, 1::BIGINT AS predicted_label, '0.25' AS score, 3.0::DOUBLE AS visits, 7::INTEGER AS latency_ms, '' AS error")
		if _, err := load(t, db, f); err != nil {
			t.Fatal(err)
		}
		got := query(t, db, "SELECT concat_ws('|', strftime(ts, '%H:%M'), predicted_label, score, visits, latency_ms, '<' || error || '>') FROM predictions WHERE prediction_id = 'p9'")
		if want := "10:00|1|0.25|3|7.0|<>"; got != want {
			t.Fatalf("stored %q, want %q", got, want)
		}
	})
}

// The CSV reader turns a CRLF line break inside a quoted cell into LF, which would store text
// other than the file's; such a cell is refused (text is stored as given or not at all). CRLF
// line endings between records are fine.
func TestCRLFInsideQuotedCellIsRefused(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	crlf := strings.ReplaceAll(header, "\n", "\r\n") +
		"p1,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,\"one\nline\",1,a,true,1\r\n" +
		"p2,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,\"two\r\nlines\",1,a,true,1\r\n"
	_, err := load(t, db, write(t, dir, "crlf.csv", crlf))
	want := `crlf.csv:4: a quoted cell holds a CRLF line break`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want error containing %q, got %v", want, err)
	}
	ok := strings.ReplaceAll(header, "\n", "\r\n") + "p1,2026-03-01T00:00:00Z,m,A,yes,,0.9,yes,,1,\"one\nline\",1,a,true,1\r\n"
	if _, err := load(t, db, write(t, dir, "ok.csv", ok)); err != nil {
		t.Fatal(err)
	}
	if got := query(t, db, "SELECT error FROM predictions"); got != "one\nline" {
		t.Fatalf("stored %q", got)
	}
}
