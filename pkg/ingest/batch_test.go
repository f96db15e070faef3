package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// goodJSON holds the rows of good as JSON lines: numbers, strings, booleans and nulls, keys in
// another order, missing keys for missing values.
const goodJSON = `{"prediction_id":"p1","ts":"2026-03-01T00:00:00Z","model":"m","model_version":"A","predicted_label":"yes","score":0.9,"actual_label":"yes","latency_ms":12.5,"age":41.5,"plan":"basic","is_mobile":true,"visits":3}
{"model":"m","prediction_id":"p2","ts":"2026-03-01T01:00:00Z","model_version":"A","predicted_label":"no","score":0.2,"latency_ms":10,"age":null,"plan":"pro","is_mobile":false,"visits":null}
{"prediction_id":"p3","ts":"2026-03-01T02:00:00.250Z","model":"m","model_version":"B","predicted_label":"no","actual_label":"no","latency_ms":"NaN","error":"timeout","age":29,"plan":"pro","is_mobile":false,"visits":7}
`

func batch(t *testing.T, db string, format ingest.Format, body string, maxRows int) (duckdb.LoadResult, error) {
	t.Helper()
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return ingest.LoadBatch(context.Background(), w, "body", format, []byte(body), maxRows)
}

const everyColumn = "SELECT string_agg(CAST((prediction_id, ts, model, model_version, predicted_label, predicted_value, score, actual_label, actual_value, latency_ms, error, " +
	"age, plan, is_mobile, visits, typeof(age), typeof(visits), typeof(is_mobile)) AS VARCHAR), chr(10) ORDER BY prediction_id) FROM predictions"

// A batch of JSON lines stores exactly what the same rows as a CSV file store: same values,
// same NULLs, same inferred column types.
func TestJSONLinesStoreWhatCSVStores(t *testing.T) {
	dir := t.TempDir()
	fromCSV, fromJSON, gz := filepath.Join(dir, "csv.duckdb"), filepath.Join(dir, "json.duckdb"), filepath.Join(dir, "gz.duckdb")
	if _, err := load(t, fromCSV, write(t, dir, "good.csv", good)); err != nil {
		t.Fatal(err)
	}
	res, err := batch(t, fromJSON, ingest.FormatJSONLines, goodJSON, 0)
	if err != nil || res.Inserted != 3 {
		t.Fatalf("%+v, %v", res, err)
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write([]byte(goodJSON))
	_ = zw.Close()
	if _, err := batch(t, gz, ingest.FormatJSONLines, zipped.String(), 0); err != nil {
		t.Fatal(err)
	}
	want := query(t, fromCSV, everyColumn)
	for _, db := range []string{fromJSON, gz} {
		if got := query(t, db, everyColumn); got != want {
			t.Errorf("%s:\n%s\nwant (from CSV):\n%s", filepath.Base(db), got, want)
		}
	}
	if len(res.Written) != 1 || res.Written[0].Model != "m" || !res.Written[0].From.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) ||
		!res.Written[0].To.Equal(time.Date(2026, 3, 1, 2, 0, 0, 250e6, time.UTC)) {
		t.Errorf("written ranges: %+v", res.Written)
	}
	again, err := batch(t, fromJSON, ingest.FormatJSONLines, goodJSON, 0)
	if err != nil || again.Inserted != 0 || again.Skipped != 3 || len(again.Written) != 0 {
		t.Fatalf("a resent batch must add nothing: %+v, %v", again, err)
	}
}

// Every bad value of a batch is listed with its line and column, and nothing is written.
func TestBatchListsEveryBadValue(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.duckdb")
	body := header +
		"p1,2026-03-01T00:00:00Z,m,A,yes,,1.5,yes,,12.5,,41.5,basic,true,3\n" +
		"p2,yesterday,m,A,no,,0.2,,,10,,,pro,false,\n" +
		"p3,2026-03-01T02:00:00Z,m,B,no,,,no,,NaN,timeout,29,pro,false,7\n" +
		"p4,2026-03-01T02:00:00Z,,B,no,,,no,,1,,29,pro,false,7\n"
	_, err := batch(t, db, ingest.FormatCSV, body, 0)
	got := ingest.Reasons(err)
	want := []ingest.RowError{
		{Line: 2, Column: "score", Reason: "1.5 is not a probability: score must be between 0 and 1"},
		{Line: 3, Column: "ts", Reason: `"yesterday" is not an RFC 3339 timestamp (write it like 2026-03-01T12:00:00Z)`},
		{Line: 5, Column: "model", Reason: "a value is required"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("reasons:\n%v\nwant\n%v", got, want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), fmt.Sprintf("body:%d: column %q: %s", w.Line, w.Column, w.Reason)) {
			t.Errorf("the message does not list line %d:\n%v", w.Line, err)
		}
	}
	if n := count(t, db); n > 0 {
		t.Fatalf("a refused batch wrote %d rows", n)
	}
	var many strings.Builder
	many.WriteString(header)
	for i := range ingest.MaxReasons + 20 {
		fmt.Fprintf(&many, "p%d,2026-03-01T00:00:00Z,m,A,yes,,2,,,1,,,,,\n", i)
	}
	_, err = batch(t, db, ingest.FormatCSV, many.String(), 0)
	var r *ingest.Refusal
	if !errors.As(err, &r) || !r.More || len(r.Reasons()) != ingest.MaxReasons {
		t.Fatalf("over %d bad values: want the first %d and More, got %v", ingest.MaxReasons, ingest.MaxReasons, err)
	}
}

