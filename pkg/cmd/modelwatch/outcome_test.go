package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
)

// `modelwatch load --labels` takes a file of late outcomes only, and `query --outcome-columns`
// reads them: p1's late click replaces its logged "false", p3 gains one; without the flag
// the logged clicks alone count.
func TestLoadOutcomesThenQueryReadsThem(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	write := func(name, body string) string { return writeFile(t, dir, name, body) }
	preds := write("preds.csv", "prediction_id,ts,model,model_version,clicked\n"+
		"p1,2026-03-01T10:00:00Z,m,A,false\n"+
		"p2,2026-03-01T10:10:00Z,m,A,true\n"+
		"p3,2026-03-01T11:00:00Z,m,A,\n"+
		"p4,2026-03-01T12:00:00Z,m,A,false\n")
	clicks := write("clicks.csv", "prediction_id,clicked,labeled_at\np1,true,2026-03-01T12:10:00Z\np3,true,2026-03-01T13:00:00Z\n")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"load", "--db", db, "--file", preds, "--labels", clicks}, &out, &errOut); err != nil {
		t.Fatalf("load: %v %s", err, errOut.String())
	}
	q := `{"schemaVersion":1,"queryType":"outcome","model":"m","outcome":"clicked","metrics":["rate","count"],"format":"numeric"}`
	for _, c := range []struct {
		flags       []string
		rate, count string
	}{
		{[]string{"--labels-table", "labels", "--outcome-columns", "clicked, purchased"}, "[0.75]", "[4]"},
		{nil, "[0.3333333333333333]", "[3]"},
	} {
		out.Reset()
		args := append([]string{"query", "--db", db, "--output", "json", "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-02T00:00:00Z", "--query", q}, c.flags...)
		if err := run(context.Background(), args, &out, &errOut); err != nil {
			t.Fatalf("query %v: %v %s", c.flags, err, errOut.String())
		}
		var resp rollupFrames
		if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		values := map[string]string{}
		for i, field := range resp.Frames[0].Schema.Fields {
			values[field.Name] = string(resp.Frames[0].Data.Values[i])
		}
		if values["rate"] != c.rate || values["count"] != c.count {
			t.Errorf("%v: %v", c.flags, values)
		}
	}
}
