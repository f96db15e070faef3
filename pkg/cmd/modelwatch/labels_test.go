package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `modelwatch load --labels` loads late labels into the labels table, and a query reading that
// table counts them: label coverage rises from 1 of 4 predictions to 3 of 4, and label delays
// are the files' labeled_at minus the predictions' ts.
func TestLoadLabelsThenQueryReadsThem(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	write := func(name, body string) string { return writeFile(t, dir, name, body) }
	preds := write("preds.csv", "prediction_id,ts,model,model_version,predicted_label,actual_label\n"+
		"p1,2026-03-01T10:00:00Z,m,A,yes,yes\n"+
		"p2,2026-03-01T10:10:00Z,m,A,no,\n"+
		"p3,2026-03-01T11:00:00Z,m,A,yes,\n"+
		"p4,2026-03-01T12:00:00Z,m,A,no,\n")
	labels := write("labels.csv", "prediction_id,actual_label,labeled_at\n"+
		"p2,no,2026-03-01T12:10:00Z\n"+
		"p3,no,2026-03-01T13:00:00Z\n")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"load", "--db", db, "--file", preds, "--labels", labels}, &out, &errOut); err != nil {
		t.Fatalf("load: %v %s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "2 labels loaded into table labels") {
		t.Fatalf("load printed %q", out.String())
	}
	out.Reset()
	q := `{"schemaVersion":1,"queryType":"coverage","model":"m","metrics":["label_coverage","labeled_rows","label_delay_mean"],"format":"numeric"}`
	if err := run(context.Background(), []string{"query", "--db", db, "--labels-table", "labels", "--output", "json",
		"--from", "2026-03-01T00:00:00Z", "--to", "2026-03-02T00:00:00Z", "--query", q}, &out, &errOut); err != nil {
		t.Fatalf("query: %v %s", err, errOut.String())
	}
	var resp rollupFrames
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	values := map[string]string{}
	for i, field := range resp.Frames[0].Schema.Fields {
		values[field.Name] = string(resp.Frames[0].Data.Values[i])
	}
	// p2 waited 2 h, p3 2 h: a mean delay of 7200 s.
	if values["label_coverage"] != "[0.75]" || values["labeled_rows"] != "[3]" || values["label_delay_mean"] != "[7200]" {
		t.Fatalf("coverage with the labels: %v", values)
	}
}

// A labels file with a bad line loads nothing and names the line and column; so do a header
// without the needed columns and a column that is not a label's.
func TestLoadLabelsRefusesABadFileWhole(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	for _, tc := range []struct{ body, want string }{
		{"prediction_id,actual_value,labeled_at\np1,1.5,2026-03-01T12:00:00Z\np2,lots,2026-03-01T12:00:00Z\n", `:3: column "actual_value": "lots" is not a number`},
		{"prediction_id,actual_label,labeled_at\np1,yes,yesterday\n", `:2: column "labeled_at": "yesterday" is not an RFC 3339 timestamp`},
		{"prediction_id,actual_label\n,yes\n", `:2: column "prediction_id": a value is required`},
		{"prediction_id,actual_label\np1,\n", "a label needs actual_label or actual_value"},
		{"prediction_id,labeled_at\np1,2026-03-01T12:00:00Z\n", "needs prediction_id and actual_label or actual_value"},
		{"prediction_id,actual_label,score\np1,yes,0.4\n", `column "score" is not a label column`},
		{"prediction_id,actual_label\n", "no labels"},
	} {
		p := filepath.Join(dir, "labels.csv")
		if err := os.WriteFile(p, []byte(tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"load", "--db", db, "--labels", p}, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing from this file was loaded") {
			t.Errorf("%q: error %v, want one with %q", tc.body, err, tc.want)
		}
	}
	c, err := sql.Open("duckdb", db+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var tables int
	if err := c.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'labels'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	var n int
	if tables > 0 {
		if err := c.QueryRow(`SELECT count(*) FROM labels`).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if n != 0 {
		t.Fatalf("%d labels were written by refused files", n)
	}
}