// The malformed JSON lines a careless or hostile client sends are refused with the line and
// what is wrong; nothing is written.
func TestBadJSONLines(t *testing.T) {
	row := `{"prediction_id":"p1","ts":"2026-03-01T00:00:00Z","model":"m","model_version":"A"}`
	cases := []struct{ name, body, want string }{
		{"array value", row + "\n" + `{"prediction_id":"p2","ts":"2026-03-01T00:00:00Z","model":["m"],"model_version":"A"}`, `body:2: key "model": a value is an array or an object`},
		{"object value", `{"prediction_id":"p2","ts":{"a":1},"model":"m","model_version":"A"}`, `body:1: key "ts": a value is an array or an object`},
		{"duplicate key", `{"prediction_id":"p2","prediction_id":"p3","ts":"2026-03-01T00:00:00Z","model":"m","model_version":"A"}`, `key "prediction_id" appears twice`},
		{"empty line", row + "\n\n" + row, "body:2: an empty line"},
		{"not an object", `["p1"]`, "not a JSON object"},
		{"two objects", row + row, "more than one JSON value on the line"},
		{"truncated", `{"prediction_id":"p1","ts":`, "not valid JSON"},
		{"bad UTF-8", `{"prediction_id":"p` + "\xff" + `","ts":"2026-03-01T00:00:00Z","model":"m","model_version":"A"}`, "not valid UTF-8"},
		{"wrong type", `{"prediction_id":"p1","ts":"2026-03-01T00:00:00Z","model":"m","model_version":"A","score":"high"}`, `body:1: column "score": "high" is not a number`},
		{"missing required", `{"prediction_id":"p1","ts":"2026-03-01T00:00:00Z","model":"m"}`, "required column model_version missing"},
		{"empty", "", "no JSON object with keys"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "s.duckdb")
			_, err := batch(t, db, ingest.FormatJSONLines, c.body, 0)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v", c.want, err)
			}
			if n := count(t, db); n > 0 {
				t.Fatalf("a refused batch wrote %d rows", n)
			}
		})
	}
}

func TestBatchOverRowCapIsTooLarge(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.duckdb")
	_, err := batch(t, db, ingest.FormatCSV, good, 2)
	if !errors.Is(err, ingest.ErrTooLarge) || !strings.Contains(err.Error(), "more than 2 rows") {
		t.Fatalf("want ErrTooLarge, got %v", err)
	}
	if _, err := batch(t, db, ingest.FormatCSV, good, 3); err != nil {
		t.Fatalf("a batch at the cap: %v", err)
	}
}

// A labels batch reports the models and time ranges of the predictions it labels.
func TestLabelsBatchReportsWhatItChanged(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	if _, err := load(t, db, write(t, dir, "good.csv", good)); err != nil {
		t.Fatal(err)
	}
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	body := `{"prediction_id":"p2","actual_label":"yes"}` + "\n" + `{"prediction_id":"p3","actual_label":"yes","labeled_at":"2026-03-05T00:00:00Z"}` + "\n"
	res, err := ingest.LoadLabelsBatch(context.Background(), w, "labels", "body", ingest.FormatJSONLines, []byte(body), 10, time.Now())
	if err != nil || res.Labels != 2 {
		t.Fatalf("%+v, %v", res, err)
	}
	if len(res.Written) != 1 || !res.Written[0].From.Equal(time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)) || !res.Written[0].To.Equal(time.Date(2026, 3, 1, 2, 0, 0, 250e6, time.UTC)) {
		t.Errorf("written: %+v", res.Written)
	}
	bad := `{"prediction_id":"p2"}` + "\n" + `{"prediction_id":"p3","actual_value":"x"}` + "\n"
	_, err = ingest.LoadLabelsBatch(context.Background(), w, "labels", "body", ingest.FormatJSONLines, []byte(bad), 10, time.Now())
	if got := ingest.Reasons(err); len(got) != 2 || got[0].Line != 1 || got[1].Line != 2 || got[1].Column != "actual_value" {
		t.Fatalf("want both lines refused, got %v (%v)", got, err)
	}
}

// modelwatch load reads a JSON lines file (by its name) by the same rules as a request body.
func TestLoadJSONLinesFile(t *testing.T) {
	dir := t.TempDir()
	fromCSV, fromFile := filepath.Join(dir, "csv.duckdb"), filepath.Join(dir, "jsonl.duckdb")
	if _, err := load(t, fromCSV, write(t, dir, "good.csv", good)); err != nil {
		t.Fatal(err)
	}
	if res, err := load(t, fromFile, write(t, dir, "good.ndjson", goodJSON)); err != nil || res.Inserted != 3 {
		t.Fatalf("%+v, %v", res, err)
	}
	if got, want := query(t, fromFile, everyColumn), query(t, fromCSV, everyColumn); got != want {
		t.Errorf("from the .ndjson file:\n%s\nwant\n%s", got, want)
	}
	_, err := load(t, filepath.Join(dir, "bad.duckdb"), write(t, dir, "bad.jsonl", `{"prediction_id":"p1","ts":"2026-03-01T00:00:00Z","model":"m","model_version":"A","score":2}`+"\n"))
	if err == nil || !strings.Contains(err.Error(), `bad.jsonl:1: column "score": 2 is not a probability`) {
		t.Fatalf("want the file, line and column, got %v", err)
	}
}
