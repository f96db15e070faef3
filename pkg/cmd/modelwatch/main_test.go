package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLoadThenQueryMatchesScikitLearn runs the README's path: `modelwatch load` of a CSV in the
// default schema, then `modelwatch query` with a numeric classification query; the printed
// values equal scikit-learn's (testdata/golden/classification/cases.json).
func TestLoadThenQueryMatchesScikitLearn(t *testing.T) {
	var cases []struct {
		File          string             `json:"file"`
		PositiveClass string             `json:"positiveClass"`
		Threshold     *float64           `json:"threshold"`
		Metrics       map[string]float64 `json:"metrics"`
	}
	raw, err := os.ReadFile("../../../testdata/golden/classification/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	gc := cases[1] // imbalanced, threshold 0.5 on score, 8% without ground truth
	db := filepath.Join(t.TempDir(), "p.duckdb")
	var out, errOut bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"load", "--db", db, "--file", "../../../testdata/golden/classification/" + gc.File}, &out, &errOut); err != nil {
		t.Fatalf("load: %v %s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "5000 rows read, 5000 loaded") {
		t.Fatalf("load output: %s", out.String())
	}
	q, _ := json.Marshal(map[string]any{
		"queryType": "classification", "model": "golden", "versions": []string{"A"},
		"metrics": []string{"accuracy", "precision", "recall", "f1"}, "positiveClass": gc.PositiveClass,
		"threshold": gc.Threshold, "format": "numeric",
	})
	out.Reset()
	if err := run(ctx, []string{"query", "--db", db, "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-03T00:00:00Z", "--query", string(q)}, &out, &errOut); err != nil {
		t.Fatalf("query: %v %s", err, errOut.String())
	}
	var resp framesJSON
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		t.Fatalf("output is not {\"frames\": [...]}: %v\n%s", err, out.String())
	}
	f := resp.Frames[0]
	for i, field := range f.Schema.Fields {
		want, isMetric := gc.Metrics[field.Name]
		if !isMetric {
			continue
		}
		var got []float64
		if err := json.Unmarshal(f.Data.Values[i], &got); err != nil {
			t.Fatal(err)
		}
		if math.Abs(got[0]-want) > 1e-9*math.Abs(want) {
			t.Errorf("%s: got %.15g, want %.15g", field.Name, got[0], want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	cases := map[string][]string{
		"no command":      nil,
		"unknown command": {"frobnicate"},
		"missing --query": {"query", "--db", "x.duckdb"},
		"missing --file":  {"load", "--db", "x.duckdb"},
		"stray argument":  {"health", "--db", "x.duckdb", "extra"},
		"bad time":        {"query", "--db", "x.duckdb", "--from", "yesterday", "--query", "{}"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := run(context.Background(), args, &out, &errOut); err == nil {
				t.Fatalf("want an error")
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	now, _ := parseTime("2026-03-10T00:00:00Z", time.Time{})
	got, err := parseTime("now-7d", now)
	if err != nil || got.Format("2006-01-02") != "2026-03-03" {
		t.Fatalf("now-7d: %v %v", got, err)
	}
}

// A file the loader refuses (here a score outside [0, 1], once loaded silently) stops the
// command with the file, line and column; the files before it stay loaded.
func TestLoadRefusesAFileNamingIt(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	head := "prediction_id,ts,model,model_version,score\n"
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(good, []byte(head+"p1,2026-03-01T00:00:00Z,m,A,0.5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(head+"p2,2026-03-01T00:00:00Z,m,A,1.5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"load", "--db", db, "--file", good, "--file", bad}, &out, &errOut)
	want := bad + `:2: column "score": 1.5 is not a probability: score must be between 0 and 1 (nothing from this file was loaded)`
	if err == nil || err.Error() != want {
		t.Fatalf("got error %v\nwant %s", err, want)
	}
	if !strings.Contains(out.String(), good+": 1 rows read, 1 loaded") {
		t.Fatalf("the file before the bad one must stay loaded: %s", out.String())
	}
}

// framesJSON is what `modelwatch query` prints as JSON: the SDK's frames, field names and
// column values.
type framesJSON struct {
	Frames []struct {
		Schema struct {
			Fields []struct{ Name string } `json:"fields"`
		} `json:"schema"`
		Data struct {
			Values []json.RawMessage `json:"values"`
		} `json:"data"`
	} `json:"frames"`
}
